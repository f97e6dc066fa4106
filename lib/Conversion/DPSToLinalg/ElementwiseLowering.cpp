//===- ElementwiseLowering.cpp - activations, their gradients, casts ------===//
#include "FloatRounding.h"
#include "LoweringUtils.h"
#include "Patterns.h"

#include "dps/Dialect/DPS/IR/DPSOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>
#include <limits>

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

/// `arith.truncf` of the f32 `value` to the f8 type `target` with its
/// overflow made explicit, so that the truncation itself only ever sees
/// values it rounds to nearest-even in range (or NaN, or an infinity the
/// format has): saturating casts clamp to the largest finite value;
/// others turn magnitudes that round past it into NaN (formats without
/// infinities) or a signed infinity.
Value truncToFloat8(OpBuilder &b, Location loc, Value value, FloatType target,
                    bool saturate) {
  const llvm::fltSemantics &semantics = target.getFloatSemantics();
  llvm::APFloat largest = llvm::APFloat::getLargest(semantics);
  double maxFinite = largest.convertToDouble();
  Type f32 = b.getF32Type();
  auto constant = [&](double v) -> Value {
    return arith::ConstantOp::create(b, loc, f32, b.getF32FloatAttr(v));
  };
  if (saturate) {
    value = arith::MaximumFOp::create(b, loc, value, constant(-maxFinite));
    value = arith::MinimumFOp::create(b, loc, value, constant(maxFinite));
  } else {
    // Half an ulp above the largest finite value rounds past it; exactly
    // half an ulp does too when the largest value's last mantissa bit is
    // odd (ties go to even).
    double ulp = std::ldexp(
        1.0, llvm::ilogb(largest) -
                 int(llvm::APFloat::semanticsPrecision(semantics)) + 1);
    bool lastBitOdd = largest.bitcastToAPInt()[0];
    Value magnitude = math::AbsFOp::create(b, loc, value);
    Value overflows = arith::CmpFOp::create(
        b, loc,
        lastBitOdd ? arith::CmpFPredicate::OGE : arith::CmpFPredicate::OGT,
        magnitude, constant(maxFinite + ulp / 2));
    Value replacement =
        llvm::APFloat::semanticsHasInf(semantics)
            ? math::CopySignOp::create(
                  b, loc, constant(std::numeric_limits<double>::infinity()),
                  value)
                  .getResult()
            : constant(std::numeric_limits<double>::quiet_NaN());
    value = arith::SelectOp::create(b, loc, overflows, replacement, value);
  }
  return arith::TruncFOp::create(b, loc, target, value);
}

/// Casts: widen to f32 (exactly, bit by bit from f8), scale, then round to the
/// target. f8 and bf16 targets, stochastic rounding and saturation go through
/// the integer rounding of FloatRounding.h (but for an f8 round trip into
/// bf16); other nearest-even casts use arith's.
struct CastLowering : OpConversionPattern<CastOp> {
  CastLowering(MLIRContext *ctx, bool nativeF8Casts)
      : OpConversionPattern(ctx), nativeF8Casts(nativeF8Casts) {}
  bool nativeF8Casts;

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

    // A round trip through f8 (an f8 rung's activations and gradients,
    // rounded to f8 with a scale and used at once in another type): the
    // value is rounded to the f8 grid as an f32, without the f8 code's
    // encoding and decoding (about 30 integer ops fewer per element).
    Value input = adaptor.getInput();
    auto narrowing = op.getInput().getDefiningOp<CastOp>();
    bool roundTrip = isFloat8(source) && !nativeF8Casts && narrowing &&
                     narrowing.getRounding() != RoundingMode::stochastic &&
                     !isFloat8(narrowing.getInput().getType().getElementType());
    Value narrowingScale;
    if (roundTrip) {
      input = rewriter.getRemappedValue(narrowing.getInput());
      if (narrowing.getScale())
        narrowingScale = rewriter.getRemappedValue(narrowing.getScale());
    }

    rewriter.replaceOp(
        op,
        mapElementwise(
            rewriter, loc, input, target,
            [&](OpBuilder &b, Location l,
                ValueRange args) -> SmallVector<Value> {
              Value value = args[0];
              bool widen = isFloat8(source) || scale || integerRounding;
              bool native = nativeF8Casts && !stochastic;
              if (roundTrip) {
                value = convertFloat(b, l, value, f32);
                if (narrowingScale)
                  value = arith::MulFOp::create(b, l, value, narrowingScale);
                value = roundToNarrowGrid(b, l, value, cast<FloatType>(source),
                                          narrowing.getSaturate());
                widen = false;
              }
              if (widen)
                value = isFloat8(source)
                            ? (native ? arith::ExtFOp::create(b, l, f32, value)
                                            .getResult()
                                      : widenNarrowFloat(b, l, value))
                            : convertFloat(b, l, value, f32);
              if (scale)
                value = arith::MulFOp::create(b, l, value, scale);
              if (native && isFloat8(target))
                return {truncToFloat8(b, l, value, target, saturate)};
              // An f8 grid value times a scale (an f8 rung's weight copy),
              // to nearest bf16: finite and in range, or a NaN, where
              // vcvtneps2bf16 (which arith.truncf becomes) rounds as the
              // integer code does; it differs only on f32 subnormals, which
              // need weights below 2^-100 and which the kernels' flushing
              // of denormals makes zero before. One instruction for ~13.
              if (roundTrip && target.isBF16() && !stochastic)
                return {arith::TruncFOp::create(b, l, target, value)};
              if (!integerRounding)
                return {convertFloat(b, l, value, target)};
              Value random =
                  stochastic ? hashBits(b, l, seed32, linearIndex(b, l, sizes))
                             : Value();
              return {
                  roundToNarrowFloat(b, l, value, target, saturate, random)};
            }));
    return success();
  }
};

} // namespace

void mlir::dps::populateElementwiseLoweringPatterns(RewritePatternSet &patterns,
                                                    bool nativeF8Casts) {
  patterns.add<ReluLowering, SigmoidLowering, TanhLowering, ReluGradLowering,
               SigmoidGradLowering, TanhGradLowering>(patterns.getContext());
  patterns.add<CastLowering>(patterns.getContext(), nativeF8Casts);
}
