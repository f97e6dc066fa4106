//===- ReshapeLowering.cpp - flatten, reshape, VNNI layouts
//----------------===//
#include "LoweringUtils.h"
#include "Patterns.h"

#include "dps/Dialect/DPS/IR/DPSDialect.h"
#include "dps/Dialect/DPS/IR/DPSOps.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::dps;

namespace {

/// Flatten and reshape keep row-major order: collapse_shape / expand_shape.
template <typename OpTy>
struct ReshapeLikeLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, reshapeTensor(rewriter, op.getLoc(),
                                         adaptor.getInput(), op.getType()));
    return success();
  }
};

/// dps.pack_vnni / dps.unpack_vnni: a copy reading its source through the
/// layout's map, tagged for dps-vectorize-contractions (which reads a
/// packed weight copy in place) and the vectorizers (which interleave or
/// deinterleave pairs of rows in registers).
template <typename OpTy> struct VNNILayoutLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    constexpr bool pack = std::is_same_v<OpTy, PackVNNIOp>;
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    Value source = adaptor.getOperands()[0];
    auto type = cast<RankedTensorType>(op.getType());
    SmallVector<OpFoldResult> sizes;
    for (int64_t d = 0; d < type.getRank(); ++d) {
      if (!type.isDynamicDim(d)) {
        sizes.push_back(rewriter.getIndexAttr(type.getDimSize(d)));
        continue;
      }
      // Rows of the matrix: twice the pairs, or half the rows.
      AffineExpr s0 = getAffineSymbolExpr(0, ctx);
      sizes.push_back(affine::makeComposedFoldedAffineApply(
          rewriter, loc, pack ? s0.floorDiv(2) : s0 * 2,
          {tensor::getMixedSize(rewriter, loc, source, 0)}));
    }
    Value init = emptyTensor(rewriter, loc, sizes, type.getElementType());
    AffineMap read;
    if (pack) {
      AffineExpr k2, n, v;
      bindDims(ctx, k2, n, v);
      read = AffineMap::get(3, 0, {k2 * 2 + v, n}, ctx);
    } else {
      AffineExpr k, n;
      bindDims(ctx, k, n);
      read = AffineMap::get(2, 0, {k.floorDiv(2), n, k % 2}, ctx);
    }
    unsigned rank = type.getRank();
    Value copy = buildGeneric(
        rewriter, loc, source, init,
        {read, rewriter.getMultiDimIdentityMap(rank)}, parallelIterators(rank),
        [](OpBuilder &, Location, ValueRange args) -> SmallVector<Value> {
          return {args[0]};
        });
    copy.getDefiningOp()->setAttr(pack ? DPSDialect::kVNNIPackAttrName
                                       : DPSDialect::kVNNIUnpackAttrName,
                                  rewriter.getUnitAttr());
    rewriter.replaceOp(op, copy);
    return success();
  }
};

} // namespace

void mlir::dps::populateReshapeLoweringPatterns(RewritePatternSet &patterns) {
  patterns
      .add<ReshapeLikeLowering<FlattenOp>, ReshapeLikeLowering<ReshapeOp>,
           VNNILayoutLowering<PackVNNIOp>, VNNILayoutLowering<UnpackVNNIOp>>(
          patterns.getContext());
}
