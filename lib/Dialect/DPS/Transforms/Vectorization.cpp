//===- Vectorization.cpp - tiling helpers of the vectorizing passes -------===//
#include "Vectorization.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Dialect/X86Vector/Transforms.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
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

scf::ForOp mlir::dps::peelPartialIteration(RewriterBase &rewriter,
                                           LoopLikeOpInterface loop) {
  auto forOp = dyn_cast<scf::ForOp>(*loop);
  if (!forOp)
    return nullptr;
  scf::ForOp partial;
  // Fails, changing nothing, when the step divides a static range.
  if (failed(scf::peelForLoopAndSimplifyBounds(rewriter, forOp, partial)))
    return nullptr;
  return partial;
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

Value mlir::dps::constantIndex(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

Value mlir::dps::roundDown(OpBuilder &b, Location loc, Value value,
                           int64_t multiple) {
  Value factor = constantIndex(b, loc, multiple);
  return arith::MulIOp::create(
      b, loc, arith::DivUIOp::create(b, loc, value, factor), factor);
}

scf::ForOp mlir::dps::emitFor(OpBuilder &b, Location loc, Value from, Value to,
                              Value step, LoopBody body) {
  return scf::ForOp::create(
      b, loc, from, to, step, ValueRange{},
      [&](OpBuilder &nb, Location nl, Value iv, ValueRange) {
        body(nb, nl, iv);
        scf::YieldOp::create(nb, nl);
      });
}

void mlir::dps::emitFor2D(
    OpBuilder &b, Location loc, Value rowFrom, Value rowTo, Value colFrom,
    Value colTo, Value step,
    function_ref<void(OpBuilder &, Location, Value, Value)> body) {
  emitFor(b, loc, rowFrom, rowTo, step,
          [&](OpBuilder &rb, Location l, Value r) {
            emitFor(rb, l, colFrom, colTo, step,
                    [&](OpBuilder &nb, Location nl, Value c) {
                      body(nb, nl, r, c);
                    });
          });
}

namespace {
/// `value` as `type` (the same bits), or itself where it has that type.
Value bitCast(OpBuilder &b, Location loc, VectorType type, Value value) {
  if (value.getType() == type)
    return value;
  return vector::BitCastOp::create(b, loc, type, value);
}

/// The columns of 8 rows of 8 x f32, as AVX2 transposes them: 8 unpacks,
/// 8 in-lane shuffles and 8 lane permutes (two-source shuffles the
/// backend selects one instruction each for). x86vector's own
/// transpose8x8xf32 is this with blends in inline assembly, which the JIT's
/// object streamer cannot assemble.
SmallVector<Value> transposeRows8x8(OpBuilder &b, Location loc,
                                    ArrayRef<Value> rows) {
  namespace intrin = x86vector::avx2::intrin;
  ImplicitLocOpBuilder ib(loc, b);
  SmallVector<Value> t(8), s(8), out(8);
  for (int i = 0; i < 4; ++i) {
    t[2 * i] = intrin::mm256UnpackLoPs(ib, rows[2 * i], rows[2 * i + 1]);
    t[2 * i + 1] = intrin::mm256UnpackHiPs(ib, rows[2 * i], rows[2 * i + 1]);
  }
  // Pairs of (row 4 j .. 4 j + 3) columns: 0x44 takes the low pairs of
  // both sources, 0xEE the high ones.
  for (int j = 0; j < 2; ++j)
    for (int h = 0; h < 2; ++h) {
      Value lo = t[4 * j + h], hi = t[4 * j + 2 + h];
      s[4 * j + 2 * h] = intrin::mm256ShufflePs(ib, lo, hi, 0x44);
      s[4 * j + 2 * h + 1] = intrin::mm256ShufflePs(ib, lo, hi, 0xEE);
    }
  // Rows 0-3's half of a column with rows 4-7's: 0x20 the low lanes, 0x31
  // the high ones.
  for (int c = 0; c < 4; ++c) {
    out[c] = intrin::mm256Permute2f128Ps(ib, s[c], s[4 + c], 0x20);
    out[4 + c] = intrin::mm256Permute2f128Ps(ib, s[c], s[4 + c], 0x31);
  }
  return out;
}
} // namespace

void mlir::dps::emitTransposeCopy(OpBuilder &b, Location loc, Value src,
                                  Value dst, Value rows, Value cols,
                                  int64_t unit,
                                  SmallVectorImpl<Operation *> &transposes,
                                  int64_t side) {
  Type element = cast<MemRefType>(src.getType()).getElementType();
  unsigned width = element.getIntOrFloatBitWidth() * unit;
  // 8 x 8 blocks only of 32-bit units, moved as f32 (shuffles keep the
  // bits).
  const int64_t kTile = side == 8 && width == 32 ? 8 : 16;
  Type bits = kTile == 8 ? Type(b.getF32Type()) : b.getIntegerType(width);
  auto slice = VectorType::get({kTile * unit}, element);
  auto units = VectorType::get({kTile}, bits);
  auto block = VectorType::get({kTile, kTile}, bits);
  Value c0 = constantIndex(b, loc, 0), c1 = constantIndex(b, loc, 1);
  Value step = constantIndex(b, loc, kTile), u = constantIndex(b, loc, unit);
  Value rowsFull = roundDown(b, loc, rows, kTile);
  Value colsFull = roundDown(b, loc, cols, kTile);
  emitFor2D(
      b, loc, c0, rowsFull, c0, colsFull, step,
      [&](OpBuilder &nb, Location ll, Value r0, Value cc0) {
        Value srcColumn = arith::MulIOp::create(nb, ll, r0, u);
        Value dstColumn = arith::MulIOp::create(nb, ll, cc0, u);
        SmallVector<Value> in;
        for (int64_t k = 0; k < kTile; ++k) {
          Value row =
              arith::AddIOp::create(nb, ll, cc0, constantIndex(nb, ll, k));
          Value loaded = vector::LoadOp::create(nb, ll, slice, src,
                                                ValueRange{row, srcColumn});
          in.push_back(bitCast(nb, ll, units, loaded));
        }
        SmallVector<Value> out;
        if (kTile == 8) {
          out = transposeRows8x8(nb, ll, in);
        } else {
          Value tile =
              arith::ConstantOp::create(nb, ll, block, nb.getZeroAttr(block));
          for (int64_t k = 0; k < kTile; ++k)
            tile = vector::InsertOp::create(nb, ll, in[k], tile, k);
          auto transposed = vector::TransposeOp::create(
              nb, ll, tile, ArrayRef<int64_t>{1, 0});
          transposes.push_back(transposed);
          for (int64_t k = 0; k < kTile; ++k)
            out.push_back(vector::ExtractOp::create(nb, ll, transposed, k));
        }
        for (int64_t k = 0; k < kTile; ++k) {
          Value row =
              arith::AddIOp::create(nb, ll, r0, constantIndex(nb, ll, k));
          vector::StoreOp::create(nb, ll, bitCast(nb, ll, slice, out[k]), dst,
                                  ValueRange{row, dstColumn});
        }
      });
  // The edges: rows past the whole blocks (every column), then the columns
  // past them in the other rows.
  auto elementwise = [&](Value rowFrom, Value rowTo, Value colFrom) {
    emitFor2D(b, loc, rowFrom, rowTo, colFrom, cols, c1,
              [&](OpBuilder &nb, Location ll, Value r, Value c) {
                for (int64_t v = 0; v < unit; ++v) {
                  Value vv = constantIndex(nb, ll, v);
                  Value srcColumn = arith::AddIOp::create(
                      nb, ll, arith::MulIOp::create(nb, ll, r, u), vv);
                  Value dstColumn = arith::AddIOp::create(
                      nb, ll, arith::MulIOp::create(nb, ll, c, u), vv);
                  Value value = memref::LoadOp::create(
                      nb, ll, src, ValueRange{c, srcColumn});
                  memref::StoreOp::create(nb, ll, value, dst,
                                          ValueRange{r, dstColumn});
                }
              });
  };
  elementwise(rowsFull, rows, c0);
  elementwise(c0, rowsFull, colsFull);
}

LogicalResult
mlir::dps::lowerRegisterTransposes(MLIRContext *ctx,
                                   ArrayRef<Operation *> transposes) {
  RewritePatternSet patterns(ctx);
  vector::populateVectorTransposeLoweringPatterns(
      patterns, vector::VectorTransposeLowering::Shuffle1D);
  return applyOpPatternsGreedily(transposes, std::move(patterns));
}

bool mlir::dps::copyReadsTransposed(linalg::GenericOp copy) {
  AffineMap read = copy.getIndexingMapsArray()[0];
  return read.getResult(0) != getAffineDimExpr(0, copy.getContext()) &&
         !isa<AffineBinaryOpExpr>(read.getResult(0));
}

namespace {
/// The elements of one slice of a row that emitInterleave moves at once.
constexpr int64_t kPairSlice = 16;

using PairSliceFn = function_ref<void(OpBuilder &, Location, Value k2,
                                      Value even, Value odd, int64_t column)>;

/// for k2 < pairs, for each 16-column slice of rows 2 k2 and 2 k2 + 1:
/// body(k2, 2 k2, 2 k2 + 1, its first column).
scf::ForOp emitOverRowPairs(OpBuilder &b, Location loc, Value pairs,
                            int64_t columns, PairSliceFn body) {
  using mlir::dps::constantIndex;
  return mlir::dps::emitFor(
      b, loc, constantIndex(b, loc, 0), pairs, constantIndex(b, loc, 1),
      [&](OpBuilder &nb, Location l, Value k2) {
        Value even = arith::MulIOp::create(nb, l, k2, constantIndex(nb, l, 2));
        Value odd = arith::AddIOp::create(nb, l, even, constantIndex(nb, l, 1));
        for (int64_t n = 0; n < columns; n += kPairSlice)
          body(nb, l, k2, even, odd, n);
      });
}
} // namespace

scf::ForOp mlir::dps::emitInterleave(OpBuilder &b, Location loc, Value source,
                                     Value flat, Value pairs, int64_t columns,
                                     RowSliceFn sliceOf) {
  Type element = cast<MemRefType>(source.getType()).getElementType();
  auto slice = VectorType::get({kPairSlice}, element);
  auto slice16 = VectorType::get({kPairSlice}, b.getI16Type());
  auto pairType = VectorType::get({2 * kPairSlice}, element);
  return emitOverRowPairs(
      b, loc, pairs, columns,
      [&](OpBuilder &nb, Location l, Value k2, Value even, Value odd,
          int64_t n) {
        Value column = constantIndex(nb, l, n);
        // On i16: bf16 shuffles would go through the stack.
        auto bits = [&](Value row) {
          Value loaded = sliceOf
                             ? sliceOf(nb, l, row, column)
                             : vector::LoadOp::create(nb, l, slice, source,
                                                      ValueRange{row, column});
          return vector::BitCastOp::create(nb, l, slice16, loaded);
        };
        Value pair = vector::InterleaveOp::create(nb, l, bits(even), bits(odd));
        vector::StoreOp::create(
            nb, l, vector::BitCastOp::create(nb, l, pairType, pair), flat,
            ValueRange{k2, constantIndex(nb, l, 2 * n)});
      });
}

scf::ForOp mlir::dps::emitDeinterleave(OpBuilder &b, Location loc, Value flat,
                                       Value matrix, Value pairs,
                                       int64_t columns) {
  Type element = cast<MemRefType>(matrix.getType()).getElementType();
  auto slice = VectorType::get({kPairSlice}, element);
  auto pairType = VectorType::get({2 * kPairSlice}, element);
  auto pair16 = VectorType::get({2 * kPairSlice}, b.getI16Type());
  return emitOverRowPairs(
      b, loc, pairs, columns,
      [&](OpBuilder &nb, Location l, Value k2, Value even, Value odd,
          int64_t n) {
        Value loaded = vector::LoadOp::create(
            nb, l, pairType, flat, ValueRange{k2, constantIndex(nb, l, 2 * n)});
        auto rows = vector::DeinterleaveOp::create(
            nb, l, vector::BitCastOp::create(nb, l, pair16, loaded));
        Value column = constantIndex(nb, l, n);
        for (auto [row, values] :
             {std::pair(even, rows.getRes1()), std::pair(odd, rows.getRes2())})
          vector::StoreOp::create(
              nb, l, vector::BitCastOp::create(nb, l, slice, values), matrix,
              ValueRange{row, column});
      });
}
