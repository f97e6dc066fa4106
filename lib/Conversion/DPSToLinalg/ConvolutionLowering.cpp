//===- ConvolutionLowering.cpp - conv2d, im2col, col2im -------------------===//
//
// A convolution is the matmul every dense layer uses, over the matrix of
// its windows: read in place from the padded image where the windows'
// rows are consecutive pixels (implicitConvolution), otherwise gathered
// first (im2col). Its gradients are the same matmuls over im2col and
// col2im, the scatter-add adjoint of im2col.
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "Patterns.h"

#include "dps/Dialect/DPS/IR/DPSOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::dps;

namespace {

struct Window {
  ArrayRef<int64_t> kernel, strides, padding, dilations;
};

bool hasPadding(const Window &window) {
  return llvm::any_of(window.padding, [](int64_t p) { return p != 0; });
}

/// OH and OW of `window` over an N x H x W x C image.
std::pair<int64_t, int64_t> outputExtents(ArrayRef<int64_t> image,
                                          const Window &w) {
  auto extent = [&](int64_t size, int64_t before, int64_t after, int64_t k,
                    int64_t s, int64_t d) {
    return (size + before + after - d * (k - 1) - 1) / s + 1;
  };
  return {extent(image[1], w.padding[0], w.padding[2], w.kernel[0],
                 w.strides[0], w.dilations[0]),
          extent(image[2], w.padding[1], w.padding[3], w.kernel[1],
                 w.strides[1], w.dilations[1])};
}

/// The (N*OH*OW) x (KH*KW*C) windows matrix of `image`.
Value im2col(OpBuilder &b, Location loc, Value image, const Window &w) {
  auto type = cast<RankedTensorType>(image.getType());
  ArrayRef<int64_t> shape = type.getShape();
  auto [oh, ow] = outputExtents(shape, w);
  Value padded = padImage(b, loc, image, w.padding, 0.0);
  OpFoldResult batch = tensorSizes(b, loc, image)[0];
  SmallVector<OpFoldResult> sizes = {
      batch,           b.getIndexAttr(oh),        b.getIndexAttr(ow),
      b.getIndexAttr(w.kernel[0]), b.getIndexAttr(w.kernel[1]),
      b.getIndexAttr(shape[3])};
  Value init = emptyTensor(b, loc, sizes, type.getElementType());
  MLIRContext *ctx = b.getContext();
  AffineExpr n, y, x, ky, kx, c;
  bindDims(ctx, n, y, x, ky, kx, c);
  AffineMap gather = AffineMap::get(
      6, 0,
      {n, y * w.strides[0] + ky * w.dilations[0],
       x * w.strides[1] + kx * w.dilations[1], c},
      ctx);
  Value windows = buildGeneric(
      b, loc, padded, init, {gather, b.getMultiDimIdentityMap(6)},
      parallelIterators(6),
      [](OpBuilder &, Location, ValueRange args) -> SmallVector<Value> {
        return {args[0]};
      });
  int64_t rows = ShapedType::isDynamic(shape[0]) ? ShapedType::kDynamic
                                                 : shape[0] * oh * ow;
  auto matrixType = RankedTensorType::get(
      {rows, w.kernel[0] * w.kernel[1] * shape[3]}, type.getElementType());
  return tensor::CollapseShapeOp::create(
      b, loc, matrixType, windows,
      ArrayRef<ReassociationIndices>{{0, 1, 2}, {3, 4, 5}});
}

/// A KH x KW x C x F filter as the (KH * KW * C) x F matrix the windows
/// multiply.
Value filterMatrixOf(OpBuilder &b, Location loc, Value filter) {
  auto type = cast<RankedTensorType>(filter.getType());
  ArrayRef<int64_t> shape = type.getShape();
  return tensor::CollapseShapeOp::create(
      b, loc,
      RankedTensorType::get({shape[0] * shape[1] * shape[2], shape[3]},
                            type.getElementType()),
      filter, ArrayRef<ReassociationIndices>{{0, 1, 2}, {3}});
}

/// The largest number of rows of a register tile that divides an output
/// row of `width` pixels (at most 8: the vdpbf16ps tile's limit), or 0
/// where none of 4 to 8 does.
int64_t rowTileOf(int64_t width) {
  for (int64_t rows = 8; rows >= 4; --rows)
    if (width % rows == 0)
      return rows;
  return 0;
}

/// Whether a convolution of `image` reads its windows in place
/// (implicitConvolution): unit strides and dilations, static image extents
/// and output rows that register tiles divide.
bool readsInPlace(RankedTensorType image, const Window &w) {
  ArrayRef<int64_t> shape = image.getShape();
  auto ones = [](ArrayRef<int64_t> values) {
    return llvm::all_of(values, [](int64_t v) { return v == 1; });
  };
  if (!ones(w.strides) || !ones(w.dilations) ||
      llvm::any_of(shape.drop_front(),
                   [](int64_t d) { return ShapedType::isDynamic(d); }))
    return false;
  return rowTileOf(outputExtents(shape, w).second) != 0;
}

/// The convolution as C[m, f] += A[m, k] * F[k, f] over the windows matrix A
/// of im2col without building it: with unit strides, the window of output
/// pixel m = (n, y, x) at tap k = (ky, kx, c) is pixel
///   row(m) + tap(k) = n * PH * PW + (y + ky) * PW + (x + kx)
/// of the padded image P flattened to (N * PH * PW) x C, channel c. The rows
/// of A that a register tile reads -- consecutive pixels x of one output
/// row, tagged kRowPeriodAttrName -- are consecutive rows of P: an R x 1
/// slice of A at tap k is an R x 1 slice of P. im2col wrote and read a
/// matrix KH * KW times the image (the CNN's second convolution: 14 MB a
/// call). A bf16 image with an odd channel count gets a channel of zeros
/// (and the filter a zero row per tap): vdpbf16ps takes k in pairs, which
/// must be two channels of one pixel. (The CNN's first convolution, one
/// channel, bf16 at 2 threads on Zen 5: 0.81 ms a call through im2col and
/// a serial pad of k to even, 0.18 ms in place with twice the
/// multiply-adds.)
Value implicitConvolution(OpBuilder &b, Location loc, Value image, Value filter,
                          Value init, const Window &w) {
  auto type = cast<RankedTensorType>(image.getType());
  Type element = type.getElementType();
  ArrayRef<int64_t> shape = type.getShape();
  auto [oh, ow] = outputExtents(shape, w);
  int64_t ph = shape[1] + w.padding[0] + w.padding[2];
  int64_t pw = shape[2] + w.padding[1] + w.padding[3];
  int64_t extra = element.isBF16() ? shape[3] % 2 : 0;
  int64_t channels = shape[3] + extra, kw = w.kernel[1];
  int64_t pixels = ShapedType::isDynamic(shape[0]) ? ShapedType::kDynamic
                                                   : shape[0] * ph * pw;
  Value padded = padImage(b, loc, image, w.padding, 0.0, extra);
  Value flat = tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get({pixels, channels}, element), padded,
      ArrayRef<ReassociationIndices>{{0, 1, 2}, {3}});
  if (extra) {
    ArrayRef<int64_t> taps =
        cast<RankedTensorType>(filter.getType()).getShape();
    auto index = [&](int64_t v) -> OpFoldResult { return b.getIndexAttr(v); };
    filter = tensor::PadOp::create(
        b, loc,
        RankedTensorType::get({taps[0], taps[1], channels, taps[3]}, element),
        filter, ArrayRef<OpFoldResult>{index(0), index(0), index(0), index(0)},
        ArrayRef<OpFoldResult>{index(0), index(0), index(extra), index(0)},
        floatConstant(b, loc, element, 0.0));
  }
  Value filterMatrix = filterMatrixOf(b, loc, filter);
  AffineExpr m, n, k;
  bindDims(b.getContext(), m, n, k);
  AffineExpr row =
      m.floorDiv(oh * ow) * (ph * pw) + (m.floorDiv(ow) % oh) * pw + m % ow;
  AffineExpr tap = k.floorDiv(kw * channels) * pw + k.floorDiv(channels) % kw;
  AffineMap windows =
      AffineMap::get(3, 0, {row + tap, k % channels}, b.getContext());
  Value product = buildContraction(b, loc, flat, windows, filterMatrix, init);
  product.getDefiningOp()->setAttr(DPSDialect::kRowPeriodAttrName,
                                   b.getI64IntegerAttr(ow));
  return product;
}

