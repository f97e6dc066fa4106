//===- FloatRounding.h - narrow floats as integer code -------- -*- C++ -*-===//
//
// Conversions between f32 and the narrow formats (f8E4M3FN, f8E5M2, f16,
// bf16) written with integer arithmetic on the bit patterns: no library calls
// per element, vectorisable, and with stochastic rounding and saturation that
// arith.truncf does not offer. Scalars; used inside linalg bodies.
//
//===----------------------------------------------------------------------===//
#ifndef DPS_LIB_CONVERSION_DPSTOLINALG_FLOATROUNDING_H
#define DPS_LIB_CONVERSION_DPSTOLINALG_FLOATROUNDING_H

#include "mlir/IR/Builders.h"

namespace mlir::dps {

/// Rounds the f32 `value` to `target`: to nearest, ties to even, or, given
/// `randomBits` (a uniformly random i32), stochastically. With `saturate`,
/// magnitudes beyond the largest finite value (and infinities) become it;
/// otherwise they become infinity, or NaN where the format has none. NaN
/// stays NaN.
Value roundToNarrowFloat(OpBuilder &b, Location loc, Value value,
                         FloatType target, bool saturate, Value randomBits);

/// The f32 `value` rounded to the nearest value of `format` (ties to even,
/// saturating if asked), as an f32: the same value as widening
/// roundToNarrowFloat's result, without forming the narrow code (a value
/// rounded to an f8 grid and used at once, as f8 rungs do with
/// activations, needs no bytes). For f8 and f16 formats (rounded in f32
/// arithmetic, whose results stay normal).
Value roundToNarrowGrid(OpBuilder &b, Location loc, Value value,
                        FloatType format, bool saturate);

/// The exact f32 value of the narrow float `value`.
Value widenNarrowFloat(OpBuilder &b, Location loc, Value value);

/// A well-mixed i32 from a seed and a counter (murmur3's finaliser), for
/// counter-based stochastic rounding: the same (seed, counter) always gives
/// the same bits.
Value hashBits(OpBuilder &b, Location loc, Value seed, Value counter);

} // namespace mlir::dps

#endif // DPS_LIB_CONVERSION_DPSTOLINALG_FLOATROUNDING_H
