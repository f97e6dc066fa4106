//===- Autodiff.cpp - the dps-autodiff pass --------------------------------===//
#include "KernelBuilders.h"

#include "dps/Dialect/DPS/Transforms/Passes.h"

namespace mlir::dps {
#define GEN_PASS_DEF_DPSAUTODIFF
#include "dps/Dialect/DPS/Transforms/Passes.h.inc"
} // namespace mlir::dps

using namespace mlir;
using namespace mlir::dps;

namespace {
struct DPSAutodiffPass : public dps::impl::DPSAutodiffBase<DPSAutodiffPass> {
  using DPSAutodiffBase::DPSAutodiffBase;

  void runOnOperation() override {
    SmallVector<TrainStepOp> steps(getOperation().getOps<TrainStepOp>());
    for (TrainStepOp step : steps) {
      if (!step.getForwardFunc()) {
        step.emitOpError() << "forward function " << step.getForwardAttr()
                           << " does not name a func.func";
        return signalPassFailure();
      }
      if (failed(mlir::dps::detail::buildEvalKernel(step)) ||
          failed(mlir::dps::detail::buildUpdateKernels(step, updateVariants,
                                                       lanes)) ||
          failed(mlir::dps::detail::buildGradientKernel(step)))
        return signalPassFailure();
    }
  }
};
} // namespace
