//===- FoldAccumulations.cpp - sums straight into their accumulators ------===//
//
// A gradient kernel computes each weight gradient into a fresh zero-filled
// tensor and then adds it into the argument that accumulates it:
//
//   %g   = linalg.generic ... outs(fill(0)) { out + f(ins) }   (a matmul, a
//                                                               bias sum)
//   %acc = linalg.generic ins(%g) outs(%acc0) { out + in }
//
// which costs a zeroed temporary and a second pass over it. When %g's only
// use is that addition, the generic sums into %acc0 instead:
//
//   %acc = linalg.generic ... outs(%acc0) { out + f(ins) }
//
// The sum is the same but for the order of the f32 additions (acc + (0 + Σ)
// becomes acc + Σ term by term).
//
//===----------------------------------------------------------------------===//
#include "dps/Dialect/DPS/Transforms/Passes.h"

#include "mlir/IR/Dominance.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::dps {
#define GEN_PASS_DEF_DPSFOLDACCUMULATIONS
#include "dps/Dialect/DPS/Transforms/Passes.h.inc"
} // namespace mlir::dps

using namespace mlir;

namespace {

/// The body yields `out + x` (in either order) with `out` its init's block
/// argument; returns x's position among the operands of the addition.
bool yieldsSumWithOutput(linalg::GenericOp op) {
  auto yield = cast<linalg::YieldOp>(op.getBody()->getTerminator());
  auto add = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add || add->getBlock() != op.getBody())
    return false;
  Value out = op.getBody()->getArguments().back();
  return add.getLhs() == out || add.getRhs() == out;
}

bool isZeroFill(Value value) {
  auto fill = value.getDefiningOp<linalg::FillOp>();
  return fill && matchPattern(fill.value(), m_PosZeroFloat());
}

struct FoldAccumulation : public OpRewritePattern<linalg::GenericOp> {
  FoldAccumulation(MLIRContext *ctx, DominanceInfo &dominance)
      : OpRewritePattern(ctx), dominance(dominance) {}

  LogicalResult matchAndRewrite(linalg::GenericOp add,
                                PatternRewriter &rewriter) const override {
    // acc = partial + acc0, elementwise.
    if (add.getNumDpsInputs() != 1 || add.getNumDpsInits() != 1 ||
        add.getNumReductionLoops() != 0 ||
        !llvm::all_of(add.getIndexingMapsArray(),
                      [](AffineMap map) { return map.isIdentity(); }) ||
        add.getBody()->getOperations().size() != 2 || !yieldsSumWithOutput(add))
      return failure();
    auto sum = cast<arith::AddFOp>(
        add.getBody()->getTerminator()->getOperand(0).getDefiningOp());
    if (sum.getLhs() != add.getBody()->getArgument(0) &&
        sum.getRhs() != add.getBody()->getArgument(0))
      return failure();
    // partial = a generic summing into a zero fill, used only here.
    Value partial = add.getDpsInputOperand(0)->get();
    auto producer = partial.getDefiningOp<linalg::GenericOp>();
    Value acc = add.getDpsInitOperand(0)->get();
    if (!producer || !partial.hasOneUse() || producer.getNumDpsInits() != 1 ||
        partial.getType() != acc.getType() ||
        !isZeroFill(producer.getDpsInitOperand(0)->get()) ||
        !yieldsSumWithOutput(producer))
      return failure();
    // acc0 must exist where the producer runs.
    if (!dominance.properlyDominates(acc, producer))
      return failure();
    rewriter.modifyOpInPlace(producer,
                             [&] { producer.getDpsInitOperand(0)->set(acc); });
    rewriter.replaceOp(add, producer.getResults());
    return success();
  }

  /// Of the op the pass runs on, computed once: the rewrites move no
  /// blocks.
  DominanceInfo &dominance;
};

struct DPSFoldAccumulationsPass
    : public dps::impl::DPSFoldAccumulationsBase<DPSFoldAccumulationsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldAccumulation>(&getContext(), getAnalysis<DominanceInfo>());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
