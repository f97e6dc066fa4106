//===- VectorizeContractions.cpp - register-tiled matmuls -----------------===//
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
// 16 zmm accumulators, 2 loads of B and 8 broadcasts of A per k). When C
// starts as a zero fill (a weight gradient written into its gradient set, a
// product into a temporary) the fill moves into the tile loops and the
// accumulators start as zero registers: no pass of zeros over C, no loads of
// them. Where an elementwise op alone reads such a C (a weight gradient
// rounded into its bf16 gradient set), the tile loops compute it too, on
// the tile's registers (fusableEpilogue): no f32 C is stored. Rows left
// over from the peeled m loop (the batch dimension is
// dynamic) run as a tile of tileM / 2 rows where that many are left
// (splitLeftoverRows), the rest as 1 x tileN vector tiles. A
// transposed B operand (B[n, k], from G * W^T) is transposed once per call so
// that B rows are contiguous; narrow operands are widened to f32 once per call.
// With `bf16-dot`, bf16 tiles instead run vdpbf16ps on pairs of k
// (buildBF16DotTile), the B of a contraction with a static M of at least 16
// row tiles (a weight gradient's G, a static-batch layer's W) packed in pairs
// of rows once per call (packRowPairs): MLP kernels 1.04-1.09x per call,
// dps-bench's 784x128x256:lhs 1.18-1.33x (Zen 5, one thread); a B that is
// a rung's VNNI-packed weight copy (dps.unpack_vnni, a forward layer's
// weights) is read as it is, whatever the batch: the MLP's bf16 and f8
// gradient kernels 7-9% faster per call than interleaving it in each row
// tile (Zen 5, one thread). The A^T of such a weight gradient (X^T G, X
// stored [batch, m]) is not transposed but packed like G, in pairs of its
// rows, and read from there (kPackAAttrName): the MLP's bf16 and f8
// gradient kernels 5-6% faster per call at 43-128 rows. Such a
// contraction with more columns than rows is split into blocks of 128
// columns that the threads share out, each packing its block's B: at 2
// threads 128x784x256 1.55x and 128x256x784:rhs 1.45x faster than sharing
// out rows (each thread then read all of B, half packed by the other core).
// A block's B read transposed (B^T [n, k], G W^T) is packed in pairs of k
// straight from its rows, one 32-bit transpose (packTransposedB), not
// transposed and then interleaved: dps-bench's 128x256x784:rhs 6-10% and
// 128x128x256:rhs 6-28% faster at one thread (Zen 5, alternating).
// A convolution that reads its windows from the image (kRowPeriodAttrName)
// is tiled so that each row tile is consecutive pixels of one output row
// (rowsPerTile), read through A's map (indicesOfA, readSliceAsMatrix); its
// B is packed whatever the batch.
//
//===----------------------------------------------------------------------===//
#include "Vectorization.h"

#include "dps/Dialect/DPS/IR/DPSDialect.h"
#include "dps/Dialect/DPS/Transforms/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/X86Vector/X86VectorDialect.h"

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

/// `value` [r, c] as a fresh [c, r] tensor (a linalg.transpose).
Value untransposed(RewriterBase &rewriter, Location loc, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<OpFoldResult> sizes = {
      tensor::getMixedSize(rewriter, loc, value, 1),
      tensor::getMixedSize(rewriter, loc, value, 0)};
  Value init =
      tensor::EmptyOp::create(rewriter, loc, sizes, type.getElementType());
  return linalg::TransposeOp::create(rewriter, loc, value, init,
                                     ArrayRef<int64_t>{1, 0})
      ->getResult(0);
}

/// Materialises operand `index` (0: A, 1: B) in the standard layout (A as
/// [m, k], B as [k, n]) when the op reads it transposed, so that the inner
/// loop reads contiguous rows. Costs one copy of the operand per call.
void untranspose(RewriterBase &rewriter, linalg::GenericOp op, unsigned index) {
  MLIRContext *ctx = op.getContext();
  AffineExpr m, n, k;
  bindDims(ctx, m, n, k);
  AffineMap standard = index == 0 ? AffineMap::get(3, 0, {m, k}, ctx)
                                  : AffineMap::get(3, 0, {k, n}, ctx);
  AffineMap transposed = index == 0 ? AffineMap::get(3, 0, {k, m}, ctx)
                                    : AffineMap::get(3, 0, {n, k}, ctx);
  if (op.getIndexingMapsArray()[index] != transposed)
    return;
  rewriter.setInsertionPoint(op);
  Value copy =
      untransposed(rewriter, op.getLoc(), op.getDpsInputOperand(index)->get());
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  maps[index] = standard;
  rewriter.modifyOpInPlace(op, [&] {
    op.getDpsInputOperand(index)->set(copy);
    op.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
  });
}

/// Rebuilds a contraction with narrow (bf16, f16) operands over f32 copies
/// of them, widened once per call: the FMA register tile then broadcasts
/// A from memory and loads B rows as they are, instead of widening each
/// element of A and B again for every tile that reads it (A is read once
/// per column tile, B once per row tile). The products are the same: the
/// body extended the operands to f32 before multiplying.
linalg::GenericOp widenOperands(RewriterBase &rewriter, linalg::GenericOp op) {
  Type f32 = rewriter.getF32Type();
  auto isNarrow = [&](Value v) {
    return getElementTypeOrSelf(v.getType()) != f32;
  };
  if (!llvm::any_of(op.getDpsInputs(), isNarrow))
    return op;
  rewriter.setInsertionPoint(op);
  Location loc = op.getLoc();
  SmallVector<Value> inputs;
  for (Value input : op.getDpsInputs()) {
    if (!isNarrow(input)) {
      inputs.push_back(input);
      continue;
    }
    auto type = cast<RankedTensorType>(input.getType());
    SmallVector<OpFoldResult> sizes =
        tensor::getMixedSizes(rewriter, loc, input);
    Value init = tensor::EmptyOp::create(rewriter, loc, sizes, f32);
    AffineMap id = rewriter.getMultiDimIdentityMap(type.getRank());
    inputs.push_back(
        linalg::GenericOp::create(
            rewriter, loc, init.getType(), input, init,
            ArrayRef<AffineMap>{id, id},
            SmallVector<utils::IteratorType>(type.getRank(),
                                             utils::IteratorType::parallel),
            [&](OpBuilder &b, Location l, ValueRange args) {
              linalg::YieldOp::create(
                  b, l, arith::ExtFOp::create(b, l, f32, args[0]).getResult());
            })
            .getResult(0));
  }
  auto widened = linalg::GenericOp::create(
      rewriter, loc, op.getResultTypes(), inputs, op.getDpsInits(),
      op.getIndexingMapsArray(), op.getIteratorTypesArray(),
      [&](OpBuilder &b, Location l, ValueRange args) {
        Value product = arith::MulFOp::create(b, l, args[0], args[1]);
        linalg::YieldOp::create(
            b, l, arith::AddFOp::create(b, l, args[2], product).getResult());
      });
  widened->setDiscardableAttrs(op->getDiscardableAttrDictionary());
  rewriter.replaceOp(op, widened.getResults());
  return widened;
}

