//===- ElementwiseLowering.cpp - activations, their gradients, casts -------===//
#include "LoweringUtils.h"
#include "Patterns.h"

#include "dps/Dialect/DPS/IR/DPSOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace mlir::dps;

namespace {

/// Lowers a single-result dps op whose result is a function of its operands'
/// elements at the same index.
template <typename OpTy>
struct ElementwiseLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using Adaptor = typename OpTy::Adaptor;

  /// The scalar computation: operand elements in, result element out.
  virtual Value scalar(OpBuilder &b, Location loc, ValueRange args) const = 0;

  LogicalResult
  matchAndRewrite(OpTy op, Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type elementType = op.getType().getElementType();
    rewriter.replaceOp(
        op, mapElementwise(rewriter, op.getLoc(), adaptor.getOperands(),
                           elementType,
                           [&](OpBuilder &b, Location loc,
                               ValueRange args) -> SmallVector<Value> {
                             return {scalar(b, loc, args.drop_back())};
                           }));
    return success();
  }
};

Value zeroLike(OpBuilder &b, Location loc, Value like) {
  return floatConstant(b, loc, like.getType(), 0.0);
}
Value oneLike(OpBuilder &b, Location loc, Value like) {
  return floatConstant(b, loc, like.getType(), 1.0);
}

struct ReluLowering : ElementwiseLowering<ReluOp> {
  using ElementwiseLowering::ElementwiseLowering;
  Value scalar(OpBuilder &b, Location loc, ValueRange args) const override {
    return arith::MaximumFOp::create(b, loc, args[0],
                                     zeroLike(b, loc, args[0]));
  }
};

struct SigmoidLowering : ElementwiseLowering<SigmoidOp> {
  using ElementwiseLowering::ElementwiseLowering;
  Value scalar(OpBuilder &b, Location loc, ValueRange args) const override {
    Value negated = arith::NegFOp::create(b, loc, args[0]);
    Value one = oneLike(b, loc, args[0]);
    Value denominator = arith::AddFOp::create(
        b, loc, one, math::ExpOp::create(b, loc, negated));
    return arith::DivFOp::create(b, loc, one, denominator);
  }
};

struct TanhLowering : ElementwiseLowering<TanhOp> {
  using ElementwiseLowering::ElementwiseLowering;
  Value scalar(OpBuilder &b, Location loc, ValueRange args) const override {
    return math::TanhOp::create(b, loc, args[0]);
  }
};

struct ReluGradLowering : ElementwiseLowering<ReluGradOp> {
  using ElementwiseLowering::ElementwiseLowering;
  Value scalar(OpBuilder &b, Location loc, ValueRange args) const override {
    Value grad = args[0], input = args[1];
    Value positive = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT,
                                           input, zeroLike(b, loc, input));
    return arith::SelectOp::create(b, loc, positive, grad,
                                   zeroLike(b, loc, grad));
  }
};

struct SigmoidGradLowering : ElementwiseLowering<SigmoidGradOp> {
  using ElementwiseLowering::ElementwiseLowering;
  Value scalar(OpBuilder &b, Location loc, ValueRange args) const override {
    Value grad = args[0], output = args[1];
    Value complement =
        arith::SubFOp::create(b, loc, oneLike(b, loc, output), output);
    return arith::MulFOp::create(
        b, loc, grad, arith::MulFOp::create(b, loc, output, complement));
  }
};

struct TanhGradLowering : ElementwiseLowering<TanhGradOp> {
  using ElementwiseLowering::ElementwiseLowering;
  Value scalar(OpBuilder &b, Location loc, ValueRange args) const override {
    Value grad = args[0], output = args[1];
    Value square = arith::MulFOp::create(b, loc, output, output);
    Value complement =
        arith::SubFOp::create(b, loc, oneLike(b, loc, output), square);
    return arith::MulFOp::create(b, loc, grad, complement);
  }
};

/// Round-to-nearest-even casts, with an optional scale and saturation.
struct CastLowering : OpConversionPattern<CastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(CastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (op.getRounding() != RoundingMode::nearest_even)
      return rewriter.notifyMatchFailure(
          op, "stochastic rounding is lowered by dps-lower-precision-casts");
    Type target = op.getType().getElementType();
    Value scale = adaptor.getScale();
    bool saturate = op.getSaturate();
    auto targetFloat = cast<FloatType>(target);
    double maxFinite =
        llvm::APFloat::getLargest(targetFloat.getFloatSemantics())
            .convertToDouble();
    rewriter.replaceOp(
        op,
        mapElementwise(
            rewriter, op.getLoc(), adaptor.getInput(), target,
            [&](OpBuilder &b, Location loc,
                ValueRange args) -> SmallVector<Value> {
              Value value = args[0];
              if (scale || saturate)
                value = convertFloat(b, loc, value, scale ? scale.getType()
                                                          : value.getType());
              if (scale)
                value = arith::MulFOp::create(b, loc, value, scale);
              if (saturate) {
                Type t = value.getType();
                value = arith::MinimumFOp::create(
                    b, loc, value, floatConstant(b, loc, t, maxFinite));
                value = arith::MaximumFOp::create(
                    b, loc, value, floatConstant(b, loc, t, -maxFinite));
              }
              return {convertFloat(b, loc, value, target)};
            }));
    return success();
  }
};

} // namespace

void mlir::dps::populateElementwiseLoweringPatterns(
    RewritePatternSet &patterns) {
  patterns.add<ReluLowering, SigmoidLowering, TanhLowering, ReluGradLowering,
               SigmoidGradLowering, TanhGradLowering, CastLowering>(
      patterns.getContext());
}
