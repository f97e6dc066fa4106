//===- TrainingOps.cpp - optimizer step, argmax, VNNI layouts
//--------------===//
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

LogicalResult PackVNNIOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location> loc,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &inferred) {
  auto type = dyn_cast<RankedTensorType>(adaptor.getMatrix().getType());
  if (!type || type.getRank() != 2)
    return emitOptionalError(loc, "'dps.pack_vnni' op expects a matrix, got ",
                             adaptor.getMatrix().getType());
  int64_t rows = type.getDimSize(0);
  if (!ShapedType::isDynamic(rows) && rows % 2 != 0)
    return emitOptionalError(loc,
                             "'dps.pack_vnni' op packs rows in pairs: ", type,
                             " has an odd number of rows");
  inferred.push_back(RankedTensorType::get(
      {ShapedType::isDynamic(rows) ? rows : rows / 2, type.getDimSize(1), 2},
      type.getElementType()));
  return success();
}

LogicalResult UnpackVNNIOp::inferReturnTypes(MLIRContext *,
                                             std::optional<Location> loc,
                                             Adaptor adaptor,
                                             SmallVectorImpl<Type> &inferred) {
  auto type = dyn_cast<RankedTensorType>(adaptor.getPacked().getType());
  if (!type || type.getRank() != 3 || type.getDimSize(2) != 2)
    return emitOptionalError(
        loc, "'dps.unpack_vnni' op expects a K/2 x N x 2 tensor, got ",
        adaptor.getPacked().getType());
  int64_t pairs = type.getDimSize(0);
  inferred.push_back(RankedTensorType::get(
      {ShapedType::isDynamic(pairs) ? pairs : 2 * pairs, type.getDimSize(1)},
      type.getElementType()));
  return success();
}
