//===- Precision.cpp - precisions and host-side conversions ---------------===//
//
// The same bit manipulation the compiler emits for dps.cast (see
// lib/Conversion/DPSToLinalg/FloatRounding.cpp), for the runtime's stores and
// checkpoints; the compiler's unit tests check both against APFloat.
//
//===----------------------------------------------------------------------===//
#include "dps/runtime/Precision.h"

#include <cmath>
#include <cstring>
#include <type_traits>

using namespace dps::rt;

namespace {

struct Format {
  unsigned width, mantissa;
  int minExponent; // of the smallest normal
  uint32_t maxFinite, nan;
  bool hasInfinity;
  uint32_t infinity;
};

constexpr Format kF16{16, 10, -14, 0x7BFF, 0x7E00, true, 0x7C00};
constexpr Format kBF16{16, 7, -126, 0x7F7F, 0x7FC0, true, 0x7F80};
constexpr Format kE4M3{8, 3, -6, 0x7E, 0x7F, false, 0};
constexpr Format kE5M2{8, 2, -14, 0x7B, 0x7E, true, 0x7C};

const Format &formatOf(Precision precision) {
  switch (precision) {
  case Precision::F16:
    return kF16;
  case Precision::BF16:
    return kBF16;
  case Precision::F8E4M3FN:
    return kE4M3;
  case Precision::F8E5M2:
    return kE5M2;
  case Precision::F32:
    break;
  }
  return kF16; // unreachable: f32 is copied
}

uint32_t bitsOf(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  return bits;
}

float floatOf(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, 4);
  return value;
}

inline uint32_t roundTo(const Format &f, float value, bool saturate) {
  uint32_t bits = bitsOf(value);
  uint32_t sign = bits & 0x80000000u, magnitude = bits & 0x7FFFFFFFu;
  int bias = 1 - f.minExponent;
  uint32_t code;
  if (magnitude > 0x7F800000u) {
    code = f.nan;
  } else {
    unsigned shift = 23 - f.mantissa;
    uint32_t lsb = (magnitude >> shift) & 1;
    int64_t rounded =
        (int64_t(magnitude) + ((1u << (shift - 1)) - 1) + lsb) >> shift;
    int64_t normal = rounded - (int64_t(127 - bias) << f.mantissa);
    uint32_t normalFloor = uint32_t(f.minExponent + 127) << 23;
    if (bias != 127 && magnitude < normalFloor) {
      // In units of the smallest subnormal, rounded to an integer (ties to
      // even, as nearbyint does under the default rounding mode).
      // (A multiplication by a power of two: exact, and no libm call.)
      float scale =
          floatOf(uint32_t(127 + int(f.mantissa) - f.minExponent) << 23);
      float units = floatOf(magnitude) * scale;
      normal = int64_t(std::nearbyint(units));
    }
    if (normal > int64_t(f.maxFinite))
      code = saturate ? f.maxFinite : (f.hasInfinity ? f.infinity : f.nan);
    else
      code = uint32_t(normal);
  }
  return (sign >> (32 - f.width)) | code;
}

float widenFrom(const Format &f, uint32_t bits) {
  uint32_t signBit = (bits >> (f.width - 1)) & 1;
  uint32_t magnitude = bits & ((1u << (f.width - 1)) - 1);
  float value;
  if (magnitude > f.maxFinite) {
    value = (f.hasInfinity && magnitude == f.infinity) ? INFINITY : NAN;
  } else {
    uint32_t exponent = magnitude >> f.mantissa;
    uint32_t mantissa = magnitude & ((1u << f.mantissa) - 1);
    int bias = 1 - f.minExponent;
    if (exponent == 0)
      value = std::ldexp(float(mantissa), f.minExponent - int(f.mantissa));
    else
      value = floatOf(((exponent - bias + 127) << 23) |
                      (mantissa << (23 - f.mantissa)));
  }
  return signBit ? -value : value;
}

} // namespace

std::string_view dps::rt::name(Precision precision) {
  switch (precision) {
  case Precision::F32:
    return "f32";
  case Precision::F16:
    return "f16";
  case Precision::BF16:
    return "bf16";
  case Precision::F8E4M3FN:
    return "f8E4M3FN";
  case Precision::F8E5M2:
    return "f8E5M2";
  }
  return "?";
}

Result<Precision> dps::rt::parsePrecision(std::string_view text) {
  for (Precision p : {Precision::F32, Precision::F16, Precision::BF16,
                      Precision::F8E4M3FN, Precision::F8E5M2})
    if (name(p) == text)
      return p;
  return Status::error("unknown precision '" + std::string(text) +
                       "'; expected one of f32, f16, bf16, f8E4M3FN, f8E5M2");
}

Result<std::vector<Precision>> dps::rt::parseLadder(std::string_view text) {
  std::vector<Precision> ladder;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string_view item = text.substr(start, comma == std::string_view::npos
                                                   ? std::string_view::npos
                                                   : comma - start);
    Result<Precision> precision = parsePrecision(item);
    if (!precision)
      return precision.status();
    if (!ladder.empty() && rank(*precision) >= rank(ladder.back()))
      return Status::error(
          "ladder '" + std::string(text) +
          "' is not strictly decreasing: " + std::string(name(*precision)) +
          " is not less precise than " + std::string(name(ladder.back())) +
          " (order: f32 > f16 > bf16 > f8E4M3FN > f8E5M2)");
    ladder.push_back(*precision);
    if (comma == std::string_view::npos)
      break;
    start = comma + 1;
  }
  return ladder;
}

