//===- Bucketer.cpp - samples into precision subsets by loss ---------------===//
#include "dps/runtime/Bucketer.h"

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace dps::rt;

size_t Bucketing::subsetCount() const {
  return std::count_if(rungSamples.begin(), rungSamples.end(),
                       [](size_t n) { return n > 0; });
}

Result<Bucketing> dps::rt::bucketByLoss(const std::vector<float> &losses,
                                        const std::vector<SubsetSpec> &subsets,
                                        const std::vector<Precision> &ladder) {
  if (subsets.empty())
    return Status::error("bucketing needs at least one subset");
  double total = 0;
  std::vector<size_t> rungOf;
  for (auto [index, subset] : [&] {
         std::vector<std::pair<size_t, SubsetSpec>> indexed;
         for (size_t i = 0; i < subsets.size(); ++i)
           indexed.push_back({i, subsets[i]});
         return indexed;
       }()) {
    if (!(subset.fraction >= 0))
      return Status::error("subset " + std::to_string(index) +
                           " has a negative fraction");
    total += subset.fraction;
    auto rung = std::find(ladder.begin(), ladder.end(), subset.precision);
    if (rung == ladder.end())
      return Status::error("subset precision " +
                           std::string(name(subset.precision)) +
                           " is not on the ladder");
    if (!rungOf.empty() && size_t(rung - ladder.begin()) < rungOf.back())
      return Status::error("subsets must go from high to low precision, as "
                           "their losses do");
    rungOf.push_back(rung - ladder.begin());
  }
  if (std::abs(total - 1.0) > 1e-6)
    return Status::error("subset fractions sum to " + std::to_string(total) +
                         ", not 1");

  size_t n = losses.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  auto key = [&](size_t i) {
    float loss = losses[i];
    return std::isnan(loss) ? INFINITY : loss;
  };
  // Highest loss first, ties by index: a total order, so each subset is a
  // set of samples whatever the order inside it; selecting each boundary
  // (nth_element) is linear, where sorting every loss was not.
  auto before = [&](size_t a, size_t b) {
    float ka = key(a), kb = key(b);
    return ka > kb || (ka == kb && a < b);
  };

  Bucketing result;
  result.rung.assign(n, 0);
  result.rungSamples.assign(ladder.size(), 0);
  result.rungMeanLoss.assign(ladder.size(), 0.0);
  // Cumulative rounding: boundaries at round(cumulative fraction * n).
  double cumulative = 0;
  size_t begin = 0;
  for (size_t s = 0; s < subsets.size(); ++s) {
    cumulative += subsets[s].fraction;
    size_t end = s + 1 == subsets.size()
                     ? n
                     : std::min(n, size_t(std::llround(cumulative * n)));
    if (end > begin && end < n)
      std::nth_element(order.begin() + begin, order.begin() + end, order.end(),
                       before);
    for (size_t k = begin; k < end; ++k) {
      result.rung[order[k]] = uint8_t(rungOf[s]);
      ++result.rungSamples[rungOf[s]];
      result.rungMeanLoss[rungOf[s]] += key(order[k]);
    }
    begin = end;
  }
  for (size_t r = 0; r < ladder.size(); ++r)
    if (result.rungSamples[r])
      result.rungMeanLoss[r] /= double(result.rungSamples[r]);
  return result;
}
