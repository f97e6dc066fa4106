//===- LayerOps.cpp - shape inference of the layer and loss ops ------------===//
//
// Shape errors are reported by result-type inference, which runs both when a
// parser or builder creates an op and when the verifier checks one.
//
//===----------------------------------------------------------------------===//
#include "dps/Dialect/DPS/IR/DPSOps.h"

#include "WindowShapes.h"

#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace mlir::dps;

using namespace mlir::dps::detail;

//===----------------------------------------------------------------------===//
// DenseOp
//===----------------------------------------------------------------------===//

LogicalResult DenseOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  auto input = shapeOfRank(adaptor.getInput(), 2);
  auto weight = shapeOfRank(adaptor.getWeight(), 2);
  if (!input || !weight)
    return emitOptionalError(loc, "'dps.dense' op expects a rank-2 input "
                                  "(N x K) and a rank-2 weight (K x M)");
  if (!compatible((*input)[1], (*weight)[0]))
    return emitOptionalError(loc, "'dps.dense' op input has ",
                             dimString((*input)[1]),
                             " features but the weight (K x M) expects ",
                             dimString((*weight)[0]));
  if (Value bias = adaptor.getBias()) {
    auto biasShape = shapeOfRank(bias, 1);
    if (!biasShape || !compatible((*biasShape)[0], (*weight)[1]))
      return emitOptionalError(loc, "'dps.dense' op bias must be a rank-1 "
                                    "tensor of the weight's ",
                               dimString((*weight)[1]), " outputs");
    if (elementTypeOf(bias) != elementTypeOf(adaptor.getWeight()))
      return emitOptionalError(
          loc, "'dps.dense' op bias element type must match the weight's");
  }
  inferred.push_back(RankedTensorType::get({(*input)[0], (*weight)[1]},
                                           elementTypeOf(adaptor.getInput())));
  return success();
}

//===----------------------------------------------------------------------===//
// Conv2DOp
//===----------------------------------------------------------------------===//

LogicalResult Conv2DOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  constexpr StringLiteral name = "dps.conv2d";
  auto input = shapeOfRank(adaptor.getInput(), 4);
  auto filter = shapeOfRank(adaptor.getFilter(), 4);
  if (!input || !filter)
    return emitOptionalError(loc, "'", name,
                             "' op expects an NHWC input and an HWIO filter, "
                             "both of rank 4");
  ArrayRef<int64_t> strides = valueOr(adaptor.getStridesAttr(), kUnitPair),
                    padding = valueOr(adaptor.getPaddingAttr(), kNoPadding),
                    dilations =
                        valueOr(adaptor.getDilationsAttr(), kUnitPair);
  if (failed(verifyWindowAttrs(loc, name, strides, padding, dilations)))
    return failure();
  if (!compatible((*input)[3], (*filter)[2]))
    return emitOptionalError(loc, "'", name, "' op input has ",
                             dimString((*input)[3]),
                             " channels but the filter (KH x KW x C x F) "
                             "expects ",
                             dimString((*filter)[2]));
  if (Value bias = adaptor.getBias()) {
    auto biasShape = shapeOfRank(bias, 1);
    if (!biasShape || !compatible((*biasShape)[0], (*filter)[3]))
      return emitOptionalError(loc, "'", name,
                               "' op bias must be a rank-1 tensor of the "
                               "filter's ",
                               dimString((*filter)[3]), " output channels");
    if (elementTypeOf(bias) != elementTypeOf(adaptor.getFilter()))
      return emitOptionalError(
          loc, "'", name, "' op bias element type must match the filter's");
  }
  FailureOr<int64_t> height =
      windowOutputSize(loc, name, "height", (*input)[1], padding[0],
                       padding[2], (*filter)[0], strides[0], dilations[0]);
  FailureOr<int64_t> width =
      windowOutputSize(loc, name, "width", (*input)[2], padding[1], padding[3],
                       (*filter)[1], strides[1], dilations[1]);
  if (failed(height) || failed(width))
    return failure();
  inferred.push_back(
      RankedTensorType::get({(*input)[0], *height, *width, (*filter)[3]},
                            elementTypeOf(adaptor.getInput())));
  return success();
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

