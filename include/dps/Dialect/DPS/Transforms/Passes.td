//===- Passes.td - dps-to-dps passes -----------------------*- tablegen -*-===//
#ifndef DPS_DIALECT_DPS_TRANSFORMS_PASSES_TD
#define DPS_DIALECT_DPS_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def DPSAutodiff : Pass<"dps-autodiff", "::mlir::ModuleOp"> {
  let summary = "Derive the gradient kernel of every dps.train_step";
  let description = [{
    For each `dps.train_step @S` over a forward function, adds the gradient
    kernel `@S_grad`:

    ```
    @S_grad(params..., input: batch x ..., labels, rows: index,
            grad_accs..., losses: batch) -> (losses, grad_accs...)
    ```

    It runs the forward pass and the loss on the first `rows` rows of the
    input (rows past them are never read), writes the per-sample losses
    (zeros past `rows`), runs the reverse-mode backward pass and adds the
    gradient of the summed loss into the f32 accumulators, so that several
    micro-batches, of several precisions, can feed one optimizer step.

    Each op's vector-Jacobian product comes from its
    `DifferentiableOpInterface`; an op on the path from a parameter to the
    loss that has none is an error. Arguments carry `dps.role`, the function
    `dps.kernel`, `dps.train_step` and `dps.precision`.
  }];
  let dependentDialects = [
    "::mlir::dps::DPSDialect", "::mlir::tensor::TensorDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::arith::ArithDialect"
  ];
}

#endif // DPS_DIALECT_DPS_TRANSFORMS_PASSES_TD
