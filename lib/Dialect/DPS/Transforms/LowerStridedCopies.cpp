//===- LowerStridedCopies.cpp - strided memref.copy to linalg.copy ---------===//
#include "dps/Dialect/DPS/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace mlir::dps {
#define GEN_PASS_DEF_DPSLOWERSTRIDEDCOPIES
#include "dps/Dialect/DPS/Transforms/Passes.h.inc"
} // namespace mlir::dps

using namespace mlir;

namespace {
/// Identity layouts are contiguous; other layouts (subviews) may not be.
bool isContiguous(Value value) {
  auto type = cast<MemRefType>(value.getType());
  return type.getLayout().isIdentity();
}

struct DPSLowerStridedCopiesPass
    : public dps::impl::DPSLowerStridedCopiesBase<DPSLowerStridedCopiesPass> {
  void runOnOperation() override {
    getOperation().walk([](memref::CopyOp copy) {
      if (isContiguous(copy.getSource()) && isContiguous(copy.getTarget()))
        return;
      OpBuilder b(copy);
      linalg::CopyOp::create(b, copy.getLoc(), copy.getSource(),
                             copy.getTarget());
      copy.erase();
    });
  }
};
} // namespace
