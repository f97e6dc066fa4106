//===- GPUOptions.h - dps-translate's GPU flags -----------------*- C++ -*-===//
#ifndef DPS_LIB_TARGET_GPUOPTIONS_H
#define DPS_LIB_TARGET_GPUOPTIONS_H

#include "dps/Pipelines/Pipelines.h"

#include "mlir/IR/BuiltinOps.h"

namespace mlir::dps {

/// Sets dps-lower-to-nvvm's `options` from `--dps-gpu-chip` and
/// `--dps-gpu-features`, with the binary `format` and the `toolkit` holding
/// ptxas ("": ptxas on PATH; only bin and fatbin need it) given.
void setGPUPipelineOptions(LowerToNVVMOptions &options,
                           llvm::StringRef format,
                           llvm::StringRef toolkit = "");

/// Runs dps-lower-to-nvvm on `module` (unless it holds a gpu.binary already)
/// with the flags' options and binary `format` (isa, bin, fatbin); a cubin
/// without ptxas is an error.
LogicalResult lowerForGPU(ModuleOp module, llvm::StringRef format);

/// The chip `--dps-gpu-chip` names.
std::string gpuChipName();

/// Whether `--dps-gpu` asks --dps-to-manifest, --dps-to-llvmir and
/// --dps-to-object for the GPU build of a model.
bool gpuTargetRequested();

} // namespace mlir::dps

#endif // DPS_LIB_TARGET_GPUOPTIONS_H
