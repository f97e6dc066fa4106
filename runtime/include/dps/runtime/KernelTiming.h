//===- KernelTiming.h - per-call kernel times ----------------- -*- C++ -*-===//
//
// Times single kernels of a compiled model at a given number of valid rows,
// with the arguments the trainer would pass (initialised parameters, fresh
// rung copies, a batch of in-range inputs and labels). A call's time at one
// row is its fixed cost (weight-sized passes: packing, rounding, gradient
// accumulation), which a step pays once per rung present; bench/cpu.sh
// reports these next to the training figures.
//
//===----------------------------------------------------------------------===//
#ifndef DPS_RUNTIME_KERNELTIMING_H
#define DPS_RUNTIME_KERNELTIMING_H

#include "dps/runtime/KernelBackend.h"
#include "dps/runtime/Manifest.h"

#include <memory>

namespace dps::rt {

/// One kernel at one row count: "grad_bf16@43" names
/// `<step>_grad_bf16` of the manifest called with 43 valid rows (the
/// manifest's kernel name in full works too); rows default to the batch.
struct KernelTimingCase {
  const KernelSpec *kernel = nullptr;
  int64_t rows = 0;
};

Result<KernelTimingCase> parseKernelTimingCase(const Manifest &manifest,
                                               const std::string &text);

struct KernelTiming {
  double medianMicroseconds = 0, p10Microseconds = 0;
};

/// One kernel made ready once (parameters initialised, the rung's refresh
/// kernel run so its copies hold them, the arguments built) and then timed
/// as often as asked.
class KernelTimer {
public:
  static Result<std::unique_ptr<KernelTimer>>
  create(const Manifest &manifest, KernelBackend &backend,
         const KernelTimingCase &timing);
  ~KernelTimer();

  /// Calls the kernel `repetitions` times (after one warm-up call) and
  /// returns the median and 10th-percentile wall times. `cold`: before each
  /// call (untimed) reads a buffer larger than the caches, so the call finds
  /// none of its data cached: in a training step the other kernels (the
  /// other rungs', the update, the refreshes) pass several MB through the
  /// caches between two calls of one kernel, so a run's calls lie between
  /// the warm and the cold figure.
  Result<KernelTiming> time(int repetitions, bool cold = false);

private:
  KernelTimer();
  struct Impl;
  std::unique_ptr<Impl> impl;
};

} // namespace dps::rt

#endif // DPS_RUNTIME_KERNELTIMING_H
