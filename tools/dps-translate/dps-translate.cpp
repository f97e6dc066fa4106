//===- dps-translate.cpp - translations into and out of dps ----------------===//
#include "dps/InitAllDPS.h"

#include "mlir/InitAllTranslations.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  mlir::registerAllTranslations();
  mlir::dps::registerAllTranslations();
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv, "dps translation driver\n"));
}