/// The N * OH * OW pixels of an N x OH x OW x F `output` of `batch` images.
OpFoldResult outputPixels(OpBuilder &b, Location loc, RankedTensorType output,
                          OpFoldResult batch) {
  int64_t perImage = output.getDimSize(1) * output.getDimSize(2);
  if (std::optional<int64_t> images = getConstantIntValue(batch))
    return b.getIndexAttr(*images * perImage);
  return arith::MulIOp::create(b, loc, cast<Value>(batch),
                               arith::ConstantIndexOp::create(b, loc, perImage))
      .getResult();
}

/// Adds the rows of `matrix` back into an image of `imageType`.
Value col2im(OpBuilder &b, Location loc, Value matrix,
             RankedTensorType imageType, const Window &w) {
  ArrayRef<int64_t> shape = imageType.getShape();
  auto [oh, ow] = outputExtents(shape, w);
  int64_t kh = w.kernel[0], kw = w.kernel[1], channels = shape[3];
  Type elementType = imageType.getElementType();
  Type acc = accumulatorType(b.getContext());

  // N x OH x OW x KH x KW x C view of the matrix.
  Value rows = tensor::DimOp::create(b, loc, matrix, 0);
  Value batch = arith::DivUIOp::create(
      b, loc, rows, arith::ConstantIndexOp::create(b, loc, oh * ow));
  OpFoldResult batchSize = ShapedType::isDynamic(shape[0])
                               ? OpFoldResult(batch)
                               : OpFoldResult(b.getIndexAttr(shape[0]));
  SmallVector<OpFoldResult> windowShape = {
      batchSize,          b.getIndexAttr(oh), b.getIndexAttr(ow),
      b.getIndexAttr(kh), b.getIndexAttr(kw), b.getIndexAttr(channels)};
  auto windowsType = RankedTensorType::get(
      {shape[0], oh, ow, kh, kw, channels}, elementType);
  Value windows = tensor::ExpandShapeOp::create(
      b, loc, windowsType, matrix,
      ArrayRef<ReassociationIndices>{{0, 1, 2}, {3, 4, 5}}, windowShape);

  int64_t paddedH = shape[1] + w.padding[0] + w.padding[2];
  int64_t paddedW = shape[2] + w.padding[1] + w.padding[3];
  Value image = filledTensor(
      b, loc,
      {batchSize, b.getIndexAttr(paddedH), b.getIndexAttr(paddedW),
       b.getIndexAttr(channels)},
      acc, 0.0);
  auto sliceType =
      RankedTensorType::get({shape[0], oh, ow, channels}, elementType);
  auto targetType = RankedTensorType::get({shape[0], oh, ow, channels}, acc);
  SmallVector<OpFoldResult> one(6, b.getIndexAttr(1));
  AffineMap identity = b.getMultiDimIdentityMap(4);
  // One strided add per kernel offset: image[:, ky*d + s*y, kx*d + s*x, :] +=
  // windows[:, y, x, ky, kx, :].
  for (int64_t ky = 0; ky < kh; ++ky) {
    for (int64_t kx = 0; kx < kw; ++kx) {
      SmallVector<OpFoldResult> offsets = {
          b.getIndexAttr(0),  b.getIndexAttr(0),  b.getIndexAttr(0),
          b.getIndexAttr(ky), b.getIndexAttr(kx), b.getIndexAttr(0)};
      SmallVector<OpFoldResult> sizes = {
          batchSize,         b.getIndexAttr(oh), b.getIndexAttr(ow),
          b.getIndexAttr(1), b.getIndexAttr(1),  b.getIndexAttr(channels)};
      Value slice = tensor::ExtractSliceOp::create(b, loc, sliceType, windows,
                                                   offsets, sizes, one);
      SmallVector<OpFoldResult> targetOffsets = {
          b.getIndexAttr(0), b.getIndexAttr(ky * w.dilations[0]),
          b.getIndexAttr(kx * w.dilations[1]), b.getIndexAttr(0)};
      SmallVector<OpFoldResult> targetSizes = {batchSize, b.getIndexAttr(oh),
                                               b.getIndexAttr(ow),
                                               b.getIndexAttr(channels)};
      SmallVector<OpFoldResult> targetStrides = {
          b.getIndexAttr(1), b.getIndexAttr(w.strides[0]),
          b.getIndexAttr(w.strides[1]), b.getIndexAttr(1)};
      Value target = tensor::ExtractSliceOp::create(
          b, loc, targetType, image, targetOffsets, targetSizes,
          targetStrides);
      Value sum = buildGeneric(
          b, loc, slice, target, {identity, identity}, parallelIterators(4),
          [&](OpBuilder &nb, Location nl, ValueRange args)
              -> SmallVector<Value> {
            return {arith::AddFOp::create(
                nb, nl, args[1], convertFloat(nb, nl, args[0], acc))};
          });
      image = tensor::InsertSliceOp::create(b, loc, sum, image, targetOffsets,
                                            targetSizes, targetStrides);
    }
  }
  if (hasPadding(w)) {
    SmallVector<OpFoldResult> offsets = {
        b.getIndexAttr(0), b.getIndexAttr(w.padding[0]),
        b.getIndexAttr(w.padding[1]), b.getIndexAttr(0)};
    SmallVector<OpFoldResult> sizes = {batchSize, b.getIndexAttr(shape[1]),
                                       b.getIndexAttr(shape[2]),
                                       b.getIndexAttr(channels)};
    image = tensor::ExtractSliceOp::create(
        b, loc, RankedTensorType::get(shape, acc), image, offsets, sizes,
        SmallVector<OpFoldResult>(4, b.getIndexAttr(1)));
  }
  return convertTensor(b, loc, image, elementType);
}

