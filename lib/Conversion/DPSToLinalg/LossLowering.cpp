//===- LossLowering.cpp - per-sample losses and their gradients ------------===//
//
// Losses reduce each row of an N x C tensor in f32: softmax cross-entropy via
// a numerically stable log-sum-exp (row max, then the sum of exp(x - max)).
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "Patterns.h"

#include "dps/Dialect/DPS/IR/DPSOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;
using namespace mlir::dps;

namespace {

struct RowMaps {
  AffineMap element, row;
};

RowMaps rowMaps(MLIRContext *ctx) {
  AffineExpr n, c;
  bindDims(ctx, n, c);
  return {AffineMap::get(2, 0, {n, c}, ctx), AffineMap::get(2, 0, {n}, ctx)};
}

SmallVector<utils::IteratorType> rowReduction() {
  return {utils::IteratorType::parallel, utils::IteratorType::reduction};
}

std::pair<Value, Value> labelIndex(OpBuilder &b, Location loc, Value label,
                                   int64_t classes) {
  Value index = arith::IndexCastOp::create(b, loc, b.getIndexType(), label);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value count = arith::ConstantIndexOp::create(b, loc, classes);
  Value nonNegative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, index, zero);
  Value belowCount =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, index, count);
  Value valid = arith::AndIOp::create(b, loc, nonNegative, belowCount);
  return {index, valid};
}

struct SoftmaxCrossEntropyLowering
    : OpConversionPattern<SoftmaxCrossEntropyOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SoftmaxCrossEntropyOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value logits = adaptor.getLogits();
    int64_t classes = op.getLogits().getType().getDimSize(1);
    Type f32 = rewriter.getF32Type();
    auto [rowMax, sumExp] = logSumExpParts(rewriter, loc, logits, /*axis=*/1);
    AffineMap identity = rewriter.getMultiDimIdentityMap(1);
    Value init = emptyTensor(rewriter, loc, tensorSizes(rewriter, loc, rowMax),
                             f32);
    // loss = log(sum exp(x - max)) + max - x[label]; NaN for a bad label.
    Value loss = buildGeneric(
        rewriter, loc, {rowMax, sumExp, adaptor.getLabels()}, init,
        {identity, identity, identity, identity}, parallelIterators(1),
        [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
          auto [index, valid] = labelIndex(b, l, args[2], classes);
          Value safe = arith::SelectOp::create(
              b, l, valid, index, arith::ConstantIndexOp::create(b, l, 0));
          Value row = linalg::IndexOp::create(b, l, 0);
          Value picked = convertFloat(
              b, l,
              tensor::ExtractOp::create(b, l, logits, ValueRange{row, safe}),
              f32);
          Value logSum = math::LogOp::create(b, l, args[1]);
          Value value = arith::SubFOp::create(
              b, l, arith::AddFOp::create(b, l, logSum, args[0]), picked);
          Value nan = floatConstant(b, l, f32,
                                    std::numeric_limits<double>::quiet_NaN());
          return {arith::SelectOp::create(b, l, valid, value, nan)};
        });
    rewriter.replaceOp(op, convertTensor(rewriter, loc, loss,
                                         op.getType().getElementType()));
    return success();
  }
};