/// Infers a pool's result type, reading its attributes through `adaptor`.
template <typename Adaptor>
static LogicalResult inferPoolType(std::optional<Location> loc,
                                   StringRef opName, Adaptor adaptor,
                                   SmallVectorImpl<Type> &inferred,
                                   ArrayRef<int64_t> dilations = kUnitPair) {
  auto input = shapeOfRank(adaptor.getInput(), 4);
  if (!input)
    return emitOptionalError(loc, "'", opName,
                             "' op expects an NHWC input of rank 4");
  FailureOr<SmallVector<int64_t>> shape = inferPoolShape(
      loc, opName, *input, valueOr(adaptor.getKernelAttr(), {}),
      valueOr(adaptor.getStridesAttr(), kUnitPair),
      valueOr(adaptor.getPaddingAttr(), kNoPadding), dilations);
  if (failed(shape))
    return failure();
  inferred.push_back(
      RankedTensorType::get(*shape, elementTypeOf(adaptor.getInput())));
  return success();
}

LogicalResult MaxPool2DOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  ArrayRef<int64_t> dilations = valueOr(adaptor.getDilationsAttr(), kUnitPair);
  if (failed(verifyWindowAttrs(loc, getOperationName(),
                               valueOr(adaptor.getStridesAttr(), kUnitPair),
                               valueOr(adaptor.getPaddingAttr(), kNoPadding),
                               dilations)))
    return failure();
  return inferPoolType(loc, getOperationName(), adaptor, inferred, dilations);
}

LogicalResult AvgPool2DOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  return inferPoolType(loc, getOperationName(), adaptor, inferred);
}

//===----------------------------------------------------------------------===//
// Im2ColOp
//===----------------------------------------------------------------------===//

LogicalResult Im2ColOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto input = shapeOfRank(adaptor.getInput(), 4);
  if (!input)
    return emitOptionalError(loc, "'dps.im2col' op expects an NHWC input");
  FailureOr<SmallVector<int64_t>> shape = inferIm2ColShape(
      loc, getOperationName(), *input, valueOr(adaptor.getKernelAttr(), {}),
      valueOr(adaptor.getStridesAttr(), kUnitPair),
      valueOr(adaptor.getPaddingAttr(), kNoPadding),
      valueOr(adaptor.getDilationsAttr(), kUnitPair));
  if (failed(shape))
    return failure();
  inferred.push_back(
      RankedTensorType::get(*shape, elementTypeOf(adaptor.getInput())));
  return success();
}

//===----------------------------------------------------------------------===//
// SumRowsOp
//===----------------------------------------------------------------------===//

LogicalResult SumRowsOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  auto type = dyn_cast<RankedTensorType>(adaptor.getInput().getType());
  if (!type || type.getRank() < 1)
    return emitOptionalError(loc,
                             "'dps.sum_rows' op expects a tensor of rank >= 1");
  inferred.push_back(RankedTensorType::get(type.getShape().drop_front(),
                                           type.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// FlattenOp
//===----------------------------------------------------------------------===//

LogicalResult FlattenOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  auto type = dyn_cast<RankedTensorType>(adaptor.getInput().getType());
  if (!type)
    return emitOptionalError(loc, "'dps.flatten' op expects a ranked tensor");
  int64_t axis = adaptor.getAxisAttr() ? adaptor.getAxis() : 1;
  if (axis < 0 || axis > type.getRank())
    return emitOptionalError(loc, "'dps.flatten' op axis ", axis,
                             " is outside [0, ", type.getRank(), "]");
  ArrayRef<int64_t> shape = type.getShape();
  inferred.push_back(RankedTensorType::get(
      {product(shape.take_front(axis)), product(shape.drop_front(axis))},
      type.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

LogicalResult SoftmaxCrossEntropyOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  auto logits = shapeOfRank(adaptor.getLogits(), 2);
  auto labels = shapeOfRank(adaptor.getLabels(), 1);
  if (!logits || !labels)
    return emitOptionalError(loc, "'dps.softmax_cross_entropy' op expects "
                                  "rank-2 logits (N x C) and rank-1 labels (N)");
  if (!compatible((*logits)[0], (*labels)[0]))
    return emitOptionalError(loc, "'dps.softmax_cross_entropy' op has ",
                             dimString((*logits)[0]), " rows of logits but ",
                             dimString((*labels)[0]), " labels");
  inferred.push_back(RankedTensorType::get(
      {(*logits)[0]}, elementTypeOf(adaptor.getLogits())));
  return success();
}

LogicalResult MSEOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &inferred) {
  auto prediction = shapeOfRank(adaptor.getPrediction(), 2);
  if (!prediction)
    return emitOptionalError(loc,
                             "'dps.mse' op expects rank-2 predictions (N x C)");
  inferred.push_back(RankedTensorType::get(
      {(*prediction)[0]}, elementTypeOf(adaptor.getPrediction())));
  return success();
}
