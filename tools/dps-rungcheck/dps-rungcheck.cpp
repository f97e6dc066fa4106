//===- dps-rungcheck.cpp - every rung's kernel against the f32 one ---------===//
//
// Runs each low-precision gradient kernel of a model's ladder on the f32
// kernel's weights and batch and compares losses and gradients; checks that
// the f16 kernel reports overflow. Exits 1 if a check fails.
//
//===----------------------------------------------------------------------===//
#include "dps/Testing/ModelFile.h"
#include "dps/Testing/RungCheck.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"

namespace cl = llvm::cl;

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::opt<std::string> input(cl::Positional, cl::desc("<model.mlir>"),
                             cl::Required);
  cl::opt<std::string> step("step", cl::desc("Train step to check"));
  cl::opt<int64_t> rows("rows", cl::desc("Valid rows (default: the batch)"),
                        cl::init(0));
  cl::opt<uint64_t> seed("seed", cl::desc("Random seed"), cl::init(1));
  cl::ParseCommandLineOptions(argc, argv, "dps precision-rung checker\n");

  mlir::dps::RungCheckOptions options;
  options.step = step;
  options.rows = rows;
  options.seed = seed;
  return mlir::dps::checkModelFile(input, [&](mlir::ModuleOp model) {
    return mlir::dps::runRungChecks(model, options, llvm::outs());
  });
}
