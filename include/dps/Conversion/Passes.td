//===- Passes.td - dps conversion passes -------------------*- tablegen -*-===//
#ifndef DPS_CONVERSION_PASSES_TD
#define DPS_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertDPSToLinalg : Pass<"convert-dps-to-linalg", "::mlir::ModuleOp"> {
  let summary = "Lower dps ops to linalg, tensor, arith and math on tensors";
  let description = [{
    Every compute op of the dps dialect becomes linalg (structured ops on
    tensors), tensor, arith, math or scf: dense layers and matmuls become
    contractions that accumulate in f32 whatever their operand precision;
    `dps.conv2d` becomes the same contraction over its windows matrix, read
    in place from the padded image where its rows are consecutive pixels
    (unit strides and dilations, static image extents, output rows that
    4-8 row tiles divide; the contraction is tagged `dps.row_period`; a
    bf16 image with an odd channel count gets a channel of zeros) and
    gathered by im2col otherwise (or always,
    with `im2col-convolutions`), and its gradients contractions over im2col
    (`dps.im2col` / `dps.col2im`), so convolutions share the matmul path; pools become linalg pooling ops; losses become row
    reductions. `dps.train_step` declarations stay for `dps-finalize-kernels`.
    An op without a lowering is a diagnostic.

    Casts to and from f8 are written as integer code on the bit patterns
    (exact on every CPU). With `native-f8-casts`, nearest-even f8 casts are
    `arith.extf` / `arith.truncf` instead, with overflow made explicit first
    (NaN or infinity, or clamped when saturating), for targets that convert
    f8 in hardware (`dps-lower-f8-to-nvvm`).
  }];
  let options = [
    Option<"nativeF8Casts", "native-f8-casts", "bool", /*default=*/"false",
           "Write nearest-even f8 casts as arith.extf/arith.truncf (for "
           "targets with f8 conversion instructions)">,
    Option<"im2colConvolutions", "im2col-convolutions", "bool",
           /*default=*/"false",
           "Lower every convolution over an im2col matrix (plain matrix "
           "products, as tensor-core contractions want them)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def DPSGPUTensorCoreContractions
    : Pass<"dps-gpu-tensor-core-contractions", "::mlir::func::FuncOp"> {
  let summary = "Run the 16-bit contractions on tensor cores (mma.sync)";
  let description = [{
    Runs on buffers. Each linalg op tagged `dps.contraction` whose operands
    are bf16 (or f16) and whose accumulator is f32 (C[m, n] += A * B, A and
    B read either way round) becomes a `gpu.launch`: one warp per 16x8 tile
    of C, four warps per block, a loop over k in steps of 16 of
    `nvvm.mma.sync` m16n8k16 (bf16 x bf16 -> f32), the fragments loaded
    straight from the operands in the PTX fragment layout, out-of-range
    elements read as zero and not stored. Other contractions, and every
    contraction when `chip` is older than sm_80, are left to
    `dps-map-kernels-to-gpu`.
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"sm_90\"",
           "The GPU the kernels are for (sm_NN)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::gpu::GPUDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::memref::MemRefDialect",
    "::mlir::NVVM::NVVMDialect", "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def DPSMapKernelsToGPU : Pass<"dps-map-kernels-to-gpu", "::mlir::ModuleOp"> {
  let summary = "Turn each kernel into a host function that launches GPU code";
  let description = [{
    Runs on bufferized kernels (func.func on memrefs). Every linalg op
    becomes loops with its parallel dimensions outermost; each top-level
    `scf.parallel` becomes a `gpu.launch` of one thread per iteration
    (256-thread blocks, a grid covering the flattened iteration space),
    and the remaining memory-touching code between them (scalar stores,
    small full reductions) runs in single-thread launches. A reduction of
    2048 or more elements into a scalar with an associative, commutative
    combiner (amax, the overflow checks' all-finite, loss sums) runs as 1024
    partial results in parallel, each over a fixed strided share, then
    their combination in one thread. Scalars one
    launch computes and a later one reads travel through device scratch
    buffers. The kernel's buffers become `gpu.alloc`/`gpu.dealloc`; splat
    constants are filled on the device; math functions (exp, log, cos, ...)
    become polynomial approximations, so the kernels need no libdevice. What the host cannot leave to the
    device (a dense non-splat constant, a host computation of a value read
    from device memory) is a diagnostic.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::gpu::GPUDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect", "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def DPSLowerF8ToNVVM : Pass<"dps-lower-f8-to-nvvm"> {
  let summary = "Lower f8 arith.extf/arith.truncf in GPU code to NVVM cvt ops";
  let description = [{
    `convert-gpu-to-nvvm` leaves conversions to and from f8 unlowered. In
    GPU code (inside `gpu.launch` or `gpu.func`), `arith.truncf` from f32 to
    f8E4M3FN / f8E5M2 becomes `nvvm.convert.f32x2.to.f8x2` (cvt.rn.satfinite;
    an infinite input of f8E5M2 stays infinite) and `arith.extf` from them
    `nvvm.convert.f8x2.to.f16x2` followed by an exact f16 extension. The
    instructions need sm_89 with PTX 8.1, or sm_90 with PTX 7.8: an older
    `chip` or PTX version (`features`, e.g. +ptx80) is a diagnostic.
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"sm_90\"",
           "The GPU the kernels are for (sm_NN)">,
    Option<"features", "features", "std::string", /*default=*/"\"+ptx80\"",
           "The PTX features the kernels are compiled with (+ptxNN)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
    "::mlir::NVVM::NVVMDialect", "::mlir::vector::VectorDialect",
  ];
}

def DPSMergeGPUModules : Pass<"dps-merge-gpu-modules", "::mlir::ModuleOp"> {
  let summary = "Gather every outlined GPU kernel into one gpu.module";
  let description = [{
    `gpu-kernel-outlining` gives each launch a gpu.module of its own; one
    module (`@dps_kernels`) makes one PTX file and one cubin per model,
    loaded once. Launches are re-pointed at the merged kernels.
  }];
  let options = [
    Option<"moduleName", "module-name", "std::string",
           /*default=*/"\"dps_kernels\"", "The merged module's name">,
  ];
  let dependentDialects = ["::mlir::gpu::GPUDialect"];
}

def DPSTestEmulateGPULaunches
    : Pass<"dps-test-emulate-gpu-launches", "::mlir::ModuleOp"> {
  let summary = "Run gpu.launch bodies as sequential loops on the CPU (tests)";
  let description = [{
    For checking dps-map-kernels-to-gpu's numbers without a GPU: every
    `gpu.launch` becomes loops over its blocks and threads, one iteration
    per thread, in order; `gpu.alloc`/`gpu.dealloc` become host
    allocations. Valid for launches whose threads do not cooperate (no
    barriers, shared memory or warp-wide ops), which is every launch of
    dps-map-kernels-to-gpu; a tensor-core launch (`nvvm.mma.sync`, a
    whole-warp instruction) is a diagnostic.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
  ];
}

#endif // DPS_CONVERSION_PASSES_TD
