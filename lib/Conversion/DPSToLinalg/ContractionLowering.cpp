//===- ContractionLowering.cpp - dense, matmul, sum_rows, add --------------===//
//
// Contractions read their operands at whatever precision they have and
// accumulate in f32; the result is rounded to the op's element type once.
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "Patterns.h"

#include "dps/Dialect/DPS/IR/DPSOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace mlir::dps;

namespace {

struct DenseLowering : OpConversionPattern<DenseOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DenseOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    Value init = rowsAccumulator(rewriter, loc,
                                 tensorSizes(rewriter, loc, adaptor.getInput())[0],
                                 adaptor.getBias(), type.getDimSize(1));
    Value result = buildContraction(rewriter, loc, adaptor.getInput(),
                                    adaptor.getWeight(), false, false, init);
    rewriter.replaceOp(op,
                       convertTensor(rewriter, loc, result,
                                     type.getElementType()));
    return success();
  }
};

struct MatmulLowering : OpConversionPattern<MatmulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    bool tl = op.getTransposeLhs(), tr = op.getTransposeRhs();
    SmallVector<OpFoldResult> lhsSizes =
        tensorSizes(rewriter, loc, adaptor.getLhs());
    SmallVector<OpFoldResult> rhsSizes =
        tensorSizes(rewriter, loc, adaptor.getRhs());
    SmallVector<OpFoldResult> sizes = {lhsSizes[tl ? 1 : 0],
                                       rhsSizes[tr ? 0 : 1]};
    Value init = filledTensor(rewriter, loc, sizes,
                              accumulatorType(getContext()), 0.0);
    Value result = buildContraction(rewriter, loc, adaptor.getLhs(),
                                    adaptor.getRhs(), tl, tr, init);
    rewriter.replaceOp(op,
                       convertTensor(rewriter, loc, result,
                                     type.getElementType()));
    return success();
  }
};

struct SumRowsLowering : OpConversionPattern<SumRowsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SumRowsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    int64_t rank = op.getInput().getType().getRank();
    Type acc = accumulatorType(getContext());
    SmallVector<OpFoldResult> sizes = tensorSizes(rewriter, loc, input);
    Value init = filledTensor(rewriter, loc, ArrayRef(sizes).drop_front(), acc,
                              0.0);
    SmallVector<AffineExpr> kept;
    for (int64_t d = 1; d < rank; ++d)
      kept.push_back(rewriter.getAffineDimExpr(d));
    SmallVector<AffineMap> maps = {
        rewriter.getMultiDimIdentityMap(rank),
        AffineMap::get(rank, 0, kept, getContext())};
    SmallVector<utils::IteratorType> iterators = parallelIterators(rank);
    iterators[0] = utils::IteratorType::reduction;
    Value sum = buildGeneric(
        rewriter, loc, input, init, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
          return {arith::AddFOp::create(b, l, convertFloat(b, l, args[0], acc),
                                        args[1])};
        });
    rewriter.replaceOp(
        op, convertTensor(rewriter, loc, sum, op.getType().getElementType()));
    return success();
  }
};

/// Adds into the left operand's buffer (`outs`), so that adding a gradient
/// into an accumulator updates the accumulator in place after bufferization.
struct AddLowering : OpConversionPattern<AddOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AddOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    int64_t rank = op.getType().getRank();
    SmallVector<AffineMap> maps(2, rewriter.getMultiDimIdentityMap(rank));
    rewriter.replaceOp(
        op, buildGeneric(rewriter, op.getLoc(), adaptor.getRhs(),
                         adaptor.getLhs(), maps, parallelIterators(rank),
                         [](OpBuilder &b, Location l,
                            ValueRange args) -> SmallVector<Value> {
                           return {arith::AddFOp::create(b, l, args[1],
                                                         args[0])};
                         }));
    return success();
  }
};

} // namespace

void mlir::dps::populateContractionLoweringPatterns(
    RewritePatternSet &patterns) {
  patterns.add<DenseLowering, MatmulLowering, SumRowsLowering, AddLowering>(
      patterns.getContext());
}
