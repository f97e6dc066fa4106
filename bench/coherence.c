// What it costs one core to take cache lines from the other: the figures
// behind the update's non-temporal stores (docs/kernel-abi.md). Two threads
// pinned to CPUs 0 and 1 pass one line back and forth (the round trip), then
// CPU 0 writes a buffer that CPU 1 has just read (its lines shared there)
// or just written (modified there), with plain and with non-temporal
// stores, against the same writes of a buffer only CPU 0 touches and of one
// evicted to memory. Prints one JSON line per figure. Needs AVX-512F and
// two CPUs.
//
//   cc -O2 -mavx512f -pthread bench/coherence.c -o coherence && ./coherence
#define _GNU_SOURCE
#include <immintrin.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static int pin(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

// The round trip: CPU 0 writes an odd value, CPU 1 answers with the next.
enum { kTrips = 200000 };
static _Atomic long flag __attribute__((aligned(64)));

static void *answer(void *unused) {
  (void)unused;
  pin(1);
  for (long i = 0; i < kTrips; ++i) {
    while (atomic_load(&flag) != 2 * i + 1)
      ;
    atomic_store(&flag, 2 * i + 2);
  }
  return NULL;
}

static double roundTripNs(void) {
  pthread_t other;
  pthread_create(&other, NULL, answer, NULL);
  double start = now();
  for (long i = 0; i < kTrips; ++i) {
    atomic_store(&flag, 2 * i + 1);
    while (atomic_load(&flag) != 2 * i + 2)
      ;
  }
  double seconds = now() - start;
  pthread_join(other, NULL);
  return seconds / kTrips * 1e9;
}

// The buffer (512 KB: a step's master weights are ~1 MB) and what CPU 1
// does to it before CPU 0 writes it.
enum { kBytes = 512 * 1024, kFloats = kBytes / 4, kRepetitions = 50 };
static float *buffer, *junk;
static volatile float sink;

static void *readBuffer(void *unused) {
  (void)unused;
  pin(1);
  __m512 sum = _mm512_setzero_ps();
  for (size_t i = 0; i < kFloats; i += 16)
    sum = _mm512_add_ps(sum, _mm512_load_ps(buffer + i));
  sink = _mm512_reduce_add_ps(sum);
  return NULL;
}

static void fill(int streaming) {
  __m512 value = _mm512_set1_ps(0.5f);
  for (size_t i = 0; i < kFloats; i += 16)
    if (streaming)
      _mm512_stream_ps(buffer + i, value);
    else
      _mm512_store_ps(buffer + i, value);
  _mm_sfence();
}

static void *writeBuffer(void *unused) {
  (void)unused;
  pin(1);
  fill(0);
  return NULL;
}

static void evict(void) {
  __m512 sum = _mm512_setzero_ps();
  for (size_t i = 0; i < (64u << 20) / 4; i += 16)
    sum = _mm512_add_ps(sum, _mm512_load_ps(junk + i));
  sink = _mm512_reduce_add_ps(sum);
}

// GB/s of CPU 0's writes after `before` (NULL: after its own writes, or
// after an eviction with `cold`).
static double writeRate(void *(*before)(void *), int cold, int streaming) {
  double seconds = 0;
  for (int r = 0; r < kRepetitions; ++r) {
    fill(0);
    if (before) {
      pthread_t other;
      pthread_create(&other, NULL, before, NULL);
      pthread_join(other, NULL);
    } else if (cold) {
      evict();
    }
    double start = now();
    fill(streaming);
    seconds += now() - start;
  }
  return (double)kBytes * kRepetitions / seconds / 1e9;
}

int main(void) {
  if (pin(0) != 0) {
    fprintf(stderr, "coherence: needs CPUs 0 and 1\n");
    return 1;
  }
  buffer = aligned_alloc(64, kBytes);
  junk = aligned_alloc(64, 64u << 20);
  memset(junk, 1, 64u << 20);
  printf("{\"figure\": \"round trip\", \"ns\": %.1f}\n", roundTripNs());
  const struct {
    const char *after;
    void *(*before)(void *);
    int cold;
  } cases[] = {{"own", NULL, 0},
               {"evicted", NULL, 1},
               {"read by the other core", readBuffer, 0},
               {"written by the other core", writeBuffer, 0}};
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; ++c)
    for (int streaming = 0; streaming < 2; ++streaming)
      printf("{\"figure\": \"write\", \"lines\": \"%s\", \"stores\": \"%s\", "
             "\"GB/s\": %.1f}\n",
             cases[c].after, streaming ? "non-temporal" : "plain",
             writeRate(cases[c].before, cases[c].cold, streaming));
  return 0;
}