/// Marks the contractions that take the bf16 dot-product path.
constexpr llvm::StringLiteral kDotAttrName = "dps.bf16_dot";
/// Marks the tiles of an epilogue computed in the contraction's tile loops.
constexpr llvm::StringLiteral kEpilogueAttrName = "dps.epilogue";
/// On a vdpbf16ps contraction whose B is read by many row tiles (and on its
/// tiles): B is packed in pairs of rows once (packRowPairs).
constexpr llvm::StringLiteral kPackBAttrName = "dps.pack_b";
/// On a vdpbf16ps contraction whose A is read transposed (a weight
/// gradient's X^T, X stored [k, m]) and whose B is packed (and on its
/// tiles): X is packed in pairs of rows like B (packRowPairs), and a tile
/// broadcasts row r's pair of k from there. Neither operand is transposed
/// or padded to an even k first.
constexpr llvm::StringLiteral kPackAAttrName = "dps.pack_a";
/// On a block of a contraction's columns, to be tiled like a whole one.
constexpr llvm::StringLiteral kColumnBlockAttrName = "dps.column_block";

/// The rows of C that make one output row of a convolution read in place
/// (kRowPeriodAttrName), or 0 for a plain contraction.
int64_t rowPeriod(linalg::GenericOp op) {
  auto period = op->getAttrOfType<IntegerAttr>(DPSDialect::kRowPeriodAttrName);
  return period ? period.getInt() : 0;
}

/// The most rows of an FMA register tile of a convolution read in place,
/// whose tiles have `columns` columns: with 32 (AVX-512), 14 rows are 28
/// zmm accumulators, two B registers and a broadcast; with 16 (AVX2), 7
/// rows are 14 of AVX2's 16 ymm registers (14 rows spilled: 28
/// accumulators).
int64_t convolutionFMATileRows(int64_t columns) {
  return columns >= 32 ? 14 : 7;
}

/// The rows of `op`'s register tiles: `rows`, or for a convolution read in
/// place the largest divisor of its output rows up to `most` (a tile then
/// never spans two rows of the image).
int64_t rowsPerTile(linalg::GenericOp op, int64_t rows, int64_t most) {
  int64_t period = rowPeriod(op);
  if (!period)
    return rows;
  for (int64_t r = std::min(most, period); r > 1; --r)
    if (period % r == 0)
      return r;
  return 1;
}

/// The indices of A[m, k] in the operand a contraction reads: (m, k)
/// itself, or where A is read through an image (kRowPeriodAttrName) its
/// pixel and channel. Within a tile's slices the map's offsets hold
/// (tiles never span two output rows).
SmallVector<Value> indicesOfA(OpBuilder &b, Location loc, linalg::GenericOp op,
                              Value m, Value k) {
  AffineMap map = op.getIndexingMapsArray()[0];
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  return llvm::map_to_vector(map.getResults(), [&](AffineExpr expr) {
    return getValueOrCreateConstantIndexOp(
        b, loc,
        affine::makeComposedFoldedAffineApply(
            b, loc, AffineMap::get(3, 0, expr, b.getContext()),
            ArrayRef<OpFoldResult>{m, zero, k}));
  });
}

/// Whether each pair of k (2 i, 2 i + 1) of A lies side by side: always in
/// a matrix, in an image (kRowPeriodAttrName) where the channels are even.
bool pairsAreAdjacent(linalg::GenericOp op) {
  auto a = cast<RankedTensorType>(op->getOperand(0).getType());
  return !rowPeriod(op) || a.getDimSize(1) % 2 == 0;
}

/// Gives a tile of a contraction read through an image whose k is one
/// element (or pair) the plain maps A[m, k], B[k, n], C[m, n]: its slice of
/// the image is then exactly its slice of A.
void readSliceAsMatrix(RewriterBase &rewriter, linalg::GenericOp tile) {
  if (!rowPeriod(tile))
    return;
  MLIRContext *ctx = tile.getContext();
  AffineExpr m, n, k;
  bindDims(ctx, m, n, k);
  rewriter.modifyOpInPlace(tile, [&] {
    tile.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(
        {AffineMap::get(3, 0, {m, k}, ctx), AffineMap::get(3, 0, {k, n}, ctx),
         AffineMap::get(3, 0, {m, n}, ctx)}));
    tile->removeAttr(DPSDialect::kRowPeriodAttrName);
  });
}

/// The columns of a vdpbf16ps tile: 32 (two B registers for 8 broadcasts
/// of A) wherever there are 32, the 16 past the last 32 a peeled tile;
/// 16-column tiles throughout made 128x256x784:rhs 1.40x slower (Zen 5,
/// one thread).
int64_t dotTileColumns(int64_t columns) { return columns >= 32 ? 32 : 16; }

/// bf16 x bf16 -> f32 with a static column count the dot kernel covers.
bool fitsBF16Dot(linalg::GenericOp op) {
  auto element = [&](unsigned i) {
    return getElementTypeOrSelf(op->getOperand(i).getType());
  };
  int64_t columns = op.getStaticLoopRanges()[1];
  return element(0).isBF16() && element(1).isBF16() && element(2).isF32() &&
         !ShapedType::isDynamic(columns) && columns % 16 == 0;
}

/// Pads the k dimension of A [m, k] and B [k, n] with zeros up to an even
/// size (a no-op for a static even k): the dot kernel consumes k in pairs.
void padReductionToEven(RewriterBase &rewriter, linalg::GenericOp op) {
  int64_t k = op.getStaticLoopRanges()[2];
  if (!ShapedType::isDynamic(k) && k % 2 == 0)
    return;
  rewriter.setInsertionPoint(op);
  Location loc = op.getLoc();
  Value a = op.getDpsInputOperand(0)->get();
  OpFoldResult size = tensor::getMixedSize(rewriter, loc, a, 1);
  AffineExpr d0 = rewriter.getAffineDimExpr(0);
  OpFoldResult high = affine::makeComposedFoldedAffineApply(
      rewriter, loc, d0.ceilDiv(2) * 2 - d0, {size});
  Value zero = arith::ConstantOp::create(
      rewriter, loc, rewriter.getZeroAttr(rewriter.getBF16Type()));
  auto pad = [&](unsigned index, unsigned dim) {
    Value operand = op.getDpsInputOperand(index)->get();
    auto type = cast<RankedTensorType>(operand.getType());
    SmallVector<int64_t> shape(type.getShape());
    shape[dim] = ShapedType::kDynamic;
    SmallVector<OpFoldResult> low(2, rewriter.getIndexAttr(0));
    SmallVector<OpFoldResult> highs(2, rewriter.getIndexAttr(0));
    highs[dim] = high;
    Value padded = tensor::PadOp::create(
        rewriter, loc, RankedTensorType::get(shape, type.getElementType()),
        operand, low, highs, zero);
    rewriter.modifyOpInPlace(
        op, [&] { op.getDpsInputOperand(index)->set(padded); });
  };
  pad(0, 1);
  pad(1, 0);
}

/// The columns of a block that one thread computes (and packs B for) in a
/// static contraction with more columns than rows: B's block stays in L2
/// (784 x 128 bf16: 200 KB) while the row tiles sweep it.
constexpr int64_t kBlockColumns = 128;

/// B's of at least this many elements are packed by all the threads.
constexpr int64_t kParallelPackElements = int64_t(1) << 16;

