//===- DPSInterfaces.td - dps op interfaces ----------------*- tablegen -*-===//
#ifndef DPS_DIALECT_DPS_IR_DPSINTERFACES_TD
#define DPS_DIALECT_DPS_IR_DPSINTERFACES_TD

include "mlir/IR/OpBase.td"

def DPS_DifferentiableOp : OpInterface<"DifferentiableOpInterface"> {
  let cppNamespace = "::mlir::dps";
  let description = [{
    An op with a known vector-Jacobian product. `dps-autodiff` walks a forward
    function backwards and asks each op for the gradients of its operands
    given the gradient of its (single) result. The VJP is written with dps ops,
    so the backward pass is specialised per precision and lowered like the
    forward pass.
  }];
  let methods = [
    InterfaceMethod<[{
        Builds, at the builder's insertion point, the gradient of every operand
        `i` with `wanted[i]` set, given `resultGrad` (the gradient of the
        result, of the result's type). Sets `operandGrads[i]` (sized to the
        number of operands, initially null) to a value of operand `i`'s type,
        or leaves it null where operand `i` has no gradient (e.g. labels).
      }], "::llvm::LogicalResult", "buildVJP",
      (ins "::mlir::OpBuilder &":$builder, "::mlir::Value":$resultGrad,
           "::llvm::ArrayRef<bool>":$wanted,
           "::llvm::MutableArrayRef<::mlir::Value>":$operandGrads)>,
  ];
}

#endif // DPS_DIALECT_DPS_IR_DPSINTERFACES_TD
