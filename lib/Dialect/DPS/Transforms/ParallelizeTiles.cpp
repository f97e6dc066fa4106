//===- ParallelizeTiles.cpp - parallel tile loops -------------------------===//
//
// dps-vectorize-contractions marks the loop over row tiles of each
// contraction `dps.parallel`: its iterations write disjoint rows of C. Once
// bufferized, such a loop carries no values (its memref iter_args are
// yielded unchanged and fold away); it becomes an scf.parallel, which
// convert-scf-to-openmp turns into a work-shared OpenMP loop.
//
//===----------------------------------------------------------------------===//
#include "dps/Dialect/DPS/IR/DPSDialect.h"
#include "dps/Dialect/DPS/Transforms/Passes.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::dps {
#define GEN_PASS_DEF_DPSPARALLELIZETILES
#include "dps/Dialect/DPS/Transforms/Passes.h.inc"
} // namespace mlir::dps

using namespace mlir;
using namespace mlir::dps;

namespace {

struct DPSParallelizeTilesPass
    : public dps::impl::DPSParallelizeTilesBase<DPSParallelizeTilesPass> {
  void runOnOperation() override {
    Operation *root = getOperation();
    MLIRContext *ctx = &getContext();
    // Drop the buffers the loops pass through unchanged.
    RewritePatternSet patterns(ctx);
    scf::ForOp::getCanonicalizationPatterns(patterns, ctx);
    if (failed(applyPatternsGreedily(root, std::move(patterns))))
      return signalPassFailure();

    SmallVector<scf::ForOp> loops;
    root->walk([&](scf::ForOp loop) {
      if (loop->hasAttr(DPSDialect::kParallelAttrName))
        loops.push_back(loop);
    });
    IRRewriter rewriter(ctx);
    for (scf::ForOp loop : loops) {
      loop->removeAttr(DPSDialect::kParallelAttrName);
      // Nested in another parallel loop, or still carrying values: serial.
      if (loop.getNumResults() != 0 || loop->getParentOfType<scf::ParallelOp>())
        continue;
      rewriter.setInsertionPoint(loop);
      auto parallel = scf::ParallelOp::create(
          rewriter, loop.getLoc(), ValueRange{loop.getLowerBound()},
          ValueRange{loop.getUpperBound()}, ValueRange{loop.getStep()});
      Block *body = parallel.getBody();
      rewriter.eraseOp(body->getTerminator());
      rewriter.mergeBlocks(loop.getBody(), body,
                           ValueRange{parallel.getInductionVars()[0]});
      Operation *yield = body->getTerminator();
      rewriter.setInsertionPoint(yield);
      scf::ReduceOp::create(rewriter, yield->getLoc());
      rewriter.eraseOp(yield);
      rewriter.eraseOp(loop);
    }
  }
};

} // namespace
