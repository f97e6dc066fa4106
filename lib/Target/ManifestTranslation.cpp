//===- ManifestTranslation.cpp - dps-translate --dps-to-manifest -----------===//
#include "GPUOptions.h"

#include "dps/Conversion/Passes.h"
#include "dps/Dialect/DPS/IR/DPSOps.h"
#include "dps/Dialect/DPS/Transforms/Passes.h"
#include "dps/Pipelines/Pipelines.h"
#include "dps/InitAllDPS.h"
#include "dps/Target/KernelManifest.h"
#include "dps/Target/Translations.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Tools/mlir-translate/Translation.h"

using namespace mlir;
using namespace mlir::dps;

/// The GPU launches of each kernel: `module` (a copy of the model) lowered
/// by dps-lower-to-nvvm's front half up to outlined, merged kernels.
static LogicalResult addGPUManifest(ModuleOp module,
                                    KernelManifest &manifest) {
  LowerToNVVMOptions options;
  setGPUPipelineOptions(options, "isa");
  PassManager pm(module.getContext());
  buildMapToGPUPipeline(pm, options);
  pm.addPass(createGpuKernelOutliningPass());
  pm.addPass(createDPSMergeGPUModules());
  if (failed(pm.run(module)))
    return failure();
  return addGPULaunches(module, options.chip, manifest);
}

/// Expands the train steps of `module` (if not yet done) and writes the
/// manifest of its train step.
static LogicalResult writeManifest(ModuleOp module, raw_ostream &os) {
  // The GPU launches come from the model as given, before expansion.
  OwningOpRef<ModuleOp> forGPU;
  if (gpuTargetRequested())
    forGPU = module.clone();
  bool expanded = llvm::any_of(module.getOps<func::FuncOp>(), [](auto func) {
    return func->hasAttr(DPSDialect::kKernelAttrName);
  });
  if (!expanded) {
    PassManager pm(module.getContext());
    addKernelABIPasses(pm, gpuTargetRequested() ? KernelTarget::GPU
                                                : KernelTarget::CPU);
    if (failed(pm.run(module)))
      return failure();
  }
  FailureOr<KernelManifest> manifest = buildKernelManifest(module);
  if (failed(manifest))
    return failure();
  if (forGPU && failed(addGPUManifest(*forGPU, *manifest)))
    return failure();
  writeManifestJSON(*manifest, os);
  return success();
}

void mlir::dps::registerManifestTranslation() {
  TranslateFromMLIRRegistration registration(
      "dps-to-manifest",
      "Write the kernel ABI of a dps model's train step as JSON",
      writeManifest, [](DialectRegistry &registry) {
        // All of them: --dps-gpu runs the GPU pipeline's front half.
        mlir::registerAllDialects(registry);
        mlir::registerAllExtensions(registry);
        dps::registerAllDialects(registry);
      });
}
