//===- Bucketer.h - samples into precision subsets by loss -------*- C++ -*-===//
//
// Claims 1-2: the samples of an epoch are grouped into subsets by their
// losses, and higher-loss subsets get higher precision.
//
//===----------------------------------------------------------------------===//
#ifndef DPS_RUNTIME_BUCKETER_H
#define DPS_RUNTIME_BUCKETER_H

#include "dps/runtime/Precision.h"

#include <vector>

namespace dps::rt {

/// One subset: a share of the samples and the precision it runs at.
struct SubsetSpec {
  double fraction;
  Precision precision;
};

/// Which rung of the ladder each sample runs at, and the subsets as run.
struct Bucketing {
  std::vector<uint8_t> rung;        // per sample: index into the ladder
  std::vector<size_t> rungSamples;  // per ladder rung: how many samples
  std::vector<double> rungMeanLoss; // per ladder rung: mean of their losses

  /// Subsets in use (rungs with samples), highest precision first.
  size_t subsetCount() const;
};

/// Splits samples into consecutive loss quantiles, highest losses first,
/// sized by `subsets` (fractions of the sample count, in that order; they
/// must be decreasing in precision along the ladder). Ties in loss go by
/// sample index (the lower index counts as the higher loss); NaN counts as
/// the highest loss. Subsets on the same rung merge.
Result<Bucketing> bucketByLoss(const std::vector<float> &losses,
                               const std::vector<SubsetSpec> &subsets,
                               const std::vector<Precision> &ladder);

} // namespace dps::rt

#endif // DPS_RUNTIME_BUCKETER_H
