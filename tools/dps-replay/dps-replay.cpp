//===- dps-replay.cpp - replay a PyTorch reference through dps kernels -----===//
//
// Trains a dps model's train step on the batches of a reference fixture and
// compares losses and final weights with PyTorch's. Exits 1 on disagreement.
//
//===----------------------------------------------------------------------===//
#include "dps/InitAllDPS.h"
#include "dps/Testing/ReferenceCheck.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"

namespace cl = llvm::cl;

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::opt<std::string> input(cl::Positional, cl::desc("<model.mlir>"),
                             cl::Required);
  cl::opt<std::string> fixture("fixture", cl::desc("Reference fixture (JSON)"),
                               cl::Required);
  cl::opt<std::string> step("step", cl::desc("Train step to replay"));
  cl::opt<double> atol("atol", cl::desc("Absolute tolerance"), cl::init(1e-5));
  cl::opt<double> rtol("rtol", cl::desc("Relative tolerance"), cl::init(1e-4));
  cl::ParseCommandLineOptions(argc, argv, "dps reference replay\n");

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::dps::registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  llvm::SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  mlir::OwningOpRef<mlir::ModuleOp> model =
      mlir::parseSourceFile<mlir::ModuleOp>(input, sourceMgr,
                                            mlir::ParserConfig(&context));
  if (!model)
    return 1;
  mlir::dps::ReferenceCheckOptions options;
  options.step = step;
  options.atol = atol;
  options.rtol = rtol;
  return mlir::failed(mlir::dps::runReferenceCheck(*model, fixture, options,
                                                   llvm::outs()))
             ? 1
             : 0;
}
