//===- ModelFile.cpp - run a check on a model file ------------------------===//
#include "dps/Testing/ModelFile.h"

#include "dps/InitAllDPS.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/SourceMgr.h"

int mlir::dps::checkModelFile(
    llvm::StringRef path, llvm::function_ref<LogicalResult(ModuleOp)> check) {
  DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  dps::registerAllDialects(registry);
  MLIRContext context(registry);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  OwningOpRef<ModuleOp> model =
      parseSourceFile<ModuleOp>(path, sourceMgr, ParserConfig(&context));
  if (!model)
    return 1;
  return failed(check(*model)) ? 1 : 0;
}
