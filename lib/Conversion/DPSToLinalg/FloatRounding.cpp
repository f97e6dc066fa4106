//===- FloatRounding.cpp - narrow-float conversions as integer code -------===//
#include "FloatRounding.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinTypes.h"

#include <cassert>
#include <cmath>
#include <limits>
#include <tuple>

using namespace mlir;
using namespace mlir::dps;

namespace {

/// i32 arithmetic shorthands.
struct I32Math {
  OpBuilder &b;
  Location loc;
  Value c(int64_t v) {
    return arith::ConstantIntOp::create(b, loc, static_cast<int32_t>(v), 32);
  }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value andI(Value x, Value y) { return arith::AndIOp::create(b, loc, x, y); }
  Value orI(Value x, Value y) { return arith::OrIOp::create(b, loc, x, y); }
  Value xorI(Value x, Value y) { return arith::XOrIOp::create(b, loc, x, y); }
  Value shr(Value x, int64_t s) {
    return arith::ShRUIOp::create(b, loc, x, c(s));
  }
  Value shl(Value x, int64_t s) {
    return arith::ShLIOp::create(b, loc, x, c(s));
  }
  Value ult(Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, y);
  }
  Value ugt(Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, x, y);
  }
  Value eq(Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, y);
  }
  Value select(Value cond, Value x, Value y) {
    return arith::SelectOp::create(b, loc, cond, x, y);
  }
};

/// An f32's sign bit and magnitude bits (as i32), and whether it is NaN.
std::tuple<Value, Value, Value> splitF32(I32Math &m, Value value) {
  Value bits = arith::BitcastOp::create(m.b, m.loc, m.b.getI32Type(), value);
  Value magnitude = m.andI(bits, m.c(0x7FFFFFFF));
  return {m.andI(bits, m.c(0x80000000)), magnitude,
          m.ugt(magnitude, m.c(0x7F800000))};
}

/// What the bit manipulation needs to know about a narrow format.
struct NarrowFormat {
  unsigned width;     // total bits
  unsigned mantissa;  // explicit mantissa bits
  int bias;           // exponent bias
  int minExponent;    // exponent of the smallest normal, 1 - bias
  uint32_t maxFinite; // magnitude bits of the largest finite value
  uint32_t nan;       // magnitude bits of the canonical NaN
  std::optional<uint32_t> infinity;

  static NarrowFormat of(FloatType type) {
    const llvm::fltSemantics &sem = type.getFloatSemantics();
    NarrowFormat f;
    f.width = llvm::APFloat::semanticsSizeInBits(sem);
    f.mantissa = llvm::APFloat::semanticsPrecision(sem) - 1;
    f.minExponent = llvm::APFloat::semanticsMinExponent(sem);
    f.bias = 1 - f.minExponent;
    uint32_t signBit = 1u << (f.width - 1);
    f.maxFinite =
        llvm::APFloat::getLargest(sem).bitcastToAPInt().getZExtValue();
    f.nan = llvm::APFloat::getNaN(sem).bitcastToAPInt().getZExtValue() &
            (signBit - 1);
    if (llvm::APFloat::semanticsHasInf(sem))
      f.infinity = llvm::APFloat::getInf(sem).bitcastToAPInt().getZExtValue();
    return f;
  }
};

} // namespace

Value mlir::dps::hashBits(OpBuilder &b, Location loc, Value seed,
                          Value counter) {
  I32Math m{b, loc};
  Value h = m.xorI(seed, m.mul(counter, m.c(0x9E3779B9)));
  h = m.xorI(h, m.shr(h, 16));
  h = m.mul(h, m.c(0x85EBCA6B));
  h = m.xorI(h, m.shr(h, 13));
  h = m.mul(h, m.c(0xC2B2AE35));
  return m.xorI(h, m.shr(h, 16));
}

