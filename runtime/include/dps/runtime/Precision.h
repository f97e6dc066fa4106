//===- Precision.h - the precisions samples and parameters live at -*- C++ -*-===//
#ifndef DPS_RUNTIME_PRECISION_H
#define DPS_RUNTIME_PRECISION_H

#include "dps/runtime/Status.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dps::rt {

/// Ordered by significand bits, most precise first (as in a ladder).
enum class Precision { F32, F16, BF16, F8E4M3FN, F8E5M2 };

std::string_view name(Precision precision);
/// Parses a precision name as MLIR spells it (f32, f16, bf16, f8E4M3FN,
/// f8E5M2).
Result<Precision> parsePrecision(std::string_view text);
/// A comma-separated, strictly decreasing ladder ("f32,bf16,f8E4M3FN").
Result<std::vector<Precision>> parseLadder(std::string_view text);
size_t bytesPerElement(Precision precision);
/// Higher is more precise.
int rank(Precision precision);

/// Rounds f32 values to `precision` (nearest, ties to even; saturating at the
/// largest finite value when `saturate`, else to infinity or NaN), writing
/// `bytesPerElement` little-endian bytes each. f32 copies.
void narrow(const float *source, size_t count, Precision precision,
            void *destination, bool saturate = false);
/// The exact f32 values of `count` elements at `precision`.
void widen(const void *source, size_t count, Precision precision,
           float *destination);

} // namespace dps::rt

#endif // DPS_RUNTIME_PRECISION_H
