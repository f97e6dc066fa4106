//===- dps-replay.cpp - replay a PyTorch reference through dps kernels -----===//
//
// Trains a dps model's train step on the batches of a reference fixture and
// compares losses and final weights with PyTorch's. Exits 1 on disagreement.
//
//===----------------------------------------------------------------------===//
#include "dps/Testing/ModelFile.h"
#include "dps/Testing/ReferenceCheck.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"

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

  mlir::dps::ReferenceCheckOptions options;
  options.step = step;
  options.atol = atol;
  options.rtol = rtol;
  return mlir::dps::checkModelFile(input, [&](mlir::ModuleOp model) {
    return mlir::dps::runReferenceCheck(model, fixture, options, llvm::outs());
  });
}