/// B [k, n] (n a multiple of 16) with each pair of rows interleaved:
/// P[k2, 2 c + v] = B[2 k2 + v, c], built with one interleave per 16
/// columns of a pair, so that vdpbf16ps tiles load a pair ready instead of
/// interleaving it again in each of their row tiles. An odd k's last pair
/// takes zeros for its missing row (as a zero pad of B would), so a batch
/// of any size is packed without first being copied into an even one.
Value packRowPairs(OpBuilder &b, Location loc, Value matrix) {
  auto type = cast<RankedTensorType>(matrix.getType());
  int64_t n = type.getDimSize(1);
  Type bf16 = type.getElementType();
  Value c0 = constantIndex(b, loc, 0), c1 = constantIndex(b, loc, 1);
  Value c2 = constantIndex(b, loc, 2), c16 = constantIndex(b, loc, 16);
  Value rows = tensor::DimOp::create(b, loc, matrix, 0);
  Value fullPairs = arith::DivUIOp::create(b, loc, rows, c2);
  Value pairs = arith::DivUIOp::create(
      b, loc, arith::AddIOp::create(b, loc, rows, c1), c2);
  Value packed = tensor::EmptyOp::create(
      b, loc, ArrayRef<int64_t>{ShapedType::kDynamic, 2 * n}, bf16,
      ValueRange{pairs});
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(bf16));
  auto half = VectorType::get({16}, bf16);
  Value zeros = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(half, b.getZeroAttr(bf16)));
  // Pair k2 of rows `even` and `odd` (none: zeros) into `into`.
  auto packPair = [&](OpBuilder &rb, Location rl, Value k2, Value even,
                      Value odd, Value into) {
    auto columns = scf::ForOp::create(
        rb, rl, c0, constantIndex(rb, rl, n), c16, into,
        [&](OpBuilder &cb, Location cl, Value c, ValueRange acc) {
          auto read = [&](Value row) -> Value {
            if (!row)
              return zeros;
            return vector::TransferReadOp::create(cb, cl, half, matrix,
                                                  ValueRange{row, c}, zero,
                                                  ArrayRef<bool>{true});
          };
          Value interleaved =
              vector::InterleaveOp::create(cb, cl, read(even), read(odd));
          Value at = arith::MulIOp::create(cb, cl, c, c2);
          Value written = vector::TransferWriteOp::create(
                              cb, cl, interleaved, acc[0], ValueRange{k2, at},
                              ArrayRef<bool>{true})
                              .getResult();
          scf::YieldOp::create(cb, cl, written);
        });
    return columns.getResult(0);
  };
  auto rowsLoop = scf::ForOp::create(
      b, loc, c0, fullPairs, c1, packed,
      [&](OpBuilder &rb, Location rl, Value k2, ValueRange into) {
        Value even = arith::MulIOp::create(rb, rl, k2, c2);
        Value odd = arith::AddIOp::create(rb, rl, even, c1);
        scf::YieldOp::create(rb, rl, packPair(rb, rl, k2, even, odd, into[0]));
      });
  // Each pair writes its own row: the threads share a large static B's out
  // (dps-bench's 128x784x256 at 2 threads: 1.2x). A batch's G stays serial:
  // its parallel region cost the MLP's grad kernels 2-4 us per call even at
  // one thread, 0.89x at one row.
  auto inParallelLoop = [&] {
    for (Operation *parent = rowsLoop->getParentOp(); parent;
         parent = parent->getParentOp())
      if (parent->hasAttr(DPSDialect::kParallelAttrName))
        return true;
    return false;
  };
  if (type.hasStaticShape() && type.getNumElements() >= kParallelPackElements &&
      !inParallelLoop())
    rowsLoop->setAttr(DPSDialect::kParallelAttrName, b.getUnitAttr());
  Value result = rowsLoop.getResult(0);
  int64_t staticRows = type.getDimSize(0);
  if (!ShapedType::isDynamic(staticRows) && staticRows % 2 == 0)
    return result;
  // The last row of an odd k, paired with zeros.
  Value last = arith::SubIOp::create(b, loc, rows, c1);
  if (!ShapedType::isDynamic(staticRows))
    return packPair(b, loc, fullPairs, last, Value(), result);
  Value isOdd =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                            arith::RemUIOp::create(b, loc, rows, c2), c0);
  auto tail = scf::IfOp::create(
      b, loc, isOdd,
      [&](OpBuilder &tb, Location tl) {
        scf::YieldOp::create(
            tb, tl, packPair(tb, tl, fullPairs, last, Value(), result));
      },
      [&](OpBuilder &eb, Location el) {
        scf::YieldOp::create(eb, el, result);
      });
  return tail.getResult(0);
}

/// The generic ops marked `name`, the mark removed.
SmallVector<linalg::GenericOp> takeMarked(Operation *root, StringRef name) {
  SmallVector<linalg::GenericOp> marked;
  root->walk([&](linalg::GenericOp op) {
    if (op->removeAttr(name))
      marked.push_back(op);
  });
  return marked;
}

/// The zero fill C starts from, if the contraction is its only reader.
linalg::FillOp zeroFillOfInit(linalg::GenericOp op) {
  Value c = op.getDpsInitOperand(0)->get();
  auto fill = c.getDefiningOp<linalg::FillOp>();
  if (!fill || !c.hasOneUse() || !matchPattern(fill.value(), m_AnyZeroFloat()))
    return nullptr;
  return fill;
}

/// B's pairs of rows packed once per call (packRowPairs), shared by the row
/// tiles that read column slices of it, and the first of the tile's columns.
struct PackedSlice {
  Value packed, firstColumn;
};

/// A vdpbf16ps contraction's B is packed in pairs of rows once per call
/// (packRowPairs) where a static M gives it at least this many row tiles
/// (a weight gradient's G, whatever the batch: M is the layer's width), the
/// pack, one tile's worth of interleaves, shared by all of them. B of fewer
/// or of a dynamic number of tiles (a forward layer's weights: M is the
/// batch) is interleaved in registers: packing W per call measured 0.50x at
/// 1 row and 0.90-0.94x at 43-51 rows (6 tiles) on the MLP (Zen 5).
constexpr int64_t kPackedRowTiles = 16;

/// The VNNI-packed tensor P (K/2 x N x 2) that `matrix` unpacks (a
/// `dps.unpack_vnni` of a rung's weight copy), or null.
Value vnniSourceOf(Value matrix) {
  auto unpack = matrix.getDefiningOp<linalg::GenericOp>();
  if (!unpack || !unpack->hasAttr(DPSDialect::kVNNIUnpackAttrName))
    return {};
  return unpack.getDpsInputOperand(0)->get();
}

/// A column slice of all of B's rows (offsets [0, c], unit strides).
tensor::ExtractSliceOp columnSliceOf(Value b) {
  auto slice = b.getDefiningOp<tensor::ExtractSliceOp>();
  if (!slice || slice.getSourceType().getRank() != 2 ||
      slice.getType().getRank() != 2 ||
      getConstantIntValue(slice.getMixedOffsets()[0]) != 0 ||
      slice.getStaticStrides() != ArrayRef<int64_t>{1, 1})
    return nullptr;
  return slice;
}

/// The weight copy's VNNI-packed tensor when a dot tile's B is column
/// slices (row tiles and their leftovers slice it again) of a matrix
/// unpacked from it, or null: its pairs of rows are packed already. The
/// slices' column offsets go to `columnOffsets`.
Value vnniCopyOf(Value b, SmallVectorImpl<OpFoldResult> *columnOffsets = {}) {
  while (tensor::ExtractSliceOp slice = columnSliceOf(b)) {
    if (columnOffsets)
      columnOffsets->push_back(slice.getMixedOffsets()[1]);
    b = slice.getSource();
  }
  return vnniSourceOf(b);
}

