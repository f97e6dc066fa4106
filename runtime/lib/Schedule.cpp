//===- Schedule.cpp - subsets and precisions across epochs -----------------===//
#include "dps/runtime/Schedule.h"

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace dps::rt;

ScheduleConfig ScheduleConfig::defaults(std::vector<Precision> ladder,
                                        int epochs, size_t subsets) {
  ScheduleConfig config;
  size_t n = ladder.size();
  config.ladder = std::move(ladder);
  config.epochs = epochs;
  size_t k = subsets == 0 ? n : std::min(subsets, n);
  // The rungs the K subsets use: the top, the bottom, evenly in between.
  std::vector<size_t> rungs;
  for (size_t j = 0; j < k; ++j)
    rungs.push_back(k == 1 ? 0 : (j * (n - 1) + (k - 1) / 2) / (k - 1));
  config.startShares.assign(n, 0.0);
  config.endShares.assign(n, 0.0);
  // Ending weights grow down the ladder as triangular numbers: 1, 3, 6, ...
  double total = 0;
  for (size_t j = 0; j < k; ++j) {
    config.startShares[rungs[j]] = 1.0 / double(k);
    config.endShares[rungs[j]] = double((j + 1) * (j + 2) / 2);
    total += config.endShares[rungs[j]];
  }
  for (double &share : config.endShares)
    share /= total;
  config.decayEpochs = std::min(8, std::max(1, epochs));
  if (k > 1) {
    config.lateShares = config.endShares;
    config.lateShares[rungs[1]] += config.lateShares[rungs[0]];
    config.lateShares[rungs[0]] = 0;
  }
  return config;
}

Status ScheduleConfig::validate() const {
  size_t n = ladder.size();
  if (n == 0)
    return Status::error("the schedule needs a ladder of at least one rung");
  if (epochs < 1)
    return Status::error("the schedule needs at least one epoch");
  auto check = [&](const std::vector<double> &shares,
                   const char *what) -> Status {
    if (shares.size() != n)
      return Status::error(std::string(what) + " has " +
                           std::to_string(shares.size()) + " shares for a ladder of " +
                           std::to_string(n) + " rungs");
    double total = 0;
    for (double share : shares) {
      if (!(share >= 0))
        return Status::error(std::string(what) + " has a negative share");
      total += share;
    }
    if (std::abs(total - 1) > 1e-6)
      return Status::error(std::string(what) + " sums to " +
                           std::to_string(total) + ", not 1");
    return Status::success();
  };
  if (Status s = check(startShares, "the starting subset split"); !s)
    return s;
  if (Status s = check(endShares, "the final subset split"); !s)
    return s;
  if (!lateShares.empty())
    if (Status s = check(lateShares, "the late subset split"); !s)
      return s;
  if (decayEpochs < 1)
    return Status::error("the decay must span at least one epoch");
  if (rollbackTolerance < 0)
    return Status::error("the rollback tolerance must not be negative");
  return Status::success();
}

EpochPlan Schedule::plan(const ScheduleState &state) const {
  EpochPlan plan;
  plan.epoch = state.completedEpochs + 1;
  int e = plan.epoch;
  std::vector<double> shares;
  if (state.rollbackNext) {
    plan.rollback = true;
  } else if (config.finalFullPrecision && e == config.epochs) {
    plan.fullPrecision = true;
  } else if (e > config.decayEpochs && !config.lateShares.empty()) {
    shares = config.lateShares;
  } else {
    double t = config.decayEpochs <= 1
                   ? 1.0
                   : double(std::min(e, config.decayEpochs) - 1) /
                         double(config.decayEpochs - 1);
    for (size_t i = 0; i < config.ladder.size(); ++i)
      shares.push_back((1 - t) * config.startShares[i] +
                       t * config.endShares[i]);
  }
  if (shares.empty()) {
    plan.subsets.push_back({1.0, config.ladder.front()});
  } else {
    for (size_t i = 0; i < shares.size(); ++i)
      if (shares[i] > 0)
        plan.subsets.push_back({shares[i], config.ladder[i]});
  }
  // A one-rung ladder has nothing to split: its probe would measure losses
  // no subset is formed from.
  plan.probe = config.ladder.size() > 1 &&
               ((e == 1 && config.probeFirstEpoch) ||
                (config.probeEvery > 0 && e > 1 &&
                 (e - 1) % config.probeEvery == 0));
  return plan;
}

ScheduleState Schedule::observe(const ScheduleState &state,
                                double validationError) const {
  ScheduleState next = state;
  ++next.completedEpochs;
  bool rose = false;
  switch (config.rollback) {
  case RollbackMode::BestWithTolerance:
    rose = state.bestValidationError &&
           validationError > *state.bestValidationError +
                                 config.rollbackTolerance;
    break;
  case RollbackMode::PreviousEpoch:
    rose = state.previousValidationError &&
           validationError > *state.previousValidationError;
    break;
  case RollbackMode::Never:
    break;
  }
  // A rollback covers exactly the next epoch; the schedule then resumes.
  next.rollbackNext = rose;
  if (next.rollbackNext)
    ++next.rollbacks;
  next.previousValidationError = validationError;
  if (!next.bestValidationError || validationError < *next.bestValidationError)
    next.bestValidationError = validationError;
  return next;
}
