//===- Vectorization.cpp - tiling helpers of the vectorizing passes -------===//
#include "Vectorization.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

using namespace mlir;

FailureOr<scf::SCFTilingResult>
mlir::dps::tileWithLoops(RewriterBase &rewriter, linalg::LinalgOp op,
                         ArrayRef<int64_t> sizes) {
  scf::SCFTilingOptions options;
  options.setTileSizes(getAsIndexOpFoldResult(op->getContext(), sizes));
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTilingResult> tiled =
      scf::tileUsingSCF(rewriter, cast<TilingInterface>(*op), options);
  if (succeeded(tiled))
    rewriter.replaceOp(op, tiled->replacements);
  return tiled;
}

void mlir::dps::peelPartialIteration(RewriterBase &rewriter,
                                     LoopLikeOpInterface loop) {
  auto forOp = dyn_cast<scf::ForOp>(*loop);
  if (!forOp)
    return;
  scf::ForOp partial;
  // Fails, changing nothing, when the step divides a static range.
  (void)scf::peelForLoopAndSimplifyBounds(rewriter, forOp, partial);
}

bool mlir::dps::vectorizeIfStatic(RewriterBase &rewriter, linalg::LinalgOp op,
                                  bool createNamedContraction) {
  if (llvm::any_of(op.getStaticLoopRanges(), ShapedType::isDynamic))
    return false;
  rewriter.setInsertionPoint(op);
  FailureOr<linalg::VectorizationResult> vectorized = linalg::vectorize(
      rewriter, op, /*inputVectorSizes=*/{}, /*inputScalableVecDims=*/{},
      /*vectorizeNDExtract=*/false, /*flatten1DDepthwiseConv=*/false,
      /*assumeDynamicDimsMatchVecSizes=*/false, createNamedContraction);
  if (failed(vectorized))
    return false;
  rewriter.replaceOp(op, vectorized->replacements);
  return true;
}

LogicalResult mlir::dps::simplifyVectorized(Operation *root) {
  MLIRContext *ctx = root->getContext();
  RewritePatternSet patterns(ctx);
  linalg::populateLinalgTilingCanonicalizationPatterns(patterns);
  vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
  vector::populateSinkVectorOpsPatterns(patterns);
  vector::populateVectorReductionToContractPatterns(patterns);
  vector::TransferReadOp::getCanonicalizationPatterns(patterns, ctx);
  vector::TransferWriteOp::getCanonicalizationPatterns(patterns, ctx);
  return applyPatternsGreedily(root, std::move(patterns));
}

void mlir::dps::hoistInvariantSubsets(Operation *root) {
  IRRewriter rewriter(root->getContext());
  root->walk([&](scf::ForOp loop) {
    (void)hoistLoopInvariantSubsets(rewriter, loop);
  });
}

linalg::GenericOp mlir::dps::buildCopy(OpBuilder &b, Location loc, Value source,
                                       Value init, AffineMap read) {
  auto type = cast<ShapedType>(init.getType());
  unsigned rank = type.getRank();
  AffineMap id = b.getMultiDimIdentityMap(rank);
  SmallVector<Type, 1> results; // a buffer copy has none
  if (isa<RankedTensorType>(type))
    results.push_back(type);
  return linalg::GenericOp::create(
      b, loc, results, source, init, ArrayRef<AffineMap>{read ? read : id, id},
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
      [](OpBuilder &nb, Location l, ValueRange args) {
        linalg::YieldOp::create(nb, l, args[0]);
      });
}
