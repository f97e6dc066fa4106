//===- FuseElementwise.cpp - elementwise chains in one pass ---------------===//
//
// The lowering leaves chains of elementwise generics: the update kernel sums
// the rungs' gradient sets, then steps the optimizer, two passes over a
// 784 x 256 tensor and a temporary
//
//   %g = generic ins(%s0, %s1, %s2) { s0 + extf(s1) + extf(s2) }
//   %w, %m = generic ins(%g, %w0, %m0) { momentum step }
//
// where one pass does: %w, %m = generic ins(%s0, %s1, %s2, %w0, %m0) {...}.
// Upstream's producer-consumer fusion does the rewrite; this pass decides
// where it may: an elementwise producer, read through a permutation (never
// into a contraction, whose inner loop would recompute it and whose
// lowerings need it whole, nor through a broadcast), used once by an
// elementwise consumer (nothing computed twice) -- or, if it only casts,
// into each consumer that reads it, reductions included (rounding again is
// cheaper than a stored temporary) -- unless it narrows into a kernel
// output, which is stored anyway: its readers read that, fewer bytes than
// the cast's input (a rung's overflow check reads its bf16 gradient set, not
// the f32 product the set was rounded from).
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

/// A body of casts alone (a rounding to the rung's type and back): cheaper
/// to compute again in each consumer than to store and read back.
bool isCastOnly(linalg::GenericOp op) {
  return llvm::all_of(op.getBody()->without_terminator(),
                      [](Operation &op) { return isa<CastOpInterface>(op); });
}

/// A cast to a narrower type whose result the kernel returns (writes into
/// an argument buffer).
bool isStoredNarrowing(linalg::GenericOp op, Value result) {
  auto width = [](Value v) {
    return getElementTypeOrSelf(v.getType()).getIntOrFloatBitWidth();
  };
  auto returns = [](Operation *user) { return isa<func::ReturnOp>(user); };
  return op.getNumDpsInputs() == 1 &&
         width(result) < width(op.getDpsInputOperand(0)->get()) &&
         llvm::any_of(result.getUsers(), returns);
}

bool mayFuse(OpOperand *operand) {
  auto consumer = dyn_cast<linalg::GenericOp>(operand->getOwner());
  auto producer = operand->get().getDefiningOp<linalg::GenericOp>();
  if (!consumer || !producer || !isElementwise(producer) ||
      !producer->getDiscardableAttrDictionary().empty() ||
      !consumer->getDiscardableAttrDictionary().empty())
    return false;
  // Each consumer iteration reads its own element: no broadcast, and no
  // contraction (whose operands' maps leave out a loop).
  if (!consumer.getMatchingIndexingMap(operand).isPermutation())
    return false;
  // Used once, into an elementwise op; or casts alone, into anything that
  // reads them element by element (an overflow check's reduction as well as
  // the accumulation).
  if (operand->get().hasOneUse() && isElementwise(consumer))
    return true;
  return isCastOnly(producer) && !isStoredNarrowing(producer, operand->get());
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
      if (!operand.get().hasOneUse()) {
        // A cast-only producer with other users: this consumer fuses a copy
        // of its own (fusing a shared producer would make the fused op
        // yield its value for them, which need not dominate them).
        rewriter.setInsertionPoint(consumer);
        producer = rewriter.clone(*producer);
        rewriter.modifyOpInPlace(consumer, [&] {
          operand.set(producer->getResult(
              cast<OpResult>(operand.get()).getResultNumber()));
        });
      }
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
