//===- TensorCoreContractions.cpp - 16-bit contractions on mma.sync -------===//
//
// A bf16 (or f16) contraction C[m, n] += A * B with an f32 accumulator
// becomes a launch of one warp per 16x8 tile of C. Each warp loops over k in
// steps of 16; every lane loads its share of the A (16x16, row) and B (16x8,
// col) fragments and of the C accumulator in the layout PTX specifies for
// mma.m16n8k16:
//   lane = 4 * group + t (group 0..7, t 0..3);
//   A registers: {row group, group+8} x {cols 2t, 2t+1, then 2t+8, 2t+9};
//   B registers: {k 2t, 2t+1, then 2t+8, 2t+9} of column group;
//   C values:    rows {group, group+8} x cols {2t, 2t+1}.
// Two 16-bit values share a 32-bit register, the lower index in the low half.
// Elements outside A, B or C read as zero and are not stored, so any M, N
// and K work (M is the dynamic batch dimension).
//
//===----------------------------------------------------------------------===//
#include "GPUChip.h"

#include "dps/Conversion/Passes.h"
#include "dps/Dialect/DPS/IR/DPSDialect.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace mlir::dps {
#define GEN_PASS_DEF_DPSGPUTENSORCORECONTRACTIONS
#include "dps/Conversion/Passes.h.inc"
} // namespace mlir::dps

using namespace mlir;
using namespace mlir::dps;

namespace {

constexpr int64_t kWarpsPerBlock = 4;

/// A contraction the tensor cores can run: which loop is m, n and k, and
/// whether A is read A[m, k] (else A[k, m]) and B B[k, n] (else B[n, k]).
struct MMAContraction {
  unsigned m, n, k;
  bool aRowMajor, bRowMajor;
  FloatType operandType;
};

/// Whether `block` is `yield(out + ext(a) * ext(b))`, either way round.
bool isExtendMultiplyAdd(Block &block) {
  auto yield = cast<linalg::YieldOp>(block.getTerminator());
  auto add = yield.getValues()[0].getDefiningOp<arith::AddFOp>();
  if (!add)
    return false;
  BlockArgument out = block.getArgument(2);
  Value product = add.getLhs() == out ? add.getRhs() : add.getLhs();
  if (add.getLhs() != out && add.getRhs() != out)
    return false;
  auto mul = product.getDefiningOp<arith::MulFOp>();
  if (!mul)
    return false;
  auto ext0 = mul.getLhs().getDefiningOp<arith::ExtFOp>();
  auto ext1 = mul.getRhs().getDefiningOp<arith::ExtFOp>();
  if (!ext0 || !ext1)
    return false;
  Value a = block.getArgument(0), b = block.getArgument(1);
  return (ext0.getIn() == a && ext1.getIn() == b) ||
         (ext0.getIn() == b && ext1.getIn() == a);
}

std::optional<MMAContraction> matchMMAContraction(linalg::GenericOp op) {
  if (!op->hasAttr(DPSDialect::kContractionAttrName) ||
      !op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || op.getNumLoops() != 3)
    return std::nullopt;
  auto types = op.getIteratorTypesArray();
  auto elementType = [&](unsigned i) {
    return cast<MemRefType>(op->getOperand(i).getType()).getElementType();
  };
  auto operandType = dyn_cast<FloatType>(elementType(0));
  if (!operandType || !(operandType.isBF16() || operandType.isF16()) ||
      elementType(1) != operandType || !elementType(2).isF32() ||
      !isExtendMultiplyAdd(*op.getBlock()))
    return std::nullopt;

  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  using DimPair = std::pair<unsigned, unsigned>;
  auto dims = [](AffineMap map) -> std::optional<DimPair> {
    if (map.getNumResults() != 2 || !map.isProjectedPermutation())
      return std::nullopt;
    return std::make_pair(map.getDimPosition(0), map.getDimPosition(1));
  };
  auto a = dims(maps[0]), b = dims(maps[1]), c = dims(maps[2]);
  if (!a || !b || !c)
    return std::nullopt;
  MMAContraction mma;
  mma.m = c->first;
  mma.n = c->second;
  mma.k = 3 - mma.m - mma.n;
  if (types[mma.m] != utils::IteratorType::parallel ||
      types[mma.n] != utils::IteratorType::parallel ||
      types[mma.k] != utils::IteratorType::reduction)
    return std::nullopt;
  if (*a == std::make_pair(mma.m, mma.k))
    mma.aRowMajor = true;
  else if (*a == std::make_pair(mma.k, mma.m))
    mma.aRowMajor = false;
  else
    return std::nullopt;
  if (*b == std::make_pair(mma.k, mma.n))
    mma.bRowMajor = true;
  else if (*b == std::make_pair(mma.n, mma.k))
    mma.bRowMajor = false;
  else
    return std::nullopt;
  mma.operandType = operandType;
  return mma;
}

/// Emits the body of one warp's tile.
class WarpTileBuilder {
public:
  WarpTileBuilder(OpBuilder &b, Location loc, const MMAContraction &mma,
                  Value a, Value bOperand, Value c, Value sizeM, Value sizeN,
                  Value sizeK)
      : b(b), loc(loc), mma(mma), a(a), bOperand(bOperand), c(c),
        sizeM(sizeM), sizeN(sizeN), sizeK(sizeK) {}

