//===- Passes.h - dps conversion passes -------------------------*- C++ -*-===//
#ifndef DPS_CONVERSION_PASSES_H
#define DPS_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
class TypeConverter;

namespace dps {

#define GEN_PASS_DECL
#include "dps/Conversion/Passes.h.inc"

/// Patterns lowering every dps compute op to linalg/tensor/arith/math/scf.
/// With `nativeF8Casts`, nearest-even f8 casts become arith.extf/truncf
/// (see convert-dps-to-linalg's option) instead of integer code; with
/// `im2colConvolutions`, every convolution gathers its windows first.
void populateDPSToLinalgPatterns(RewritePatternSet &patterns,
                                 bool nativeF8Casts = false,
                                 bool im2colConvolutions = false);

#define GEN_PASS_REGISTRATION
#include "dps/Conversion/Passes.h.inc"

} // namespace dps
} // namespace mlir

#endif // DPS_CONVERSION_PASSES_H
