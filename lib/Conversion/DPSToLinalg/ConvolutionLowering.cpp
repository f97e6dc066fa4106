//===- ConvolutionLowering.cpp - conv2d, im2col, col2im --------------------===//
//
// A convolution is im2col (gather each window into a row) followed by the
// matmul every dense layer uses; its gradients are the same matmuls and
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
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ArrayRef<int64_t> filterShape = op.getFilter().getType().getShape();
    int64_t kernel[] = {filterShape[0], filterShape[1]};
    Window window{kernel, op.getStrides(), op.getPadding(), op.getDilations()};
    Value cols = im2col(rewriter, loc, adaptor.getInput(), window);
    int64_t features = filterShape[3];
    auto filterMatrixType = RankedTensorType::get(
        {filterShape[0] * filterShape[1] * filterShape[2], features},
        op.getFilter().getType().getElementType());
    Value filterMatrix = tensor::CollapseShapeOp::create(
        rewriter, loc, filterMatrixType, adaptor.getFilter(),
        ArrayRef<ReassociationIndices>{{0, 1, 2}, {3}});
    Value init = rowsAccumulator(rewriter, loc,
                                 tensorSizes(rewriter, loc, cols)[0],
                                 adaptor.getBias(), features);
    Value product = buildContraction(rewriter, loc, cols, filterMatrix, false,
                                     false, init);
    RankedTensorType type = op.getType();
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

void mlir::dps::populateConvolutionLoweringPatterns(
    RewritePatternSet &patterns) {
  patterns.add<Conv2DLowering, Im2ColLowering, Col2ImLowering>(
      patterns.getContext());
}
