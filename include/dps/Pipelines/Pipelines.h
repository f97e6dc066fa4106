//===- Pipelines.h - dps's registered pass pipelines ------------*- C++ -*-===//
#ifndef DPS_PIPELINES_PIPELINES_H
#define DPS_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassOptions.h"

namespace mlir {
class OpPassManager;
namespace dps {

/// Whether bf16 contractions should use vdpbf16ps on the CPU this runs on:
/// it has AVX512-BF16 and the instruction beats f32 FMAs there (AMD Zen 4
/// and later; not Intel's cores, where it issues at half the FMA rate).
/// The environment variable DPS_BF16_DOT=1|0 overrides it.
bool hostPrefersBF16Dot();

/// Options of `dps-lower-to-llvm`.
struct LowerToLLVMOptions : public PassPipelineOptions<LowerToLLVMOptions> {
  PassOptions::Option<bool> emitCInterface{
      *this, "emit-c-interface",
      llvm::cl::desc("Give every kernel a C interface (_mlir_ciface_<name>)"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> vectorize{
      *this, "vectorize",
      llvm::cl::desc("Register-tile and vectorize the contractions "
                     "(dps-vectorize-contractions); off gives scalar loops"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> openmp{
      *this, "openmp",
      llvm::cl::desc("Share each contraction's row tiles among OpenMP "
                     "threads (the kernels then call libomp)"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> bf16Dot{
      *this, "bf16-dot",
      llvm::cl::desc("bf16 contractions use AVX512-BF16 vdpbf16ps (default: "
                     "where this host has it and it beats f32 FMAs)"),
      llvm::cl::init(hostPrefersBF16Dot())};
};

/// dps (a forward model and its dps.train_step) down to the LLVM dialect:
/// autodiff, dps-to-linalg, kernel finalisation, one-shot bufferization
/// (kernels update their buffer arguments in place), loops, LLVM.
void buildLowerToLLVMPipeline(OpPassManager &pm,
                              const LowerToLLVMOptions &options);

/// The back half of `dps-lower-to-llvm`: kernels on linalg/tensors (dps
/// ops already lowered) to the LLVM dialect: vectorized contractions,
/// bufferization into the kernels' buffer arguments, loops, LLVM.
void buildKernelCodegenPipeline(OpPassManager &pm,
                                const LowerToLLVMOptions &options);

/// Registers `dps-lower-to-llvm`.
void registerPipelines();

} // namespace dps
} // namespace mlir

#endif // DPS_PIPELINES_PIPELINES_H
