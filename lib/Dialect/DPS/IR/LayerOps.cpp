//===- LayerOps.cpp - shape inference of the layer and loss ops ------------===//
//
// Shape errors are reported by result-type inference, which runs both when a
// parser or builder creates an op and when the verifier checks one.
//
//===----------------------------------------------------------------------===//
#include "dps/Dialect/DPS/IR/DPSOps.h"

#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace mlir::dps;

namespace {

constexpr int64_t kDynamic = ShapedType::kDynamic;

bool compatible(int64_t a, int64_t b) {
  return a == kDynamic || b == kDynamic || a == b;
}

int64_t product(ArrayRef<int64_t> dims) {
  int64_t result = 1;
  for (int64_t dim : dims) {
    if (dim == kDynamic)
      return kDynamic;
    result *= dim;
  }
  return result;
}

std::string dimString(int64_t dim) {
  return dim == kDynamic ? "?" : std::to_string(dim);
}

/// The shape of `value`'s type if it is a ranked tensor of `rank`, else
/// nullopt (the type constraints report it).
std::optional<ArrayRef<int64_t>> shapeOfRank(Value value, int64_t rank) {
  auto type = dyn_cast_or_null<RankedTensorType>(
      value ? value.getType() : Type());
  if (!type || type.getRank() != rank)
    return std::nullopt;
  return type.getShape();
}

/// Adaptors hand out default-valued attributes unset while an op is being
/// parsed, before its defaults are filled in.
ArrayRef<int64_t> valueOr(DenseI64ArrayAttr attr, ArrayRef<int64_t> fallback) {
  return attr ? attr.asArrayRef() : fallback;
}
constexpr int64_t kUnitPair[] = {1, 1};
constexpr int64_t kNoPadding[] = {0, 0, 0, 0};

Type elementTypeOf(Value value) {
  return cast<ShapedType>(value.getType()).getElementType();
}

/// Checks window attributes shared by convolutions and pools.
LogicalResult verifyWindowAttrs(std::optional<Location> loc, StringRef opName,
                                ArrayRef<int64_t> strides,
                                ArrayRef<int64_t> padding,
                                ArrayRef<int64_t> dilations) {
  if (strides.size() != 2 || llvm::any_of(strides, [](int64_t s) {
        return s <= 0;
      }))
    return emitOptionalError(loc, "'", opName,
                             "' op expects 2 positive strides [h, w]");
  if (padding.size() != 4 || llvm::any_of(padding, [](int64_t p) {
        return p < 0;
      }))
    return emitOptionalError(
        loc, "'", opName,
        "' op expects 4 non-negative paddings [top, left, bottom, right]");
  if (dilations.size() != 2 || llvm::any_of(dilations, [](int64_t d) {
        return d <= 0;
      }))
    return emitOptionalError(loc, "'", opName,
                             "' op expects 2 positive dilations [h, w]");
  return success();
}

/// Output extent of a sliding window; fails when the window does not fit.
FailureOr<int64_t> windowOutputSize(std::optional<Location> loc,
                                    StringRef opName, StringRef dimName,
                                    int64_t inputSize, int64_t padBefore,
                                    int64_t padAfter, int64_t window,
                                    int64_t stride, int64_t dilation) {
  if (inputSize == kDynamic)
    return kDynamic;
  int64_t effectiveWindow = dilation * (window - 1) + 1;
  int64_t padded = inputSize + padBefore + padAfter;
  if (effectiveWindow > padded) {
    (void)emitOptionalError(loc, "'", opName, "' op window of ",
                            effectiveWindow, " does not fit the padded input ",
                            dimName, " of ", padded);
    return failure();
  }
  return (padded - effectiveWindow) / stride + 1;
}

} // namespace

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

static LogicalResult inferPoolType(std::optional<Location> loc,
                                   StringRef name, Value inputValue,
                                   ArrayRef<int64_t> kernel,
                                   ArrayRef<int64_t> strides,
                                   ArrayRef<int64_t> padding,
                                   SmallVectorImpl<Type> &inferred) {
  auto input = shapeOfRank(inputValue, 4);
  if (!input)
    return emitOptionalError(loc, "'", name,
                             "' op expects an NHWC input of rank 4");
  if (kernel.size() != 2 || llvm::any_of(kernel, [](int64_t k) {
        return k <= 0;
      }))
    return emitOptionalError(loc, "'", name,
                             "' op expects 2 positive kernel sizes [h, w]");
  int64_t dilations[] = {1, 1};
  if (failed(verifyWindowAttrs(loc, name, strides, padding, dilations)))
    return failure();
  if (padding[0] >= kernel[0] || padding[2] >= kernel[0] ||
      padding[1] >= kernel[1] || padding[3] >= kernel[1])
    return emitOptionalError(loc, "'", name,
                             "' op padding must be smaller than the kernel, "
                             "or a window could see only padding");
  FailureOr<int64_t> height = windowOutputSize(
      loc, name, "height", (*input)[1], padding[0], padding[2], kernel[0],
      strides[0], 1);
  FailureOr<int64_t> width = windowOutputSize(
      loc, name, "width", (*input)[2], padding[1], padding[3], kernel[1],
      strides[1], 1);
  if (failed(height) || failed(width))
    return failure();
  inferred.push_back(
      RankedTensorType::get({(*input)[0], *height, *width, (*input)[3]},
                            elementTypeOf(inputValue)));
  return success();
}

LogicalResult MaxPool2DOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  return inferPoolType(loc, "dps.max_pool2d", adaptor.getInput(),
                       valueOr(adaptor.getKernelAttr(), {}),
                       valueOr(adaptor.getStridesAttr(), kUnitPair),
                       valueOr(adaptor.getPaddingAttr(), kNoPadding), inferred);
}

LogicalResult AvgPool2DOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  return inferPoolType(loc, "dps.avg_pool2d", adaptor.getInput(),
                       valueOr(adaptor.getKernelAttr(), {}),
                       valueOr(adaptor.getStridesAttr(), kUnitPair),
                       valueOr(adaptor.getPaddingAttr(), kNoPadding), inferred);
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