Value mlir::dps::roundToNarrowFloat(OpBuilder &b, Location loc, Value value,
                                    FloatType target, bool saturate,
                                    Value randomBits) {
  NarrowFormat f = NarrowFormat::of(target);
  I32Math m{b, loc};
  Type i32 = b.getI32Type();
  Type f32 = b.getF32Type();
  unsigned shift = 23 - f.mantissa;

  auto [sign, magnitude, isNaN] = splitF32(m, value);

  // Normal numbers: round the f32 mantissa to `mantissa` bits on the bit
  // pattern (a carry moves into the exponent), then rebias the exponent.
  Value increment;
  if (randomBits) {
    increment = m.andI(randomBits, m.c((1 << shift) - 1));
  } else {
    Value lsb = m.andI(m.shr(magnitude, shift), m.c(1));
    increment = m.add(m.c((1 << (shift - 1)) - 1), lsb);
  }
  Value rounded = m.shr(m.add(magnitude, increment), shift);
  Value code = m.sub(rounded, m.c(int64_t(127 - f.bias) << f.mantissa));

  // Below the smallest normal (unless the exponent ranges agree, as for
  // bf16): the value in units of the smallest subnormal, rounded to an
  // integer in f32, which is exact there. 2^mantissa is the smallest normal.
  if (f.bias != 127) {
    Value normalFloor = m.c(int64_t(f.minExponent + 127) << 23);
    Value isSubnormal = m.ult(magnitude, normalFloor);
    Value absValue = arith::BitcastOp::create(b, loc, f32, magnitude);
    Value units = arith::MulFOp::create(
        b, loc, absValue,
        arith::ConstantOp::create(
            b, loc,
            b.getF32FloatAttr(std::ldexp(1.0f, f.mantissa - f.minExponent))));
    Value integral;
    if (randomBits) {
      // floor(units + u), u uniform in [0, 1) from the high 24 random bits.
      Value uniform = arith::MulFOp::create(
          b, loc, arith::UIToFPOp::create(b, loc, f32, m.shr(randomBits, 8)),
          arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0x1p-24f)));
      integral = arith::FPToUIOp::create(
          b, loc, i32, arith::AddFOp::create(b, loc, units, uniform));
    } else {
      // Adding and subtracting 2^23 rounds to an integer, ties to even.
      Value magic =
          arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0x1p23f));
      Value up = arith::AddFOp::create(b, loc, units, magic);
      integral = arith::FPToUIOp::create(
          b, loc, i32, arith::SubFOp::create(b, loc, up, magic));
    }
    code = m.select(isSubnormal, integral, code);
  }

  // Out of range: saturate, or infinity, or NaN where there is no infinity.
  Value overflow = m.ugt(code, m.c(f.maxFinite));
  Value overflowCode =
      saturate ? m.c(f.maxFinite) : m.c(f.infinity ? *f.infinity : f.nan);
  code = m.select(overflow, overflowCode, code);
  code = m.select(isNaN, m.c(f.nan), code);

  Value withSign = m.orI(m.shr(sign, 32 - f.width), code);
  Type narrowInt = b.getIntegerType(f.width);
  Value truncated = arith::TruncIOp::create(b, loc, narrowInt, withSign);
  return arith::BitcastOp::create(b, loc, target, truncated);
}

