//===- SampleStore.cpp - each subset's samples at its precision -----------===//
#include "dps/runtime/SampleStore.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <thread>

using namespace dps::rt;

namespace {
/// Calls fill(begin, end) over [0, count) in contiguous chunks, on as many
/// threads as the CPU has (at most 8) when the items hold enough elements
/// to pay for starting them: re-rounding a sample store at an epoch
/// boundary is millions of elements, on the training's critical path.
/// (Rounding 2^18 elements takes ~0.2 ms, starting a thread ~0.05.)
template <typename Fill>
void forChunks(size_t count, size_t elementsPerItem, Fill fill) {
  constexpr size_t kElementsPerThread = size_t(1) << 18;
  size_t threads = std::min<size_t>(
      {std::max(1u, std::thread::hardware_concurrency()), 8,
       count * elementsPerItem / kElementsPerThread + 1, count});
  if (threads <= 1) {
    fill(size_t(0), count);
    return;
  }
  std::vector<std::thread> workers;
  size_t chunk = (count + threads - 1) / threads;
  for (size_t begin = chunk; begin < count; begin += chunk)
    workers.emplace_back(fill, begin, std::min(count, begin + chunk));
  fill(size_t(0), std::min(count, chunk));
  for (std::thread &worker : workers)
    worker.join();
}
/// Asks for the cache lines of `bytes` bytes at `data`.
void prefetchBytes(const void *data, size_t bytes) {
  constexpr size_t kLine = 64;
  for (size_t offset = 0; offset < bytes; offset += kLine)
    __builtin_prefetch(static_cast<const uint8_t *>(data) + offset);
}
} // namespace

SampleStore::SampleStore(const Dataset &source, std::vector<Precision> ladder)
    : source(source), ladder(std::move(ladder)) {
  // Until assigned, every sample is on the top rung. (Short of memory, the
  // store stays empty and the first assign() reports it.)
  Status status = assign(std::vector<uint8_t>(source.size(), 0));
  (void)status;
}

