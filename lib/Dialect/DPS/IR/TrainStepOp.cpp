//===- TrainStepOp.cpp - dps.train_step verification -----------------------===//
#include "dps/Dialect/DPS/IR/DPSOps.h"

using namespace mlir;
using namespace mlir::dps;

func::FuncOp TrainStepOp::getForwardFunc() {
  return SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(*this,
                                                            getForwardAttr());
}

LogicalResult TrainStepOp::verify() {
  if (!getAccumulate().isF32())
    return emitOpError() << "accumulates in " << getAccumulate()
                         << "; only f32 accumulation (and f32 master weights) "
                            "is supported";
  return success();
}

LogicalResult
TrainStepOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  auto forward = symbolTable.lookupNearestSymbolFrom<func::FuncOp>(
      *this, getForwardAttr());
  if (!forward)
    return emitOpError() << "forward function " << getForwardAttr()
                         << " does not name a func.func";
  FunctionType signature = forward.getFunctionType();
  auto forwardError = [&]() {
    return emitOpError() << "forward function " << getForwardAttr() << " ";
  };
  if (signature.getNumInputs() == 0 ||
      forward.getArgAttr(0, DPSDialect::kParamAttrName))
    return forwardError() << "must take the input batch as its first "
                             "argument (without 'dps.param')";
  auto input = dyn_cast<RankedTensorType>(signature.getInput(0));
  if (!input || input.getRank() < 2 || !input.isDynamicDim(0) ||
      llvm::any_of(input.getShape().drop_front(), ShapedType::isDynamic) ||
      input.getElementType() != getAccumulate())
    return forwardError()
           << "must take an input of type tensor<?x...xf32> (a dynamic batch "
              "dimension, so kernels process only the valid rows, and static "
              "sample dimensions), got "
           << signature.getInput(0);
  for (unsigned index = 1; index < signature.getNumInputs(); ++index)
    if (!forward.getArgAttr(index, DPSDialect::kParamAttrName))
      return forwardError() << "argument " << index
                            << " is neither the input nor a parameter; mark "
                               "parameters with 'dps.param'";
  if (signature.getNumResults() != 1)
    return forwardError() << "must return exactly one tensor, got "
                          << signature.getNumResults();
  auto output = dyn_cast<RankedTensorType>(signature.getResult(0));
  if (!output || output.getRank() != 2 || !output.isDynamicDim(0) ||
      output.isDynamicDim(1) || output.getElementType() != getAccumulate())
    return forwardError() << "must return tensor<?xCxf32> (batch x "
                             "outputs), got "
                          << signature.getResult(0);
  if (forward.isExternal())
    return forwardError() << "has no body";
  if (!forward.getBody().hasOneBlock())
    return forwardError() << "must be a single block of layer ops (no "
                             "control flow between blocks)";
  return success();
}
