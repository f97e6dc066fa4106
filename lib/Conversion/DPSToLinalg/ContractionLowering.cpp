//===- ContractionLowering.cpp - dense, matmul, sum_rows, add, sum_to -------===//
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
    size_t rank = lhsSizes.size();
    SmallVector<OpFoldResult> sizes(lhsSizes.begin(), lhsSizes.end() - 2);
    sizes.push_back(lhsSizes[rank - (tl ? 1 : 2)]);
    sizes.push_back(rhsSizes[rank - (tr ? 2 : 1)]);
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

/// Operands of one type: adds into the left operand's buffer (`outs`), so
/// that adding a gradient into an accumulator updates the accumulator in
/// place after bufferization. Otherwise each operand is read through a map
/// that pins its broadcast dimensions to 0.
struct AddLowering : OpConversionPattern<AddOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AddOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank();
    auto add = [](OpBuilder &b, Location l,
                  ValueRange args) -> SmallVector<Value> {
      return {arith::AddFOp::create(b, l, args[0], args[1])};
    };
    if (op.getLhs().getType() == op.getRhs().getType()) {
      SmallVector<AffineMap> maps(2, rewriter.getMultiDimIdentityMap(rank));
      rewriter.replaceOp(
          op, buildGeneric(rewriter, loc, adaptor.getRhs(), adaptor.getLhs(),
                           maps, parallelIterators(rank),
                           [](OpBuilder &b, Location l,
                              ValueRange args) -> SmallVector<Value> {
                             return {arith::AddFOp::create(b, l, args[1],
                                                           args[0])};
                           }));
      return success();
    }
    // The result's sizes: from whichever operand has the dimension unstretched.
    SmallVector<OpFoldResult> sizes;
    SmallVector<AffineMap> maps;
    SmallVector<SmallVector<OpFoldResult>> operandSizes;
    for (Value operand : adaptor.getOperands())
      operandSizes.push_back(tensorSizes(rewriter, loc, operand));
    for (int64_t d = 0; d < rank; ++d) {
      OpFoldResult size = rewriter.getIndexAttr(type.getDimSize(d));
      for (auto [i, operand] : llvm::enumerate(op->getOperands())) {
        auto operandType = cast<RankedTensorType>(operand.getType());
        int64_t od = d - (rank - operandType.getRank());
        if (od >= 0 && operandType.getDimSize(od) != 1 &&
            type.isDynamicDim(d))
          size = operandSizes[i][od];
      }
      sizes.push_back(size);
    }
    for (Value operand : op->getOperands()) {
      auto operandType = cast<RankedTensorType>(operand.getType());
      int64_t offset = rank - operandType.getRank();
      SmallVector<AffineExpr> exprs;
      for (int64_t od = 0; od < operandType.getRank(); ++od)
        exprs.push_back(operandType.getDimSize(od) == 1 &&
                                type.getDimSize(od + offset) != 1
                            ? rewriter.getAffineConstantExpr(0)
                            : rewriter.getAffineDimExpr(od + offset));
      maps.push_back(AffineMap::get(rank, 0, exprs, getContext()));
    }
    maps.push_back(rewriter.getMultiDimIdentityMap(rank));
    Value init = emptyTensor(rewriter, loc, sizes, type.getElementType());
    rewriter.replaceOp(op, buildGeneric(rewriter, loc, adaptor.getOperands(),
                                        init, maps, parallelIterators(rank),
                                        add));
    return success();
  }
};

/// Sums in f32 over the dimensions the result lacks or has as 1.
struct SumToLowering : OpConversionPattern<SumToOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SumToOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType from = op.getInput().getType(), to = op.getType();
    int64_t rank = from.getRank(), offset = rank - to.getRank();
    Type acc = accumulatorType(getContext());
    SmallVector<OpFoldResult> sizes;
    for (int64_t dim : to.getShape())
      sizes.push_back(rewriter.getIndexAttr(dim));
    Value init = filledTensor(rewriter, loc, sizes, acc, 0.0);
    SmallVector<utils::IteratorType> iterators = parallelIterators(rank);
    SmallVector<AffineExpr> exprs;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t od = d - offset;
      bool kept = od >= 0 && !(to.getDimSize(od) == 1 && from.getDimSize(d) != 1);
      if (!kept)
        iterators[d] = utils::IteratorType::reduction;
      if (od >= 0)
        exprs.push_back(kept ? rewriter.getAffineDimExpr(d)
                             : rewriter.getAffineConstantExpr(0));
    }
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank),
                                   AffineMap::get(rank, 0, exprs,
                                                  getContext())};
    Value sum = buildGeneric(
        rewriter, loc, adaptor.getInput(), init, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
          return {arith::AddFOp::create(b, l, convertFloat(b, l, args[0], acc),
                                        args[1])};
        });
    rewriter.replaceOp(op,
                       convertTensor(rewriter, loc, sum, to.getElementType()));
    return success();
  }
};

} // namespace

void mlir::dps::populateContractionLoweringPatterns(
    RewritePatternSet &patterns) {
  patterns.add<DenseLowering, MatmulLowering, SumRowsLowering, AddLowering,
               SumToLowering>(
      patterns.getContext());
}
