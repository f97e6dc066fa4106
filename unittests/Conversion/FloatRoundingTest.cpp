//===- FloatRoundingTest.cpp - dps.cast against APFloat -------------------===//
//
// Compiles dps.cast kernels through dps-lower-to-llvm, runs them, and checks
// every f8 code and the f32 edge cases (zeros, subnormals, ties, the largest
// finite values, overflow, infinities, NaN) against APFloat.
//
//===----------------------------------------------------------------------===//
#include "dps/InitAllDPS.h"
#include "dps/JIT/JitModule.h"
#include "dps/Pipelines/Pipelines.h"
#include "dps/runtime/Precision.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/Support/FormatVariadic.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

using llvm::APFloat;

namespace {

struct Format {
  const char *name; // MLIR spelling
  const llvm::fltSemantics &semantics;
  unsigned bytes;
};

const Format kE4M3{"f8E4M3FN", APFloat::Float8E4M3FN(), 1};
const Format kE5M2{"f8E5M2", APFloat::Float8E5M2(), 1};
const Format kF16{"f16", APFloat::IEEEhalf(), 2};
const Format kBF16{"bf16", APFloat::BFloat(), 2};

/// A compiled module with one kernel, @convert.
class CastKernel {
public:
  /// `attrs` go between the operand and the type list of the dps.cast.
  /// With `via`, two casts: to `via` (with `attrs`), then to `to`.
  CastKernel(const std::string &from, const std::string &to, int64_t count,
             const std::string &attrs = "", bool seeded = false,
             const std::string &via = "") {
    mlir::DialectRegistry registry;
    mlir::registerAllDialects(registry);
    mlir::registerAllExtensions(registry);
    mlir::dps::registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    std::string in = llvm::formatv("tensor<{0}x{1}>", count, from).str();
    std::string out = llvm::formatv("tensor<{0}x{1}>", count, to).str();
    std::string mid = llvm::formatv("tensor<{0}x{1}>", count, via).str();
    std::string source =
        "func.func @convert(%in: " + in + ", %out: " + out +
        (seeded ? ", %seed: i64" : "") + ") -> " + out +
        " attributes {dps.kernel = #dps.kernel<eval>} {\n" +
        (via.empty()
             ? "  %y = dps.cast %in " + attrs + " : " + in + " to " + out + "\n"
             : "  %q = dps.cast %in " + attrs + " : " + in + " to " + mid +
                   "\n  %y = dps.cast %q : " + mid + " to " + out + "\n") +
        "  %r = linalg.copy ins(%y : " + out + ") outs(%out : " + out +
        ") -> " + out +
        "\n"
        "  return %r : " +
        out + "\n}\n";
    module = mlir::parseSourceString<mlir::ModuleOp>(source, &context);
    if (!module)
      return;
    mlir::PassManager pm(&context);
    mlir::dps::buildLowerToLLVMPipeline(pm, mlir::dps::LowerToLLVMOptions());
    if (mlir::failed(pm.run(*module)))
      return;
    auto compiled = dps::JitModule::compile(*module);
    if (!compiled) {
      llvm::consumeError(compiled.takeError());
      return;
    }
    jit = std::move(*compiled);
  }

  bool ok() const { return jit != nullptr; }

