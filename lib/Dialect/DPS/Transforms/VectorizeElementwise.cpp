//===- VectorizeElementwise.cpp - vectorized elementwise ops --------------===//
//
// Activations, their gradients, the rung's rounding (integer bit arithmetic
// on the values' bits), bias broadcasts and optimizer updates are
// elementwise linalg.generic ops over a dynamic batch; bias gradients, amax
// and the loss's row maxima and sums are reductions. Runs on buffers,
// after bufferization (tiled on tensors, an op updating a buffer in place
// would make bufferization copy it). Each op becomes a loop
// nest over all but its innermost dimension and, innermost, `width`-wide
// vector slices (the last partial slice peeled off with a static size when
// the dimension is static), so the arithmetic runs on whole registers.
//
//===----------------------------------------------------------------------===//
#include "Vectorization.h"

#include "dps/Dialect/DPS/IR/DPSDialect.h"
#include "dps/Dialect/DPS/Transforms/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/Transforms/Hoisting.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorTransforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::dps {
#define GEN_PASS_DEF_DPSVECTORIZEELEMENTWISE
#include "dps/Dialect/DPS/Transforms/Passes.h.inc"
} // namespace mlir::dps

using namespace mlir;
using namespace mlir::dps;

namespace {

/// Everything but the contractions (vectorized on tensors already).
bool isElementwise(linalg::GenericOp op) {
  return !op->hasAttr(DPSDialect::kContractionAttrName) &&
         op.hasPureBufferSemantics() && op.getNumLoops() > 0;
}

/// A static op of at least kParallelElements whose outermost loop is a
/// parallel dimension of it.
bool isLargeOverParallelRows(linalg::GenericOp op, ArrayRef<int64_t> ranges) {
  return ranges.size() > 1 && !llvm::any_of(ranges, ShapedType::isDynamic) &&
         computeProduct(ranges) >= kParallelElements &&
         op.getIteratorTypesArray().front() == utils::IteratorType::parallel;
}

struct DPSVectorizeElementwisePass
    : public dps::impl::DPSVectorizeElementwiseBase<
          DPSVectorizeElementwisePass> {
  using DPSVectorizeElementwiseBase::DPSVectorizeElementwiseBase;

  void runOnOperation() override {
    Operation *root = getOperation();
    IRRewriter rewriter(&getContext());

    SmallVector<linalg::GenericOp> ops;
    root->walk([&](linalg::GenericOp op) {
      if (isElementwise(op))
        ops.push_back(op);
    });
    for (linalg::GenericOp op : ops) {
      SmallVector<int64_t> ranges = op.getStaticLoopRanges();
      if (!llvm::any_of(ranges, ShapedType::isDynamic) &&
          computeProduct(ranges) <= width) {
        vectorizeIfStatic(rewriter, op); // small and static: as it is
        continue;
      }
      SmallVector<int64_t> sizes(ranges.size(), 1);
      sizes.back() = ShapedType::isDynamic(ranges.back())
                         ? width
                         : std::min<int64_t>(width, ranges.back());
      bool shareRows = isLargeOverParallelRows(op, ranges);
      FailureOr<scf::SCFTilingResult> tiled =
          tileWithLoops(rewriter, op, sizes);
      if (failed(tiled))
        return signalPassFailure();
      if (tiled->loops.empty())
        continue;
      // Rows write disjoint slices: the threads share a large op's rows.
      if (shareRows && tiled->loops.size() > 1)
        tiled->loops.front()->setAttr(DPSDialect::kParallelAttrName,
                                      rewriter.getUnitAttr());
      peelPartialIteration(rewriter, tiled->loops.back());
    }
    if (failed(simplifyVectorized(root)))
      return signalPassFailure();

    ops.clear();
    root->walk([&](linalg::GenericOp op) {
      if (isElementwise(op))
        ops.push_back(op);
    });
    for (linalg::GenericOp op : ops)
      vectorizeIfStatic(rewriter, op);
    if (failed(simplifyVectorized(root)))
      return signalPassFailure();
    if (failed(lowerReductions(root)))
      return signalPassFailure();
    keepReductionsInRegisters(root);
  }

  /// A reduction into a scalar (an overflow check's `and`, an amax) reads
  /// and writes its 0-d buffer once per slice: a dependency through memory
  /// (store, then load) on every iteration. Each write is forwarded to the
  /// read after it (a peeled slice's), then upstream's hoisting carries the
  /// value through the loops. Upstream warns that the hoisting does not
  /// model parallel loops: it moves a read and write of one element out of
  /// a loop, which no loop marked parallel here does (all of its iterations
  /// updating one element would be a race already), so it never moves one
  /// out of a shared loop. (It rebuilds loops, the root's too: it runs on
  /// the function, not on a loop it may replace.)
  static void keepReductionsInRegisters(Operation *root) {
    IRRewriter rewriter(root->getContext());
    vector::transferOpflowOpt(rewriter, root);
    linalg::hoistRedundantVectorTransfers(root);
  }

  /// A slice reduced over its innermost dimension (amax, overflow checks,
  /// the loss's row sums; a whole slice when all of it reduces) becomes one
  /// vector.reduction, a tree of shuffles, not upstream's default of one
  /// scalar op per element in a chain (64 dependent ops per slice: the f8
  /// refresh spent 45% of its time there). Slices reduced over an outer
  /// dimension (bias gradients' sums down the rows) stay elementwise
  /// across the slice.
  static LogicalResult lowerReductions(Operation *root) {
    SmallVector<Operation *> inner, outer;
    root->walk([&](vector::MultiDimReductionOp op) {
      int64_t last = op.getSourceVectorType().getRank() - 1;
      (op.isReducedDim(last) ? inner : outer).push_back(op);
    });
    auto lower = [&](ArrayRef<Operation *> ops,
                     vector::VectorMultiReductionLowering strategy) {
      RewritePatternSet patterns(root->getContext());
      vector::populateVectorMultiReductionLoweringPatterns(patterns, strategy);
      return applyOpPatternsGreedily(ops, std::move(patterns));
    };
    if (failed(
            lower(inner, vector::VectorMultiReductionLowering::InnerReduction)))
      return failure();
    return lower(outer, vector::VectorMultiReductionLowering::InnerParallel);
  }
};

} // namespace
