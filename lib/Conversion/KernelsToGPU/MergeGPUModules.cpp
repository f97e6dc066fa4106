//===- MergeGPUModules.cpp - one gpu.module per model ---------------------===//
#include "dps/Conversion/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::dps {
#define GEN_PASS_DEF_DPSMERGEGPUMODULES
#include "dps/Conversion/Passes.h.inc"
} // namespace mlir::dps

using namespace mlir;
using namespace mlir::dps;

namespace {

struct DPSMergeGPUModulesPass
    : public dps::impl::DPSMergeGPUModulesBase<DPSMergeGPUModulesPass> {
  using Base::Base;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto sources = llvm::to_vector(module.getOps<gpu::GPUModuleOp>());
    if (sources.empty())
      return;
    if (module.lookupSymbol(moduleName)) {
      module.emitError() << "a symbol named @" << moduleName
                         << " exists already";
      return signalPassFailure();
    }
    OpBuilder b(sources.front());
    auto merged =
        gpu::GPUModuleOp::create(b, sources.front().getLoc(), moduleName);
    merged->setAttrs(sources.front()->getAttrs());
    merged.setName(moduleName);
    SymbolTable mergedSymbols(merged);

    // Kernel symbol -> its new reference.
    DenseMap<Attribute, SymbolRefAttr> moved;
    for (gpu::GPUModuleOp source : sources) {
      for (Operation &op :
           llvm::make_early_inc_range(source.getBody()->getOperations())) {
        auto symbol = dyn_cast<SymbolOpInterface>(op);
        if (!symbol)
          continue;
        StringAttr oldName = symbol.getNameAttr();
        op.remove();
        // Renames on a clash (two launches of one function).
        StringAttr newName = mergedSymbols.insert(&op);
        moved[SymbolRefAttr::get(source.getNameAttr(),
                                 {FlatSymbolRefAttr::get(oldName)})] =
            SymbolRefAttr::get(merged.getNameAttr(),
                               {FlatSymbolRefAttr::get(newName)});
      }
      source.erase();
    }
    module.walk([&](gpu::LaunchFuncOp launch) {
      auto it = moved.find(launch.getKernel());
      if (it != moved.end())
        launch.setKernelAttr(it->second);
    });
  }
};

} // namespace
