//===- GPUOptions.h - dps-translate's GPU flags -----------------*- C++ -*-===//
#ifndef DPS_LIB_TARGET_GPUOPTIONS_H
#define DPS_LIB_TARGET_GPUOPTIONS_H

#include "dps/Pipelines/Pipelines.h"

namespace mlir::dps {

/// Sets dps-lower-to-nvvm's `options` from `--dps-gpu-chip`,
/// `--dps-gpu-features` and `--dps-gpu-toolkit`, with the binary `format`
/// given.
void setGPUPipelineOptions(LowerToNVVMOptions &options,
                           llvm::StringRef format);

} // namespace mlir::dps

#endif // DPS_LIB_TARGET_GPUOPTIONS_H
