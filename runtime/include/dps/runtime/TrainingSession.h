//===- TrainingSession.h - a training run from the command line -*- C++ -*-===//
//
// What dps-train (which can also compile models) and dps-run (runtime only,
// for machines without LLVM) share: datasets by name, the console's epoch
// table and progress, and a run from an opened model to its metrics and
// plot files.
//
//===----------------------------------------------------------------------===//
#ifndef DPS_RUNTIME_TRAININGSESSION_H
#define DPS_RUNTIME_TRAININGSESSION_H

#include "dps/runtime/Dataset.h"
#include "dps/runtime/KernelBackend.h"
#include "dps/runtime/Manifest.h"
#include "dps/runtime/Trainer.h"

#include <memory>
#include <string>

namespace dps::rt {

/// fashion-mnist (Debian's dataset-fashion-mnist), synthetic, tiny, or
/// idx:DIR, split into training, `validationSplit` validation samples (at
/// most a sixth for the built-in ones) and test; `limit` > 0 keeps that many
/// training samples.
Result<DatasetSplits> loadNamedDataset(const std::string &name,
                                       int64_t validationSplit, int64_t limit,
                                       uint64_t seed);

/// `--device`'s values: cpu, cuda or host-mirror (the CPU's kernels on
/// copies kept as on a GPU); anything else is an error naming them.
Status checkDevice(const std::string &device);

/// The compiled model (a shared object) at `path`, whose kernels
/// `manifest` describes, on `device` (checked).
Result<std::unique_ptr<KernelBackend>>
openModelObject(const std::string &path, const Manifest &manifest,
                const std::string &device);

/// How a session reports.
struct SessionOutput {
  std::string tool = "dps-train"; // prefixes messages
  std::string datasetName;        // for the metrics and the plot
  std::string source;             // "compiled model", "compiled in 1.2 s"...
  bool quiet = false;
  /// Evaluate the model's initial parameters on the test split instead of
  /// training (e.g. a pretrained model imported from ONNX).
  bool evalOnly = false;
  std::string metricsPath, plotPath; // empty: not written
};

/// Trains the model `backend` runs on `data`, printing the epoch table (and
/// progress on a terminal) unless quiet, then writes the metrics and plot
/// files atomically.
Status runTrainingSession(const Manifest &manifest, KernelBackend &backend,
                          const DatasetSplits &data,
                          const TrainerOptions &options,
                          const SessionOutput &output);

} // namespace dps::rt

#endif // DPS_RUNTIME_TRAININGSESSION_H