/// The packed pairs of rows for a dot tile's B (of a contraction marked
/// kPackBAttrName), B being (a column slice of) a matrix packed next to its
/// definition the first time a tile asks: the whole B, or the block of
/// columns a thread computes (packed inside that block's loop).
/// A B unpacked from a rung's VNNI-packed weight copy (vnniCopyOf) is that
/// copy, packed by the refresh.
std::optional<PackedSlice> packedSliceOf(RewriterBase &rewriter, Location loc,
                                         Value b,
                                         DenseMap<Value, Value> &packed) {
  SmallVector<OpFoldResult> columnOffsets;
  if (Value vnni = vnniCopyOf(b, &columnOffsets)) {
    // Packed by the refresh: P [K/2, N, 2] holds the pairs as [K/2, 2 N];
    // the tile's first column is the sum of its slices' offsets.
    AffineExpr d0, d1;
    bindDims(rewriter.getContext(), d0, d1);
    OpFoldResult firstColumn = rewriter.getIndexAttr(0);
    for (OpFoldResult offset : columnOffsets)
      firstColumn = affine::makeComposedFoldedAffineApply(
          rewriter, loc, d0 + d1, {firstColumn, offset});
    Value &entry = packed[vnni];
    if (!entry) {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointAfterValue(vnni);
      entry = tensor::CollapseShapeOp::create(
          rewriter, vnni.getLoc(), vnni,
          ArrayRef<ReassociationIndices>{{0}, {1, 2}});
    }
    return PackedSlice{
        entry, getValueOrCreateConstantIndexOp(rewriter, loc, firstColumn)};
  }
  Value whole = b;
  OpFoldResult firstColumn = rewriter.getIndexAttr(0);
  // A tile's column slice of the matrix (of B, or of an A^T stored [k, m]);
  // a column block's B, itself a slice, is packed in the block's loop.
  if (auto slice = b.getDefiningOp<tensor::ExtractSliceOp>()) {
    if (getConstantIntValue(slice.getMixedOffsets()[0]) != 0 ||
        slice.getStaticStrides() != ArrayRef<int64_t>{1, 1})
      return std::nullopt;
    whole = slice.getSource();
    firstColumn = slice.getMixedOffsets()[1];
  }
  auto type = cast<RankedTensorType>(whole.getType());
  if (type.isDynamicDim(1) || type.getDimSize(1) % 16 != 0)
    return std::nullopt;
  Value &entry = packed[whole];
  if (!entry) {
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointAfterValue(whole);
    entry = packRowPairs(rewriter, whole.getLoc(), whole);
  }
  return PackedSlice{
      entry, getValueOrCreateConstantIndexOp(rewriter, loc, firstColumn)};
}

/// Whether a bf16 contraction reads A transposed from a plain matrix
/// stored [k, m] (m a static multiple of 16) and B as [k, n]: both can then
/// be packed in pairs of their rows (kPackAAttrName).
bool packsTransposedA(linalg::GenericOp op) {
  MLIRContext *ctx = op.getContext();
  AffineExpr m, n, k;
  bindDims(ctx, m, n, k);
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  auto a = cast<RankedTensorType>(op.getDpsInputOperand(0)->get().getType());
  auto b = cast<RankedTensorType>(op.getDpsInputOperand(1)->get().getType());
  return !rowPeriod(op) && maps[0] == AffineMap::get(3, 0, {k, m}, ctx) &&
         maps[1] == AffineMap::get(3, 0, {k, n}, ctx) && !a.isDynamicDim(1) &&
         a.getDimSize(1) % 16 == 0 && !b.isDynamicDim(1) &&
         b.getDimSize(1) % 16 == 0;
}

/// The most rows of a vdpbf16ps tile: 8 x 32 columns, 16 accumulators.
constexpr int64_t kMaxDotTileRows = 8;

/// Replaces a static R x C tile (R <= 8, C in {16, 32}) of a bf16
/// contraction with a loop over pairs of k of `vdpbf16ps`: per pair, each
/// 16-column slice of B's two rows is interleaved into one register of 16
/// (k, k+1) pairs, each row's pair of A is broadcast, and R x C/16 dot
/// products accumulate into f32 registers carried by the loop.
LogicalResult buildBF16DotTile(RewriterBase &rewriter, linalg::GenericOp op,
                               DenseMap<Value, Value> &packedRowPairs) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t rows = ranges[0], columns = ranges[1];
  if (ShapedType::isDynamic(rows) || rows > kMaxDotTileRows ||
      ShapedType::isDynamic(columns) || columns % 16 != 0)
    return failure();
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  Value a = op.getDpsInputOperand(0)->get();
  Value b = op.getDpsInputOperand(1)->get();
  Value c = op.getDpsInitOperand(0)->get();
  std::optional<PackedSlice> packed, packedA;
  if (op->hasAttr(kPackBAttrName) || vnniCopyOf(b))
    packed = packedSliceOf(rewriter, loc, b, packedRowPairs);
  // A^T stored [k, m], packed in pairs of its rows: row r's pair of k at
  // P[k / 2, 2 (m0 + r)], m0 the tile's first column of the storage.
  if (op->hasAttr(kPackAAttrName)) {
    packedA = packedSliceOf(rewriter, loc, a, packedRowPairs);
    if (!packed || !packedA)
      return failure();
  }
  Type f32 = rewriter.getF32Type(), bf16 = rewriter.getBF16Type();
  auto vec = [](int64_t n, Type t) { return VectorType::get({n}, t); };
  auto index = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(rewriter, loc, v);
  };
  Value c0 = index(0), c1 = index(1), c2 = index(2);
  Value padF32 =
      arith::ConstantOp::create(rewriter, loc, rewriter.getZeroAttr(f32));
  Value padBF16 =
      arith::ConstantOp::create(rewriter, loc, rewriter.getZeroAttr(bf16));
  int64_t slices = columns / 16;

  // A tile that starts as a zero fill starts from zero registers.
  Value zeros;
  if (zeroFillOfInit(op))
    zeros = arith::ConstantOp::create(
        rewriter, loc, DenseElementsAttr::get(vec(16, f32), 0.0f));
  SmallVector<Value> accumulators;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < slices; ++j)
      accumulators.push_back(zeros ? zeros
                                   : vector::TransferReadOp::create(
                                         rewriter, loc, vec(16, f32), c,
                                         ValueRange{index(r), index(16 * j)},
                                         padF32, ArrayRef<bool>{true})
                                         .getResult());

  // k from B [k, n] (A may be an image read through the op's map).
  Value k = getValueOrCreateConstantIndexOp(
      rewriter, loc, tensor::getMixedSize(rewriter, loc, b, 0));
  auto loop = scf::ForOp::create(
      rewriter, loc, c0, k, c2, accumulators,
      [&](OpBuilder &nb, Location nl, Value kk, ValueRange acc) {
        Value kNext = arith::AddIOp::create(nb, nl, kk, c1);
        Value pairRow = packed || packedA
                            ? arith::DivUIOp::create(nb, nl, kk, c2).getResult()
                            : Value();
        SmallVector<Value> pairsOfB;
        for (int64_t j = 0; j < slices; ++j) {
          if (packed) {
            Value column = arith::MulIOp::create(
                nb, nl,
                arith::AddIOp::create(
                    nb, nl, packed->firstColumn,
                    arith::ConstantIndexOp::create(nb, nl, 16 * j)),
                c2);
            pairsOfB.push_back(vector::TransferReadOp::create(
                nb, nl, vec(32, bf16), packed->packed,
                ValueRange{pairRow, column}, padBF16, ArrayRef<bool>{true}));
            continue;
          }
          Value column = arith::ConstantIndexOp::create(nb, nl, 16 * j);
          Value even = vector::TransferReadOp::create(
              nb, nl, vec(16, bf16), b, ValueRange{kk, column}, padBF16,
              ArrayRef<bool>{true});
          Value odd = vector::TransferReadOp::create(
              nb, nl, vec(16, bf16), b, ValueRange{kNext, column}, padBF16,
              ArrayRef<bool>{true});
          pairsOfB.push_back(vector::InterleaveOp::create(nb, nl, even, odd));
        }
        SmallVector<Value> updated;
        for (int64_t r = 0; r < rows; ++r) {
          Value row = arith::ConstantIndexOp::create(nb, nl, r);
          Value pair;
          if (packedA) {
            Value column = arith::MulIOp::create(
                nb, nl,
                arith::AddIOp::create(nb, nl, packedA->firstColumn, row), c2);
            pair = vector::TransferReadOp::create(
                nb, nl, vec(2, bf16), packedA->packed,
                ValueRange{pairRow, column}, padBF16, ArrayRef<bool>{true});
          } else {
            pair = vector::TransferReadOp::create(
                nb, nl, vec(2, bf16), a, indicesOfA(nb, nl, op, row, kk),
                padBF16, ArrayRef<bool>{true});
          }
          Value packed =
              vector::BitCastOp::create(nb, nl, vec(1, nb.getI32Type()), pair);
          Value scalar = vector::ExtractOp::create(nb, nl, packed, 0);
          Value splat = vector::BroadcastOp::create(
              nb, nl, vec(16, nb.getI32Type()), scalar);
          Value lhs = vector::BitCastOp::create(nb, nl, vec(32, bf16), splat);
          for (int64_t j = 0; j < slices; ++j)
            updated.push_back(x86vector::DotBF16Op::create(
                nb, nl, acc[r * slices + j], lhs, pairsOfB[j]));
        }
        scf::YieldOp::create(nb, nl, updated);
      });

  // The tile as one vector, written at once: an epilogue's read of the
  // tile then folds to it (the sums stay in registers).
  Value tile = arith::ConstantOp::create(
      rewriter, loc,
      DenseElementsAttr::get(VectorType::get({rows, columns}, f32), 0.0f));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < slices; ++j)
      tile = vector::InsertStridedSliceOp::create(
          rewriter, loc, loop.getResult(r * slices + j), tile,
          ArrayRef<int64_t>{r, 16 * j}, ArrayRef<int64_t>{1});
  Value result = vector::TransferWriteOp::create(rewriter, loc, tile, c,
                                                 ValueRange{c0, c0},
                                                 ArrayRef<bool>{true, true})
                     .getResult();
  rewriter.replaceOp(op, result);
  return success();
}

