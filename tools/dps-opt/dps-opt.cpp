//===- dps-opt.cpp - the dps optimizer driver ------------------------------===//
//
// Upstream's dialects, passes and extensions, plus dps's, under MlirOptMain.
//
//===----------------------------------------------------------------------===//
#include "dps/InitAllDPS.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mlir::dps::registerAllPasses();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::dps::registerAllDialects(registry);
  // gpu-module-to-binary (dps-lower-to-nvvm) translates kernels to LLVM IR.
  mlir::registerAllToLLVMIRTranslations(registry);

  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "dps optimizer driver\n", registry));
}
