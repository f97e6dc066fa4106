//===- TrainingState.h - everything a resumed run needs ----------*- C++ -*-===//
//
// What a checkpoint holds so that a killed run resumes where it stopped with
// nothing lost: master weights, optimizer state, scaler state, schedule
// state, the last per-sample losses and subset assignment, every RNG state,
// and the epoch.
//
//===----------------------------------------------------------------------===//
#ifndef DPS_RUNTIME_TRAININGSTATE_H
#define DPS_RUNTIME_TRAININGSTATE_H

#include "dps/runtime/Checkpoint.h"
#include "dps/runtime/Scalers.h"
#include "dps/runtime/Schedule.h"

#include <map>
#include <random>

namespace dps::rt {

struct TrainingState {
  int32_t epoch = 0; // completed epochs
  int64_t step = 0;  // optimizer steps taken
  std::map<std::string, std::vector<float>> masters, optimizerState;
  float lossScale = 0;
  int32_t lossScaleCleanSteps = 0;
  std::map<std::string, std::vector<std::deque<float>>> amaxHistories;
  ScheduleState schedule;
  std::vector<float> losses;   // per training sample, last measured
  std::vector<uint8_t> rungOf; // per training sample
  std::mt19937_64 shuffleRng, roundingRng;
  std::string metricsJson; // the metrics so far, to continue the report
};

void store(Checkpoint &checkpoint, const TrainingState &state);
Result<TrainingState> load(const Checkpoint &checkpoint);

} // namespace dps::rt

#endif // DPS_RUNTIME_TRAININGSTATE_H
