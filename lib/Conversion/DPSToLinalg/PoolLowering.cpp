//===- PoolLowering.cpp - max and average pools and their gradients -------===//
//
// Forward pools become linalg pooling ops over a padded input. Their
// gradients scatter each result gradient back into its window: a loop nest
// over the pool's outputs that threads the input-gradient tensor. A max
// pool whose windows tile its input exactly (the usual 2x2, stride 2) is
// instead elementwise over its taps' strided views, forward and backward,
// which vectorizes along the channels: as scalar loops, the CNN's two max
// pools took ~40% of its bf16 gradient kernel (bf16 compared element by
// element through f32).
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "Patterns.h"

#include "dps/Dialect/DPS/IR/DPSOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;
using namespace mlir::dps;

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr int64_t kUndilated[] = {1, 1};

struct PoolWindow {
  ArrayRef<int64_t> kernel, strides, padding;
  ArrayRef<int64_t> dilations = kUndilated;
};

/// A linalg pooling op of kind `PoolOp` over `input` into `init`.
template <typename PoolOp>
Value pool(OpBuilder &b, Location loc, Value input, Value init,
           const PoolWindow &w) {
  Value window = tensor::EmptyOp::create(b, loc, w.kernel, b.getF32Type());
  auto op = PoolOp::create(b, loc, TypeRange{init.getType()},
                           ValueRange{input, window}, ValueRange{init},
                           b.getI64TensorAttr(w.strides),
                           b.getI64TensorAttr(w.dilations));
  return op->getResult(0);
}

/// Whether the windows of `w` tile an N x H x W x C input exactly: no
/// padding or dilation, strides equal to the window, extents they divide.
bool tilesExactly(const PoolWindow &w, ArrayRef<int64_t> shape) {
  for (int d = 0; d < 2; ++d)
    if (w.strides[d] != w.kernel[d] || w.dilations[d] != 1 ||
        ShapedType::isDynamic(shape[1 + d]) || shape[1 + d] % w.kernel[d])
      return false;
  return llvm::all_of(w.padding, [](int64_t p) { return p == 0; });
}

/// Where the view of window offset (ky, kx) lies in an input that the
/// windows tile exactly: offsets (0, ky, kx, 0), strides (1, sy, sx, 1).
struct TapSlice {
  SmallVector<OpFoldResult> offsets, strides;
};

/// The window offsets' slices, row-major: the taps in the order
/// tapViews returns their views.
SmallVector<TapSlice> tapSlices(OpBuilder &b, const PoolWindow &w) {
  SmallVector<TapSlice> taps;
  for (int64_t ky = 0; ky < w.kernel[0]; ++ky)
    for (int64_t kx = 0; kx < w.kernel[1]; ++kx)
      taps.push_back({{b.getIndexAttr(0), b.getIndexAttr(ky),
                       b.getIndexAttr(kx), b.getIndexAttr(0)},
                      {b.getIndexAttr(1), b.getIndexAttr(w.strides[0]),
                       b.getIndexAttr(w.strides[1]), b.getIndexAttr(1)}});
  return taps;
}

/// The N x OH x OW x C sizes of a tap's view of `input`.
SmallVector<OpFoldResult> tapSizes(OpBuilder &b, Location loc, Value input,
                                   const PoolWindow &w) {
  ArrayRef<int64_t> shape = cast<RankedTensorType>(input.getType()).getShape();
  SmallVector<OpFoldResult> sizes = tensorSizes(b, loc, input);
  sizes[1] = b.getIndexAttr(shape[1] / w.strides[0]);
  sizes[2] = b.getIndexAttr(shape[2] / w.strides[1]);
  return sizes;
}

/// The views of `input` at each window offset (ky, kx), row-major, of a
/// pool whose windows tile it exactly: input[:, ky::sy, kx::sx, :], each of
/// `sizes` (tapSizes).
SmallVector<Value> tapViews(OpBuilder &b, Location loc, Value input,
                            const PoolWindow &w, ArrayRef<OpFoldResult> sizes) {
  SmallVector<Value> views;
  for (const TapSlice &tap : tapSlices(b, w))
    views.push_back(tensor::ExtractSliceOp::create(b, loc, input, tap.offsets,
                                                   sizes, tap.strides));
  return views;
}

