//===- VJPs.cpp - vector-Jacobian products of the dps ops ------------------===//
//
// One `buildVJP` per differentiable op: given the gradient of the op's result,
// build the gradients of the operands that want one, with dps ops.
//
//===----------------------------------------------------------------------===//
#include "dps/Dialect/DPS/IR/DPSOps.h"

using namespace mlir;
using namespace mlir::dps;

static constexpr int64_t kDynamic = ShapedType::kDynamic;

static int64_t mulDims(int64_t a, int64_t b) {
  return a == kDynamic || b == kDynamic ? kDynamic : a * b;
}

static RankedTensorType tensorOf(ArrayRef<int64_t> shape, Type elementType) {
  return RankedTensorType::get(shape, elementType);
}

/// `value` reshaped to `shape`, keeping its element type.
static Value reshapeTo(OpBuilder &b, Location loc, Value value,
                       ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  return ReshapeOp::create(b, loc, tensorOf(shape, type.getElementType()),
                           value);
}

LogicalResult DenseOp::buildVJP(OpBuilder &b, Value dy, ArrayRef<bool> wanted,
                                MutableArrayRef<Value> grads) {
  Location loc = getLoc();
  if (wanted[0])
    grads[0] = MatmulOp::create(b, loc, dy, getWeight(), /*transpose_lhs=*/false,
                                /*transpose_rhs=*/true);
  if (wanted[1])
    grads[1] = MatmulOp::create(b, loc, getInput(), dy, /*transpose_lhs=*/true,
                                /*transpose_rhs=*/false);
  if (getBias() && wanted[2])
    grads[2] = SumRowsOp::create(b, loc, dy);
  return success();
}

LogicalResult Conv2DOp::buildVJP(OpBuilder &b, Value dy, ArrayRef<bool> wanted,
                                 MutableArrayRef<Value> grads) {
  Location loc = getLoc();
  ArrayRef<int64_t> filterShape = getFilter().getType().getShape();
  ArrayRef<int64_t> dyShape = cast<RankedTensorType>(dy.getType()).getShape();
  int64_t windows = mulDims(mulDims(dyShape[0], dyShape[1]), dyShape[2]);
  int64_t windowSize = filterShape[0] * filterShape[1] * filterShape[2];
  int64_t kernel[] = {filterShape[0], filterShape[1]};
  // The convolution is im2col(x) x filter viewed as (KH*KW*C) x F.
  Value dyRows = reshapeTo(b, loc, dy, {windows, filterShape[3]});
  if (wanted[0]) {
    Value filterMatrix =
        reshapeTo(b, loc, getFilter(), {windowSize, filterShape[3]});
    Value dcols = MatmulOp::create(b, loc, dyRows, filterMatrix,
                                   /*transpose_lhs=*/false,
                                   /*transpose_rhs=*/true);
    grads[0] = Col2ImOp::create(b, loc, getInput().getType(), dcols, kernel,
                                getStrides(), getPadding(), getDilations());
  }
  if (wanted[1]) {
    Value cols = Im2ColOp::create(b, loc, getInput(), kernel, getStrides(),
                                  getPadding(), getDilations());
    Value dfilter = MatmulOp::create(b, loc, cols, dyRows,
                                     /*transpose_lhs=*/true,
                                     /*transpose_rhs=*/false);
    grads[1] = reshapeTo(b, loc, dfilter, filterShape);
  }
  if (getBias() && wanted[2])
    grads[2] = SumRowsOp::create(b, loc, dyRows);
  return success();
}

LogicalResult MaxPool2DOp::buildVJP(OpBuilder &b, Value dy,
                                    ArrayRef<bool> wanted,
                                    MutableArrayRef<Value> grads) {
  if (wanted[0])
    grads[0] = MaxPool2DGradOp::create(b, getLoc(), getInput().getType(), dy,
                                       getInput(), getKernel(), getStrides(),
                                       getPadding(), getDilations());
  return success();
}

LogicalResult AvgPool2DOp::buildVJP(OpBuilder &b, Value dy,
                                    ArrayRef<bool> wanted,
                                    MutableArrayRef<Value> grads) {
  if (wanted[0])
    grads[0] = AvgPool2DGradOp::create(b, getLoc(), getInput().getType(), dy,
                                       getKernel(), getStrides(), getPadding(),
                                       getCountIncludePad());
  return success();
}

LogicalResult ReluOp::buildVJP(OpBuilder &b, Value dy, ArrayRef<bool> wanted,
                               MutableArrayRef<Value> grads) {
  if (wanted[0])
    grads[0] = ReluGradOp::create(b, getLoc(), dy, getInput());
  return success();
}

LogicalResult SigmoidOp::buildVJP(OpBuilder &b, Value dy, ArrayRef<bool> wanted,
                                  MutableArrayRef<Value> grads) {
  if (wanted[0])
    grads[0] = SigmoidGradOp::create(b, getLoc(), dy, getResult());
  return success();
}

LogicalResult TanhOp::buildVJP(OpBuilder &b, Value dy, ArrayRef<bool> wanted,
                               MutableArrayRef<Value> grads) {
  if (wanted[0])
    grads[0] = TanhGradOp::create(b, getLoc(), dy, getResult());
  return success();
}

