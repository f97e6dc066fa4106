//===- TrainingOps.cpp - optimizer step and argmax -------------------------===//
#include "dps/Dialect/DPS/IR/DPSOps.h"

using namespace mlir;
using namespace mlir::dps;

LogicalResult OptimizerStepOp::inferReturnTypes(
    MLIRContext *, std::optional<Location>, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  inferred.assign(1 + adaptor.getState().size(), adaptor.getParam().getType());
  return success();
}

LogicalResult OptimizerStepOp::verify() {
  Type paramType = getParam().getType();
  for (Value state : getState())
    if (state.getType() != paramType)
      return emitOpError() << "optimizer state of type " << state.getType()
                           << " differs from the parameter's " << paramType;
  unsigned expected = getOptimizer().getNumStateTensors();
  if (getState().size() != expected)
    return emitOpError() << getOptimizer() << " keeps " << expected
                         << " state tensor(s) per parameter, got "
                         << getState().size();
  if (!cast<RankedTensorType>(paramType).getElementType().isF32())
    return emitOpError() << "updates f32 master weights, got " << paramType;
  return success();
}

LogicalResult ArgmaxOp::inferReturnTypes(MLIRContext *ctx,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto type = dyn_cast<RankedTensorType>(adaptor.getInput().getType());
  if (!type || type.getRank() != 2)
    return emitOptionalError(loc, "'dps.argmax' op expects a rank-2 input");
  inferred.push_back(
      RankedTensorType::get({type.getDimSize(0)}, IntegerType::get(ctx, 32)));
  return success();
}
