//===- TrainingLowering.cpp - learning rate, optimizer step, argmax --------===//
//
// The optimizer step is one elementwise linalg.generic per parameter that
// writes the new weights and state into the buffers they came from; its
// arithmetic follows PyTorch's torch.optim.SGD and torch.optim.Adam, scalar
// factors (bias corrections, the schedule) computed in f64.
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "Patterns.h"

#include "dps/Dialect/DPS/IR/DPSOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <functional>
#include <limits>

using namespace mlir;
using namespace mlir::dps;

namespace {

/// Scalar f64 arithmetic shorthands.
struct F64Math {
  OpBuilder &b;
  Location loc;
  Value c(double v) { return floatConstant(b, loc, b.getF64Type(), v); }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return arith::DivFOp::create(b, loc, x, y); }
  Value pow(Value x, Value y) { return math::PowFOp::create(b, loc, x, y); }
  Value fromInt(Value i) {
    return arith::SIToFPOp::create(b, loc, b.getF64Type(), i);
  }
  Value toF32(Value x) {
    return arith::TruncFOp::create(b, loc, b.getF32Type(), x);
  }
};

struct LearningRateLowering : OpConversionPattern<LearningRateOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LearningRateOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    F64Math m{rewriter, loc};
    LRScheduleAttr schedule = op.getSchedule();
    Value base = m.c(op.getBase().convertToDouble());
    Value one = arith::ConstantIntOp::create(rewriter, loc, 1, 64);
    Value total = arith::MaxSIOp::create(rewriter, loc, adaptor.getTotalSteps(),
                                         one);
    Value stepCount = m.fromInt(adaptor.getStep());
    Value totalCount = m.fromInt(total);
    Value progress = m.div(stepCount, totalCount);
    Value lr = base;
    switch (schedule.getKind()) {
    case LRScheduleKind::constant:
      break;
    case LRScheduleKind::cosine: {
      Value angle = m.mul(progress, m.c(M_PI));
      Value cosine = math::CosOp::create(rewriter, loc, angle);
      Value half = m.mul(base, m.c(0.5));
      lr = m.mul(half, m.add(m.c(1.0), cosine));
      break;
    }
    case LRScheduleKind::step: {
      Value decays = math::FloorOp::create(
          rewriter, loc, m.div(progress, m.c(schedule.getPeriod())));
      lr = m.mul(base, m.pow(m.c(schedule.getGamma()), decays));
      break;
    }
    }
    rewriter.replaceOp(op, m.toF32(lr));
    return success();
  }
};