/// The elementwise op that alone reads a contraction's result through
/// identity maps -- the rounding of a weight gradient into its rung's
/// gradient set -- where the result starts from a zero fill and has a
/// static shape. Tiled with the contraction, each tile's f32 sums go from
/// registers to the narrow store, instead of through an f32 temporary the
/// size of the gradient (zeroed, written, and read again every call: on the
/// MLP's first layer 0.8 MB each way, a fixed cost of every step of every
/// rung).
linalg::GenericOp fusableEpilogue(linalg::GenericOp op) {
  Value result = op->getResult(0);
  if (!zeroFillOfInit(op) || !result.hasOneUse() ||
      !cast<ShapedType>(result.getType()).hasStaticShape())
    return nullptr;
  auto consumer = dyn_cast<linalg::GenericOp>(*result.user_begin());
  if (!consumer || isContraction(consumer) ||
      consumer.getNumReductionLoops() != 0 || consumer.getNumDpsInits() != 1 ||
      !consumer.hasPureTensorSemantics() ||
      consumer.getDpsInitOperand(0)->get() == result ||
      !llvm::all_of(consumer.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isIdentity(); }))
    return nullptr;
  return consumer;
}

/// Tiles `op` over (m, n) like tileWithLoops, moving a zero fill of C into
/// the tile loops (each tile fills its own slice, which the k loop's
/// accumulators then start from: zeros once vectorized). With an
/// `epilogue` (fusableEpilogue), the loops tile it, and the contraction
/// and the fill are computed tile by tile inside them; the epilogue's tiles
/// are marked kEpilogueAttrName.
FailureOr<scf::SCFTilingResult> tileFusingZeroFill(RewriterBase &rewriter,
                                                   linalg::GenericOp op,
                                                   ArrayRef<int64_t> sizes,
                                                   linalg::GenericOp epilogue) {
  if (!zeroFillOfInit(op))
    return tileWithLoops(rewriter, op, sizes);
  Operation *root = epilogue ? epilogue.getOperation() : op.getOperation();
  scf::SCFTileAndFuseOptions options;
  options.tilingOptions.setTileSizes(getAsIndexOpFoldResult(
      op->getContext(), epilogue ? sizes.take_front(2) : sizes));
  options.setFusionControlFn(
      [&](tensor::ExtractSliceOp, OpResult producer,
          bool) -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
        if (isa<linalg::FillOp>(producer.getOwner()) ||
            producer.getOwner() == op.getOperation())
          return scf::SCFTileAndFuseOptions::ControlFnResult{};
        return std::nullopt;
      });
  rewriter.setInsertionPoint(root);
  FailureOr<scf::SCFTileAndFuseResult> fused =
      scf::tileConsumerAndFuseProducersUsingSCF(
          rewriter, cast<TilingInterface>(root), options);
  if (failed(fused))
    return failure();
  for (OpResult result : root->getResults())
    rewriter.replaceAllUsesWith(result, fused->replacements.lookup(result));
  scf::SCFTilingResult tiled;
  for (Operation *tiledOp : fused->tiledAndFusedOps) {
    auto generic = dyn_cast<linalg::GenericOp>(tiledOp);
    if (!generic)
      continue;
    if (isContraction(generic))
      tiled.tiledOps.push_back(generic);
    else
      generic->setAttr(kEpilogueAttrName, rewriter.getUnitAttr());
  }
  if (tiled.tiledOps.size() != 1)
    return failure();
  tiled.loops = fused->loops;
  return tiled;
}

/// Vectorizes the static zero fills inside tile loops (a vector of zeros
/// written into the tile, which the accumulators' reads then fold to).
void vectorizeTileFills(RewriterBase &rewriter, Operation *root) {
  SmallVector<linalg::FillOp> fills;
  root->walk([&](linalg::FillOp fill) {
    if (fill->getParentOfType<scf::ForOp>() &&
        isa<RankedTensorType>(fill.getResult(0).getType()) &&
        matchPattern(fill.value(), m_AnyZeroFloat()))
      fills.push_back(fill);
  });
  for (linalg::FillOp fill : fills)
    vectorizeIfStatic(rewriter, fill);
}

/// bf16 x bf16 -> f32 with a static column count that AMX's 16 x 16 f32
/// result tiles cover.
bool fitsAMX(linalg::GenericOp op) {
  return op.getNumLoops() == 3 && fitsBF16Dot(op);
}

/// A tensor of `sizes` whose leading `used` entries along `dim` are what
/// `produce` writes into the slice it is given and whose others are zeros:
/// a padded operand built without tensor.pad (whose copy would lower to
/// scalar loops), as one producer writing in place and a fill of the tail.
Value zeroPadded(RewriterBase &rewriter, Location loc, Type element,
                 ArrayRef<OpFoldResult> sizes, unsigned dim, OpFoldResult used,
                 function_ref<Value(Value)> produce) {
  AffineExpr d0, d1;
  bindDims(rewriter.getContext(), d0, d1);
  Value full = tensor::EmptyOp::create(rewriter, loc, sizes, element);
  SmallVector<OpFoldResult> offsets(sizes.size(), rewriter.getIndexAttr(0));
  SmallVector<OpFoldResult> strides(sizes.size(), rewriter.getIndexAttr(1));
  SmallVector<OpFoldResult> head(sizes);
  head[dim] = used;
  Value body = tensor::ExtractSliceOp::create(rewriter, loc, full, offsets,
                                              head, strides);
  full = tensor::InsertSliceOp::create(rewriter, loc, produce(body), full,
                                       offsets, head, strides);
  SmallVector<OpFoldResult> tailOffsets(offsets), tail(sizes);
  tailOffsets[dim] = used;
  tail[dim] = affine::makeComposedFoldedAffineApply(rewriter, loc, d0 - d1,
                                                    {sizes[dim], used});
  Value zero =
      arith::ConstantOp::create(rewriter, loc, rewriter.getZeroAttr(element));
  Value tailSlice = tensor::ExtractSliceOp::create(rewriter, loc, full,
                                                   tailOffsets, tail, strides);
  Value zeros =
      linalg::FillOp::create(rewriter, loc, zero, tailSlice).getResult(0);
  return tensor::InsertSliceOp::create(rewriter, loc, zeros, full, tailOffsets,
                                       tail, strides);
}

