//===- FuseElementwise.cpp - elementwise chains as one pass over memory ----===//
//
// Precision specialisation leaves chains of elementwise generics: a weight
// gradient rounded to the rung's type, widened again and added into its
// accumulator is three passes over a 784 x 256 tensor and two temporaries
//
//   %r = generic ins(%g) { truncf }      %w = generic ins(%r) { extf }
//   %a = generic ins(%w) outs(%acc) { out + in }
//
// where one pass does: %a = generic ins(%g) outs(%acc) { out + extf(truncf)}.
// Upstream's producer-consumer fusion does the rewrite; this pass decides
// where it may: only elementwise into elementwise (a producer fused into a
// contraction would be recomputed in its inner loop and hide it from the
// contraction lowerings), only a producer used once (nothing computed
// twice) and read through a permutation (no broadcast recomputing it).
//
//===----------------------------------------------------------------------===//
#include "dps/Dialect/DPS/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::dps {
#define GEN_PASS_DEF_DPSFUSEELEMENTWISE
#include "dps/Dialect/DPS/Transforms/Passes.h.inc"
} // namespace mlir::dps

using namespace mlir;

namespace {

bool isElementwise(linalg::GenericOp op) {
  return op.getNumReductionLoops() == 0;
}

bool mayFuse(OpOperand *operand) {
  auto consumer = dyn_cast<linalg::GenericOp>(operand->getOwner());
  auto producer = operand->get().getDefiningOp<linalg::GenericOp>();
  return consumer && producer && isElementwise(consumer) &&
         isElementwise(producer) && operand->get().hasOneUse() &&
         consumer.getMatchingIndexingMap(operand).isPermutation() &&
         producer->getDiscardableAttrDictionary().empty() &&
         consumer->getDiscardableAttrDictionary().empty();
}

/// Upstream's FuseElementwiseOps pattern under mayFuse, without the
/// clean-ups populateElementwiseOpsFusionPatterns brings along (one of them
/// cuts an output's tie to its argument buffer, which then costs a copy).
struct FuseIntoConsumer : public OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp consumer,
                                PatternRewriter &rewriter) const override {
    for (OpOperand &operand : consumer->getOpOperands()) {
      if (!mayFuse(&operand) || !linalg::areElementwiseOpsFusable(&operand))
        continue;
      Operation *producer = operand.get().getDefiningOp();
      FailureOr<linalg::ElementwiseOpFusionResult> fused =
          linalg::fuseElementwiseOps(rewriter, &operand);
      if (failed(fused))
        return failure();
      for (auto [original, replacement] : fused->replacements)
        rewriter.replaceUsesWithIf(original, replacement, [&](OpOperand &use) {
          return use.getOwner() != producer;
        });
      rewriter.eraseOp(consumer);
      return success();
    }
    return failure();
  }
};

struct DPSFuseElementwisePass
    : public dps::impl::DPSFuseElementwiseBase<DPSFuseElementwisePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseIntoConsumer>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
