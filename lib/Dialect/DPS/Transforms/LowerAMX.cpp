//===- LowerAMX.cpp - AMX tile loops for the packed contractions ----------===//
//
// dps-vectorize-contractions (with `amx`) leaves each bf16 contraction as
//
//   P = vnni_pack(B)                  P[k2, n, v] = B[2 * k2 + v, n]
//   C[m, n] += A[m, k2, v] * P[k2, n, v]
//
// with m, 2 * k2 and n multiples of 16, 32 and 16. On buffers, A is then a
// [m, k] matrix and P a [k / 2, 2 n] one, exactly the layouts of AMX's
// tdpbf16ps: a 16 x 32 bf16 tile of A times a 16 x 32 tile of P (16 pairs of
// rows of B, 16 columns) accumulates into a 16 x 16 f32 tile of C. This pass
// emits
//
//   for m0 in 0..M step 32 (dps.parallel), then a 16-row band, then the
//   rows left over through zero-padded 16-row copies:
//     for n0 in 0..N step 32, then a last 16-column block:
//       (with fewer rows than columns: n0 outside, m0 inside, on one thread)
//       c[i][j] = tile_load C[m0 + 16 i, n0 + 16 j]      (2 x 2 tiles)
//       for k0 in 0..K step 32:
//         a[i] = tile_load A[m0 + 16 i, k0]
//         p[j] = tile_load P[k0 / 2, 2 (n0 + 16 j)]
//         c[i][j] = tile_mulf a[i], p[j], c[i][j]
//       tile_store c[i][j]
//
// eight tile registers: four accumulators, two of A, two of P. LLVM's x86
// backend configures the tiles (ldtilecfg) from the static tile shapes.
//
//===----------------------------------------------------------------------===//
#include "Vectorization.h"

#include "dps/Dialect/DPS/IR/DPSDialect.h"
#include "dps/Dialect/DPS/Transforms/Passes.h"

#include "mlir/Dialect/AMX/AMXDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"

namespace mlir::dps {
#define GEN_PASS_DEF_DPSLOWERAMX
#include "dps/Dialect/DPS/Transforms/Passes.h.inc"
} // namespace mlir::dps

using namespace mlir;
using namespace mlir::dps;

