//===- InitAllDPS.cpp - register everything dps provides -------------------===//
#include "dps/InitAllDPS.h"
#include "dps/Conversion/Passes.h"
#include "dps/Dialect/DPS/IR/DPSDialect.h"
#include "dps/Dialect/DPS/Transforms/Passes.h"
#include "dps/Pipelines/Pipelines.h"
#include "dps/Target/OnnxImport.h"
#include "dps/Target/Translations.h"

#include "mlir/IR/DialectRegistry.h"

void mlir::dps::registerAllDialects(DialectRegistry &registry) {
  registry.insert<DPSDialect>();
}

void mlir::dps::registerAllPasses() {
  registerDPSTransformsPasses();
  registerDPSConversionPasses();
  registerPipelines();
}

void mlir::dps::registerAllTranslations() {
  registerManifestTranslation();
  registerLLVMTranslations();
  registerGPUTranslations();
  registerOnnxImportTranslation();
}