struct MaxPool2DLowering : OpConversionPattern<MaxPool2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MaxPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    PoolWindow w{op.getKernel(), op.getStrides(), op.getPadding(),
                 op.getDilations()};
    Type elementType = op.getType().getElementType();
    if (tilesExactly(w, op.getInput().getType().getShape())) {
      // The maximum over the taps, as the pooling op takes it (maximumf).
      rewriter.replaceOp(
          op, mapElementwise(
                  rewriter, loc,
                  tapViews(rewriter, loc, adaptor.getInput(), w,
                           tapSizes(rewriter, loc, adaptor.getInput(), w)),
                  elementType,
                  [](OpBuilder &b, Location l,
                     ValueRange args) -> SmallVector<Value> {
                    ValueRange taps = args.drop_back(); // the rest: the init
                    Value best = taps.front();
                    for (Value tap : taps.drop_front())
                      best = arith::MaximumFOp::create(b, l, best, tap);
                    return {best};
                  }));
      return success();
    }
    Value padded =
        padImage(rewriter, loc, adaptor.getInput(), w.padding, -kInfinity);
    SmallVector<OpFoldResult> sizes = tensorSizes(rewriter, loc, adaptor.getInput());
    sizes[1] = rewriter.getIndexAttr(op.getType().getDimSize(1));
    sizes[2] = rewriter.getIndexAttr(op.getType().getDimSize(2));
    Value init = filledTensor(rewriter, loc, sizes, elementType, -kInfinity);
    rewriter.replaceOp(op, pool<linalg::PoolingNhwcMaxOp>(rewriter, loc,
                                                          padded, init, w));
    return success();
  }
};

/// Index arithmetic shorthands for the pool loops.
struct IndexMath {
  OpBuilder &b;
  Location loc;
  Value c(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value min(Value x, Value y) { return arith::MinSIOp::create(b, loc, x, y); }
  Value max(Value x, Value y) { return arith::MaxSIOp::create(b, loc, x, y); }
  Value cmp(arith::CmpIPredicate p, Value x, Value y) {
    return arith::CmpIOp::create(b, loc, p, x, y);
  }
  Value andI(Value x, Value y) { return arith::AndIOp::create(b, loc, x, y); }
  Value select(Value cond, Value x, Value y) {
    return arith::SelectOp::create(b, loc, cond, x, y);
  }
  /// 0 <= v < bound
  Value inRange(Value v, int64_t bound) {
    Value nonNegative = cmp(arith::CmpIPredicate::sge, v, c(0));
    Value below = cmp(arith::CmpIPredicate::slt, v, c(bound));
    return andI(nonNegative, below);
  }
  /// Both coordinates of (y, x) inside an image of `height` x `width`.
  Value inImage(Value y, Value x, int64_t height, int64_t width) {
    Value rowInside = inRange(y, height);
    Value columnInside = inRange(x, width);
    return andI(rowInside, columnInside);
  }
};

/// Number of input positions (not padding) in the window starting at `start`
/// along a dimension of `size`.
Value validExtent(IndexMath &m, Value start, int64_t window, int64_t size) {
  Value end = m.min(m.add(start, m.c(window)), m.c(size));
  Value begin = m.max(start, m.c(0));
  return m.sub(end, begin);
}

struct AvgPool2DLowering : OpConversionPattern<AvgPool2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AvgPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    PoolWindow w{op.getKernel(), op.getStrides(), op.getPadding()};
    RankedTensorType type = op.getType();
    Type acc = accumulatorType(getContext());
    ArrayRef<int64_t> inputShape = op.getInput().getType().getShape();
    Value padded = padImage(rewriter, loc, adaptor.getInput(), w.padding, 0.0);
    SmallVector<OpFoldResult> sizes = tensorSizes(rewriter, loc, adaptor.getInput());
    sizes[1] = rewriter.getIndexAttr(type.getDimSize(1));
    sizes[2] = rewriter.getIndexAttr(type.getDimSize(2));
    Value sum = pool<linalg::PoolingNhwcSumOp>(
        rewriter, loc, padded, filledTensor(rewriter, loc, sizes, acc, 0.0), w);
    bool includePad = op.getCountIncludePad();
    Value mean = mapElementwise(
        rewriter, loc, sum, type.getElementType(),
        [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
          Value count;
          if (includePad) {
            count = floatConstant(b, l, acc, w.kernel[0] * w.kernel[1]);
          } else {
            IndexMath m{b, l};
            Value y = m.sub(m.mul(linalg::IndexOp::create(b, l, 1),
                                  m.c(w.strides[0])),
                            m.c(w.padding[0]));
            Value x = m.sub(m.mul(linalg::IndexOp::create(b, l, 2),
                                  m.c(w.strides[1])),
                            m.c(w.padding[1]));
            Value rows = validExtent(m, y, w.kernel[0], inputShape[1]);
            Value columns = validExtent(m, x, w.kernel[1], inputShape[2]);
            Value cells = m.mul(rows, columns);
            count = arith::UIToFPOp::create(
                b, l, acc, arith::IndexCastUIOp::create(b, l, b.getI64Type(),
                                                        cells));
          }
          return {convertFloat(b, l, arith::DivFOp::create(b, l, args[0], count),
                               type.getElementType())};
        });
    rewriter.replaceOp(op, mean);
    return success();
  }
};