  void build(Value lane, Value rowTile, Value colTile) {
    Value group = div(lane, 4), t = rem(lane, 4);
    Value row0 = add(rowTile, group), row1 = add(row0, idx(8));
    Value col0 = add(colTile, mul(t, 2)), col1 = add(col0, idx(1));

    // The accumulator fragment: C's current values.
    SmallVector<Value> acc = {loadC(row0, col0), loadC(row0, col1),
                              loadC(row1, col0), loadC(row1, col1)};
    Value column = add(colTile, group);
    auto loop = scf::ForOp::create(
        b, loc, idx(0), sizeK, idx(16), acc,
        [&](OpBuilder &nested, Location, Value k0, ValueRange iterArgs) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPointToStart(nested.getInsertionBlock());
          Value kA = add(k0, mul(t, 2)), kB = add(kA, idx(8));
          SmallVector<Value> regA = {
              packA(row0, kA), packA(row1, kA), packA(row0, kB),
              packA(row1, kB)};
          SmallVector<Value> regB = {packB(kA, column), packB(kB, column)};
          scf::YieldOp::create(b, loc, mmaSync(regA, regB, iterArgs));
        });
    ValueRange result = loop.getResults();
    storeC(result[0], row0, col0);
    storeC(result[1], row0, col1);
    storeC(result[2], row1, col0);
    storeC(result[3], row1, col1);
  }

private:
  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value mul(Value x, int64_t y) {
    return arith::MulIOp::create(b, loc, x, idx(y));
  }
  Value div(Value x, int64_t y) {
    return arith::DivUIOp::create(b, loc, x, idx(y));
  }
  Value rem(Value x, int64_t y) {
    return arith::RemUIOp::create(b, loc, x, idx(y));
  }
  Value inRange(Value i, Value size) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, i, size);
  }
  Value both(Value x, Value y) { return arith::AndIOp::create(b, loc, x, y); }

  /// `memref[i, j]` where both are in range, else zero.
  Value guardedLoad(Value memref, Value i, Value j, Value sizeI, Value sizeJ,
                    Type type) {
    Value ok = both(inRange(i, sizeI), inRange(j, sizeJ));
    auto branch = scf::IfOp::create(
        b, loc, ok,
        [&](OpBuilder &nested, Location l) {
          Value v = memref::LoadOp::create(nested, l, memref, ValueRange{i, j});
          scf::YieldOp::create(nested, l, v);
        },
        [&](OpBuilder &nested, Location l) {
          Value zero = arith::ConstantOp::create(nested, l, type,
                                                 nested.getZeroAttr(type));
          scf::YieldOp::create(nested, l, zero);
        });
    return branch.getResult(0);
  }

  Value loadA(Value m, Value k) {
    return mma.aRowMajor
               ? guardedLoad(a, m, k, sizeM, sizeK, mma.operandType)
               : guardedLoad(a, k, m, sizeK, sizeM, mma.operandType);
  }
  Value loadB(Value k, Value n) {
    return mma.bRowMajor
               ? guardedLoad(bOperand, k, n, sizeK, sizeN, mma.operandType)
               : guardedLoad(bOperand, n, k, sizeN, sizeK, mma.operandType);
  }
  Value loadC(Value m, Value n) {
    return guardedLoad(c, m, n, sizeM, sizeN, b.getF32Type());
  }
  void storeC(Value v, Value m, Value n) {
    Value ok = both(inRange(m, sizeM), inRange(n, sizeN));
    scf::IfOp::create(b, loc, ok, [&](OpBuilder &nested, Location l) {
      memref::StoreOp::create(nested, l, v, c, ValueRange{m, n});
      scf::YieldOp::create(nested, l);
    });
  }

  /// Two 16-bit values in one register, `low` in the low half: an i32 for
  /// bf16 (what nvvm.mma.sync takes), a vector<2xf16> for f16.
  Value pack(Value low, Value high) {
    if (mma.operandType.isF16())
      return vector::FromElementsOp::create(
          b, loc, VectorType::get({2}, mma.operandType), ValueRange{low, high});
    Type i16 = b.getI16Type(), i32 = b.getI32Type();
    auto widen = [&](Value v) -> Value {
      return arith::ExtUIOp::create(
          b, loc, i32, arith::BitcastOp::create(b, loc, i16, v));
    };
    Value shifted = arith::ShLIOp::create(
        b, loc, widen(high), arith::ConstantIntOp::create(b, loc, i32, 16));
    return arith::OrIOp::create(b, loc, widen(low), shifted);
  }
  Value packA(Value m, Value k) {
    return pack(loadA(m, k), loadA(m, add(k, idx(1))));
  }
  Value packB(Value k, Value n) {
    return pack(loadB(k, n), loadB(add(k, idx(1)), n));
  }

  SmallVector<Value> mmaSync(ArrayRef<Value> regA, ArrayRef<Value> regB,
                             ValueRange acc) {
    Type f32 = b.getF32Type();
    auto resultType = LLVM::LLVMStructType::getLiteral(
        b.getContext(), SmallVector<Type>(4, f32));
    NVVM::MMATypes ptxType = mma.operandType.isBF16() ? NVVM::MMATypes::bf16
                                                      : NVVM::MMATypes::f16;
    auto op = NVVM::MmaOp::create(
        b, loc, resultType, regA, regB, SmallVector<Value>(acc),
        /*shape=*/{16, 8, 16}, /*b1Op=*/std::nullopt,
        /*intOverflow=*/std::nullopt,
        /*multiplicandPtxTypes=*/
        std::array<NVVM::MMATypes, 2>{ptxType, ptxType},
        /*multiplicandLayouts=*/
        std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                       NVVM::MMALayout::col});
    SmallVector<Value> values;
    for (int64_t i = 0; i < 4; ++i)
      values.push_back(LLVM::ExtractValueOp::create(b, loc, op, i));
    return values;
  }

  OpBuilder &b;
  Location loc;
  const MMAContraction &mma;
  Value a, bOperand, c, sizeM, sizeN, sizeK;
};

/// Replaces `op` by a launch of one warp per 16x8 tile of C.
void emitTensorCoreLaunch(linalg::GenericOp op, const MMAContraction &mma) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  Value a = op.getDpsInputOperand(0)->get();
  Value bOperand = op.getDpsInputOperand(1)->get();
  Value c = op.getDpsInitOperand(0)->get();
  auto dim = [&](Value memref, int64_t i) {
    return b.createOrFold<memref::DimOp>(loc, memref, i);
  };
  Value sizeM = dim(c, 0), sizeN = dim(c, 1);
  Value sizeK = dim(a, mma.aRowMajor ? 1 : 0);

  auto idx = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  Value rowsPerBlock = idx(16 * kWarpsPerBlock);
  Value gridX = b.createOrFold<arith::CeilDivUIOp>(loc, sizeM, rowsPerBlock);
  Value gridY = b.createOrFold<arith::CeilDivUIOp>(loc, sizeN, idx(8));
  Value one = idx(1);
  auto launch = gpu::LaunchOp::create(b, loc, gridX, gridY, one, idx(32),
                                      idx(kWarpsPerBlock), one);
  b.setInsertionPointToStart(&launch.getBody().front());
  gpu::TerminatorOp::create(b, loc);
  b.setInsertionPointToStart(&launch.getBody().front());
  gpu::KernelDim3 block = launch.getBlockIds();
  gpu::KernelDim3 thread = launch.getThreadIds();
  // Warp-uniform: every lane of a warp shares threadIdx.y.
  Value warpRow = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, block.x, idx(kWarpsPerBlock)),
      thread.y);
  Value rowTile = arith::MulIOp::create(b, loc, warpRow, idx(16));
  Value colTile = arith::MulIOp::create(b, loc, block.y, idx(8));
  Value live = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                     rowTile, sizeM);
  scf::IfOp::create(b, loc, live, [&](OpBuilder &nested, Location l) {
    WarpTileBuilder(nested, l, mma, a, bOperand, c, sizeM, sizeN, sizeK)
        .build(thread.x, rowTile, colTile);
    scf::YieldOp::create(nested, l);
  });
  op.erase();
}

struct DPSGPUTensorCoreContractionsPass
    : public dps::impl::DPSGPUTensorCoreContractionsBase<
          DPSGPUTensorCoreContractionsPass> {
  using Base::Base;
  void runOnOperation() override {
    std::optional<unsigned> version = chipVersion(chip);
    if (!version) {
      getOperation().emitError() << "unknown GPU chip '" << chip
                                 << "' (expected sm_NN, e.g. sm_90)";
      return signalPassFailure();
    }
    // mma.sync m16n8k16 with bf16 operands needs sm_80.
    if (*version < 80)
      return;
    SmallVector<std::pair<linalg::GenericOp, MMAContraction>> contractions;
    getOperation().walk([&](linalg::GenericOp op) {
      if (std::optional<MMAContraction> mma = matchMMAContraction(op))
        contractions.emplace_back(op, *mma);
    });
    for (auto &[op, mma] : contractions)
      emitTensorCoreLaunch(op, mma);
  }
};

} // namespace