/// init = value (vectorized after bufferization).
Value copyInto(RewriterBase &rewriter, Location loc, Value value, Value init) {
  return buildCopy(rewriter, loc, value, init).getResult(0);
}

/// Whether contraction operand `index` (0: A, 1: B) is read transposed
/// (A as [k, m], B as [n, k]).
bool readsTransposed(linalg::GenericOp op, unsigned index) {
  AffineMap map = op.getIndexingMapsArray()[index];
  return map.getResult(0) ==
         getAffineDimExpr(index == 0 ? 2 : 1, op.getContext());
}

/// A copy tagged for dps-lower-amx: init[i, j] = value[j, i] (a transposed
/// A), or P[k2, n, v] = value[2 k2 + v, n] (B packed in pairs of rows), or
/// with `transposed`, P[k2, n, v] = value[n, 2 k2 + v] (B^T packed).
Value amxCopyInto(RewriterBase &rewriter, Location loc, Value value, Value init,
                  bool pack, bool transposed) {
  MLIRContext *ctx = rewriter.getContext();
  AffineMap read;
  if (pack) {
    AffineExpr k2, n, v;
    bindDims(ctx, k2, n, v);
    read = transposed ? AffineMap::get(3, 0, {n, k2 * 2 + v}, ctx)
                      : AffineMap::get(3, 0, {k2 * 2 + v, n}, ctx);
  } else {
    AffineExpr i, j;
    bindDims(ctx, i, j);
    read = AffineMap::get(2, 0, {j, i}, ctx);
  }
  linalg::GenericOp copy = buildCopy(rewriter, loc, value, init, read);
  copy->setAttr(pack ? DPSDialect::kVNNIPackAttrName
                     : DPSDialect::kAMXTransposeAttrName,
                rewriter.getUnitAttr());
  return copy.getResult(0);
}

/// A column block's transposed B (B^T [n, k], k static and even) packed
/// in pairs of k straight from its rows, P[k2, n, v] = B^T[n, 2 k2 + v]: a
/// pair is one 32-bit unit of a B^T row, so one 16 x 16 transpose of such
/// units per block of P (dps-vectorize-elementwise), instead of a transpose
/// of elements and then an interleave of pairs of rows. The op reads B as
/// the VNNI unpack of P, which its dot tiles read as it is (vnniCopyOf).
/// Returns false, changing nothing, where the block does not fit.
bool packTransposedB(RewriterBase &rewriter, linalg::GenericOp op) {
  MLIRContext *ctx = op.getContext();
  Value bt = op.getDpsInputOperand(1)->get();
  auto type = cast<RankedTensorType>(bt.getType());
  if (!readsTransposed(op, 1) || !type.hasStaticShape() ||
      type.getDimSize(1) % 2 != 0 || type.getDimSize(0) % 16 != 0)
    return false;
  int64_t n = type.getDimSize(0), k = type.getDimSize(1);
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  Type bf16 = type.getElementType();
  Value packed =
      amxCopyInto(rewriter, loc, bt,
                  tensor::EmptyOp::create(rewriter, loc,
                                          ArrayRef<int64_t>{k / 2, n, 2}, bf16),
                  /*pack=*/true, /*transposed=*/true);
  AffineExpr kk, nn;
  bindDims(ctx, kk, nn);
  linalg::GenericOp unpack = buildCopy(
      rewriter, loc, packed,
      tensor::EmptyOp::create(rewriter, loc, ArrayRef<int64_t>{k, n}, bf16),
      AffineMap::get(2, 0, {kk.floorDiv(2), nn, kk % 2}, ctx));
  unpack->setAttr(DPSDialect::kVNNIUnpackAttrName, rewriter.getUnitAttr());
  AffineExpr m, nd, kd;
  bindDims(ctx, m, nd, kd);
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  maps[1] = AffineMap::get(3, 0, {kd, nd}, ctx);
  rewriter.modifyOpInPlace(op, [&] {
    op.getDpsInputOperand(1)->set(unpack.getResult(0));
    op.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
    op->removeAttr(kPackBAttrName);
  });
  return true;
}

