//===- Vectorization.h - helpers of the vectorizing passes ------*- C++ -*-===//
#ifndef DPS_LIB_DIALECT_DPS_TRANSFORMS_VECTORIZATION_H
#define DPS_LIB_DIALECT_DPS_TRANSFORMS_VECTORIZATION_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"

namespace mlir::dps {

/// Tiles `op` with scf.for loops (a zero size leaves a dimension whole) and
/// replaces it; the tiled op is the result's `tiledOps.back()`.
FailureOr<scf::SCFTilingResult> tileWithLoops(RewriterBase &rewriter,
                                              linalg::LinalgOp op,
                                              ArrayRef<int64_t> sizes);

/// Splits `loop` into full steps and a partial last one when its step may
/// not divide its range, so the full steps see static tile sizes.
void peelPartialIteration(RewriterBase &rewriter, LoopLikeOpInterface loop);

/// Vectorizes `op` (on tensors or buffers) if all its loop ranges are
/// static; false if it stays.
bool vectorizeIfStatic(RewriterBase &rewriter, linalg::LinalgOp op,
                       bool createNamedContraction = false);

/// Folds what tiling and vectorization leave: tiling canonicalizations,
/// transfer permutations into broadcasts, broadcasts sunk below elementwise
/// ops and folded into contractions.
LogicalResult simplifyVectorized(Operation *root);

/// Passes over at least this many elements of a static shape (the
/// optimizer's and the refreshes' passes over the weights, the packing of a
/// first layer's weights) are worth a parallel loop; below it, starting the
/// threads costs more than they save.
constexpr int64_t kParallelElements = 1 << 16;

/// A linalg.generic copying `source` into `init` (tensors or buffers), read
/// through `read` (identity when null): the elementwise vectorizer turns it
/// into vector code, where a linalg.copy or memref.copy of strided views
/// would stay scalar loops.
linalg::GenericOp buildCopy(OpBuilder &b, Location loc, Value source,
                            Value init, AffineMap read = {});

/// Moves loop-invariant transfer_read/transfer_write pairs out of loops, so
/// accumulators live in registers across the loop.
void hoistInvariantSubsets(Operation *root);

} // namespace mlir::dps

#endif // DPS_LIB_DIALECT_DPS_TRANSFORMS_VECTORIZATION_H