  void run(void *in, void *out, int64_t count, int64_t seed = -1) {
    dps::KernelArguments args;
    args.memref(in, {count}).memref(out, {count});
    if (seed >= 0)
      args.index(seed);
    llvm::Error error = jit->call("convert", args);
    ASSERT_FALSE(static_cast<bool>(error)) << llvm::toString(std::move(error));
  }

private:
  mlir::MLIRContext context;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  std::unique_ptr<dps::JitModule> jit;
};

/// Every code of an f8 format widens to its exact f32 value.
void checkWidening(const Format &format) {
  CastKernel kernel(format.name, "f32", 256);
  ASSERT_TRUE(kernel.ok());
  std::vector<uint8_t> codes(256);
  for (int i = 0; i < 256; ++i)
    codes[i] = i;
  std::vector<float> out(256);
  kernel.run(codes.data(), out.data(), 256);
  for (int code = 0; code < 256; ++code) {
    APFloat expected(format.semantics, llvm::APInt(8, code));
    if (expected.isNaN()) {
      EXPECT_TRUE(std::isnan(out[code])) << format.name << " code " << code;
      continue;
    }
    EXPECT_EQ(out[code], expected.convertToFloat())
        << format.name << " code " << code;
  }
}

TEST(FloatRounding, WidenEveryE4M3Code) { checkWidening(kE4M3); }
TEST(FloatRounding, WidenEveryE5M2Code) { checkWidening(kE5M2); }

/// f32 inputs that probe a format: every exactly representable value, the
/// midpoints between neighbours (ties) and their f32 neighbours, beyond the
/// largest finite value, f32's extremes, infinities and NaN.
std::vector<float> probes(const Format &format) {
  std::vector<float> values;
  unsigned bits = format.bytes * 8;
  std::vector<float> finite;
  for (uint32_t code = 0; code < (1u << (bits - 1)); ++code) {
    APFloat value(format.semantics, llvm::APInt(bits, code));
    if (value.isFinite())
      finite.push_back(value.convertToFloat());
  }
  std::sort(finite.begin(), finite.end());
  // For 16-bit formats take every 61st pair of neighbours (all ties would be
  // 64k per sign); every pair for f8.
  size_t stride = bits == 8 ? 1 : 61;
  for (size_t i = 0; i + 1 < finite.size(); i += stride) {
    float low = finite[i], high = finite[i + 1];
    float middle = low + (high - low) / 2; // exact in f32
    for (float v : {low, middle, std::nextafter(middle, 0.0f),
                    std::nextafter(middle, INFINITY)})
      values.push_back(v);
  }
  float largest = finite.back();
  for (float v : {largest, largest * 1.0001f, largest * 1.5f, largest * 2.0f,
                  65504.0f, 1e30f, 3.4e38f, 1e-45f, 1e-40f, 1e-30f, 0.0f})
    values.push_back(v);
  size_t positives = values.size();
  for (size_t i = 0; i < positives; ++i)
    values.push_back(-values[i]);
  values.push_back(INFINITY);
  values.push_back(-INFINITY);
  values.push_back(NAN);
  values.push_back(-NAN);
  return values;
}

/// The bits APFloat rounds `value` to, saturating if asked.
uint32_t expectedBits(const Format &format, float value, bool saturate) {
  APFloat rounded(value);
  bool losesInfo;
  rounded.convert(format.semantics, APFloat::rmNearestTiesToEven, &losesInfo);
  if (saturate && !std::isnan(value) &&
      (rounded.isInfinity() || rounded.isNaN()))
    rounded = APFloat::getLargest(format.semantics, value < 0);
  return rounded.bitcastToAPInt().getZExtValue();
}

void checkRounding(const Format &format, bool saturate) {
  std::vector<float> inputs = probes(format);
  int64_t count = inputs.size();
  CastKernel kernel("f32", format.name, count, saturate ? "saturate" : "");
  ASSERT_TRUE(kernel.ok());
  std::vector<uint8_t> out(count * format.bytes);
  kernel.run(inputs.data(), out.data(), count);
  unsigned bits = format.bytes * 8;
  for (int64_t i = 0; i < count; ++i) {
    uint32_t actual = 0;
    std::memcpy(&actual, out.data() + i * format.bytes, format.bytes);
    uint32_t expected = expectedBits(format, inputs[i], saturate);
    APFloat expectedValue(format.semantics, llvm::APInt(bits, expected));
    if (expectedValue.isNaN()) {
      APFloat actualValue(format.semantics, llvm::APInt(bits, actual));
      EXPECT_TRUE(actualValue.isNaN())
          << format.name << " of " << inputs[i] << " should be NaN";
      continue;
    }
    EXPECT_EQ(actual, expected)
        << format.name << (saturate ? " (saturating)" : "") << " of "
        << llvm::formatv("{0:e9}", inputs[i]).str();
  }
}

/// f32 -> f8 -> f32 as one kernel (lowered to a rounding onto the f8 grid
/// without the f8 code): the values APFloat's rounding and widening give.
void checkRoundTrip(const Format &format, bool saturate) {
  std::vector<float> inputs = probes(format);
  int64_t count = inputs.size();
  CastKernel kernel("f32", "f32", count, saturate ? "saturate" : "",
                    /*seeded=*/false, format.name);
  ASSERT_TRUE(kernel.ok());
  std::vector<float> out(count);
  kernel.run(inputs.data(), out.data(), count);
  unsigned bits = format.bytes * 8;
  for (int64_t i = 0; i < count; ++i) {
    APFloat expected(
        format.semantics,
        llvm::APInt(bits, expectedBits(format, inputs[i], saturate)));
    if (expected.isNaN()) {
      EXPECT_TRUE(std::isnan(out[i]))
          << format.name << " round trip of " << inputs[i] << " should be NaN";
      continue;
    }
    float value = expected.convertToFloat();
    EXPECT_EQ(out[i], value)
        << format.name << (saturate ? " (saturating)" : "") << " round trip of "
        << llvm::formatv("{0:e9}", inputs[i]).str();
    EXPECT_EQ(std::signbit(out[i]), std::signbit(value))
        << format.name << " round trip of " << inputs[i];
  }
}

TEST(FloatRounding, RoundTripE4M3) { checkRoundTrip(kE4M3, false); }
TEST(FloatRounding, RoundTripE4M3Saturating) { checkRoundTrip(kE4M3, true); }
TEST(FloatRounding, RoundTripE5M2) { checkRoundTrip(kE5M2, false); }
TEST(FloatRounding, RoundTripE5M2Saturating) { checkRoundTrip(kE5M2, true); }

TEST(FloatRounding, RoundToE4M3) { checkRounding(kE4M3, false); }
TEST(FloatRounding, RoundToE4M3Saturating) { checkRounding(kE4M3, true); }
TEST(FloatRounding, RoundToE5M2) { checkRounding(kE5M2, false); }
TEST(FloatRounding, RoundToE5M2Saturating) { checkRounding(kE5M2, true); }
TEST(FloatRounding, RoundToF16) { checkRounding(kF16, false); }
TEST(FloatRounding, RoundToF16Saturating) { checkRounding(kF16, true); }
TEST(FloatRounding, RoundToBF16) { checkRounding(kBF16, false); }

/// Stochastic rounding: every result is one of the two neighbours, the mean
/// is the value (unbiased), and a seed reproduces the draws.
void checkStochastic(const Format &format, float value) {
  constexpr int64_t kCount = 1 << 14;
  CastKernel round("f32", format.name, kCount, "rounding stochastic seed %seed",
                   /*seeded=*/true);
  CastKernel widen(format.name, "f32", kCount);
  ASSERT_TRUE(round.ok());
  ASSERT_TRUE(widen.ok());
  std::vector<float> in(kCount, value), back(kCount), back2(kCount);
  std::vector<uint8_t> out(kCount * format.bytes), out2(kCount * format.bytes);

  bool losesInfo;
  APFloat down(value), up(value);
  down.convert(format.semantics, APFloat::rmTowardNegative, &losesInfo);
  up.convert(format.semantics, APFloat::rmTowardPositive, &losesInfo);
  double low = down.convertToDouble(), high = up.convertToDouble();
  ASSERT_LT(low, high) << "probe a value between two neighbours";

  auto widenAll = [&](std::vector<uint8_t> &codes, std::vector<float> &f) {
    if (format.bytes == 1) {
      widen.run(codes.data(), f.data(), kCount);
      return;
    }
    for (int64_t i = 0; i < kCount; ++i) {
      uint16_t bits;
      std::memcpy(&bits, codes.data() + 2 * i, 2);
      f[i] = APFloat(format.semantics, llvm::APInt(16, bits)).convertToFloat();
    }
  };
  round.run(in.data(), out.data(), kCount, /*seed=*/42);
  widenAll(out, back);
  double sum = 0;
  for (float v : back) {
    ASSERT_TRUE(v == low || v == high)
        << v << " is not a neighbour of " << value;
    sum += v;
  }
  double mean = sum / kCount;
  double p = (value - low) / (high - low);
  double sigma = (high - low) * std::sqrt(p * (1 - p) / kCount);
  EXPECT_NEAR(mean, value, 5 * sigma) << format.name;

  round.run(in.data(), out2.data(), kCount, /*seed=*/42);
  EXPECT_EQ(out, out2) << "the same seed draws the same rounding";
  round.run(in.data(), out2.data(), kCount, /*seed=*/43);
  EXPECT_NE(out, out2) << "another seed draws another rounding";
}

TEST(FloatRounding, StochasticE4M3) { checkStochastic(kE4M3, 0.3f); }
TEST(FloatRounding, StochasticE5M2) { checkStochastic(kE5M2, -1.7f); }
TEST(FloatRounding, StochasticBF16) { checkStochastic(kBF16, 1.0f + 0x1p-10f); }
TEST(FloatRounding, StochasticF16Subnormal) {
  checkStochastic(kF16, 0x1.4p-24f); // between the two smallest subnormals
}

} // namespace

