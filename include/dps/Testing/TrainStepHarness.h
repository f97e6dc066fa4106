//===- TrainStepHarness.h - run a train step's kernels in tests -*- C++ -*-===//
//
// Compiles a model's train step (dps-lower-to-llvm + JIT) and holds a host
// buffer for every kernel argument, shared by name across kernels: the
// parameters the gradient kernel reads are the ones the update writes, the
// copy a refresh kernel writes is the one its rung's gradient kernel reads.
// Arguments private to a rung (its parameter copies, input batch, scaling
// state) are named `<precision>/<name>`. Used by the numeric checks
// (dps-gradcheck, dps-replay, dps-rungcheck); the runtime has its own.
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
  /// The kernel of `kind` at `precision` (grad and refresh kernels exist per
  /// rung; update and eval are f32).
  const KernelInfo &kernel(KernelKind kind,
                           llvm::StringRef precision = "f32") const;

  /// The buffer key of `arg` of `kernel`.
  static std::string key(const KernelInfo &kernel, const KernelArg &arg);
  /// A 4-byte-element buffer (f32, or i32 stored bit-cast) by key.
  std::vector<float> &buffer(llvm::StringRef key);
  /// A buffer of 1- or 2-byte elements (f8, f16, bf16) by key.
  std::vector<uint8_t> &narrowBuffer(llvm::StringRef key);
  /// A float buffer's values, widened to f32 where narrower (a bf16 rung's
  /// gradient set).
  std::vector<float> floats(llvm::StringRef key);
  /// The value passed for a scalar f32 argument (a loss scale) by key.
  void setScalar(llvm::StringRef key, float value) { scalars[key.str()] = value; }
  /// Keys of the arguments of a kernel with `role`, in order.
  std::vector<std::string> names(KernelKind kind, ArgRole role,
                                 llvm::StringRef precision = "f32") const;

  /// Calls a kernel; `rows`, `step` and `total_steps` come from the arguments.
  LogicalResult call(KernelKind kind, int64_t rows, int64_t stepIndex = 0,
                     int64_t totalSteps = 1,
                     llvm::StringRef precision = "f32");

private:
  TrainStepHarness() = default;

  KernelManifest kernelManifest;
  TrainStepOp trainStep;
  std::unique_ptr<::dps::JitModule> jit;
  std::map<std::string, std::vector<float>, std::less<>> buffers;
  std::map<std::string, std::vector<uint8_t>, std::less<>> narrowBuffers;
  std::map<std::string, float, std::less<>> scalars;
  std::map<std::string, std::string, std::less<>> elementTypes;
};

/// Stores an i32 in a float buffer element, bit for bit.
float bitsOf(int32_t value);

/// The semantics of a narrow float type by its name (f16, bf16, f8E4M3FN,
/// f8E5M2); null for others.
const llvm::fltSemantics *semanticsOf(llvm::StringRef type);

} // namespace mlir::dps

#endif // DPS_TESTING_TRAINSTEPHARNESS_H