/// Rewrites a bf16 contraction C[m, n] += A[m, k] * B[k, n] for AMX tiles
/// (tdpbf16ps: a 16 x 32 tile of A times a 16 x 32 tile of B in pairs of k
/// rows, into a 16 x 16 tile of f32):
///   A' = A untransposed, its k padded with zeros to a multiple of 32,
///   P = B packed in pairs of rows of k (VNNI: P[k2, n, v] = B[2 k2 + v, n],
///       straight from B or B^T), its pairs past k zeros,
///   C[m, n] += A'[m, k2, v] * P[k2, n, v]   (tagged dps.amx).
/// The zeros add nothing to the sums; the products are the original op's
/// (f32 products of bf16 values, f32 sums). dps-lower-amx takes the rows
/// left over from 16-row tiles.
void rewriteForAMX(RewriterBase &rewriter, linalg::GenericOp op) {
  bool aTransposed = readsTransposed(op, 0);
  bool bTransposed = readsTransposed(op, 1);
  rewriter.setInsertionPoint(op);
  Location loc = op.getLoc();
  MLIRContext *ctx = op.getContext();
  Value a = op.getDpsInputOperand(0)->get();
  Value b = op.getDpsInputOperand(1)->get();
  Value c = op.getDpsInitOperand(0)->get();
  Type bf16 = rewriter.getBF16Type(), f32 = rewriter.getF32Type();
  AffineExpr d0 = rewriter.getAffineDimExpr(0);

  OpFoldResult m = tensor::getMixedSize(rewriter, loc, a, aTransposed);
  OpFoldResult k = tensor::getMixedSize(rewriter, loc, a, !aTransposed);
  OpFoldResult n = tensor::getMixedSize(rewriter, loc, b, !bTransposed);
  OpFoldResult two = rewriter.getIndexAttr(2);
  auto half = [&](OpFoldResult size) {
    return affine::makeComposedFoldedAffineApply(rewriter, loc, d0.floorDiv(2),
                                                 {size});
  };
  // AMX steps through k in 32s: pad k with zeros (one tile shape per tile
  // register; mixing shapes in a kernel exhausts LLVM's tile allocation).
  OpFoldResult kPadded = affine::makeComposedFoldedAffineApply(
      rewriter, loc, d0.ceilDiv(32) * 32, {k});
  std::optional<int64_t> staticK = getConstantIntValue(k);
  bool padded = !staticK || *staticK % 32;
  // A as [m, k] (transposed by a tagged copy), its k padded.
  auto aInto = [&](Value init) {
    return aTransposed ? amxCopyInto(rewriter, loc, a, init, false, true)
                       : copyInto(rewriter, loc, a, init);
  };
  if (padded)
    a = zeroPadded(rewriter, loc, bf16, {m, kPadded}, 1, k, aInto);
  else if (aTransposed)
    a = aInto(tensor::EmptyOp::create(rewriter, loc, {m, k}, bf16));
  // B packed in pairs of rows of k: straight from B (or B^T) where k is
  // static and even, the pairs past k zeros; otherwise from a copy of B
  // padded to 32 in k.
  Value packed;
  SmallVector<OpFoldResult> packedShape = {half(kPadded), n, two};
  auto packInto = [&](Value init) {
    return amxCopyInto(rewriter, loc, b, init, true, bTransposed);
  };
  if (!padded) {
    packed =
        packInto(tensor::EmptyOp::create(rewriter, loc, packedShape, bf16));
  } else if (staticK && *staticK % 2 == 0) {
    packed = zeroPadded(rewriter, loc, bf16, packedShape, 0, half(k), packInto);
  } else {
    if (bTransposed)
      b = untransposed(rewriter, loc, b);
    bTransposed = false;
    b = zeroPadded(rewriter, loc, bf16, {kPadded, n}, 0, k, [&](Value init) {
      return copyInto(rewriter, loc, b, init);
    });
    packed =
        packInto(tensor::EmptyOp::create(rewriter, loc, packedShape, bf16));
  }
  auto shapeOf = [](ArrayRef<OpFoldResult> sizes) {
    return llvm::map_to_vector(sizes, [](OpFoldResult size) {
      return getConstantIntValue(size).value_or(ShapedType::kDynamic);
    });
  };
  // A' as [m, k2, v]: a reshape.
  SmallVector<OpFoldResult> aShape = {m, half(kPadded), two};
  Value aPairs = tensor::ExpandShapeOp::create(
      rewriter, loc, RankedTensorType::get(shapeOf(aShape), bf16), a,
      SmallVector<ReassociationIndices>{{0}, {1, 2}}, aShape);

  AffineExpr mm, nn, kk, vv;
  bindDims(ctx, mm, nn, kk, vv);
  auto amx = linalg::GenericOp::create(
      rewriter, loc, c.getType(), ValueRange{aPairs, packed}, c,
      ArrayRef<AffineMap>{AffineMap::get(4, 0, {mm, kk, vv}, ctx),
                          AffineMap::get(4, 0, {kk, nn, vv}, ctx),
                          AffineMap::get(4, 0, {mm, nn}, ctx)},
      ArrayRef<utils::IteratorType>{
          utils::IteratorType::parallel, utils::IteratorType::parallel,
          utils::IteratorType::reduction, utils::IteratorType::reduction},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value product = arith::MulFOp::create(
            nb, l, arith::ExtFOp::create(nb, l, f32, args[0]),
            arith::ExtFOp::create(nb, l, f32, args[1]));
        linalg::YieldOp::create(
            nb, l, arith::AddFOp::create(nb, l, args[2], product).getResult());
      });
  amx->setAttr(DPSDialect::kAMXContractionAttrName, rewriter.getUnitAttr());
  rewriter.replaceOp(op, amx.getResults());
}

/// A contraction over rows left from the full tiles (a dynamic count,
/// fewer than `tileRows`) as a tile of tileRows / 2 rows of static shape
/// under an scf.if on the count (7 rows: 4, then 3 single rows), then the
/// op over the rows past it, which stays dynamic: a 4-row tile loads (and,
/// for vdpbf16ps, interleaves) each row of B once for four rows of C, where
/// single-row tiles load it four times. Measured on the MLP (Zen 5, one
/// thread): its bf16 kernel 1.28x faster at 7 rows, 1.04x at 51, f8 1.09x at
/// 77, f32 1.06x at 127; a further 2-row tile gained nothing measurable.
LogicalResult splitLeftoverRows(RewriterBase &rewriter, linalg::GenericOp op,
                                int64_t tileRows) {
  int64_t half = tileRows / 2;
  if (half < 2)
    return success();
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  auto tiling = cast<TilingInterface>(op.getOperation());
  SmallVector<OpFoldResult> sizes =
      llvm::map_to_vector(tiling.getIterationDomain(rewriter),
                          [](const Range &r) { return r.size; });
  Value rows = getValueOrCreateConstantIndexOp(rewriter, loc, sizes[0]);
  // The op on rows [first, first + count), inserted into `into`.
  auto tileInto = [&](Value into, OpFoldResult first,
                      OpFoldResult count) -> FailureOr<Value> {
    SmallVector<OpFoldResult> offsets(sizes.size(), rewriter.getIndexAttr(0));
    offsets[0] = first;
    SmallVector<OpFoldResult> tileSizes(sizes);
    tileSizes[0] = count;
    FailureOr<TilingResult> tile =
        tiling.getTiledImplementation(rewriter, offsets, tileSizes);
    SmallVector<OpFoldResult> resultOffsets, resultSizes;
    if (failed(tile) || tile->tiledValues.size() != 1 ||
        failed(tiling.getResultTilePosition(rewriter, 0, offsets, tileSizes,
                                            resultOffsets, resultSizes)))
      return failure();
    SmallVector<OpFoldResult> strides(resultSizes.size(),
                                      rewriter.getIndexAttr(1));
    return tensor::InsertSliceOp::create(rewriter, loc, tile->tiledValues[0],
                                         into, resultOffsets, resultSizes,
                                         strides)
        .getResult();
  };
  Value init = op.getDpsInitOperand(0)->get();
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  Value halfValue = arith::ConstantIndexOp::create(rewriter, loc, half);
  Value enough = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::uge,
                                       rows, halfValue);
  auto branch = scf::IfOp::create(rewriter, loc, init.getType(), enough,
                                  /*withElseRegion=*/true);
  rewriter.setInsertionPointToStart(&branch.getThenRegion().front());
  FailureOr<Value> halfTile =
      tileInto(init, rewriter.getIndexAttr(0), rewriter.getIndexAttr(half));
  if (failed(halfTile))
    return failure();
  scf::YieldOp::create(rewriter, loc, *halfTile);
  rewriter.setInsertionPointToStart(&branch.getElseRegion().front());
  scf::YieldOp::create(rewriter, loc, init);
  rewriter.setInsertionPointAfter(branch);
  Value first = arith::SelectOp::create(rewriter, loc, enough, halfValue, zero);
  FailureOr<Value> rest =
      tileInto(branch.getResult(0), first,
               arith::SubIOp::create(rewriter, loc, rows, first).getResult());
  if (failed(rest))
    return failure();
  rewriter.replaceOp(op, *rest);
  return success();
}

/// Leftover rows of tiles whose rows take fewer multiply-adds (k x the
/// tile's columns) than this stay single-row tiles: on the MLP, splitting
/// its first layer's (784 x 32) gains the times above, splitting every
/// contraction's gains nothing more and costs compile time (its lowering
/// 0.94 -> 0.97 s with the first layer split, ~1.1 s with all).
constexpr int64_t kLeftoverTileMACs = 1 << 14;

