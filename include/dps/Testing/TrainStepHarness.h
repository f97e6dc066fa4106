//===- TrainStepHarness.h - run a train step's kernels in tests -*- C++ -*-===//
//
// Compiles a model's train step (dps-lower-to-llvm + JIT) and holds a host
// buffer for every kernel argument, shared by name across kernels: the
// parameters the gradient kernel reads are the ones the update writes. Used
// by the numeric checks (dps-gradcheck, dps-replay); the runtime has its own.
//
//===----------------------------------------------------------------------===//
#ifndef DPS_TESTING_TRAINSTEPHARNESS_H
#define DPS_TESTING_TRAINSTEPHARNESS_H

#include "dps/Dialect/DPS/IR/DPSOps.h"
#include "dps/JIT/JitModule.h"
#include "dps/Target/KernelManifest.h"

#include <map>
#include <memory>
#include <vector>

namespace mlir::dps {

class TrainStepHarness {
public:
  /// Compiles the train step `stepName` (or the only one) of `model`.
  static FailureOr<std::unique_ptr<TrainStepHarness>>
  compile(ModuleOp model, llvm::StringRef stepName = "");

  const KernelManifest &manifest() const { return kernelManifest; }
  TrainStepOp step() const { return trainStep; }
  const KernelInfo &kernel(KernelKind kind) const;

  /// The buffer of the argument named `name` (i32 data is stored bit-cast).
  std::vector<float> &buffer(llvm::StringRef name);
  /// Names of the arguments of `kind`'s kernel with `role`, in order.
  std::vector<std::string> names(KernelKind kind, ArgRole role) const;

  /// Calls `kind`'s kernel; scalars come from the arguments.
  LogicalResult call(KernelKind kind, int64_t rows, int64_t stepIndex = 0,
                     int64_t totalSteps = 1);

private:
  TrainStepHarness() = default;

  KernelManifest kernelManifest;
  TrainStepOp trainStep;
  std::unique_ptr<::dps::JitModule> jit;
  std::map<std::string, std::vector<float>, std::less<>> buffers;
};

/// Stores an i32 in a float buffer element, bit for bit.
float bitsOf(int32_t value);

} // namespace mlir::dps

#endif // DPS_TESTING_TRAINSTEPHARNESS_H
