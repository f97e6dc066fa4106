//===- KernelManifest.h - the kernel ABI, read off dps IR -------*- C++ -*-===//
//
// The manifest names every kernel a train step compiles to, its kind and
// precision, and each argument's role, shape and element type: everything
// the runtime needs to allocate buffers and call the kernels (DESIGN.md,
// "The kernel ABI").
//
//===----------------------------------------------------------------------===//
#ifndef DPS_TARGET_KERNELMANIFEST_H
#define DPS_TARGET_KERNELMANIFEST_H

#include "dps/Dialect/DPS/IR/DPSAttrs.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

#include <array>
#include <string>
#include <vector>

namespace mlir::dps {

struct KernelArg {
  std::string name;
  ArgRole role;
  std::vector<int64_t> shape; // empty for scalars
  std::string elementType;    // "f32", "bf16", "i32", "index", ...
  std::string layout;         // "row_major", or "vnni" (see dps.pack_vnni)
  /// Parameters: the initialiser kind (`he_normal`, ...) or `values` when
  /// the model carries the initial values.
  std::string init;
  /// With `values`: the object's symbol holding them (row-major, f32).
  std::string values;
};

/// One GPU kernel a host kernel launches, in order; grid sizes of -1 depend
/// on the batch's rows (the `rows` argument).
struct GPULaunch {
  std::string kernel;
  std::array<int64_t, 3> grid;
  std::array<int64_t, 3> block;
};

struct KernelInfo {
  std::string name;
  KernelKind kind;
  std::string precision;
  /// Update kernels: the rungs whose gradient sets it reads, in ladder order.
  std::vector<std::string> rungs;
  std::vector<KernelArg> args;
  std::vector<GPULaunch> gpuLaunches; // GPU manifests only
};

struct KernelManifest {
  std::string model;     // the forward function
  std::string trainStep; // the dps.train_step
  int64_t batch = 0;
  int64_t outputs = 0; // the forward's outputs per sample (classes)
  std::vector<std::string> ladder;
  std::vector<KernelInfo> kernels;
  /// GPU manifests: the chip and the gpu.module holding every kernel.
  std::string gpuChip;
  std::string gpuModule;

  const KernelInfo *findKernel(llvm::StringRef name) const;
};

/// Reads the manifest of the train step `stepName` (or of the only one) off a
/// module whose train steps have been expanded by dps-autodiff. Errors are
/// emitted on the module.
FailureOr<KernelManifest> buildKernelManifest(ModuleOp module,
                                              llvm::StringRef stepName = "");

/// Records, for each kernel of `manifest`, the GPU kernels its host
/// function launches in `lowered` (a module after dps-lower-to-nvvm's
/// outlining, kernels merged into one gpu.module).
LogicalResult addGPULaunches(ModuleOp lowered, llvm::StringRef chip,
                             KernelManifest &manifest);

/// Writes `manifest` as the JSON of DESIGN.md.
void writeManifestJSON(const KernelManifest &manifest, llvm::raw_ostream &os);

} // namespace mlir::dps

#endif // DPS_TARGET_KERNELMANIFEST_H