struct DPSVectorizeContractionsPass
    : public dps::impl::DPSVectorizeContractionsBase<
          DPSVectorizeContractionsPass> {
  using DPSVectorizeContractionsBase::DPSVectorizeContractionsBase;

  void runOnOperation() override {
    Operation *root = getOperation();
    IRRewriter rewriter(&getContext());

    // Register tiles of `target` over (m, n), their outer loop shared out
    // between the threads when `parallel`; peeled so that full tiles have
    // static sizes.
    auto registerTiles = [&](linalg::GenericOp target, int64_t tileM,
                             int64_t tileN, bool parallel) {
      FailureOr<scf::SCFTilingResult> tiled = tileFusingZeroFill(
          rewriter, target, {tileM, tileN, 0}, fusableEpilogue(target));
      if (failed(tiled))
        return false;
      // Row tiles write disjoint rows of C: the threads share them out.
      if (parallel && !tiled->loops.empty())
        tiled->loops.front()->setAttr(DPSDialect::kParallelAttrName,
                                      rewriter.getUnitAttr());
      // Inner (n) loop first, so the m loop's partial copy (dynamic rows,
      // split into single rows below) has static column tiles as well.
      for (LoopLikeOpInterface loop : llvm::reverse(tiled->loops))
        peelPartialIteration(rewriter, loop);
      return true;
    };
    // The columns of a register tile over `columns` (dynamic or static):
    // vdpbf16ps tiles per dotTileColumns; FMA tiles up to tileCols, for
    // whole ops and column blocks alike (a row of 32 f32 columns takes 4 of
    // AVX2's 16 ymm registers: such tiles spill).
    auto columnsPerTile = [&](bool dot, int64_t columns) -> int64_t {
      if (dot)
        return dotTileColumns(columns);
      return ShapedType::isDynamic(columns)
                 ? int64_t(tileCols)
                 : std::min<int64_t>(tileCols, columns);
    };
    for (linalg::GenericOp op : collectContractions(root)) {
      if (amx && fitsAMX(op) && !rowPeriod(op)) {
        rewriteForAMX(rewriter, op);
        continue;
      }
      SmallVector<int64_t> ranges = op.getStaticLoopRanges();
      int64_t tileM =
          rowsPerTile(op, tileRows, convolutionFMATileRows(tileCols));
      bool dot = bf16Dot && fitsBF16Dot(op) && pairsAreAdjacent(op);
      int64_t tileN = columnsPerTile(dot, ranges[1]);
      bool manyRowTiles = !ShapedType::isDynamic(ranges[0]) &&
                          ranges[0] >= kPackedRowTiles * tileRows;
      // Column blocks where B is packed (dot) or transposed (FMA) per call:
      // each thread prepares the B it reads, block by block.
      bool columnBlocks = manyRowTiles && ranges[1] > ranges[0] &&
                          ranges[1] > kBlockColumns &&
                          (dot || readsTransposed(op, 1));
      if (!columnBlocks)
        untranspose(rewriter, op, 1);
      if (dot) {
        tileM = rowsPerTile(op, tileRows, kMaxDotTileRows);
        // A convolution's B (KH * KW * C x F, small) is read by a row tile
        // per few output pixels of every image: packed whatever the batch.
        bool packB = rowPeriod(op) || manyRowTiles;
        if (packB && !columnBlocks && packsTransposedA(op)) {
          // X^T G: X and G packed alike, in pairs of their rows (the
          // batch). Transposing X (scalar loads and stores) into an
          // even-k copy took 15% of the MLP's f8 gradient kernel at 77
          // rows (Zen 5, one thread).
          op->setAttr(kPackAAttrName, rewriter.getUnitAttr());
        } else {
          // Pairs of k of A must be contiguous: A untransposed, k even.
          untranspose(rewriter, op, 0);
          padReductionToEven(rewriter, op);
        }
        op->setAttr(kDotAttrName, rewriter.getUnitAttr());
        if (packB)
          op->setAttr(kPackBAttrName, rewriter.getUnitAttr());
      } else {
        op = widenOperands(rewriter, op);
      }
      if (!columnBlocks) {
        if (!registerTiles(op, tileM, tileN, /*parallel=*/true))
          return signalPassFailure();
        continue;
      }
      // More columns than rows: the threads share out blocks of columns,
      // each block's B packed by the thread that reads it (rows shared out,
      // each thread read all of B, half of it packed by the other core:
      // 128x784x256 at 2 threads ran at 1.07x one thread). Each block (the
      // last one peeled) is then tiled like a whole contraction.
      FailureOr<scf::SCFTilingResult> blocks = tileFusingZeroFill(
          rewriter, op, {0, kBlockColumns, 0}, fusableEpilogue(op));
      if (failed(blocks) || blocks->loops.size() != 1)
        return signalPassFailure();
      auto blockLoop = cast<scf::ForOp>(*blocks->loops.front());
      blockLoop->setAttr(DPSDialect::kParallelAttrName, rewriter.getUnitAttr());
      blocks->tiledOps.front()->setAttr(kColumnBlockAttrName,
                                        rewriter.getUnitAttr());
      peelPartialIteration(rewriter, blockLoop);
    }
    if (failed(simplifyVectorized(root)))
      return signalPassFailure();
    // The column blocks, their shapes static now, tiled like whole ops.
    for (linalg::GenericOp op : takeMarked(root, kColumnBlockAttrName)) {
      // The last, partial block reads B where it lies: packing would pass
      // over all of B (its slice is folded into one of the whole).
      int64_t columns = op.getStaticLoopRanges()[1];
      if (columns < kBlockColumns)
        op->removeAttr(kPackBAttrName);
      // A transposed B, transposed (or, dot, packed: packTransposedB)
      // block by block by the thread that reads it (128x256x784:rhs f32 at 2
      // threads ran slower than at 1 with one serial transpose of all of B:
      // 0.93x torch.matmul).
      if (!(op->hasAttr(kDotAttrName) && op->hasAttr(kPackBAttrName) &&
            packTransposedB(rewriter, op)))
        untranspose(rewriter, op, 1);
      if (!registerTiles(op, tileRows,
                         columnsPerTile(op->hasAttr(kDotAttrName), columns),
                         /*parallel=*/false))
        return signalPassFailure();
    }
    if (failed(simplifyVectorized(root)))
      return signalPassFailure();

    // Rows left over from the full tiles: a static tile of tileM / 2 rows
    // where there are that many (in contractions with long enough rows).
    for (linalg::GenericOp op : collectContractions(root)) {
      SmallVector<int64_t> ranges = op.getStaticLoopRanges();
      if (ShapedType::isDynamic(ranges[0]) && !rowPeriod(op) &&
          !ShapedType::isDynamic(ranges[1]) &&
          !ShapedType::isDynamic(ranges[2]) &&
          ranges[1] * ranges[2] >= kLeftoverTileMACs)
        if (failed(splitLeftoverRows(rewriter, op, tileRows)))
          return signalPassFailure();
    }

    // Full tiles: a loop over k of tileM x tileN vector contractions.
    // Partial tiles (dynamic rows): one row at a time, 1 x tileN.
    DenseMap<Value, Value> packedRowPairs;
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
      if (current->hasAttr(kDotAttrName)) {
        if (failed(buildBF16DotTile(rewriter, cast<linalg::GenericOp>(*current),
                                    packedRowPairs)))
          return signalPassFailure();
        continue;
      }
      FailureOr<scf::SCFTilingResult> steps =
          tileWithLoops(rewriter, current, {0, 0, 1});
      if (failed(steps))
        return signalPassFailure();
      readSliceAsMatrix(rewriter,
                        cast<linalg::GenericOp>(steps->tiledOps.back()));
      vectorizeIfStatic(rewriter,
                        cast<linalg::LinalgOp>(steps->tiledOps.back()),
                        /*createNamedContraction=*/true);
    }
    // Epilogues of full tiles: their reads of the tile fold to the sums.
    for (linalg::GenericOp op : takeMarked(root, kEpilogueAttrName))
      vectorizeIfStatic(rewriter, op, /*createNamedContraction=*/false);
    vectorizeTileFills(rewriter, root);
    if (failed(simplifyVectorized(root)))
      return signalPassFailure();

    // Keep each tile's accumulator in registers across the k loop.
    hoistInvariantSubsets(root);
    if (failed(simplifyVectorized(root)))
      return signalPassFailure();
  }
};

} // namespace
