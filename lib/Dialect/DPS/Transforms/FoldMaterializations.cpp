//===- FoldMaterializations.cpp - outputs already in their buffers --------===//
//
// A kernel writes each output into its argument buffer with
// `bufferization.materialize_in_destination %value in %arg`. Once empty
// tensors are eliminated, %value is usually computed in %arg already: its
// chain of destination operands (a fill, the contraction summing into it,
// the loops over its tiles) starts at %arg. The op is then redundant, and
// worse, one-shot bufferization reads it as a write of %arg while the value
// is still needed and copies (it does for the loops over a contraction's
// tiles). This pass drops such ops and returns %value, whose buffer is the
// argument's; dps-kernel-buffer-abi checks the result after bufferization.
//
//===----------------------------------------------------------------------===//
#include "dps/Dialect/DPS/Transforms/Passes.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::dps {
#define GEN_PASS_DEF_DPSFOLDMATERIALIZATIONS
#include "dps/Dialect/DPS/Transforms/Passes.h.inc"
} // namespace mlir::dps

using namespace mlir;

namespace {

/// Whether `value` is computed in `buffer` in place: following the
/// destination each op writes its result into, and each loop's init.
bool computedIn(Value value, Value buffer) {
  while (value != buffer) {
    auto result = dyn_cast<OpResult>(value);
    if (!result)
      return false;
    Operation *op = result.getOwner();
    if (auto dps = dyn_cast<DestinationStyleOpInterface>(op))
      value = dps.getTiedOpOperand(result)->get();
    else if (auto loop = dyn_cast<scf::ForOp>(op)) {
      // Each iteration must update its iter_arg in place too.
      unsigned i = result.getResultNumber();
      if (!computedIn(loop.getYieldedValues()[i], loop.getRegionIterArgs()[i]))
        return false;
      value = loop.getInitArgs()[i];
    } else
      return false;
  }
  return true;
}

struct FoldMaterialization
    : public OpRewritePattern<bufferization::MaterializeInDestinationOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(bufferization::MaterializeInDestinationOp op,
                                PatternRewriter &rewriter) const override {
    if (!isa<TensorType>(op.getDest().getType()) ||
        !computedIn(op.getSource(), op.getDest()))
      return failure();
    rewriter.replaceOp(op, op.getSource());
    return success();
  }
};

struct DPSFoldMaterializationsPass
    : public dps::impl::DPSFoldMaterializationsBase<
          DPSFoldMaterializationsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldMaterialization>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
