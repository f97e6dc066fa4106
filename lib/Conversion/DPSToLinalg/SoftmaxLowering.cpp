//===- SoftmaxLowering.cpp - transpose, softmaxes, gradients --------------===//
//
// Softmaxes reduce along one axis in f32: the maximum first (so exp never
// overflows), then the sum of exponentials, then one elementwise pass that
// rounds to the op's element type once.
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "Patterns.h"

#include "dps/Dialect/DPS/IR/DPSOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace mlir::dps;

namespace {

/// An elementwise pass over `inputs` (full shape) and `reduced` (without
/// `axis`), all read as f32, into `type`.
Value mapWithReduced(
    OpBuilder &b, Location loc, ValueRange inputs, ValueRange reduced,
    int64_t axis, RankedTensorType type,
    function_ref<Value(OpBuilder &, Location, ValueRange, ValueRange)> body) {
  Type f32 = accumulatorType(b.getContext());
  int64_t rank = type.getRank();
  Value init = emptyTensor(b, loc, tensorSizes(b, loc, inputs.front()),
                           type.getElementType());
  SmallVector<AffineMap> maps(inputs.size(), b.getMultiDimIdentityMap(rank));
  maps.append(reduced.size(), dropAxisMap(b, rank, axis));
  maps.push_back(b.getMultiDimIdentityMap(rank));
  SmallVector<Value> operands(inputs.begin(), inputs.end());
  operands.append(reduced.begin(), reduced.end());
  size_t n = inputs.size();
  return buildGeneric(
      b, loc, operands, init, maps, parallelIterators(rank),
      [&](OpBuilder &nb, Location nl, ValueRange args) -> SmallVector<Value> {
        SmallVector<Value> values;
        for (Value v : args.take_front(n))
          values.push_back(convertFloat(nb, nl, v, f32));
        Value result = body(nb, nl, values, args.slice(n, reduced.size()));
        return {convertFloat(nb, nl, result, type.getElementType())};
      });
}

template <typename OpTy>
struct SoftmaxLikeLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    int64_t axis = op.getNormalizedAxis();
    Value input = adaptor.getInput();
    auto [max, sum] = logSumExpParts(rewriter, loc, input, axis);
    constexpr bool isLog = std::is_same_v<OpTy, LogSoftmaxOp>;
    rewriter.replaceOp(
        op, mapWithReduced(
                rewriter, loc, input, ValueRange{max, sum}, axis, op.getType(),
                [](OpBuilder &b, Location l, ValueRange x, ValueRange r) {
                  Value shifted = arith::SubFOp::create(b, l, x[0], r[0]);
                  if (isLog)
                    return arith::SubFOp::create(
                               b, l, shifted, math::LogOp::create(b, l, r[1]))
                        .getResult();
                  return arith::DivFOp::create(
                             b, l, math::ExpOp::create(b, l, shifted), r[1])
                      .getResult();
                }));
    return success();
  }
};

/// softmax: output * (grad - sum(grad * output));
/// log_softmax: grad - exp(output) * sum(grad).
template <typename OpTy>
struct SoftmaxLikeGradLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto axis = static_cast<int64_t>(op.getAxis());
    constexpr bool isLog = std::is_same_v<OpTy, LogSoftmaxGradOp>;
    SmallVector<Value, 2> operands = {adaptor.getGrad(), adaptor.getOutput()};
    Value sum = reduceAlongAxis(
        rewriter, loc, operands, {}, axis, 0.0,
        [](OpBuilder &b, Location l, ValueRange x, ValueRange, Value acc) {
          Value term =
              isLog ? x[0]
                    : arith::MulFOp::create(b, l, x[0], x[1]).getResult();
          return arith::AddFOp::create(b, l, acc, term).getResult();
        });
    rewriter.replaceOp(
        op, mapWithReduced(
                rewriter, loc, operands, sum, axis, op.getType(),
                [](OpBuilder &b, Location l, ValueRange x, ValueRange r) {
                  if (isLog)
                    return arith::SubFOp::create(
                               b, l, x[0],
                               arith::MulFOp::create(
                                   b, l, math::ExpOp::create(b, l, x[1]), r[0]))
                        .getResult();
                  return arith::MulFOp::create(
                             b, l, x[1],
                             arith::SubFOp::create(b, l, x[0], r[0]))
                      .getResult();
                }));
    return success();
  }
};

struct TransposeLowering : OpConversionPattern<TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    SmallVector<OpFoldResult> inputSizes =
        tensorSizes(rewriter, loc, adaptor.getInput());
    SmallVector<OpFoldResult> sizes;
    for (int64_t d : op.getPermutation())
      sizes.push_back(inputSizes[d]);
    Value init =
        emptyTensor(rewriter, loc, sizes, op.getType().getElementType());
    rewriter.replaceOp(op, linalg::TransposeOp::create(rewriter, loc,
                                                       adaptor.getInput(), init,
                                                       op.getPermutation())
                               ->getResult(0));
    return success();
  }
};

} // namespace

void mlir::dps::populateSoftmaxLoweringPatterns(RewritePatternSet &patterns) {
  patterns
      .add<SoftmaxLikeLowering<SoftmaxOp>, SoftmaxLikeLowering<LogSoftmaxOp>,
           SoftmaxLikeGradLowering<SoftmaxGradOp>,
           SoftmaxLikeGradLowering<LogSoftmaxGradOp>, TransposeLowering>(
          patterns.getContext());
}