struct OptimizerStepLowering : OpConversionPattern<OptimizerStepOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OptimizerStepOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    int64_t rank = op.getParam().getType().getRank();
    Type f32 = rewriter.getF32Type();
    Value lr = adaptor.getLr(), scale = adaptor.getGradScale();
    SmallVector<Value> outputs = {adaptor.getParam()};
    llvm::append_range(outputs, adaptor.getState());
    SmallVector<AffineMap> maps(1 + outputs.size(),
                                rewriter.getMultiDimIdentityMap(rank));

    auto constant = [&](OpBuilder &b, Location l, double v) {
      return floatConstant(b, l, f32, v);
    };
    // grad * scale + weight_decay * w
    auto effectiveGrad = [&](OpBuilder &b, Location l, Value g, Value w,
                             double weightDecay) -> Value {
      Value mean = arith::MulFOp::create(b, l, g, scale);
      if (weightDecay == 0.0)
        return mean;
      return arith::AddFOp::create(
          b, l, mean,
          arith::MulFOp::create(b, l, w, constant(b, l, weightDecay)));
    };

    // Outlives this scope's lambdas, unlike a BodyFn (a function_ref).
    std::function<SmallVector<Value>(OpBuilder &, Location, ValueRange)> body;
    Value stepSize, correction2;
    if (auto sgd = dyn_cast<SGDAttr>(op.getOptimizer())) {
      double momentum = sgd.getMomentum(), weightDecay = sgd.getWeightDecay();
      body = [&, momentum, weightDecay](OpBuilder &b, Location l,
                                        ValueRange args) -> SmallVector<Value> {
        Value w = args[1];
        Value d = effectiveGrad(b, l, args[0], w, weightDecay);
        SmallVector<Value> results;
        Value buffer;
        if (momentum != 0.0) {
          buffer = arith::AddFOp::create(
              b, l, arith::MulFOp::create(b, l, args[2],
                                          constant(b, l, momentum)),
              d);
          d = buffer;
        }
        Value negLr = arith::NegFOp::create(b, l, lr);
        results.push_back(arith::AddFOp::create(
            b, l, w, arith::MulFOp::create(b, l, negLr, d)));
        if (buffer)
          results.push_back(buffer);
        return results;
      };
    } else {
      auto adam = cast<AdamAttr>(op.getOptimizer());
      double beta1 = adam.getBeta1(), beta2 = adam.getBeta2(),
             epsilon = adam.getEpsilon(), weightDecay = adam.getWeightDecay();
      // Bias corrections at step t + 1, in f64 as PyTorch computes them.
      F64Math m{rewriter, loc};
      Value t = m.add(m.fromInt(adaptor.getStep()), m.c(1.0));
      Value bc1 = m.sub(m.c(1.0), m.pow(m.c(beta1), t));
      Value bc2 = m.sub(m.c(1.0), m.pow(m.c(beta2), t));
      Value lr64 = arith::ExtFOp::create(rewriter, loc, rewriter.getF64Type(),
                                         lr);
      stepSize = m.toF32(m.div(lr64, bc1));
      correction2 = m.toF32(math::SqrtOp::create(rewriter, loc, bc2));
      body = [&, beta1, beta2, epsilon,
              weightDecay](OpBuilder &b, Location l,
                           ValueRange args) -> SmallVector<Value> {
        Value w = args[1], mOld = args[2], vOld = args[3];
        Value g = effectiveGrad(b, l, args[0], w, weightDecay);
        Value mDecayed =
            arith::MulFOp::create(b, l, mOld, constant(b, l, beta1));
        Value mIncrement =
            arith::MulFOp::create(b, l, g, constant(b, l, 1.0 - beta1));
        Value mNew = arith::AddFOp::create(b, l, mDecayed, mIncrement);
        Value vDecayed =
            arith::MulFOp::create(b, l, vOld, constant(b, l, beta2));
        Value gradSquared = arith::MulFOp::create(b, l, g, g);
        Value vIncrement = arith::MulFOp::create(
            b, l, gradSquared, constant(b, l, 1.0 - beta2));
        Value vNew = arith::AddFOp::create(b, l, vDecayed, vIncrement);
        Value denom = arith::AddFOp::create(
            b, l,
            arith::DivFOp::create(b, l, math::SqrtOp::create(b, l, vNew),
                                  correction2),
            constant(b, l, epsilon));
        Value negStep = arith::NegFOp::create(b, l, stepSize);
        Value wNew = arith::AddFOp::create(
            b, l, w,
            arith::MulFOp::create(b, l, negStep,
                                  arith::DivFOp::create(b, l, mNew, denom)));
        return {wNew, mNew, vNew};
      };
    }
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange(ValueRange(outputs)), adaptor.getGrad(),
        outputs, maps, parallelIterators(rank),
        [&](OpBuilder &b, Location l, ValueRange args) {
          linalg::YieldOp::create(b, l, body(b, l, args));
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

struct ArgmaxLowering : OpConversionPattern<ArgmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ArgmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    Type f32 = rewriter.getF32Type(), i32 = rewriter.getI32Type();
    SmallVector<OpFoldResult> rows = {tensorSizes(rewriter, loc, input)[0]};
    Value best = filledTensor(rewriter, loc, rows, f32,
                              -std::numeric_limits<double>::infinity());
    Value index = linalg::FillOp::create(
                      rewriter, loc,
                      ValueRange{arith::ConstantIntOp::create(rewriter, loc, 0,
                                                              32)},
                      ValueRange{emptyTensor(rewriter, loc, rows, i32)})
                      .getResult(0);
    MLIRContext *ctx = getContext();
    AffineExpr n, c;
    bindDims(ctx, n, c);
    SmallVector<AffineMap> maps = {AffineMap::get(2, 0, {n, c}, ctx),
                                   AffineMap::get(2, 0, {n}, ctx),
                                   AffineMap::get(2, 0, {n}, ctx)};
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{best.getType(), index.getType()}, input,
        ValueRange{best, index}, maps,
        {utils::IteratorType::parallel, utils::IteratorType::reduction},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = convertFloat(b, l, args[0], f32);
          Value better =
              arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, x, args[1]);
          Value column = arith::IndexCastOp::create(
              b, l, i32, linalg::IndexOp::create(b, l, 1));
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::SelectOp::create(b, l, better, x, args[1]),
                         arith::SelectOp::create(b, l, better, column,
                                                 args[2])});
        });
    rewriter.replaceOp(op, generic.getResult(1));
    return success();
  }
};

} // namespace