Status SampleStore::assign(const std::vector<uint8_t> &rungOf) {
  if (rungOf.size() != source.size())
    return Status::error(
        "the assignment covers " + std::to_string(rungOf.size()) +
        " samples, the store " + std::to_string(source.size()));
  for (size_t s = 0; s < rungOf.size(); ++s)
    if (rungOf[s] >= ladder.size())
      return Status::error("sample " + std::to_string(s) +
                           " assigned to rung " + std::to_string(rungOf[s]) +
                           " of a ladder of " + std::to_string(ladder.size()));
  // In place, rung by rung: a sample that stays keeps its row (unless the
  // rung shrinks past it: then it moves down into a row another sample
  // left), a sample that arrives is rounded anew from the source into a
  // free row, never from another rung's copy. An epoch boundary touches
  // only the rows that change.
  bool fresh = rung.empty();
  members.resize(ladder.size());
  buffers.resize(ladder.size());
  changed.assign(ladder.size(), false);
  position.resize(source.size());
  size_t size = source.sampleSize();
  std::vector<uint32_t> freeRows, arrivals;
  for (size_t r = 0; r < ladder.size(); ++r) {
    std::vector<uint32_t> &rows = members[r]; // row -> sample
    if (inPlace(r)) { // its samples, for count(); row() reads the source
      rows.clear();
      for (size_t s = 0; s < rungOf.size(); ++s)
        if (rungOf[s] == r)
          rows.push_back(uint32_t(s));
      continue;
    }
    size_t bytes = rowBytes(r), staying = 0;
    freeRows.clear();
    for (size_t p = 0; p < rows.size(); ++p) {
      if (rungOf[rows[p]] == r)
        ++staying;
      else
        freeRows.push_back(uint32_t(p));
    }
    arrivals.clear();
    for (size_t s = 0; s < rungOf.size(); ++s)
      if (rungOf[s] == r && (fresh || rung[s] != r))
        arrivals.push_back(uint32_t(s));
    size_t oldCount = rows.size(), newCount = staying + arrivals.size();
    if (freeRows.empty() && arrivals.empty())
      continue;
    changed[r] = true;
    PageBuffer &buffer = buffers[r];
    if (newCount > oldCount) {
      if (!buffer.resize(newCount * bytes)) {
        // Nothing half-assigned stays: the next assign starts afresh.
        members.clear();
        buffers.clear();
        rung.clear();
        return Status::error("out of memory: the sample store's " +
                             std::string(name(ladder[r])) + " rung needs " +
                             std::to_string(newCount * bytes) + " bytes");
      }
      rows.resize(newCount);
      for (size_t p = oldCount; p < newCount; ++p)
        freeRows.push_back(uint32_t(p));
    }
    // Free rows below the new end, in order; stayers past it move there.
    auto end = std::lower_bound(freeRows.begin(), freeRows.end(), newCount);
    auto slot = freeRows.begin();
    for (size_t p = newCount; p < oldCount; ++p) {
      uint32_t sample = rows[p];
      if (rungOf[sample] != r)
        continue;
      std::memcpy(buffer.data() + *slot * bytes, buffer.data() + p * bytes,
                  bytes);
      rows[*slot] = sample;
      position[sample] = *slot++;
    }
    // The rest of the free rows take the arrivals.
    assert(size_t(end - slot) == arrivals.size() && "rows miscounted");
    (void)end;
    for (size_t i = 0; i < arrivals.size(); ++i) {
      rows[slot[i]] = arrivals[i];
      position[arrivals[i]] = slot[i];
    }
    // The arrivals' source rows lie at random in the dataset: each is
    // fetched while the one before it is rounded.
    forChunks(arrivals.size(), size, [&, r](size_t begin, size_t stop) {
      for (size_t i = begin; i < stop; ++i) {
        if (i + 1 < stop)
          prefetchBytes(source.sample(arrivals[i + 1]), size * sizeof(float));
        narrow(source.sample(arrivals[i]), size, ladder[r],
               buffer.data() + size_t(slot[i]) * bytes, /*saturate=*/true);
      }
    });
    if (newCount < oldCount) {
      rows.resize(newCount);
      // The pages a rung gives up go back to the system.
      bool shrunk = buffer.resize(newCount * bytes);
      assert(shrunk && "shrinking a mapping cannot fail");
      (void)shrunk;
    }
  }
  rung = rungOf;
  return Status::success();
}

const uint8_t *SampleStore::row(size_t sample) const {
  size_t r = rung[sample];
  if (inPlace(r))
    return reinterpret_cast<const uint8_t *>(source.sample(sample));
  return buffers[r].data() + position[sample] * rowBytes(r);
}

void SampleStore::gather(size_t r, const uint32_t *samples, size_t n,
                         uint8_t *out) const {
  // A step's rows lie at random places in a store larger than the caches:
  // a plain copy waits for each row's misses in turn (a step's gather took
  // ~30 us on Zen 5, for 40-100 KB). Rows a few ahead are fetched while one
  // is copied.
  constexpr size_t kAhead = 8;
  size_t bytes = rowBytes(r);
  for (size_t i = 0; i < std::min(kAhead, n); ++i)
    prefetchBytes(row(samples[i]), bytes);
  for (size_t i = 0; i < n; ++i) {
    if (i + kAhead < n)
      prefetchBytes(row(samples[i + kAhead]), bytes);
    std::memcpy(out + i * bytes, row(samples[i]), bytes);
  }
}

SampleStore::Rows SampleStore::rows(size_t r) const {
  if (inPlace(r))
    return {reinterpret_cast<const uint8_t *>(source.samples.data()),
            source.samples.size() * sizeof(float)};
  return {buffers[r].data(), buffers[r].size()};
}

void SampleStore::rowIndices(size_t r, const uint32_t *samples, size_t n,
                             uint32_t *out) const {
  if (inPlace(r)) {
    std::copy(samples, samples + n, out);
    return;
  }
  for (size_t i = 0; i < n; ++i)
    out[i] = position[samples[i]];
}

size_t SampleStore::totalBytes() const {
  size_t total = 0;
  for (const auto &buffer : buffers)
    total += buffer.size();
  return total;
}
