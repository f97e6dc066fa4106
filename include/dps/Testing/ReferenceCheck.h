//===- ReferenceCheck.h - agreement with a PyTorch reference ----*- C++ -*-===//
//
// Replays a reference fixture (test/reference/make_fixtures.py) through a
// model's compiled grad, update and eval kernels: same initial weights, same
// batches, the same number of steps; compares the per-sample losses of every
// step and the final weights.
//
//===----------------------------------------------------------------------===//
#ifndef DPS_TESTING_REFERENCECHECK_H
#define DPS_TESTING_REFERENCECHECK_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace mlir::dps {

struct ReferenceCheckOptions {
  std::string step;
  /// A value a matches the reference b when |a - b| <= atol + rtol * |b|.
  double atol = 1e-5;
  double rtol = 1e-4;
};

LogicalResult runReferenceCheck(ModuleOp model, llvm::StringRef fixturePath,
                                const ReferenceCheckOptions &options,
                                llvm::raw_ostream &os);

} // namespace mlir::dps

#endif // DPS_TESTING_REFERENCECHECK_H