void mlir::dps::populateTrainingLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<LearningRateLowering, OptimizerStepLowering, ArgmaxLowering>(
      patterns.getContext());
}

namespace {

/// A full reduction of `input` to a scalar: `combine(accumulator, element)`
/// from `init`.
Value reduceAll(OpBuilder &b, Location loc, Value input, Value init,
                function_ref<Value(OpBuilder &, Location, Value, Value)>
                    combine) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  Value initTensor = tensor::FromElementsOp::create(
      b, loc, RankedTensorType::get({}, init.getType()), init);
  SmallVector<AffineMap> maps = {
      b.getMultiDimIdentityMap(rank),
      AffineMap::get(rank, 0, {}, b.getContext())};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::reduction);
  Value reduced = buildGeneric(
      b, loc, input, initTensor, maps, iterators,
      [&](OpBuilder &nb, Location nl, ValueRange args) -> SmallVector<Value> {
        return {combine(nb, nl, args[1], args[0])};
      });
  return tensor::ExtractOp::create(b, loc, reduced, ValueRange{});
}

/// The bits of the largest |x| in `input`, as f32: non-negative floats
/// order as their bit patterns do as unsigned integers (NaN above inf, so a
/// NaN still comes out), and an integer max reduces in vector registers
/// where a NaN-propagating float max reduction is expanded element by
/// element.
Value largestMagnitudeBits(OpBuilder &builder, Location loc, Value input) {
  Type f32 = builder.getF32Type(), i32 = builder.getI32Type();
  Value zero = arith::ConstantIntOp::create(builder, loc, i32, 0);
  return reduceAll(
      builder, loc, input, zero,
      [&](OpBuilder &b, Location l, Value acc, Value x) {
        Value bits =
            arith::BitcastOp::create(b, l, i32, convertFloat(b, l, x, f32));
        Value magnitude = arith::AndIOp::create(
            b, l, bits, arith::ConstantIntOp::create(b, l, i32, 0x7fffffff));
        return arith::MaxUIOp::create(b, l, acc, magnitude).getResult();
      });
}

struct AmaxLowering : OpConversionPattern<AmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    rewriter.replaceOp(
        op, arith::BitcastOp::create(
                rewriter, loc, rewriter.getF32Type(),
                largestMagnitudeBits(rewriter, loc, adaptor.getInput())));
    return success();
  }
};

struct AllFiniteLowering : OpConversionPattern<AllFiniteOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AllFiniteOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    // Inf and NaN have the largest bit patterns: all is finite where the
    // largest magnitude is below inf's. (An and of per-element compares
    // reduced i1 vectors, which AVX2 packed into bytes at every step: ~20%
    // of a bf16 rung's one-row gradient call on Zen 3.)
    Location loc = op.getLoc();
    Value largest = largestMagnitudeBits(rewriter, loc, adaptor.getInput());
    Value infinity = arith::ConstantIntOp::create(
        rewriter, loc, rewriter.getI32Type(), 0x7f800000);
    rewriter.replaceOpWithNewOp<arith::CmpIOp>(op, arith::CmpIPredicate::ult,
                                               largest, infinity);
    return success();
  }
};

} // namespace

void mlir::dps::populateStatisticsLoweringPatterns(
    RewritePatternSet &patterns) {
  patterns.add<AmaxLowering, AllFiniteLowering>(patterns.getContext());
}
