//===- VectorizeContractions.cpp - register-tiled, vectorized matmuls ------===//
//
// Every contraction the dps lowering emits is a linalg.generic
// C[m, n] += A[m, k] * B[k, n] (operands at the rung's precision, extended to
// f32 in the body), tagged `dps.contraction`. This pass gives each one the
// shape of a register-blocked outer-product kernel:
//
//   for m0 in 0..M step tileM:         (peeled: full tiles, then the rest)
//     for n0 in 0..N step tileN:       (peeled when tileN does not divide N)
//       acc = C[m0:m0+tileM, n0:n0+tileN]          (hoisted into registers)
//       for k in 0..K:
//         acc += A[m0:m0+tileM, k] (broadcast) * B[k, n0:n0+tileN]
//       C[m0:..., n0:...] = acc
//
// with tileM x tileN vector contractions that later lower to FMAs (8x32 f32:
// 16 zmm accumulators, 2 loads of B and 8 broadcasts of A per k). Rows left
// over from the peeled m loop (the batch dimension is dynamic) run as 1 x
// tileN vector tiles. A transposed B operand (B[n, k], from G * W^T) is
// transposed once per call so that B rows are contiguous.
//
//===----------------------------------------------------------------------===//
#include "Vectorization.h"

#include "dps/Dialect/DPS/IR/DPSDialect.h"
#include "dps/Dialect/DPS/Transforms/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace mlir::dps {
#define GEN_PASS_DEF_DPSVECTORIZECONTRACTIONS
#include "dps/Dialect/DPS/Transforms/Passes.h.inc"
} // namespace mlir::dps

using namespace mlir;
using namespace mlir::dps;

namespace {

bool isContraction(linalg::GenericOp op) {
  return op->hasAttr(DPSDialect::kContractionAttrName);
}

SmallVector<linalg::GenericOp> collectContractions(Operation *root) {
  SmallVector<linalg::GenericOp> ops;
  root->walk([&](linalg::GenericOp op) {
    if (isContraction(op))
      ops.push_back(op);
  });
  return ops;
}

/// B[n, k] -> B[k, n]: materialises the transposed right operand so that the
/// inner loop reads contiguous rows of B.
void untransposeRhs(RewriterBase &rewriter, linalg::GenericOp op) {
  MLIRContext *ctx = op.getContext();
  AffineExpr m, n, k;
  bindDims(ctx, m, n, k);
  AffineMap transposed = AffineMap::get(3, 0, {n, k}, ctx);
  if (op.getIndexingMapsArray()[1] != transposed)
    return;
  rewriter.setInsertionPoint(op);
  Location loc = op.getLoc();
  Value rhs = op.getDpsInputOperand(1)->get();
  auto type = cast<RankedTensorType>(rhs.getType());
  SmallVector<OpFoldResult> sizes = {
      tensor::getMixedSize(rewriter, loc, rhs, 1),
      tensor::getMixedSize(rewriter, loc, rhs, 0)};
  Value init =
      tensor::EmptyOp::create(rewriter, loc, sizes, type.getElementType());
  Value rhsT = linalg::TransposeOp::create(rewriter, loc, rhs, init,
                                           ArrayRef<int64_t>{1, 0})
                   ->getResult(0);
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  maps[1] = AffineMap::get(3, 0, {k, n}, ctx);
  rewriter.modifyOpInPlace(op, [&] {
    op.getDpsInputOperand(1)->set(rhsT);
    op.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
  });
}

struct DPSVectorizeContractionsPass
    : public dps::impl::DPSVectorizeContractionsBase<
          DPSVectorizeContractionsPass> {
  using DPSVectorizeContractionsBase::DPSVectorizeContractionsBase;

  void runOnOperation() override {
    Operation *root = getOperation();
    IRRewriter rewriter(&getContext());

    // Register tiles over (m, n); peel so that full tiles have static sizes.
    for (linalg::GenericOp op : collectContractions(root)) {
      untransposeRhs(rewriter, op);
      SmallVector<int64_t> ranges = op.getStaticLoopRanges();
      int64_t tileN = tileCols;
      if (!ShapedType::isDynamic(ranges[1]))
        tileN = std::min<int64_t>(tileN, ranges[1]);
      FailureOr<scf::SCFTilingResult> tiled =
          tileWithLoops(rewriter, op, {tileRows, tileN, 0});
      if (failed(tiled))
        return signalPassFailure();
      // Inner (n) loop first, so the m loop's partial copy (dynamic rows,
      // split into single rows below) has static column tiles as well.
      for (LoopLikeOpInterface loop : llvm::reverse(tiled->loops))
        peelPartialIteration(rewriter, loop);
    }
    if (failed(simplifyVectorized(root)))
      return signalPassFailure();

    // Full tiles: a loop over k of tileM x tileN vector contractions.
    // Partial tiles (dynamic rows): one row at a time, 1 x tileN.
    for (linalg::GenericOp op : collectContractions(root)) {
      SmallVector<int64_t> ranges = op.getStaticLoopRanges();
      if (ShapedType::isDynamic(ranges[1]))
        continue; // columns unknown: left to the scalar loops
      linalg::LinalgOp current = op;
      if (ShapedType::isDynamic(ranges[0])) {
        FailureOr<scf::SCFTilingResult> rows =
            tileWithLoops(rewriter, current, {1, 0, 0});
        if (failed(rows))
          return signalPassFailure();
        current = cast<linalg::LinalgOp>(rows->tiledOps.back());
      }
      FailureOr<scf::SCFTilingResult> steps =
          tileWithLoops(rewriter, current, {0, 0, 1});
      if (failed(steps))
        return signalPassFailure();
      vectorizeIfStatic(rewriter,
                        cast<linalg::LinalgOp>(steps->tiledOps.back()),
                        /*createNamedContraction=*/true);
    }
    if (failed(simplifyVectorized(root)))
      return signalPassFailure();

    // Keep each tile's accumulator in registers across the k loop.
    hoistInvariantSubsets(root);
    if (failed(simplifyVectorized(root)))
      return signalPassFailure();
  }
};

} // namespace
