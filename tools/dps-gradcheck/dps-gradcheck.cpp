//===- dps-gradcheck.cpp - check a model's compiled gradients --------------===//
//
// Compiles the gradient kernel of a dps model's train step, runs it, and
// checks it against finite differences, padding rows and accumulation.
// Exits 1 if any check fails.
//
//===----------------------------------------------------------------------===//
#include "dps/Testing/ModelFile.h"
#include "dps/Testing/GradientCheck.h"

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
  cl::opt<double> stepSize("step-size", cl::desc("Finite-difference step"),
                           cl::init(5e-2));
  cl::opt<double> tolerance(
      "tolerance", cl::desc("Largest norm-wise relative error"),
      cl::init(1e-3));
  cl::opt<unsigned> maxElements(
      "max-elements", cl::desc("Elements checked per parameter"),
      cl::init(48));
  cl::opt<double> paramScale(
      "param-scale", cl::desc("Scale of random parameters (x 1/sqrt(fan-in))"),
      cl::init(1.0));
  enum Check { FiniteDifferences, Padding, Accumulation };
  cl::list<Check> checks(
      "checks", cl::CommaSeparated,
      cl::desc("Checks to run (default: all)"),
      cl::values(clEnumValN(FiniteDifferences, "fd",
                            "gradients against finite differences"),
                 clEnumValN(Padding, "padding",
                            "rows past the valid count are never read"),
                 clEnumValN(Accumulation, "accumulation",
                            "two micro-batches accumulate as one batch")));
  cl::ParseCommandLineOptions(argc, argv, "dps gradient checker\n");

  mlir::dps::GradientCheckOptions options;
  options.step = step;
  options.rows = rows;
  options.seed = seed;
  options.stepSize = stepSize;
  options.tolerance = tolerance;
  options.maxElements = maxElements;
  options.paramScale = paramScale;
  if (!checks.empty()) {
    options.finiteDifferences = llvm::is_contained(checks, FiniteDifferences);
    options.paddingRows = llvm::is_contained(checks, Padding);
    options.accumulation = llvm::is_contained(checks, Accumulation);
  }
  return mlir::dps::checkModelFile(input, [&](mlir::ModuleOp model) {
    return mlir::dps::runGradientChecks(model, options, llvm::outs());
  });
}
