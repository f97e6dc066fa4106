//===- FinalizeKernels.cpp - the dps backend contract ----------------------===//
#include "dps/Dialect/DPS/IR/DPSOps.h"
#include "dps/Dialect/DPS/Transforms/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace mlir::dps {
#define GEN_PASS_DEF_DPSFINALIZEKERNELS
#include "dps/Dialect/DPS/Transforms/Passes.h.inc"
} // namespace mlir::dps

using namespace mlir;
using namespace mlir::dps;

namespace {

/// `<step>_init_<k>` for each parameter initialised from values.
void exportInitialValues(TrainStepOp step) {
  func::FuncOp forward = step.getForwardFunc();
  if (!forward)
    return;
  OpBuilder b(step);
  for (unsigned i = 1, e = forward.getNumArguments(); i < e; ++i) {
    auto values = forward.getArgAttrOfType<ElementsAttr>(
        i, DPSDialect::kParamAttrName);
    if (!values)
      continue;
    auto tensor = cast<RankedTensorType>(values.getType());
    auto type = MemRefType::get(tensor.getShape(), tensor.getElementType());
    memref::GlobalOp::create(
        b, step.getLoc(),
        DPSDialect::initialValuesSymbol(step.getSymName(), i - 1),
        b.getStringAttr("public"), type, values, /*constant=*/true,
        b.getI64IntegerAttr(64));
  }
}

struct DPSFinalizeKernelsPass
    : public dps::impl::DPSFinalizeKernelsBase<DPSFinalizeKernelsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (TrainStepOp step :
         llvm::make_early_inc_range(module.getOps<TrainStepOp>())) {
      exportInitialValues(step);
      step.erase();
    }
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
