//===- LowerStridedCopies.cpp - strided memref.copy to loops --------------===//
#include "Vectorization.h"

#include "dps/Dialect/DPS/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace mlir::dps {
#define GEN_PASS_DEF_DPSLOWERSTRIDEDCOPIES
#include "dps/Dialect/DPS/Transforms/Passes.h.inc"
} // namespace mlir::dps

using namespace mlir;
using namespace mlir::dps;

namespace {
/// Identity layouts are contiguous; other layouts (subviews) may not be.
bool isContiguous(Value value) {
  auto type = cast<MemRefType>(value.getType());
  return type.getLayout().isIdentity();
}

/// Rows (the innermost dimension) of a static length, each contiguous.
bool hasContiguousStaticRows(MemRefType type) {
  if (type.getRank() == 0 || ShapedType::isDynamic(type.getShape().back()))
    return false;
  SmallVector<int64_t> strides;
  int64_t offset;
  return succeeded(type.getStridesAndOffset(strides, offset)) &&
         strides.back() == 1;
}

/// Row `indices` of `memref`, as a one-dimensional view.
Value rowOf(OpBuilder &b, Location loc, Value memref, ValueRange indices) {
  auto type = cast<MemRefType>(memref.getType());
  int64_t rank = type.getRank();
  SmallVector<OpFoldResult> offsets(indices.begin(), indices.end());
  offsets.push_back(b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes(rank - 1, b.getIndexAttr(1));
  sizes.push_back(b.getIndexAttr(type.getShape().back()));
  SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
  auto rowType = memref::SubViewOp::inferRankReducedResultType(
      {type.getShape().back()}, type, offsets, sizes, strides);
  return memref::SubViewOp::create(b, loc, cast<MemRefType>(rowType), memref,
                                   offsets, sizes, strides);
}

/// The copy as loops over its rows, each row a memref.copy of contiguous
/// views of a static length (which finalize-memref-to-llvm lowers to
/// llvm.memcpy): an input batch copied into a K-padded operand, a slice
/// inserted into a wider buffer.
void copyRowByRow(memref::CopyOp copy) {
  OpBuilder b(copy);
  Location loc = copy.getLoc();
  Value source = copy.getSource(), target = copy.getTarget();
  int64_t rank = cast<MemRefType>(source.getType()).getRank();
  SmallVector<Value> indices;
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  for (int64_t d = 0; d + 1 < rank; ++d) {
    Value extent = memref::DimOp::create(b, loc, source, d);
    auto loop = scf::ForOp::create(b, loc, zero, extent, one);
    b.setInsertionPointToStart(loop.getBody());
    indices.push_back(loop.getInductionVar());
  }
  Value sourceRow = rowOf(b, loc, source, indices);
  Value targetRow = rowOf(b, loc, target, indices);
  memref::CopyOp::create(b, loc, sourceRow, targetRow);
  copy.erase();
}

/// A 2-D transpose of 16- or 32-bit elements between buffers whose rows
/// are contiguous, as `block` x `block` blocks transposed in registers
/// (emitTransposeCopy); false if it is not one (it stays, and becomes
/// element loops).
bool lowerTranspose(linalg::TransposeOp op, int64_t block,
                    SmallVectorImpl<Operation *> &transposes) {
  if (!op.hasPureBufferSemantics() || op.getPermutation().size() != 2 ||
      op.getPermutation()[0] != 1)
    return false;
  Value source = op.getInput(), target = op.getInit();
  auto sourceType = cast<MemRefType>(source.getType());
  unsigned width = sourceType.getElementType().getIntOrFloatBitWidth();
  if ((width != 16 && width != 32) || !sourceType.isLastDimUnitStride() ||
      !cast<MemRefType>(target.getType()).isLastDimUnitStride())
    return false;
  OpBuilder b(op);
  Location loc = op.getLoc();
  emitTransposeCopy(
      b, loc, source, target, memref::DimOp::create(b, loc, target, 0),
      memref::DimOp::create(b, loc, target, 1), 1, transposes, block);
  op.erase();
  return true;
}

struct DPSLowerStridedCopiesPass
    : public dps::impl::DPSLowerStridedCopiesBase<DPSLowerStridedCopiesPass> {
  using DPSLowerStridedCopiesBase::DPSLowerStridedCopiesBase;

  LogicalResult initialize(MLIRContext *context) override {
    if (transposeBlock == 16 || transposeBlock == 8)
      return success();
    return emitError(UnknownLoc::get(context))
           << "dps-lower-strided-copies: transpose-block must be 16 or 8, not "
           << static_cast<int64_t>(transposeBlock);
  }

  void runOnOperation() override {
    SmallVector<linalg::TransposeOp> transposeOps;
    getOperation().walk(
        [&](linalg::TransposeOp op) { transposeOps.push_back(op); });
    SmallVector<Operation *> transposes;
    for (linalg::TransposeOp op : transposeOps)
      (void)lowerTranspose(op, transposeBlock, transposes);
    if (failed(lowerRegisterTransposes(&getContext(), transposes)))
      return signalPassFailure();

    SmallVector<memref::CopyOp> copies;
    getOperation().walk([&](memref::CopyOp copy) {
      if (!isContiguous(copy.getSource()) || !isContiguous(copy.getTarget()))
        copies.push_back(copy);
    });
    for (memref::CopyOp copy : copies) {
      auto sourceType = cast<MemRefType>(copy.getSource().getType());
      auto targetType = cast<MemRefType>(copy.getTarget().getType());
      if (hasContiguousStaticRows(sourceType) &&
          hasContiguousStaticRows(targetType)) {
        copyRowByRow(copy);
        continue;
      }
      OpBuilder b(copy);
      linalg::CopyOp::create(b, copy.getLoc(), copy.getSource(),
                             copy.getTarget());
      copy.erase();
    }
  }
};
} // namespace
