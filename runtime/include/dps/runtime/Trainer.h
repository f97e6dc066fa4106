//===- Trainer.h - the epoch loop of dynamic precision scaling ---*- C++ -*-===//
//
// DESIGN.md's trainer: each step draws a shuffled batch, splits it by subset
// into per-rung micro-batches, runs each rung's gradient kernel (f32
// accumulation), then one update, refreshing the rung copies about to run;
// it records every sample's loss, evaluates, applies the schedule and
// checkpoints after each epoch.
//
//===----------------------------------------------------------------------===//
#ifndef DPS_RUNTIME_TRAINER_H
#define DPS_RUNTIME_TRAINER_H

#include "dps/runtime/Dataset.h"
#include "dps/runtime/KernelBackend.h"
#include "dps/runtime/Manifest.h"
#include "dps/runtime/Schedule.h"

#include <map>
#include <memory>

namespace dps::rt {

struct TrainerOptions {
  ScheduleConfig schedule;
  uint64_t seed = 1;
  /// DESIGN.md's literal mode: each batch drawn from one subset.
  bool subsetBatching = false;
  std::string checkpointFolder; // empty: no checkpoints
  bool resume = false;
  /// Threads the run may use. With more than one, the rungs of a step run at
  /// the same time, each on one thread (their kernels single-threaded), and
  /// the optimizer update on all of them; results are the same either way.
  unsigned threads = 1;
  /// A step whose only rung is the ladder's top one (a one-rung ladder, a
  /// rollback epoch) computes its rows in this many gradient calls, 1 or 2
  /// (2 needs the model's `update_lanes_<rung>`, else 1), at the same time
  /// on two threads or one after the other on one. Each call's weight
  /// gradients sum over its rows, so results depend on the lanes, not on
  /// the threads.
  unsigned lanes = 2;
  /// Stop after this many completed epochs (0: run all), e.g. to resume
  /// later; the schedule still spans all epochs.
  int stopAfter = 0;
  /// Fault injection, for tests of the numerical-fault paths: the first
  /// micro-batch of rung `precision` at or after (epoch, step) gets a NaN as
  /// its first input value, so its kernel computes non-finite gradients.
  struct Fault {
    int epoch = 0;
    int step = 0;
    std::string precision;
  };
  std::vector<Fault> faults;
};

/// The CPU threads a run uses by default: OMP_NUM_THREADS if set (the
/// kernels' OpenMP runtime reads it too), else every core.
unsigned defaultThreads();

/// Where a rung's thread spent its time in an epoch's steps: the steps it
/// ran in, refreshing its copies, gathering its samples, and in its
/// gradient kernel (each step's rungs run at once: these overlap across
/// rungs).
struct RungTime {
  /// Steps the rung ran, and of them those whose samples another thread
  /// gathered ahead (in the previous step, while this rung's thread ran).
  size_t steps = 0, aheadSteps = 0;
  double refreshSeconds = 0, gatherSeconds = 0, kernelSeconds = 0;
};

struct SubsetReport {
  std::string precision;
  size_t samples = 0;
  double meanLoss = 0;
  RungTime time;
};

struct EpochReport {
  int epoch = 0;
  std::vector<SubsetReport> subsets; // highest precision first
  double trainLoss = 0, validationError = 0, testAccuracy = 0;
  /// seconds: the whole epoch (training, refreshes, evaluation);
  /// trainSeconds: its training steps alone, which samplesPerSecond divides.
  double seconds = 0, trainSeconds = 0, samplesPerSecond = 0;
  /// Where trainSeconds went: the loss probe, the rungs' refreshes, gathers
  /// and gradient kernels (wall time, rungs at once counted once), the
  /// updates; the rest is bucketing and bookkeeping.
  double probeSeconds = 0, rungSeconds = 0, updateSeconds = 0;
  double lowPrecisionFraction = 0;
  std::map<std::string, size_t> sampleStoreBytes, paramBytes;
  bool rollback = false, probe = false;
  int skippedSteps = 0;
  /// The update kernels the steps called, and how often: the whole
  /// ladder's, or one that reads only the sets from a lower rung down.
  std::map<std::string, size_t> updateKernels;
};

struct RunReport {
  std::vector<EpochReport> epochs;
  int resumedFromEpoch = -1; // -1: a fresh run
  double finalTestAccuracy = 0, seconds = 0;
  std::string paramsSha256;
  size_t sourceBytes = 0;
  /// Bytes copied to and from a device (none on the CPU).
  DeviceTransfers deviceTransfers;
};

/// What a front end shows while training.
class TrainerObserver {
public:
  virtual ~TrainerObserver() = default;
  virtual void epochStarted(const EpochPlan &, size_t /*steps*/) {}
  virtual void stepDone(size_t /*step*/, size_t /*steps*/,
                        double /*samplesPerSecond*/) {}
  virtual void epochFinished(const EpochReport &) {}
  virtual void warning(const std::string &) {}
};

class Trainer {
public:
  ~Trainer();
  static Result<std::unique_ptr<Trainer>>
  create(const Manifest &manifest, KernelBackend &backend,
         const DatasetSplits &data, TrainerOptions options);

  Result<RunReport> run(TrainerObserver &observer);

  /// Evaluates the current parameters (before run: the model's initial
  /// values) on the test split, without training.
  struct Evaluation {
    double testLoss = 0, testAccuracy = 0;
    std::string paramsSha256;
  };
  Result<Evaluation> evaluate();

private:
  Trainer();
  struct Impl;
  std::unique_ptr<Impl> impl;
};

/// The metrics JSON of a run (docs: README, "--metrics").
std::string metricsJson(const RunReport &report, const std::string &model,
                        const std::string &dataset,
                        const std::vector<Precision> &ladder);
/// An SVG of a run: the precision mix of each epoch (stacked), validation
/// error and test accuracy curves, rollback epochs marked R.
std::string svgPlot(const RunReport &report, const std::string &title);

/// The epochs of a metrics JSON (to continue a resumed run's report).
Result<std::vector<EpochReport>> parseEpochs(const std::string &json);

} // namespace dps::rt

#endif // DPS_RUNTIME_TRAINER_H