size_t dps::rt::bytesPerElement(Precision precision) {
  switch (precision) {
  case Precision::F32:
    return 4;
  case Precision::F16:
  case Precision::BF16:
    return 2;
  case Precision::F8E4M3FN:
  case Precision::F8E5M2:
    return 1;
  }
  return 4;
}

int dps::rt::rank(Precision precision) {
  return 4 - static_cast<int>(precision);
}

namespace {
/// Lanes of the narrowing's generic vectors: one zmm register where the CPU
/// has AVX-512 (the clone of narrow() for x86-64-v4), two or four narrower
/// ones elsewhere.
constexpr int kLanes = 16;
using I = int32_t __attribute__((vector_size(4 * kLanes)));
using U = uint32_t __attribute__((vector_size(4 * kLanes)));
using V = float __attribute__((vector_size(4 * kLanes)));
using Codes16 = uint16_t __attribute__((vector_size(2 * kLanes)));
using Codes8 = uint8_t __attribute__((vector_size(kLanes)));

/// roundTo on kLanes values at once, in the compiler's generic vectors (no
/// intrinsics: SSE2 or wider, whatever the target has): every case
/// computed and the right one selected. A scalar loop mispredicts its
/// branches on a sample store's mix of zeros, subnormals and normal values
/// and, for the f8 and f16 formats, runs at ~6 ns a value.
// (The codes through a reference: a 64-byte vector returned by value
// changes the ABI between the clones.)
template <const Format &F>
[[gnu::always_inline]] inline void roundLanes(const float *source,
                                              bool saturate, I &codes) {
  // Signed lanes throughout (SSE2 compares only those; every quantity
  // here but the wrapped codes replaced below stays under 2^31).
  constexpr unsigned shift = 23 - F.mantissa;
  constexpr int bias = 1 - F.minExponent;
  I bits;
  std::memcpy(&bits, source, sizeof(bits));
  I sign = (bits >> (32 - F.width)) & int32_t(1u << (F.width - 1));
  I magnitude = bits & 0x7FFFFFFF;
  // Ties to even on the magnitude's bits (as unsigned: the sum may pass
  // 2^31), then F's exponent bias (negative below F's normals: replaced
  // next).
  U lsb = (U)(magnitude >> shift) & 1u;
  I code = (I)(((U)magnitude + ((1u << (shift - 1)) - 1) + lsb) >> shift) -
           int32_t(uint32_t(127 - bias) << F.mantissa);
  if constexpr (bias != 127) {
    // As roundTo: units of the smallest subnormal, rounded by adding and
    // taking away 2^23 (clamped first: below 2^mantissa, so exact).
    constexpr int32_t normalFloor = int32_t(F.minExponent + 127) << 23;
    I small = magnitude < normalFloor;
    I clamped = small ? magnitude : I{} + normalFloor;
    V units;
    std::memcpy(&units, &clamped, sizeof(units));
    units *= floatOf(uint32_t(127 + int(F.mantissa) - F.minExponent) << 23);
    V rounded = (units + 0x1p23f) - 0x1p23f;
    code = small ? __builtin_convertvector(rounded, I) : code;
  }
  int32_t overflow =
      int32_t(saturate ? F.maxFinite : (F.hasInfinity ? F.infinity : F.nan));
  code = code > int32_t(F.maxFinite) ? I{} + overflow : code;
  code = magnitude > 0x7F800000 ? I{} + int32_t(F.nan) : code;
  codes = sign | code;
}

/// One format's loop, with the format a constant the compiler folds into
/// the rounding (a whole sample store is narrowed at each epoch boundary):
/// kLanes values at a time, their codes truncated in the vector and stored
/// at once; roundTo for the tail.
template <const Format &F, typename Codes>
[[gnu::always_inline]] inline void narrowAll(const float *source, size_t count,
                                             void *destination, bool saturate) {
  using Code = std::remove_reference_t<decltype(Codes{}[0])>;
  auto *out = static_cast<Code *>(destination);
  size_t i = 0;
  for (; i + kLanes <= count; i += kLanes) {
    I codes;
    roundLanes<F>(source + i, saturate, codes);
    Codes narrowed = __builtin_convertvector(codes, Codes);
    std::memcpy(out + i, &narrowed, sizeof(narrowed));
  }
  for (; i < count; ++i)
    out[i] = Code(roundTo(F, source[i], saturate));
}
} // namespace

// Cloned for AVX-512 and AVX2 hosts (chosen once, when the library loads);
// the loops above are inlined into each clone.
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3",
                             "default"))) void
dps::rt::narrow(const float *source, size_t count, Precision precision,
                void *destination, bool saturate) {
  switch (precision) {
  case Precision::F32:
    std::memcpy(destination, source, count * 4);
    return;
  case Precision::F16:
    return narrowAll<kF16, Codes16>(source, count, destination, saturate);
  case Precision::BF16:
    return narrowAll<kBF16, Codes16>(source, count, destination, saturate);
  case Precision::F8E4M3FN:
    return narrowAll<kE4M3, Codes8>(source, count, destination, saturate);
  case Precision::F8E5M2:
    return narrowAll<kE5M2, Codes8>(source, count, destination, saturate);
  }
}

void dps::rt::widen(const void *source, size_t count, Precision precision,
                    float *destination) {
  if (precision == Precision::F32) {
    std::memcpy(destination, source, count * 4);
    return;
  }
  const Format &f = formatOf(precision);
  if (f.width == 16) {
    auto *in = static_cast<const uint16_t *>(source);
    for (size_t i = 0; i < count; ++i)
      destination[i] = widenFrom(f, in[i]);
  } else {
    auto *in = static_cast<const uint8_t *>(source);
    for (size_t i = 0; i < count; ++i)
      destination[i] = widenFrom(f, in[i]);
  }
}