LogicalResult FlattenOp::buildVJP(OpBuilder &b, Value dy, ArrayRef<bool> wanted,
                                  MutableArrayRef<Value> grads) {
  if (wanted[0])
    grads[0] = ReshapeOp::create(b, getLoc(), getInput().getType(), dy);
  return success();
}

LogicalResult ReshapeOp::buildVJP(OpBuilder &b, Value dy, ArrayRef<bool> wanted,
                                  MutableArrayRef<Value> grads) {
  if (wanted[0])
    grads[0] = ReshapeOp::create(b, getLoc(), getInput().getType(), dy);
  return success();
}

// A broadcast operand's gradient sums the result's over what it stretched.
LogicalResult AddOp::buildVJP(OpBuilder &b, Value dy, ArrayRef<bool> wanted,
                              MutableArrayRef<Value> grads) {
  for (unsigned i = 0; i < 2; ++i) {
    if (!wanted[i])
      continue;
    Type type = getOperand(i).getType();
    grads[i] = type == dy.getType()
                   ? dy
                   : SumToOp::create(b, getLoc(), type, dy).getResult();
  }
  return success();
}

LogicalResult TransposeOp::buildVJP(OpBuilder &b, Value dy,
                                    ArrayRef<bool> wanted,
                                    MutableArrayRef<Value> grads) {
  if (!wanted[0])
    return success();
  ArrayRef<int64_t> permutation = getPermutation();
  SmallVector<int64_t> inverse(permutation.size());
  for (auto [d, source] : llvm::enumerate(permutation))
    inverse[source] = int64_t(d);
  grads[0] = TransposeOp::create(b, getLoc(), dy, inverse);
  return success();
}

LogicalResult SoftmaxOp::buildVJP(OpBuilder &b, Value dy, ArrayRef<bool> wanted,
                                  MutableArrayRef<Value> grads) {
  if (wanted[0])
    grads[0] = SoftmaxGradOp::create(b, getLoc(), dy, getResult(),
                                     getNormalizedAxis());
  return success();
}

LogicalResult LogSoftmaxOp::buildVJP(OpBuilder &b, Value dy,
                                     ArrayRef<bool> wanted,
                                     MutableArrayRef<Value> grads) {
  if (wanted[0])
    grads[0] = LogSoftmaxGradOp::create(b, getLoc(), dy, getResult(),
                                        getNormalizedAxis());
  return success();
}

// C = op(A) op(B): dA = dC op(B)^T, dB = op(A)^T dC, transposed back where the
// operand itself was transposed.
LogicalResult MatmulOp::buildVJP(OpBuilder &b, Value dc, ArrayRef<bool> wanted,
                                 MutableArrayRef<Value> grads) {
  Location loc = getLoc();
  bool ta = getTransposeLhs(), tb = getTransposeRhs();
  if (wanted[0])
    grads[0] = ta ? MatmulOp::create(b, loc, getRhs(), dc, /*transpose_lhs=*/tb,
                                     /*transpose_rhs=*/true)
                  : MatmulOp::create(b, loc, dc, getRhs(),
                                     /*transpose_lhs=*/false,
                                     /*transpose_rhs=*/!tb);
  if (wanted[1])
    grads[1] = tb ? MatmulOp::create(b, loc, dc, getLhs(), /*transpose_lhs=*/true,
                                     /*transpose_rhs=*/ta)
                  : MatmulOp::create(b, loc, getLhs(), dc,
                                     /*transpose_lhs=*/!ta,
                                     /*transpose_rhs=*/false);
  return success();
}

LogicalResult SoftmaxCrossEntropyOp::buildVJP(OpBuilder &b, Value dloss,
                                              ArrayRef<bool> wanted,
                                              MutableArrayRef<Value> grads) {
  if (wanted[0])
    grads[0] = SoftmaxCrossEntropyGradOp::create(
        b, getLoc(), getLogits().getType(), getLogits(), getLabels(), dloss);
  return success();
}

LogicalResult MSEOp::buildVJP(OpBuilder &b, Value dloss, ArrayRef<bool> wanted,
                              MutableArrayRef<Value> grads) {
  if (wanted[1])
    return emitOpError() << "has no gradient with respect to its target; "
                            "targets are data, not computed from parameters";
  if (wanted[0])
    grads[0] = MSEGradOp::create(b, getLoc(), getPrediction().getType(),
                                 getPrediction(), getTarget(), dloss);
  return success();
}

// Straight through: the gradient goes back to the input's precision, times
// the scale the forward cast applied.
LogicalResult CastOp::buildVJP(OpBuilder &b, Value dy, ArrayRef<bool> wanted,
                               MutableArrayRef<Value> grads) {
  if (getScale() && wanted[1])
    return emitOpError() << "has no gradient with respect to its scale";
  if (wanted[0])
    grads[0] = CastOp::create(b, getLoc(), getInput().getType(), dy,
                              getScale(), RoundingMode::nearest_even,
                              /*seed=*/Value(), /*saturate=*/false);
  return success();
}