struct Conv2DLowering : OpConversionPattern<Conv2DOp> {
  Conv2DLowering(MLIRContext *ctx, bool inPlace)
      : OpConversionPattern(ctx), inPlace(inPlace) {}

  LogicalResult
  matchAndRewrite(Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ArrayRef<int64_t> filterShape = op.getFilter().getType().getShape();
    int64_t kernel[] = {filterShape[0], filterShape[1]};
    Window window{kernel, op.getStrides(), op.getPadding(), op.getDilations()};
    auto imageType = cast<RankedTensorType>(adaptor.getInput().getType());
    bool windowsInPlace = inPlace && readsInPlace(imageType, window);
    Value cols = windowsInPlace
                     ? Value()
                     : im2col(rewriter, loc, adaptor.getInput(), window);
    int64_t features = filterShape[3];
    Value filterMatrix =
        windowsInPlace ? Value()
                       : filterMatrixOf(rewriter, loc, adaptor.getFilter());
    RankedTensorType type = op.getType();
    OpFoldResult rows =
        windowsInPlace
            ? outputPixels(rewriter, loc, type,
                           tensorSizes(rewriter, loc, adaptor.getInput())[0])
            : tensorSizes(rewriter, loc, cols)[0];
    Value init =
        rowsAccumulator(rewriter, loc, rows, adaptor.getBias(), features);
    Value product = windowsInPlace
                        ? implicitConvolution(rewriter, loc, adaptor.getInput(),
                                              adaptor.getFilter(), init, window)
                        : buildContraction(rewriter, loc, cols, filterMatrix,
                                           false, false, init);
    product = convertTensor(rewriter, loc, product, type.getElementType());
    SmallVector<OpFoldResult> outputShape = {
        tensorSizes(rewriter, loc, adaptor.getInput())[0],
        rewriter.getIndexAttr(type.getDimSize(1)),
        rewriter.getIndexAttr(type.getDimSize(2)),
        rewriter.getIndexAttr(features)};
    rewriter.replaceOp(op, tensor::ExpandShapeOp::create(
                               rewriter, loc, type, product,
                               ArrayRef<ReassociationIndices>{{0, 1, 2}, {3}},
                               outputShape));
    return success();
  }

private:
  bool inPlace;
};

struct Im2ColLowering : OpConversionPattern<Im2ColOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(Im2ColOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Window window{op.getKernel(), op.getStrides(), op.getPadding(),
                  op.getDilations()};
    rewriter.replaceOp(
        op, im2col(rewriter, op.getLoc(), adaptor.getInput(), window));
    return success();
  }
};

struct Col2ImLowering : OpConversionPattern<Col2ImOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(Col2ImOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Window window{op.getKernel(), op.getStrides(), op.getPadding(),
                  op.getDilations()};
    rewriter.replaceOp(op, col2im(rewriter, op.getLoc(), adaptor.getInput(),
                                  op.getType(), window));
    return success();
  }
};

} // namespace

void mlir::dps::populateConvolutionLoweringPatterns(RewritePatternSet &patterns,
                                                    bool im2colConvolutions) {
  patterns.add<Conv2DLowering>(patterns.getContext(), !im2colConvolutions);
  patterns.add<Im2ColLowering, Col2ImLowering>(patterns.getContext());
}
