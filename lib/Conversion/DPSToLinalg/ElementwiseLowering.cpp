//===- ElementwiseLowering.cpp - activations, their gradients, casts -------===//
#include "LoweringUtils.h"
#include "FloatRounding.h"
#include "Patterns.h"

#include "dps/Dialect/DPS/IR/DPSOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
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

bool isFloat8(Type type) { return isa<Float8E4M3FNType, Float8E5M2Type>(type); }

/// The row-major linear index of the current element of a linalg.generic over
/// a tensor whose sizes are `sizes`, as i32 (wrapping), for hashing.
Value linearIndex(OpBuilder &b, Location loc, ArrayRef<Value> sizes) {
  Type i32 = b.getI32Type();
  Value index = arith::ConstantIntOp::create(b, loc, 0, 32);
  for (auto [dim, size] : llvm::enumerate(sizes)) {
    Value extent = arith::IndexCastOp::create(b, loc, i32, size);
    Value position = arith::IndexCastOp::create(
        b, loc, i32, linalg::IndexOp::create(b, loc, dim));
    index = arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, index, extent), position);
  }
  return index;
}

/// Casts: widen to f32 (exactly, bit by bit from f8), scale, then round to the
/// target. f8 and bf16 targets, stochastic rounding and saturation go through
/// the integer rounding of FloatRounding.h; other nearest-even casts use
/// arith's.
struct CastLowering : OpConversionPattern<CastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(CastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type source = op.getInput().getType().getElementType();
    auto target = cast<FloatType>(op.getType().getElementType());
    Type f32 = rewriter.getF32Type();
    Value scale = adaptor.getScale();
    bool saturate = op.getSaturate();
    bool stochastic = op.getRounding() == RoundingMode::stochastic;
    // bf16 too: x86's vcvtneps2bf16, which arith.truncf becomes, flushes
    // f32 subnormals to zero.
    bool integerRounding =
        !target.isF32() &&
        (isFloat8(target) || target.isBF16() || stochastic || saturate);

    // The seed, folded to 32 bits, and the tensor's sizes for the counter.
    Value seed32;
    SmallVector<Value> sizes;
    if (stochastic) {
      Value seed = adaptor.getSeed();
      Type i32 = rewriter.getI32Type();
      Value low = arith::TruncIOp::create(rewriter, loc, i32, seed);
      Value high = arith::TruncIOp::create(
          rewriter, loc, i32,
          arith::ShRUIOp::create(
              rewriter, loc, seed,
              arith::ConstantIntOp::create(rewriter, loc, 32, 64)));
      seed32 = arith::XOrIOp::create(
          rewriter, loc, low,
          arith::MulIOp::create(
              rewriter, loc, high,
              arith::ConstantIntOp::create(rewriter, loc, 0x27D4EB2F, 32)));
      for (OpFoldResult size : tensorSizes(rewriter, loc, adaptor.getInput()))
        sizes.push_back(getValueOrCreateConstantIndexOp(rewriter, loc, size));
    }

    rewriter.replaceOp(
        op,
        mapElementwise(
            rewriter, loc, adaptor.getInput(), target,
            [&](OpBuilder &b, Location l,
                ValueRange args) -> SmallVector<Value> {
              Value value = args[0];
              bool widen = isFloat8(source) || scale || integerRounding;
              if (widen)
                value = isFloat8(source) ? widenNarrowFloat(b, l, value)
                                         : convertFloat(b, l, value, f32);
              if (scale)
                value = arith::MulFOp::create(b, l, value, scale);
              if (!integerRounding)
                return {convertFloat(b, l, value, target)};
              Value random =
                  stochastic
                      ? hashBits(b, l, seed32, linearIndex(b, l, sizes))
                      : Value();
              return {roundToNarrowFloat(b, l, value, target, saturate,
                                         random)};
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
