//===- OrderGlobals.cpp - a module's globals in a fixed order -------------===//
//
// One-shot bufferization's globals appear in an order that varies between
// runs; sorted by name, the lowered module is the same bytes every time.
//
//===----------------------------------------------------------------------===//
#include "dps/Dialect/DPS/Transforms/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "llvm/ADT/STLExtras.h"

namespace mlir::dps {
#define GEN_PASS_DEF_DPSORDERGLOBALS
#include "dps/Dialect/DPS/Transforms/Passes.h.inc"
} // namespace mlir::dps

using namespace mlir;

namespace {
struct OrderGlobals : dps::impl::DPSOrderGlobalsBase<OrderGlobals> {
  void runOnOperation() override {
    Block *body = getOperation().getBody();
    auto globals = llvm::to_vector(body->getOps<memref::GlobalOp>());
    llvm::stable_sort(globals, [](memref::GlobalOp a, memref::GlobalOp b) {
      return a.getSymName() < b.getSymName();
    });
    // Last first, each to the front: the module starts with them in order.
    for (memref::GlobalOp global : llvm::reverse(globals))
      global->moveBefore(body, body->begin());
  }
};
} // namespace
