//===- LowerToLLVM.cpp - the dps-lower-to-llvm pipeline -------------------===//
#include "dps/Conversion/Passes.h"
#include "dps/Dialect/DPS/Transforms/Passes.h"
#include "dps/Pipelines/Pipelines.h"
#include "dps/runtime/CpuFeatures.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/Vector/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/TargetParser/Host.h"

#include <cstdlib>

using namespace mlir;

/// This host's CPU features, read once.
static const llvm::StringMap<bool> &hostFeatures() {
  static const llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  return features;
}

bool mlir::dps::hostPrefersBF16Dot() {
  static const bool prefers = [] {
    // DPS_BF16_DOT=1 or 0 forces the choice (a test of the other path, or
    // a CPU this heuristic gets wrong).
    if (const char *force = std::getenv("DPS_BF16_DOT"))
      return llvm::StringRef(force) == "1";
    const llvm::StringMap<bool> &features = hostFeatures();
    auto it = features.find("avx512bf16");
    // Measured: on Zen 4 a zmm vdpbf16ps does twice the multiply-adds of
    // an FMA at the same rate; on Sapphire Rapids it runs at half the FMA
    // rate (no gain, and the pair interleaving costs shuffles), so Intel
    // cores keep the FMA path.
    return it != features.end() && it->second &&
           llvm::sys::getHostCPUName().starts_with("znver");
  }();
  return prefers;
}

bool mlir::dps::hostSupportsAMX() {
  static const bool supports = [] {
    if (const char *force = std::getenv("DPS_AMX"))
      return llvm::StringRef(force) == "1" && ::dps::rt::requestAMXPermission();
    const llvm::StringMap<bool> &features = hostFeatures();
    return features.lookup("amx-bf16") && features.lookup("amx-tile") &&
           ::dps::rt::requestAMXPermission();
  }();
  return supports;
}

bool mlir::dps::hostHasAVX512() { return hostFeatures().lookup("avx512f"); }

bool mlir::dps::hostHasBF16Casts() {
  static const bool has = [] {
    // DPS_BF16_CASTS=0 forces the integer code (a test of that path on a
    // CPU with the instructions).
    if (const char *force = std::getenv("DPS_BF16_CASTS");
        force && llvm::StringRef(force) == "0")
      return false;
    const llvm::StringMap<bool> &features = hostFeatures();
    return (features.lookup("avx512bf16") && features.lookup("avx512vl")) ||
           features.lookup("avxneconvert");
  }();
  return has;
}

void mlir::dps::buildLowerToLLVMPipeline(OpPassManager &pm,
                                         const LowerToLLVMOptions &options) {
  // dps: derive the kernels, one gradient kernel per rung, lower them to
  // linalg on tensors.
  addKernelDerivationPasses(pm, KernelTarget::CPU, /*nativeF8Casts=*/false,
                            /*im2colConvolutions=*/false);
  buildKernelCodegenPipeline(pm, options);
}

void mlir::dps::addKernelABIPasses(OpPassManager &pm, KernelTarget target) {
  pm.addPass(createDPSAutodiff());
  DPSSpecializePrecisionOptions rungs;
  rungs.vnniCopies = target == KernelTarget::CPU;
  pm.addPass(createDPSSpecializePrecision(rungs));
}

void mlir::dps::addKernelDerivationPasses(OpPassManager &pm,
                                          KernelTarget target,
                                          bool nativeF8Casts,
                                          bool im2colConvolutions) {
  addKernelABIPasses(pm, target);
  pm.addPass(createConvertDPSToLinalg(
      ConvertDPSToLinalgOptions{nativeF8Casts, im2colConvolutions}));
  pm.addPass(createDPSFinalizeKernels());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void mlir::dps::addKernelBufferizationPasses(OpPassManager &pm,
                                             bool emitCInterface,
                                             bool streamMasterWeights) {
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  pm.addPass(createDPSOrderGlobals());
  pm.addPass(createDPSKernelBufferABI({emitCInterface, streamMasterWeights}));
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createConvertBufferizationToMemRefPass());
}