namespace {

constexpr int64_t kTile = 16;  // rows of every tile; f32 columns of C
constexpr int64_t kTileK = 32; // bf16 columns of an A tile (k per step)

/// `value` ([d0, d1, d2], contiguous in d1 and d2) as [d0, d1 * d2].
FailureOr<Value> collapseInner(RewriterBase &rewriter, Location loc,
                               Value value) {
  auto type = cast<MemRefType>(value.getType());
  SmallVector<ReassociationIndices> groups = {{0}, {1, 2}};
  if (!memref::CollapseShapeOp::isGuaranteedCollapsible(type, groups))
    return failure();
  return memref::CollapseShapeOp::create(rewriter, loc, value, groups)
      .getResult();
}

bool lastDimContiguous(Value value) {
  return cast<MemRefType>(value.getType()).isLastDimUnitStride();
}

/// A `dps.vnni_pack` copy: interleaved rows of B, or transposed pairs of
/// B^T's rows.
LogicalResult lowerPack(RewriterBase &rewriter, linalg::GenericOp op,
                        SmallVectorImpl<Operation *> &transposes) {
  Value source = op.getDpsInputOperand(0)->get();
  Value packed = op.getDpsInitOperand(0)->get();
  auto packedType = cast<MemRefType>(packed.getType());
  int64_t columns = packedType.getDimSize(1);
  if (ShapedType::isDynamic(columns) || columns % kTile != 0 ||
      !lastDimContiguous(source))
    return failure();
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  FailureOr<Value> flat = collapseInner(rewriter, loc, packed);
  if (failed(flat))
    return failure();
  Value pairs = memref::DimOp::create(rewriter, loc, packed, 0);
  if (copyReadsTransposed(op)) {
    emitTransposeCopy(rewriter, loc, source, *flat, pairs,
                      constantIndex(rewriter, loc, columns), 2, transposes);
  } else {
    scf::ForOp loop =
        emitInterleave(rewriter, loc, source, *flat, pairs, columns);
    // A first layer's weights (the MLP's: 200,704) are packed by all
    // threads.
    if (packedType.hasStaticShape() &&
        packedType.getNumElements() >= kParallelElements)
      loop->setAttr(DPSDialect::kParallelAttrName, rewriter.getUnitAttr());
  }
  rewriter.eraseOp(op);
  return success();
}

/// A `dps.amx_transpose` copy, T[i, j] = A[j, i].
LogicalResult lowerTranspose(RewriterBase &rewriter, linalg::GenericOp op,
                             SmallVectorImpl<Operation *> &transposes) {
  Value source = op.getDpsInputOperand(0)->get();
  Value dst = op.getDpsInitOperand(0)->get();
  if (!lastDimContiguous(source) || !lastDimContiguous(dst))
    return failure();
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  emitTransposeCopy(
      rewriter, loc, source, dst, memref::DimOp::create(rewriter, loc, dst, 0),
      memref::DimOp::create(rewriter, loc, dst, 1), 1, transposes);
  rewriter.eraseOp(op);
  return success();
}

/// The operands of one `dps.amx` contraction as AMX sees them.
struct TileOperands {
  Value a;      // [m, k] bf16
  Value packed; // [k / 2, 2 n] bf16
  Value c;      // [m, n] f32
  int64_t columns;
  bool zeroInit; // C holds zeros before: sums start in zeroed tiles
  /// The elementwise op that reads C next (a weight gradient rounded into
  /// its set), applied block by block to the tiles as they are stored into
  /// `scratch` in place of C: [m, 32] f32, the rows of C and one block of
  /// its columns, so each band (each thread) reuses its own 32 x 32 block.
  linalg::GenericOp epilogue;
  Value scratch;
};

/// `epilogue` on the block of rows x columns at (row, column): a clone whose
/// C operand is the tiles' block in `scratch` and whose other operands are
/// that block of theirs.
void emitEpilogue(OpBuilder &b, Location loc, const TileOperands &ops,
                  Value row, Value column, int64_t rows, int64_t columns) {
  SmallVector<OpFoldResult> sizes = {b.getIndexAttr(rows),
                                     b.getIndexAttr(columns)};
  SmallVector<OpFoldResult> unit(2, b.getIndexAttr(1));
  auto block = [&](Value buffer, OpFoldResult r, OpFoldResult c) {
    return memref::SubViewOp::create(b, loc, buffer,
                                     ArrayRef<OpFoldResult>{r, c}, sizes, unit)
        .getResult();
  };
  SmallVector<Value> blocks = llvm::map_to_vector(
      ops.epilogue->getOperands(), [&](Value operand) -> Value {
        return operand == ops.c ? block(ops.scratch, row, b.getIndexAttr(0))
                                : block(operand, row, column);
      });
  b.clone(*ops.epilogue)->setOperands(blocks);
}

/// One block of rowTiles x colTiles f32 tiles of C at (row, column): its
/// tiles stay in registers across the loop over k.
void emitBlock(OpBuilder &b, Location loc, const TileOperands &ops, Value row,
               Value column, int64_t rowTiles, int64_t colTiles) {
  Type bf16 = b.getBF16Type(), f32 = b.getF32Type();
  auto accType = amx::TileType::get({kTile, kTile}, f32);
  SmallVector<Value> rows, columns, packedColumns;
  for (int64_t i = 0; i < rowTiles; ++i)
    rows.push_back(
        arith::AddIOp::create(b, loc, row, constantIndex(b, loc, i * kTile)));
  for (int64_t j = 0; j < colTiles; ++j) {
    Value c =
        arith::AddIOp::create(b, loc, column, constantIndex(b, loc, j * kTile));
    columns.push_back(c);
    packedColumns.push_back(
        arith::MulIOp::create(b, loc, c, constantIndex(b, loc, 2)));
  }
  auto inType = amx::TileType::get({kTile, kTileK}, bf16);
  SmallVector<Value> accumulators;
  for (Value r : rows)
    for (Value c : columns)
      accumulators.push_back(
          ops.zeroInit ? Value(amx::TileZeroOp::create(b, loc, accType))
                       : Value(amx::TileLoadOp::create(b, loc, accType, ops.c,
                                                       ValueRange{r, c})));
  Value k = memref::DimOp::create(b, loc, ops.a, 1);
  auto loop = scf::ForOp::create(
      b, loc, constantIndex(b, loc, 0), k, constantIndex(b, loc, kTileK),
      accumulators, [&](OpBuilder &nb, Location l, Value k0, ValueRange acc) {
        Value pairRow =
            arith::DivUIOp::create(nb, l, k0, constantIndex(nb, l, 2));
        SmallVector<Value> as, ps, updated;
        for (Value r : rows)
          as.push_back(
              amx::TileLoadOp::create(nb, l, inType, ops.a, ValueRange{r, k0}));
        for (Value c : packedColumns)
          ps.push_back(amx::TileLoadOp::create(nb, l, inType, ops.packed,
                                               ValueRange{pairRow, c}));
        for (int64_t i = 0; i < rowTiles; ++i)
          for (int64_t j = 0; j < colTiles; ++j)
            updated.push_back(amx::TileMulFOp::create(
                nb, l, accType, as[i], ps[j], acc[i * colTiles + j]));
        scf::YieldOp::create(nb, l, updated);
      });
  // Into C, or into the scratch's block of the same rows for the epilogue.
  Value target = ops.epilogue ? ops.scratch : ops.c;
  for (int64_t i = 0; i < rowTiles; ++i)
    for (int64_t j = 0; j < colTiles; ++j)
      amx::TileStoreOp::create(
          b, loc, target,
          ValueRange{rows[i], ops.epilogue ? constantIndex(b, loc, j * kTile)
                                           : columns[j]},
          loop.getResult(i * colTiles + j));
  if (ops.epilogue)
    emitEpilogue(b, loc, ops, row, column, rowTiles * kTile, colTiles * kTile);
}

/// A band of rowTiles x 16 rows of C: a loop over 32-column blocks, then a
/// 16-column one where 32 does not divide the columns. (A loop, not
/// unrolled: the code of one block is a few hundred instructions.)
void emitBand(OpBuilder &b, Location loc, const TileOperands &ops, Value row,
              int64_t rowTiles) {
  int64_t paired = ops.columns / (2 * kTile) * (2 * kTile);
  if (paired)
    emitFor(b, loc, constantIndex(b, loc, 0), constantIndex(b, loc, paired),
            constantIndex(b, loc, 2 * kTile),
            [&](OpBuilder &nb, Location l, Value column) {
              emitBlock(nb, l, ops, row, column, rowTiles, 2);
            });
  if (paired != ops.columns)
    emitBlock(b, loc, ops, row, constantIndex(b, loc, paired), rowTiles, 1);
}

/// The rows [first, m) of C, fewer than 16, through one 16-row tile band
/// over zero-padded copies of those rows of A and C (heap buffers, freed at
/// the end: an alloca would grow the stack if the contraction sat in a loop,
/// and an alloca scope cannot sit in the scf.if around this band).
void emitPartialBand(OpBuilder &b, Location loc, const TileOperands &ops,
                     Value first, Value m) {
  Type bf16 = b.getBF16Type(), f32 = b.getF32Type();
  Value c0 = constantIndex(b, loc, 0), c1 = constantIndex(b, loc, 1);
  Value count = arith::SubIOp::create(b, loc, m, first);
  Value k = memref::DimOp::create(b, loc, ops.a, 1);
  auto aType = cast<MemRefType>(ops.a.getType());
  auto scratchA = memref::AllocOp::create(
      b, loc, MemRefType::get({kTile, aType.getDimSize(1)}, bf16),
      aType.isDynamicDim(1) ? ValueRange{k} : ValueRange{});
  auto scratchC = memref::AllocOp::create(
      b, loc, MemRefType::get({kTile, ops.columns}, f32));
  linalg::FillOp::create(
      b, loc,
      ValueRange{arith::ConstantOp::create(b, loc, b.getZeroAttr(bf16))},
      ValueRange{scratchA});
  auto rowsOf = [&](Value buffer, Value from, Value width) {
    return memref::SubViewOp::create(
        b, loc, buffer, ArrayRef<OpFoldResult>{from, c0},
        ArrayRef<OpFoldResult>{count, width}, ArrayRef<OpFoldResult>{c1, c1});
  };
  Value n = constantIndex(b, loc, ops.columns);
  buildCopy(b, loc, rowsOf(ops.a, first, k), rowsOf(scratchA, c0, k));
  if (!ops.zeroInit)
    buildCopy(b, loc, rowsOf(ops.c, first, n), rowsOf(scratchC, c0, n));
  TileOperands scratch = ops;
  scratch.a = scratchA;
  scratch.c = scratchC;
  emitBand(b, loc, scratch, c0, 1);
  buildCopy(b, loc, rowsOf(scratchC, c0, n), rowsOf(ops.c, first, n));
  memref::DeallocOp::create(b, loc, scratchA);
  memref::DeallocOp::create(b, loc, scratchC);
}

/// The linalg.fill with zeros that initialises `op`'s C, if C is a buffer
/// of the kernel's own that nothing else touches before `op` runs: the
/// fill can go, and the sums start in zeroed tiles (no pass of zeros over C
/// and no tile loads of them).
linalg::FillOp zeroFillOfOutput(linalg::GenericOp op) {
  Value c = op.getDpsInitOperand(0)->get();
  if (!c.getDefiningOp<memref::AllocOp>())
    return nullptr;
  linalg::FillOp fill;
  for (Operation *user : c.getUsers()) {
    if (user == op)
      continue;
    if (user->getBlock() != op->getBlock())
      return nullptr;
    if (op->isBeforeInBlock(user))
      continue; // a reader of the result
    auto candidate = dyn_cast<linalg::FillOp>(user);
    if (fill || !candidate || candidate.getDpsInitOperand(0)->get() != c ||
        !matchPattern(candidate.value(), m_AnyZeroFloat()))
      return nullptr;
    fill = candidate;
  }
  return fill;
}

/// The elementwise op right after `op` that reads its C, where C is a
/// buffer of the kernel's own, zero-filled before `op` (`zeroFill`) and
/// read by nothing else: C's only purpose is to feed it (a weight
/// gradient's f32 sums, rounded into the rung's gradient set). Applied to
/// each block as its tiles leave the tile registers, the f32 matrix is
/// never written out and read back.
linalg::GenericOp fusibleEpilogue(linalg::GenericOp op,
                                  linalg::FillOp zeroFill) {
  Value c = op.getDpsInitOperand(0)->get();
  auto epilogue = dyn_cast_or_null<linalg::GenericOp>(op->getNextNode());
  if (!zeroFill || !epilogue || !epilogue.hasPureBufferSemantics() ||
      epilogue.getNumDpsInits() != 1 ||
      llvm::is_contained(op->getOperands(),
                         epilogue.getDpsInitOperand(0)->get()) ||
      !llvm::is_contained(epilogue.getDpsInputs(), c) ||
      epilogue.getNumParallelLoops() != epilogue.getNumLoops() ||
      !llvm::all_of(epilogue.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isIdentity(); }) ||
      !epilogue.getBody()->getOps<linalg::IndexOp>().empty())
    return nullptr;
  for (Operation *user : c.getUsers())
    if (user != op && user != epilogue && user != zeroFill &&
        !isa<memref::DeallocOp>(user))
      return nullptr;
  // Every operand a 2-D buffer of C's shape (identity maps), the other
  // inputs untouched by `op`, which writes C alone.
  for (Value operand : epilogue->getOperands())
    if (!lastDimContiguous(operand))
      return nullptr;
  return epilogue;
}

