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
/// Returns the loop of the partial iteration (null when there is none).
scf::ForOp peelPartialIteration(RewriterBase &rewriter,
                                LoopLikeOpInterface loop);

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

/// An index constant.
Value constantIndex(OpBuilder &b, Location loc, int64_t v);

/// (value / multiple) * multiple.
Value roundDown(OpBuilder &b, Location loc, Value value, int64_t multiple);

using LoopBody = function_ref<void(OpBuilder &, Location, Value)>;

/// for iv in [from, to) step `step`: body(iv); a loop that carries nothing.
scf::ForOp emitFor(OpBuilder &b, Location loc, Value from, Value to, Value step,
                   LoopBody body);

/// The loop nest over rows [rowFrom, rowTo) and columns [colFrom, colTo).
void emitFor2D(OpBuilder &b, Location loc, Value rowFrom, Value rowTo,
               Value colFrom, Value colTo, Value step,
               function_ref<void(OpBuilder &, Location, Value, Value)> body);

/// dst[r, u c + v] = src[c, u r + v] for r < rows, c < cols, v < u (u = 1:
/// a transpose of elements; u = 2: of pairs of them), for 16- and 32-bit
/// elements: `side` x `side` blocks of u-element units are loaded as rows,
/// transposed in registers and stored as rows; units past the last whole
/// block are copied one element at a time. Both memrefs' rows must be
/// contiguous. `side` is 16 (each block a vector.transpose, returned in
/// `transposes` for lowerRegisterTransposes) or, for 32-bit units, 8 (AVX2:
/// each block 24 two-source shuffles of 8 x f32).
void emitTransposeCopy(OpBuilder &b, Location loc, Value src, Value dst,
                       Value rows, Value cols, int64_t unit,
                       SmallVectorImpl<Operation *> &transposes,
                       int64_t side = 16);

/// Whether a tagged copy (a VNNI pack or unpack, an AMX transpose) reads
/// its source transposed: the source's first index is another loop than
/// the copy's first (a pack of B^T), not the first or an expression of it.
bool copyReadsTransposed(linalg::GenericOp copy);
/// P[k2, 2 n + v] = B[2 k2 + v, n] for k2 < pairs, n < columns (a multiple
/// of 16): B's pairs of rows interleaved 16 columns at a time, each pair of
/// slices 32 contiguous elements of P (the VNNI layout, flattened). 16-bit
/// elements; B's rows contiguous.
/// With `slice`, the 16 elements of B at (row, column) are what it builds
/// instead of a load from `source`.
using RowSliceFn =
    function_ref<Value(OpBuilder &, Location, Value row, Value column)>;
scf::ForOp emitInterleave(OpBuilder &b, Location loc, Value source, Value flat,
                          Value pairs, int64_t columns,
                          RowSliceFn slice = nullptr);
/// The inverse: B[2 k2 + v, n] = P[k2, 2 n + v].
scf::ForOp emitDeinterleave(OpBuilder &b, Location loc, Value flat,
                            Value matrix, Value pairs, int64_t columns);
/// Lowers the 16 x 16 vector.transpose ops emitTransposeCopy returned to
/// one shuffle each (x86: vpermt2w / vpermt2d), not element by element.
LogicalResult lowerRegisterTransposes(MLIRContext *ctx,
                                      ArrayRef<Operation *> transposes);

} // namespace mlir::dps

#endif // DPS_LIB_DIALECT_DPS_TRANSFORMS_VECTORIZATION_H