struct SoftmaxCrossEntropyGradLowering
    : OpConversionPattern<SoftmaxCrossEntropyGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SoftmaxCrossEntropyGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value logits = adaptor.getLogits();
    int64_t classes = op.getLogits().getType().getDimSize(1);
    Type f32 = rewriter.getF32Type();
    Type resultType = op.getType().getElementType();
    auto [rowMax, sumExp] = logSumExpParts(rewriter, loc, logits, /*axis=*/1);
    RowMaps maps = rowMaps(getContext());
    Value init = emptyTensor(rewriter, loc, tensorSizes(rewriter, loc, logits),
                             resultType);
    // grad[n] * (softmax(x)[c] - (c == label[n]))
    Value result = buildGeneric(
        rewriter, loc,
        {logits, rowMax, sumExp, adaptor.getLabels(), adaptor.getGrad()}, init,
        {maps.element, maps.row, maps.row, maps.row, maps.row, maps.element},
        parallelIterators(2),
        [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
          Value shifted = arith::SubFOp::create(
              b, l, convertFloat(b, l, args[0], f32), args[1]);
          Value probability = arith::DivFOp::create(
              b, l, math::ExpOp::create(b, l, shifted), args[2]);
          auto [index, valid] = labelIndex(b, l, args[3], classes);
          Value column = linalg::IndexOp::create(b, l, 1);
          Value isLabel = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::eq, column, index);
          Value target = arith::SelectOp::create(
              b, l, isLabel, floatConstant(b, l, f32, 1.0),
              floatConstant(b, l, f32, 0.0));
          Value diff = arith::SubFOp::create(b, l, probability, target);
          Value nan = floatConstant(b, l, f32,
                                    std::numeric_limits<double>::quiet_NaN());
          diff = arith::SelectOp::create(b, l, valid, diff, nan);
          Value grad = arith::MulFOp::create(
              b, l, convertFloat(b, l, args[4], f32), diff);
          return {convertFloat(b, l, grad, resultType)};
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct MSELowering : OpConversionPattern<MSEOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MSEOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type f32 = rewriter.getF32Type();
    double classes = op.getPrediction().getType().getDimSize(1);
    RowMaps maps = rowMaps(getContext());
    SmallVector<OpFoldResult> rows = {
        tensorSizes(rewriter, loc, adaptor.getPrediction())[0]};
    Value init = filledTensor(rewriter, loc, rows, f32, 0.0);
    Value loss = buildGeneric(
        rewriter, loc, {adaptor.getPrediction(), adaptor.getTarget()}, init,
        {maps.element, maps.element, maps.row}, rowReduction(),
        [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
          Value prediction = convertFloat(b, l, args[0], f32);
          Value target = convertFloat(b, l, args[1], f32);
          Value diff = arith::SubFOp::create(b, l, prediction, target);
          Value count = floatConstant(b, l, f32, classes);
          Value square = arith::MulFOp::create(b, l, diff, diff);
          Value term = arith::DivFOp::create(b, l, square, count);
          return {arith::AddFOp::create(b, l, args[2], term)};
        });
    rewriter.replaceOp(op, convertTensor(rewriter, loc, loss,
                                         op.getType().getElementType()));
    return success();
  }
};

struct MSEGradLowering : OpConversionPattern<MSEGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MSEGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type f32 = rewriter.getF32Type();
    Type resultType = op.getType().getElementType();
    double classes = op.getPrediction().getType().getDimSize(1);
    RowMaps maps = rowMaps(getContext());
    Value init = emptyTensor(
        rewriter, loc, tensorSizes(rewriter, loc, adaptor.getPrediction()),
        resultType);
    Value result = buildGeneric(
        rewriter, loc,
        {adaptor.getPrediction(), adaptor.getTarget(), adaptor.getGrad()}, init,
        {maps.element, maps.element, maps.row, maps.element},
        parallelIterators(2),
        [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
          Value prediction = convertFloat(b, l, args[0], f32);
          Value target = convertFloat(b, l, args[1], f32);
          Value diff = arith::SubFOp::create(b, l, prediction, target);
          Value count = floatConstant(b, l, f32, classes);
          Value two = floatConstant(b, l, f32, 2.0);
          Value twice =
              arith::MulFOp::create(b, l, convertFloat(b, l, args[2], f32), two);
          Value factor = arith::DivFOp::create(b, l, twice, count);
          return {convertFloat(b, l, arith::MulFOp::create(b, l, factor, diff),
                               resultType)};
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void mlir::dps::populateLossLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<SoftmaxCrossEntropyLowering, SoftmaxCrossEntropyGradLowering,
               MSELowering, MSEGradLowering>(patterns.getContext());
}