/// Loops over every (n, oh, ow, c) of a pool's output, threading `init` (the
/// input gradient) through `body`, which returns its next value.
Value forEachPoolOutput(
    OpBuilder &b, Location loc, Value grad, Value init,
    function_ref<Value(OpBuilder &, Location, ValueRange ivs, Value)> body) {
  SmallVector<Value> lower, upper, steps;
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  for (OpFoldResult size : tensorSizes(b, loc, grad)) {
    lower.push_back(zero);
    upper.push_back(getValueOrCreateConstantIndexOp(b, loc, size));
    steps.push_back(one);
  }
  scf::LoopNest nest = scf::buildLoopNest(
      b, loc, lower, upper, steps, ValueRange{init},
      [&](OpBuilder &nb, Location nl, ValueRange ivs,
          ValueRange iterArgs) -> scf::ValueVector {
        return {body(nb, nl, ivs, iterArgs[0])};
      });
  return nest.results.front();
}

/// `tensor[index] += value`.
Value accumulateAt(OpBuilder &b, Location loc, Value tensor, ValueRange index,
                   Value value) {
  Value old = tensor::ExtractOp::create(b, loc, tensor, index);
  Value sum = arith::AddFOp::create(b, loc, old, value);
  return tensor::InsertOp::create(b, loc, sum, tensor, index);
}

/// The max pool's input gradient where its windows tile the input: one
/// elementwise op over the taps' views and the result gradient writes each
/// tap's share (the gradient where the tap is the window's first maximum
/// in row-major order -- the loop nest's rule -- zero elsewhere) into that
/// tap's view of the input gradient. Every element is written once.
Value exactWindowsGradient(OpBuilder &b, Location loc, Value input, Value grad,
                           const PoolWindow &w, Type elementType) {
  SmallVector<OpFoldResult> sizes = tapSizes(b, loc, input, w);
  SmallVector<Value> taps = tapViews(b, loc, input, w, sizes);
  SmallVector<Value> inputs(taps);
  inputs.push_back(grad);
  SmallVector<Value> shares;
  for (size_t t = 0; t < taps.size(); ++t)
    shares.push_back(emptyTensor(b, loc, sizes, elementType));
  SmallVector<AffineMap> maps(inputs.size() + shares.size(),
                              b.getMultiDimIdentityMap(4));
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange(shares), inputs, shares, maps, parallelIterators(4),
      [&](OpBuilder &nb, Location l, ValueRange args) {
        size_t count = taps.size();
        Value best = args[0];
        Value g = convertFloat(nb, l, args[count], elementType);
        Value index = arith::ConstantIntOp::create(nb, l, 0, 32);
        for (size_t t = 1; t < count; ++t) {
          Value greater = arith::CmpFOp::create(
              nb, l, arith::CmpFPredicate::OGT, args[t], best);
          best = arith::SelectOp::create(nb, l, greater, args[t], best);
          index = arith::SelectOp::create(
              nb, l, greater, arith::ConstantIntOp::create(nb, l, t, 32),
              index);
        }
        Value zero = floatConstant(nb, l, elementType, 0.0);
        SmallVector<Value> results;
        for (size_t t = 0; t < count; ++t) {
          Value mine =
              arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq, index,
                                    arith::ConstantIntOp::create(nb, l, t, 32));
          results.push_back(arith::SelectOp::create(nb, l, mine, g, zero));
        }
        linalg::YieldOp::create(nb, l, results);
      });
  Value dx = emptyTensor(b, loc, tensorSizes(b, loc, input), elementType);
  for (auto [share, tap] :
       llvm::zip_equal(generic.getResults(), tapSlices(b, w)))
    dx = tensor::InsertSliceOp::create(b, loc, share, dx, tap.offsets, sizes,
                                       tap.strides);
  return dx;
}

