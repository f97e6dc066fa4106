//===- LowerToNVVM.cpp - the dps-lower-to-nvvm pipeline -------------------===//
#include "dps/Conversion/Passes.h"
#include "dps/Dialect/DPS/Transforms/Passes.h"
#include "dps/Pipelines/Pipelines.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::dps;

/// dps-map-to-gpu's passes for `chip` with `features`.
static void addMapToGPUPasses(OpPassManager &pm, StringRef chip,
                              StringRef features, bool nativeF8Casts) {
  // The CPU path's front half and buffers (kernels update their arguments
  // in place); f8 casts left to the hardware.
  addKernelDerivationPasses(pm, KernelTarget::GPU, nativeF8Casts,
                            /*im2colConvolutions=*/true);
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  addKernelBufferizationPasses(pm, /*emitCInterface=*/true);

  // Launches.
  pm.addNestedPass<func::FuncOp>(createDPSGPUTensorCoreContractions(
      DPSGPUTensorCoreContractionsOptions{chip.str()}));
  pm.addPass(createDPSMapKernelsToGPU());
  pm.addPass(createDPSLowerF8ToNVVM(
      DPSLowerF8ToNVVMOptions{chip.str(), features.str()}));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void mlir::dps::buildMapToGPUPipeline(OpPassManager &pm,
                                      const LowerToNVVMOptions &options) {
  addMapToGPUPasses(pm, options.chip, options.features, options.nativeF8Casts);
}

void mlir::dps::buildLowerToNVVMPipeline(OpPassManager &pm,
                                         const LowerToNVVMOptions &options) {
  buildMapToGPUPipeline(pm, options);
  // Polynomials for exp, log, tanh...: the kernels need no libdevice.
  pm.addPass(math::createMathExpandOpsPass());

  // Upstream's gpu-lower-to-nvvm-pipeline, with the kernels merged into one
  // module and the toolkit passed to the serializer.
  pm.addPass(createGpuKernelOutliningPass());
  pm.addPass(createDPSMergeGPUModules());
  // Launches, allocations and deallocations in order on one stream per
  // kernel call, waited for at its end (gpu-to-llvm lowers gpu.alloc only
  // in its async form).
  pm.addNestedPass<func::FuncOp>(createGpuAsyncRegionPass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertNVVMToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  GpuNVVMAttachTargetOptions target;
  target.chip = options.chip;
  target.features = options.features;
  target.optLevel = options.optLevel;
  pm.addPass(createGpuNVVMAttachTarget(target));
  pm.addPass(createLowerAffinePass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());

  pm.addNestedPass<gpu::GPUModuleOp>(createConvertGpuOpsToNVVMOps());
  pm.addNestedPass<gpu::GPUModuleOp>(createCanonicalizerPass());
  pm.addNestedPass<gpu::GPUModuleOp>(createCSEPass());
  pm.addNestedPass<gpu::GPUModuleOp>(createReconcileUnrealizedCastsPass());

  pm.addPass(createGpuToLLVMConversionPass());
  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = options.format;
  binary.toolkitPath = options.toolkit;
  pm.addPass(createGpuModuleToBinaryPass(binary));
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void mlir::dps::buildEmulateGPUPipeline(OpPassManager &pm) {
  // No tensor cores (their launches need whole warps), f8 as on the CPU.
  addMapToGPUPasses(pm, "sm_75", "", /*nativeF8Casts=*/false);
  pm.addPass(createDPSTestEmulateGPULaunches());
  buildLoopsToLLVMPipeline(pm, /*openmp=*/false, /*amx=*/false,
                           hostHasBF16Casts());
}
