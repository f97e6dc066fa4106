//===- Schedule.h - subsets and precisions across epochs ---------*- C++ -*-===//
//
// Claims 5-9, pure and deterministic: how many subsets an epoch runs and at
// which precisions, the loss probe that makes epoch 1 mixed, and the rollback
// to the maximum precision for the epoch after validation error rises.
//
//===----------------------------------------------------------------------===//
#ifndef DPS_RUNTIME_SCHEDULE_H
#define DPS_RUNTIME_SCHEDULE_H

#include "dps/runtime/Bucketer.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace dps::rt {

enum class RollbackMode {
  /// Rise above the best validation error so far by more than a tolerance.
  BestWithTolerance,
  /// Claim 9 literally: any rise relative to the previous epoch.
  PreviousEpoch,
  Never,
};

struct ScheduleConfig {
  std::vector<Precision> ladder;
  int epochs = 15;
  /// Per ladder rung, the share of samples at the first epoch and at epoch
  /// `decayEpochs` (linear in between): shares moving down the ladder decay
  /// the precisions (claims 7-8).
  std::vector<double> startShares, endShares;
  int decayEpochs = 8;
  /// Shares after `decayEpochs`; a rung with share 0 drops out, lowering the
  /// subset count (claims 5-6). Empty keeps `endShares`.
  std::vector<double> lateShares;
  RollbackMode rollback = RollbackMode::BestWithTolerance;
  double rollbackTolerance = 0.01;
  /// Re-measure losses with a probe before epoch 1 (so it is already mixed;
  /// without it epoch 1 runs at the top precision) and, if > 0, every
  /// `probeEvery` epochs. A one-rung ladder never probes.
  bool probeFirstEpoch = true;
  int probeEvery = 0;
  /// Run the last epoch at the maximum precision.
  bool finalFullPrecision = false;

  /// The defaults for a ladder (DESIGN.md): thirds moving to
  /// (0.1, 0.3, 0.6) over 8 epochs, then the top rung dropped. With
  /// `subsets` K in [1, ladder size) the K subsets sit on K rungs spread
  /// evenly from the top of the ladder to its bottom (0: one per rung).
  static ScheduleConfig defaults(std::vector<Precision> ladder, int epochs,
                                 size_t subsets = 0);
  Status validate() const;
};

/// What the schedule remembers between epochs (checkpointed).
struct ScheduleState {
  int completedEpochs = 0;
  std::optional<double> bestValidationError, previousValidationError;
  bool rollbackNext = false;
  int rollbacks = 0;
};

/// The plan of one epoch.
struct EpochPlan {
  int epoch; // 1-based
  std::vector<SubsetSpec> subsets; // highest precision first
  bool rollback = false;  // all at the maximum precision after a rise
  bool probe = false;     // measure losses with the eval kernel first
  bool fullPrecision = false;
};

class Schedule {
public:
  explicit Schedule(ScheduleConfig config) : config(std::move(config)) {}

  EpochPlan plan(const ScheduleState &state) const;
  /// The state after an epoch with validation error `validationError`.
  ScheduleState observe(const ScheduleState &state,
                        double validationError) const;
  const ScheduleConfig &settings() const { return config; }

private:
  ScheduleConfig config;
};

} // namespace dps::rt

#endif // DPS_RUNTIME_SCHEDULE_H