namespace {

/// The runtime converts samples and parameters on the host with its own
/// copy of the rounding; it must agree with APFloat (and so with the kernels).
void checkRuntimeRounding(const Format &format, dps::rt::Precision precision,
                          bool saturate) {
  std::vector<float> inputs = probes(format);
  std::vector<uint8_t> out(inputs.size() * format.bytes);
  dps::rt::narrow(inputs.data(), inputs.size(), precision, out.data(),
                  saturate);
  unsigned bits = format.bytes * 8;
  for (size_t i = 0; i < inputs.size(); ++i) {
    uint32_t actual = 0;
    std::memcpy(&actual, out.data() + i * format.bytes, format.bytes);
    uint32_t expected = expectedBits(format, inputs[i], saturate);
    APFloat expectedValue(format.semantics, llvm::APInt(bits, expected));
    if (expectedValue.isNaN()) {
      EXPECT_TRUE(APFloat(format.semantics, llvm::APInt(bits, actual)).isNaN());
      continue;
    }
    EXPECT_EQ(actual, expected)
        << "runtime " << format.name << " of " << inputs[i];
    // ... and widening gives APFloat's value back.
    float widened;
    dps::rt::widen(out.data() + i * format.bytes, 1, precision, &widened);
    EXPECT_EQ(widened, expectedValue.convertToFloat());
  }
}

TEST(RuntimeRounding, MatchesAPFloat) {
  using dps::rt::Precision;
  for (bool saturate : {false, true}) {
    checkRuntimeRounding(kE4M3, Precision::F8E4M3FN, saturate);
    checkRuntimeRounding(kE5M2, Precision::F8E5M2, saturate);
    checkRuntimeRounding(kF16, Precision::F16, saturate);
    checkRuntimeRounding(kBF16, Precision::BF16, saturate);
  }
}

} // namespace
