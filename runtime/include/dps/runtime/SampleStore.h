//===- SampleStore.h - each subset's samples at its precision ---*- C++ -*-===//
//
// Claim 10: memory holds the samples of each subset at that subset's
// precision, contiguous per precision, so a micro-batch streams without
// conversion. A sample that moves to another rung is re-materialised from
// the original f32 data, never converted from a degraded copy. An f32
// rung's rows are the original data itself, read in place: no copy of them
// is made (the MLP's Fashion-MNIST: 172 MB and ~0.3 s of start-up saved).
//
//===----------------------------------------------------------------------===//
#ifndef DPS_RUNTIME_SAMPLESTORE_H
#define DPS_RUNTIME_SAMPLESTORE_H

#include "dps/runtime/Dataset.h"
#include "dps/runtime/PageBuffer.h"
#include "dps/runtime/Precision.h"

#include <vector>

namespace dps::rt {

class SampleStore {
public:
  SampleStore(const Dataset &source, std::vector<Precision> ladder);

  /// Puts each sample on its rung (`rungOf[sample]`, an index into the
  /// ladder), in place: a sample that stays keeps its bytes, one that
  /// arrives is rounded from the original data; a rung that shrinks gives
  /// its memory back.
  Status assign(const std::vector<uint8_t> &rungOf);

  size_t rungs() const { return ladder.size(); }
  Precision precision(size_t rung) const { return ladder[rung]; }
  size_t rungOf(size_t sample) const { return rung[sample]; }
  /// Samples on `rung`, in buffer order.
  size_t count(size_t rung) const { return members[rung].size(); }
  /// The stored row of `sample` (on its rung), `rowBytes(rung)` long.
  const uint8_t *row(size_t sample) const;
  size_t rowBytes(size_t rung) const {
    return source.sampleSize() * bytesPerElement(ladder[rung]);
  }
  /// Copies the `count` samples at `samples` (all on `rung`) into
  /// consecutive rows of `out`.
  void gather(size_t rung, const uint32_t *samples, size_t count,
              uint8_t *out) const;
  void gather(size_t rung, const std::vector<uint32_t> &samples,
              uint8_t *out) const {
    gather(rung, samples.data(), samples.size(), out);
  }

  /// The buffer `rung`'s rows lie in (for an f32 rung, the source's
  /// samples, one row per sample), for a device to hold a copy of.
  struct Rows {
    const uint8_t *data;
    size_t bytes;
  };
  Rows rows(size_t rung) const;
  /// Whether the last assign() wrote any of `rung`'s rows.
  bool rewritten(size_t rung) const { return changed[rung]; }
  /// The row within rows(rung) of each of the `count` samples at
  /// `samples` (all on `rung`).
  void rowIndices(size_t rung, const uint32_t *samples, size_t count,
                  uint32_t *out) const;
  /// Bytes held per rung (none for an f32 rung: its rows are the source's),
  /// and of the original f32 source data.
  size_t bytes(size_t rung) const { return buffers[rung].size(); }
  size_t totalBytes() const;
  size_t sourceBytes() const { return source.samples.size() * 4; }

private:
  /// Whether `rung`'s rows are read from the source in place.
  bool inPlace(size_t rung) const { return ladder[rung] == Precision::F32; }

  const Dataset &source;
  std::vector<Precision> ladder;
  std::vector<uint8_t> rung;               // per sample
  std::vector<uint32_t> position;          // per sample: row in its rung
  std::vector<std::vector<uint32_t>> members;
  std::vector<PageBuffer> buffers;
  std::vector<bool> changed; // per rung, by the last assign()
};

} // namespace dps::rt

#endif // DPS_RUNTIME_SAMPLESTORE_H