void mlir::dps::buildKernelCodegenPipeline(OpPassManager &pm,
                                           const LowerToLLVMOptions &options) {
  // Outputs built in fresh tensors go straight into their argument buffers;
  // done before tiling, on the smaller IR (it is one of the slowest passes).
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  pm.addNestedPass<func::FuncOp>(createDPSFoldMaterializations());
  pm.addNestedPass<func::FuncOp>(createDPSFuseElementwise());
  if (options.vectorize) {
    DPSVectorizeContractionsOptions contractions;
    contractions.bf16Dot = options.bf16Dot;
    contractions.amx = options.amx;
    contractions.tileRows = options.tileRows;
    contractions.tileCols = options.tileCols;
    pm.addNestedPass<func::FuncOp>(
        createDPSVectorizeContractions(contractions));
  }

  // Tensors to buffers: kernels write their outputs into the buffers the
  // runtime passes, and return nothing.
  // The update's master weights are read next by the rungs' refreshes, on
  // other threads: dps-vectorize-elementwise streams them out.
  addKernelBufferizationPasses(pm, options.emitCInterface,
                               /*streamMasterWeights=*/options.vectorize);
  if (options.vectorize && options.amx)
    pm.addNestedPass<func::FuncOp>(createDPSLowerAMX());

  // Loops, then LLVM.
  if (options.vectorize) {
    pm.addNestedPass<func::FuncOp>(createDPSVectorizeElementwise());
    pm.addNestedPass<func::FuncOp>(
        vector::createLowerVectorMultiReductionPass());
  }
  DPSLowerStridedCopiesOptions copies;
  copies.transposeBlock = options.transposeBlock;
  pm.addNestedPass<func::FuncOp>(createDPSLowerStridedCopies(copies));
  buildLoopsToLLVMPipeline(pm, options.vectorize && options.openmp,
                           options.vectorize && options.amx,
                           options.nativeBF16Casts);
}

void mlir::dps::buildLoopsToLLVMPipeline(OpPassManager &pm, bool openmp,
                                         bool amx, bool nativeBF16Casts) {
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addNestedPass<func::FuncOp>(math::createMathExpandOpsPass());
  // Vector contractions become outer products (broadcast x row FMAs);
  // 2-D transfers are unrolled into rows.
  pm.addNestedPass<func::FuncOp>(createConvertVectorToSCFPass(
      VectorTransferToSCFOptions().enableFullUnroll()));
  if (openmp) {
    pm.addNestedPass<func::FuncOp>(createDPSParallelizeTiles());
    pm.addPass(createConvertSCFToOpenMPPass());
  }
  if (!nativeBF16Casts)
    pm.addPass(createDPSExpandBF16Casts());
  ConvertVectorToLLVMPassOptions vectorToLLVM;
  vectorToLLVM.vectorContractLowering =
      vector::VectorContractLowering::OuterProduct;
  vectorToLLVM.x86Vector = true; // x86vector.avx512.dot -> vdpbf16ps
  vectorToLLVM.amx = amx;        // amx.tile_* -> the AMX intrinsics
  pm.addPass(createConvertVectorToLLVMPass(vectorToLLVM));
  // Memrefs before control flow: an OpenMP loop body is a region of its
  // own (memref.alloca_scope) that scf-to-cf must not see unconverted.
  // Function by function where a pass allows it: the functions (a model's
  // dozen kernels) are lowered on all the cores.
  pm.addNestedPass<func::FuncOp>(memref::createExpandStridedMetadataPass());
  pm.addNestedPass<func::FuncOp>(createLowerAffinePass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addNestedPass<func::FuncOp>(createSCFToControlFlowPass());
  pm.addPass(createConvertToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addNestedPass<LLVM::LLVMFuncOp>(createCanonicalizerPass());
}

void mlir::dps::registerPipelines() {
  PassPipelineRegistration<LowerToLLVMOptions>(
      "dps-lower-to-llvm",
      "Lower a dps model and its train steps to LLVM: gradient kernels with C "
      "interfaces that update their buffer arguments in place",
      buildLowerToLLVMPipeline);
  PassPipelineRegistration<LowerToLLVMOptions>(
      "dps-kernels-to-llvm",
      "The back half of dps-lower-to-llvm, for kernels already on linalg and "
      "tensors: vectorized contractions and elementwise ops, bufferization "
      "into the kernels' buffer arguments, LLVM",
      buildKernelCodegenPipeline);
  PassPipelineRegistration<LowerToLLVMOptions>(
      "dps-loops-to-llvm",
      "The last stage of dps-lower-to-llvm, for kernels already on loops and "
      "vectors over buffers (what dps-lower-strided-copies leaves): OpenMP, "
      "bf16 casts, LLVM. Honours openmp, amx and native-bf16-casts",
      [](OpPassManager &pm, const LowerToLLVMOptions &options) {
        buildLoopsToLLVMPipeline(pm, options.openmp, options.amx,
                                 options.nativeBF16Casts);
      });
  PassPipelineRegistration<LowerToNVVMOptions>(
      "dps-lower-to-nvvm",
      "Lower a dps model and its train steps for NVIDIA GPUs: host functions "
      "(with C interfaces) that launch the kernels of a gpu.binary (PTX or "
      "cubin); bf16 contractions on tensor cores",
      buildLowerToNVVMPipeline);
  PassPipelineRegistration<>(
      "dps-emulate-gpu-on-cpu",
      "For tests without a GPU: dps-map-to-gpu (f8 as integer code, no "
      "tensor cores) with each launch run thread by thread on the CPU, "
      "lowered to LLVM",
      buildEmulateGPUPipeline);
  PassPipelineRegistration<LowerToNVVMOptions>(
      "dps-map-to-gpu",
      "The front half of dps-lower-to-nvvm: kernels as gpu.launch ops on "
      "device buffers, before outlining",
      buildMapToGPUPipeline);
}
