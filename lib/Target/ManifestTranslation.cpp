//===- ManifestTranslation.cpp - dps-translate --dps-to-manifest -----------===//
#include "dps/Target/KernelManifest.h"
#include "dps/Target/Translations.h"
#include "dps/Dialect/DPS/IR/DPSOps.h"
#include "dps/Dialect/DPS/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Tools/mlir-translate/Translation.h"

using namespace mlir;
using namespace mlir::dps;

/// Expands the train steps of `module` (if not yet done) and writes the
/// manifest of its train step.
static LogicalResult writeManifest(ModuleOp module, raw_ostream &os) {
  bool expanded = llvm::any_of(module.getOps<func::FuncOp>(), [](auto func) {
    return func->hasAttr(DPSDialect::kKernelAttrName);
  });
  if (!expanded) {
    PassManager pm(module.getContext());
    pm.addPass(createDPSAutodiff());
    pm.addPass(createDPSSpecializePrecision());
    if (failed(pm.run(module)))
      return failure();
  }
  FailureOr<KernelManifest> manifest = buildKernelManifest(module);
  if (failed(manifest))
    return failure();
  writeManifestJSON(*manifest, os);
  return success();
}

void mlir::dps::registerManifestTranslation() {
  TranslateFromMLIRRegistration registration(
      "dps-to-manifest",
      "Write the kernel ABI of a dps model's train step as JSON",
      writeManifest, [](DialectRegistry &registry) {
        registry.insert<DPSDialect, func::FuncDialect, arith::ArithDialect,
                        tensor::TensorDialect, linalg::LinalgDialect,
                        bufferization::BufferizationDialect>();
      });
}
