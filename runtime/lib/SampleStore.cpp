//===- SampleStore.cpp - each subset's samples at its precision -----------===//
#include "dps/runtime/SampleStore.h"

#include <algorithm>
#include <cstring>
#include <thread>

using namespace dps::rt;

namespace {
/// Calls fill(begin, end) over [0, count) in contiguous chunks, on as many
/// threads as the CPU has (at most 8) when the items hold enough elements
/// to pay for starting them: re-rounding a sample store at an epoch
/// boundary is tens of millions of elements, on the training's critical
/// path.
template <typename Fill>
void forChunks(size_t count, size_t elementsPerItem, Fill fill) {
  constexpr size_t kElementsPerThread = size_t(1) << 22;
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
} // namespace

SampleStore::SampleStore(const Dataset &source, std::vector<Precision> ladder)
    : source(source), ladder(std::move(ladder)) {
  // Until assigned, every sample is on the top rung.
  Status status = assign(std::vector<uint8_t>(source.size(), 0));
  (void)status;
}

Status SampleStore::assign(const std::vector<uint8_t> &rungOf) {
  if (rungOf.size() != source.size())
    return Status::error(
        "the assignment covers " + std::to_string(rungOf.size()) +
        " samples, the store " + std::to_string(source.size()));
  // Samples that stay on their rung keep their bytes (copied); the others
  // are rounded anew from the source, never from another rung's copy.
  std::vector<std::vector<uint8_t>> previous = std::move(buffers);
  std::vector<uint8_t> previousRung = std::move(rung);
  std::vector<uint32_t> previousPosition = std::move(position);
  members.assign(ladder.size(), {});
  position.assign(source.size(), 0);
  for (size_t s = 0; s < rungOf.size(); ++s) {
    if (rungOf[s] >= ladder.size())
      return Status::error("sample " + std::to_string(s) +
                           " assigned to rung " + std::to_string(rungOf[s]) +
                           " of a ladder of " + std::to_string(ladder.size()));
    position[s] = members[rungOf[s]].size();
    members[rungOf[s]].push_back(uint32_t(s));
  }
  rung = rungOf;
  buffers.assign(ladder.size(), {});
  size_t size = source.sampleSize();
  for (size_t r = 0; r < ladder.size(); ++r) {
    std::vector<uint8_t> &buffer = buffers[r];
    size_t bytes = rowBytes(r);
    buffer.resize(members[r].size() * bytes);
    forChunks(members[r].size(), size, [&, r](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i) {
        uint32_t sample = members[r][i];
        uint8_t *out = buffer.data() + i * bytes;
        if (!previousRung.empty() && previousRung[sample] == r)
          std::memcpy(out,
                      previous[r].data() + previousPosition[sample] * bytes,
                      bytes);
        else
          narrow(source.sample(sample), size, ladder[r], out,
                 /*saturate=*/true);
      }
    });
  }
  return Status::success();
}

const uint8_t *SampleStore::row(size_t sample) const {
  size_t r = rung[sample];
  return buffers[r].data() + position[sample] * rowBytes(r);
}

void SampleStore::gather(size_t r, const std::vector<uint32_t> &samples,
                         uint8_t *out) const {
  size_t bytes = rowBytes(r);
  for (size_t i = 0; i < samples.size(); ++i)
    std::memcpy(out + i * bytes, row(samples[i]), bytes);
}

size_t SampleStore::totalBytes() const {
  size_t total = 0;
  for (const auto &buffer : buffers)
    total += buffer.size();
  return total;
}