struct MaxPool2DGradLowering : OpConversionPattern<MaxPool2DGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MaxPool2DGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    PoolWindow w{op.getKernel(), op.getStrides(), op.getPadding(),
                 op.getDilations()};
    Value input = adaptor.getInput(), grad = adaptor.getGrad();
    ArrayRef<int64_t> shape = op.getInput().getType().getShape();
    Type elementType = op.getType().getElementType();
    if (tilesExactly(w, shape)) {
      rewriter.replaceOp(
          op, exactWindowsGradient(rewriter, loc, input, grad, w, elementType));
      return success();
    }
    Value init = filledTensor(rewriter, loc, tensorSizes(rewriter, loc, input),
                              elementType, 0.0);
    Value result = forEachPoolOutput(
        rewriter, loc, grad, init,
        [&](OpBuilder &b, Location l, ValueRange ivs, Value dx) {
          IndexMath m{b, l};
          Value n = ivs[0], c = ivs[3];
          Value top = m.sub(m.mul(ivs[1], m.c(w.strides[0])), m.c(w.padding[0]));
          Value left = m.sub(m.mul(ivs[2], m.c(w.strides[1])), m.c(w.padding[1]));
          // The first maximum in row-major window order, skipping padding.
          Value best = floatConstant(b, l, elementType, -kInfinity);
          Value found = arith::ConstantIntOp::create(b, l, 0, 1);
          Value bestY = m.c(0), bestX = m.c(0);
          for (int64_t ky = 0; ky < w.kernel[0]; ++ky) {
            for (int64_t kx = 0; kx < w.kernel[1]; ++kx) {
              Value y = m.add(top, m.c(ky * w.dilations[0]));
              Value x = m.add(left, m.c(kx * w.dilations[1]));
              Value inside = m.inImage(y, x, shape[1], shape[2]);
              Value cy = m.select(inside, y, m.c(0));
              Value cx = m.select(inside, x, m.c(0));
              Value v = tensor::ExtractOp::create(b, l, input,
                                                  ValueRange{n, cy, cx, c});
              Value greater = arith::CmpFOp::create(
                  b, l, arith::CmpFPredicate::OGT, v, best);
              Value first = arith::XOrIOp::create(
                  b, l, found, arith::ConstantIntOp::create(b, l, 1, 1));
              Value better = m.andI(
                  inside, arith::OrIOp::create(b, l, first, greater));
              best = m.select(better, v, best);
              bestY = m.select(better, cy, bestY);
              bestX = m.select(better, cx, bestX);
              found = arith::OrIOp::create(b, l, found, inside);
            }
          }
          Value g = tensor::ExtractOp::create(b, l, grad, ivs);
          return accumulateAt(b, l, dx, ValueRange{n, bestY, bestX, c}, g);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct AvgPool2DGradLowering : OpConversionPattern<AvgPool2DGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AvgPool2DGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    PoolWindow w{op.getKernel(), op.getStrides(), op.getPadding()};
    Value grad = adaptor.getGrad();
    RankedTensorType type = op.getType();
    ArrayRef<int64_t> shape = type.getShape();
    Type elementType = type.getElementType();
    SmallVector<OpFoldResult> sizes = tensorSizes(rewriter, loc, grad);
    sizes[1] = rewriter.getIndexAttr(shape[1]);
    sizes[2] = rewriter.getIndexAttr(shape[2]);
    Value init = filledTensor(rewriter, loc, sizes, elementType, 0.0);
    bool includePad = op.getCountIncludePad();
    Value result = forEachPoolOutput(
        rewriter, loc, grad, init,
        [&](OpBuilder &b, Location l, ValueRange ivs, Value dx) {
          IndexMath m{b, l};
          Value n = ivs[0], c = ivs[3];
          Value top = m.sub(m.mul(ivs[1], m.c(w.strides[0])), m.c(w.padding[0]));
          Value left = m.sub(m.mul(ivs[2], m.c(w.strides[1])), m.c(w.padding[1]));
          Value count;
          if (includePad) {
            count = m.c(w.kernel[0] * w.kernel[1]);
          } else {
            Value rows = validExtent(m, top, w.kernel[0], shape[1]);
            Value columns = validExtent(m, left, w.kernel[1], shape[2]);
            count = m.mul(rows, columns);
          }
          Value countF = arith::UIToFPOp::create(
              b, l, elementType,
              arith::IndexCastUIOp::create(b, l, b.getI64Type(), count));
          Value g = tensor::ExtractOp::create(b, l, grad, ivs);
          Value share = arith::DivFOp::create(b, l, g, countF);
          Value zero = floatConstant(b, l, elementType, 0.0);
          for (int64_t ky = 0; ky < w.kernel[0]; ++ky) {
            for (int64_t kx = 0; kx < w.kernel[1]; ++kx) {
              Value y = m.add(top, m.c(ky)), x = m.add(left, m.c(kx));
              Value inside = m.inImage(y, x, shape[1], shape[2]);
              Value cy = m.select(inside, y, m.c(0));
              Value cx = m.select(inside, x, m.c(0));
              dx = accumulateAt(b, l, dx, ValueRange{n, cy, cx, c},
                                m.select(inside, share, zero));
            }
          }
          return dx;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void mlir::dps::populatePoolLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<MaxPool2DLowering, AvgPool2DLowering, MaxPool2DGradLowering,
               AvgPool2DGradLowering>(patterns.getContext());
}