LogicalResult lowerContraction(RewriterBase &rewriter, linalg::GenericOp op) {
  Location loc = op.getLoc();
  Value a = op.getDpsInputOperand(0)->get();
  Value packed = op.getDpsInputOperand(1)->get();
  Value c = op.getDpsInitOperand(0)->get();
  int64_t columns = cast<MemRefType>(c.getType()).getDimSize(1);
  if (ShapedType::isDynamic(columns) || columns % kTile != 0 ||
      !lastDimContiguous(a) || !lastDimContiguous(packed) ||
      !lastDimContiguous(c))
    return failure();
  rewriter.setInsertionPoint(op);
  FailureOr<Value> aFlat = collapseInner(rewriter, loc, a);
  FailureOr<Value> packedFlat = collapseInner(rewriter, loc, packed);
  if (failed(aFlat) || failed(packedFlat))
    return failure();
  linalg::FillOp zeroFill = zeroFillOfOutput(op);
  TileOperands ops{*aFlat, *packedFlat, c, columns, bool(zeroFill)};

  // (A constant where static: C may go, see the epilogue.)
  int64_t staticRows = cast<MemRefType>(c.getType()).getDimSize(0);
  Value m = ShapedType::isDynamic(staticRows)
                ? memref::DimOp::create(rewriter, loc, c, 0).getResult()
                : constantIndex(rewriter, loc, staticRows);
  Value pairedRows = roundDown(rewriter, loc, m, 2 * kTile);
  Value bandRows = roundDown(rewriter, loc, m, kTile);
  auto ifLess = [&](OpBuilder &b, Location l, Value lhs, Value rhs,
                    function_ref<void(OpBuilder &, Location)> then) {
    Value less =
        arith::CmpIOp::create(b, l, arith::CmpIPredicate::ult, lhs, rhs);
    scf::IfOp::create(b, l, less, [&](OpBuilder &nb, Location nl) {
      then(nb, nl);
      scf::YieldOp::create(nb, nl);
    });
  };
  auto loop = [&](OpBuilder &b, Location l, Value from, Value to, int64_t step,
                  LoopBody body) {
    return emitFor(b, l, from, to, constantIndex(b, l, step), body);
  };
  Value c0 = constantIndex(rewriter, loc, 0);
  // With more rows than columns (the weight gradients' X^T G, rows of A
  // from the weights' shapes), pairs of 16-row bands are shared among the
  // threads, then a single band. Otherwise (the forward's X W and the
  // backward's G W^T over a batch of rows) 32-column blocks, each down the
  // whole bands, then a last 16-column block, on one thread: measured on 2
  // cores, splitting these small products between threads was slower than
  // one thread, as each thread first pulls the operands the calling thread
  // just packed into its own cache.
  if (!ShapedType::isDynamic(staticRows) && staticRows > columns) {
    // Whole bands only with an epilogue: no partial band's copy of C.
    if (staticRows % kTile == 0)
      ops.epilogue = fusibleEpilogue(op, zeroFill);
    if (ops.epilogue)
      ops.scratch = memref::AllocOp::create(
          rewriter, loc,
          MemRefType::get({staticRows, 2 * kTile}, rewriter.getF32Type()),
          rewriter.getI64IntegerAttr(64));
    auto bands = loop(rewriter, loc, c0, pairedRows, 2 * kTile,
                      [&](OpBuilder &b, Location l, Value row) {
                        emitBand(b, l, ops, row, 2);
                      });
    bands->setAttr(DPSDialect::kParallelAttrName, rewriter.getUnitAttr());
    ifLess(rewriter, loc, pairedRows, bandRows, [&](OpBuilder &b, Location l) {
      emitBand(b, l, ops, pairedRows, 1);
    });
    if (ops.scratch)
      memref::DeallocOp::create(rewriter, loc, ops.scratch);
  } else {
    auto column = [&](OpBuilder &b, Location l, Value n, int64_t colTiles) {
      loop(b, l, constantIndex(b, l, 0), pairedRows, 2 * kTile,
           [&](OpBuilder &nb, Location nl, Value row) {
             emitBlock(nb, nl, ops, row, n, 2, colTiles);
           });
      ifLess(b, l, pairedRows, bandRows, [&](OpBuilder &nb, Location nl) {
        emitBlock(nb, nl, ops, pairedRows, n, 1, colTiles);
      });
    };
    int64_t paired = columns / (2 * kTile) * (2 * kTile);
    if (paired)
      loop(rewriter, loc, c0, constantIndex(rewriter, loc, paired), 2 * kTile,
           [&](OpBuilder &b, Location l, Value n) { column(b, l, n, 2); });
    if (paired != columns)
      column(rewriter, loc, constantIndex(rewriter, loc, paired), 1);
  }
  // The rows left over.
  if (ShapedType::isDynamic(staticRows) || staticRows % kTile != 0)
    ifLess(rewriter, loc, bandRows, m, [&](OpBuilder &b, Location l) {
      emitPartialBand(b, l, ops, bandRows, m);
    });
  rewriter.eraseOp(op);
  if (zeroFill)
    rewriter.eraseOp(zeroFill);
  if (ops.epilogue) {
    rewriter.eraseOp(ops.epilogue);
    // C is left with its deallocation.
    for (Operation *user : llvm::make_early_inc_range(c.getUsers()))
      rewriter.eraseOp(user);
    rewriter.eraseOp(c.getDefiningOp());
  }
  return success();
}

struct DPSLowerAMXPass : public dps::impl::DPSLowerAMXBase<DPSLowerAMXPass> {
  void runOnOperation() override {
    SmallVector<linalg::GenericOp> packs, copies, contractions;
    getOperation()->walk([&](linalg::GenericOp op) {
      if (!op.hasPureBufferSemantics())
        return;
      if (op->hasAttr(DPSDialect::kVNNIPackAttrName))
        packs.push_back(op);
      else if (op->hasAttr(DPSDialect::kAMXTransposeAttrName))
        copies.push_back(op);
      else if (op->hasAttr(DPSDialect::kAMXContractionAttrName))
        contractions.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    // An op left as it is stays correct: its loops compute the same values.
    SmallVector<Operation *> transposes;
    for (linalg::GenericOp op : packs)
      (void)lowerPack(rewriter, op, transposes);
    for (linalg::GenericOp op : copies)
      (void)lowerTranspose(rewriter, op, transposes);
    for (linalg::GenericOp op : contractions)
      (void)lowerContraction(rewriter, op);
    if (failed(lowerRegisterTransposes(&getContext(), transposes)))
      return signalPassFailure();
  }
};

} // namespace
