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
    `dps.conv2d` becomes im2col followed by the same contraction, and its
    gradients likewise (`dps.im2col` / `dps.col2im`), so convolutions share
    the matmul path; pools become linalg pooling ops; losses become row
    reductions. `dps.train_step` declarations stay for `dps-finalize-kernels`.
    An op without a lowering is a diagnostic.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

#endif // DPS_CONVERSION_PASSES_TD