Value mlir::dps::roundToNarrowGrid(OpBuilder &b, Location loc, Value value,
                                   FloatType format, bool saturate) {
  NarrowFormat f = NarrowFormat::of(format);
  I32Math m{b, loc};
  Type i32 = b.getI32Type();
  Type f32 = b.getF32Type();
  unsigned shift = 23 - f.mantissa;

  auto [sign, magnitude, isNaN] = splitF32(m, value);

  // Adding c = 2^(e + shift) to |x| (e its exponent) and taking it away
  // rounds |x| to the format's spacing in that binade, 2^(e - mantissa),
  // ties to even, in f32's own rounding (a carry into the next binade
  // included: |x| < c, so the sum's spacing is c's). c is at least the one
  // of the smallest normal's binade, where the spacing stays the smallest
  // subnormal, and at most the one of the largest finite value's binade, so
  // that anything above rounds past the largest value (overflow, below)
  // and c's bits never pass f32's exponent range. Four integer ops and two
  // float ones, where rounding the mantissa bits and selecting the
  // subnormal case took ten. Every result is 0 or a normal f32 for the f8
  // and f16 formats (their smallest subnormal is one), so flushing
  // denormals (the runtime's FTZ/DAZ) changes nothing; not for bf16.
  assert(f.minExponent - int(f.mantissa) >= -126 &&
         "a format whose subnormals are normal f32 values");
  auto exponentBits = [](int exponent) {
    return int64_t(exponent + 127) << 23;
  };
  int maxExponent =
      llvm::APFloat::semanticsMaxExponent(format.getFloatSemantics());
  Value c =
      m.add(m.andI(magnitude, m.c(0x7F800000)), m.c(int64_t(shift) << 23));
  c = arith::MaxUIOp::create(b, loc, c,
                             m.c(exponentBits(f.minExponent + int(shift))));
  c = arith::MinUIOp::create(b, loc, c,
                             m.c(exponentBits(maxExponent + int(shift))));
  Value cf = arith::BitcastOp::create(b, loc, f32, c);
  Value absValue = arith::BitcastOp::create(b, loc, f32, magnitude);
  Value rounded = arith::BitcastOp::create(
      b, loc, i32,
      arith::SubFOp::create(b, loc, arith::AddFOp::create(b, loc, absValue, cf),
                            cf));

  // Out of range: saturate, or infinity, or NaN where there is no infinity.
  llvm::APFloat largest = llvm::APFloat::getLargest(format.getFloatSemantics());
  bool losesInfo;
  largest.convert(llvm::APFloat::IEEEsingle(),
                  llvm::APFloat::rmNearestTiesToEven, &losesInfo);
  int64_t largestBits = largest.bitcastToAPInt().getZExtValue();
  Value overflowBits = saturate     ? m.c(largestBits)
                       : f.infinity ? m.c(0x7F800000)
                                    : m.c(0x7FC00000);
  rounded = m.select(m.ugt(rounded, m.c(largestBits)), overflowBits, rounded);
  rounded = m.select(isNaN, m.c(0x7FC00000), rounded);
  return arith::BitcastOp::create(b, loc, f32, m.orI(rounded, sign));
}

/// Through f16, which holds every value of both f8 formats: the code's
/// magnitude bits shifted into f16's exponent and mantissa fields read as an
/// f16 2^(15 - bias) times too small, subnormals included, which one exact
/// multiplication fixes; x86 widens f16 in one instruction (vcvtph2ps),
/// where decoding the fields in i32 took about fifteen. E5M2 is f16's top
/// byte (its infinities and NaNs too); E4M3FN's one NaN magnitude (it has
/// no infinity) would read as 480.
Value mlir::dps::widenNarrowFloat(OpBuilder &b, Location loc, Value value) {
  auto type = cast<FloatType>(value.getType());
  NarrowFormat f = NarrowFormat::of(type);
  assert(f.width == 8 && f.mantissa <= 10 && f.bias <= 15 &&
         "an f8 format with at most f16's exponent range");
  Type i16 = b.getI16Type();
  auto c = [&](int64_t v) {
    return arith::ConstantIntOp::create(b, loc, i16, v).getResult();
  };
  Value bits = arith::ExtUIOp::create(
      b, loc, i16, arith::BitcastOp::create(b, loc, b.getI8Type(), value));
  Value sign = arith::ShLIOp::create(
      b, loc, arith::AndIOp::create(b, loc, bits, c(0x80)), c(8));
  Value magnitude = arith::AndIOp::create(b, loc, bits, c(0x7F));
  Value half = arith::BitcastOp::create(
      b, loc, b.getF16Type(),
      arith::OrIOp::create(
          b, loc, sign,
          arith::ShLIOp::create(b, loc, magnitude, c(10 - f.mantissa))));
  Type f32 = b.getF32Type();
  Value result = arith::ExtFOp::create(b, loc, f32, half);
  if (f.bias != 15)
    result = arith::MulFOp::create(
        b, loc, result,
        arith::ConstantOp::create(
            b, loc, b.getF32FloatAttr(std::ldexp(1.0f, 15 - f.bias))));
  if (!f.infinity)
    result = arith::SelectOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, magnitude,
                              c(f.maxFinite)),
        arith::ConstantOp::create(
            b, loc, b.getF32FloatAttr(std::numeric_limits<float>::quiet_NaN())),
        result);
  return result;
}
