//===- RungCheck.h - low-precision kernels against the f32 one --*- C++ -*-===//
//
// Runs every rung's gradient kernel (after its refresh kernel) on the same
// weights and batch as the f32 kernel and compares: losses within a relative
// tolerance, gradients close in direction (cosine similarity), yet not bit
// for bit the f32 ones (the rung really ran low); and that the f16 kernel
// reports overflow when its loss scale overflows the gradients.
//
//===----------------------------------------------------------------------===//
#ifndef DPS_TESTING_RUNGCHECK_H
#define DPS_TESTING_RUNGCHECK_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace mlir::dps {

struct RungCheckOptions {
  std::string step;
  int64_t rows = 0;
  uint64_t seed = 1;
  /// Largest relative difference of a rung's summed loss from f32's.
  double lossTolerance = 0.02;
  /// Smallest cosine similarity of the gradient (all parameters' together)
  /// to f32's, for 16-bit and 8-bit rungs.
  double cosine16 = 0.999;
  double cosine8 = 0.99;
};

LogicalResult runRungChecks(ModuleOp model, const RungCheckOptions &options,
                            llvm::raw_ostream &os);

} // namespace mlir::dps

#endif // DPS_TESTING_RUNGCHECK_H
