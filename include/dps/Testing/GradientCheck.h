//===- GradientCheck.h - numeric checks of compiled gradients ---*- C++ -*-===//
//
// Compiles a model's gradient kernel, runs it, and checks it numerically:
// against central finite differences of the summed per-sample loss, for
// rows past the valid count (never read), and for accumulation (two calls
// into the same accumulators equal one call on both batches).
//
//===----------------------------------------------------------------------===//
#ifndef DPS_TESTING_GRADIENTCHECK_H
#define DPS_TESTING_GRADIENTCHECK_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace mlir::dps {

struct GradientCheckOptions {
  /// The dps.train_step to check; empty for the only one.
  std::string step;
  /// Valid rows of the checked batch; 0 for the whole batch.
  int64_t rows = 0;
  uint64_t seed = 1;
  /// Finite-difference step (Richardson-extrapolated from h and h/2).
  double stepSize = 5e-2;
  /// Largest accepted norm-wise relative error per parameter.
  double tolerance = 1e-3;
  /// Elements checked per parameter (a random sample beyond this).
  unsigned maxElements = 48;
  /// Random parameters are drawn from U(-s, s), s = scale / sqrt(fan-in).
  double paramScale = 1.0;
  /// Which checks run.
  bool finiteDifferences = true;
  bool paddingRows = true;
  bool accumulation = true;
};

/// Runs every check, printing a report to `os`; fails if any check fails.
LogicalResult runGradientChecks(ModuleOp model,
                                const GradientCheckOptions &options,
                                llvm::raw_ostream &os);

} // namespace mlir::dps

#endif // DPS_TESTING_GRADIENTCHECK_H
