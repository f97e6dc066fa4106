// The machine's own ceiling for bench/cpu.sh: one core's peak rate of
// 512-bit f32 FMAs (vfmadd231ps; 256-bit ones on a CPU without AVX-512) and
// of bf16 dot products (vdpbf16ps), each timed on twelve independent
// accumulators (more than latency x throughput, so only throughput limits). A bf16 kernel can be at most their ratio
// faster than an f32 one; on the Zen 5 these benches ran on it is ~1.84, not
// the 2 the element sizes suggest. Prints one JSON line per unit; a unit the
// CPU lacks is left out.
//
//   cc -O2 bench/peak.c -o peak && ./peak
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

enum { kAccumulators = 12 };
static const long kIterations = 100000000;

// `NAME(sink)` times one unit on registers of type `VEC` (filled by
// `SPLAT`): `SETUP` declares its operands, `STEP(acc)` is one instruction
// into accumulator `acc`. Returns instructions per second; `sink` keeps the
// results alive.
#define RATE(NAME, TARGET, VEC, SPLAT, SETUP, STEP)                            \
  __attribute__((target(TARGET))) static double NAME(float *sink) {            \
    VEC a[kAccumulators];                                                      \
    for (int i = 0; i < kAccumulators; ++i)                                    \
      a[i] = SPLAT((float)i);                                                  \
    SETUP;                                                                     \
    double start = now();                                                      \
    for (long i = 0; i < kIterations; ++i) {                                   \
      _Pragma("GCC unroll 12") /* unrolled: a[] stays in registers */         \
      for (int k = 0; k < kAccumulators; ++k)                                  \
        a[k] = STEP(a[k]);                                                     \
      __asm__ volatile("");                                                    \
    }                                                                          \
    double seconds = now() - start;                                            \
    float lanes[sizeof(VEC) / sizeof(float)];                                  \
    for (int i = 0; i < kAccumulators; ++i) {                                  \
      __builtin_memcpy(lanes, &a[i], sizeof lanes);                            \
      *sink += lanes[0];                                                       \
    }                                                                          \
    return kAccumulators * (double)kIterations / seconds;                      \
  }

#define FMA_STEP(acc) _mm512_fmadd_ps(acc, b, c)
RATE(fmaRate, "avx512f", __m512, _mm512_set1_ps,
     __m512 b = _mm512_set1_ps(0.5f);
     __m512 c = _mm512_set1_ps(0.25f), FMA_STEP)

// AVX2's 256-bit FMA: the f32 unit of a CPU without AVX-512 (Zen 3).
#define FMA256_STEP(acc) _mm256_fmadd_ps(acc, b, c)
RATE(fma256Rate, "avx2,fma", __m256, _mm256_set1_ps,
     __m256 b = _mm256_set1_ps(0.5f);
     __m256 c = _mm256_set1_ps(0.25f), FMA256_STEP)

// (1.0, 1.0) . (0.5, 0.5) in every lane.
#define DOT_STEP(acc) _mm512_dpbf16_ps(acc, x, y)
RATE(dotRate, "avx512f,avx512bf16", __m512, _mm512_set1_ps,
     __m512bh x = (__m512bh)_mm512_set1_epi32(0x3f803f80);
     __m512bh y = (__m512bh)_mm512_set1_epi32(0x3f003f00), DOT_STEP)

int main(void) {
  float sink = 0;
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f"))
    // 16 lanes, 2 flops (multiply, add) each.
    printf("{\"unit\": \"vfmadd231ps\", \"precision\": \"f32\", "
           "\"gflops\": %.1f}\n",
           fmaRate(&sink) * 32 / 1e9);
  else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    // 8 lanes, 2 flops each.
    printf("{\"unit\": \"vfmadd231ps ymm\", \"precision\": \"f32\", "
           "\"gflops\": %.1f}\n",
           fma256Rate(&sink) * 16 / 1e9);
  if (__builtin_cpu_supports("avx512bf16"))
    // 16 lanes, each two products and their sum into the accumulator.
    printf("{\"unit\": \"vdpbf16ps\", \"precision\": \"bf16\", "
           "\"gflops\": %.1f}\n",
           dotRate(&sink) * 64 / 1e9);
  return sink == 12345.0f; // never: the results are used
}
