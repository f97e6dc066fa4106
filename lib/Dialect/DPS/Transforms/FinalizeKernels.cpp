//===- FinalizeKernels.cpp - the dps backend contract ----------------------===//
#include "dps/Dialect/DPS/IR/DPSOps.h"
#include "dps/Dialect/DPS/Transforms/Passes.h"

namespace mlir::dps {
#define GEN_PASS_DEF_DPSFINALIZEKERNELS
#include "dps/Dialect/DPS/Transforms/Passes.h.inc"
} // namespace mlir::dps

using namespace mlir;
using namespace mlir::dps;

namespace {
struct DPSFinalizeKernelsPass
    : public dps::impl::DPSFinalizeKernelsBase<DPSFinalizeKernelsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (TrainStepOp step :
         llvm::make_early_inc_range(module.getOps<TrainStepOp>()))
      step.erase();
    for (func::FuncOp func :
         llvm::make_early_inc_range(module.getOps<func::FuncOp>()))
      if (!func->hasAttr(DPSDialect::kKernelAttrName) &&
          SymbolTable::symbolKnownUseEmpty(func, module))
        func.erase();
    WalkResult leftover = module.walk([](Operation *op) {
      if (!isa<DPSDialect>(op->getDialect()))
        return WalkResult::advance();
      op->emitOpError() << "is left after lowering: no pattern of "
                           "convert-dps-to-linalg handled it";
      return WalkResult::interrupt();
    });
    if (leftover.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace
