//===- KernelBench.cpp - time single dps kernels --------------------------===//
#include "dps/Testing/KernelBench.h"

#include "dps/Conversion/Passes.h"
#include "dps/Dialect/DPS/Transforms/Passes.h"
#include "dps/JIT/JitModule.h"
#include "dps/Pipelines/Pipelines.h"
#include "dps/runtime/Precision.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <vector>

using namespace mlir;
using namespace mlir::dps;

namespace {

std::string tensorType(llvm::ArrayRef<int64_t> shape, llvm::StringRef element) {
  std::string text = "tensor<";
  for (int64_t d : shape)
    text += std::to_string(d) + "x";
  return text + element.str() + ">";
}

/// A buffer of `count` elements of `precision` holding small values
/// (0.5 + (i mod 97)/97), rounded as the sample store rounds.
std::vector<uint8_t> buffer(int64_t count, llvm::StringRef precision) {
  ::dps::rt::Precision p = *::dps::rt::parsePrecision(precision.str());
  std::vector<float> values(count);
  for (int64_t i = 0; i < count; ++i)
    values[i] = 0.5f + float(i % 97) / 97.0f;
  std::vector<uint8_t> bytes(count * ::dps::rt::bytesPerElement(p));
  ::dps::rt::narrow(values.data(), values.size(), p, bytes.data(),
                    /*saturate=*/true);
  return bytes;
}

struct Operand {
  std::vector<int64_t> shape;
  std::vector<uint8_t> data;
};

/// The f32 values of an operand at `precision`.
std::vector<float> valuesOf(const Operand &operand, llvm::StringRef precision) {
  ::dps::rt::Precision p = *::dps::rt::parsePrecision(precision.str());
  std::vector<float> values(operand.data.size() /
                            ::dps::rt::bytesPerElement(p));
  ::dps::rt::widen(operand.data.data(), values.size(), p, values.data());
  return values;
}

/// What a kernel's in-place result must hold: each element's exact value
/// (f64 sums of the operands' values) and the sum of its terms' magnitudes,
/// which bounds the error of any order of f32 sums.
struct Expected {
  std::vector<double> value, magnitude;

  /// Each element starting from its in-place accumulator's value.
  explicit Expected(const std::vector<float> &start)
      : value(start.begin(), start.end()) {
    for (float v : start)
      magnitude.push_back(std::fabs(v));
  }
  void add(size_t at, double term) {
    value[at] += term;
    magnitude[at] += std::fabs(term);
  }
};

/// Checks the kernel's first call against `expected`: its result, rounded to
/// `precision`, within the precision's rounding plus f32 summation error of
/// the terms' magnitudes. A benchmark of a wrong kernel fails instead of
/// timing it.
llvm::Error checkResult(const Operand &result, llvm::StringRef precision,
                        const Expected &expected) {
  std::vector<float> got = valuesOf(result, precision);
  double tolerance = precision == "bf16"  ? 0x1p-7
                     : precision == "f16" ? 0x1p-10
                                          : 0x1p-16;
  for (size_t i = 0; i < got.size(); ++i) {
    double error = std::fabs(double(got[i]) - expected.value[i]);
    if (!(error <= tolerance * expected.magnitude[i]))
      return llvm::createStringError(llvm::formatv(
          "the {0} kernel computes element {1} of its result as {2}, "
          "expected {3} (error {4:e}, tolerance {5:e})",
          precision, i, got[i], expected.value[i], error,
          tolerance * expected.magnitude[i]));
  }
  return llvm::Error::success();
}

llvm::Expected<BenchTiming> time(MLIRContext &ctx, const std::string &text,
                                 std::vector<Operand> operands,
                                 llvm::StringRef precision,
                                 const Expected &expected, double flops,
                                 const BenchOptions &options) {
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(text, &ctx);
  if (!module)
    return llvm::createStringError("cannot parse the benchmark kernel:\n" +
                                   text);
  PassManager pm(&ctx);
  pm.addPass(createConvertDPSToLinalg());
  pm.addPass(createDPSFinalizeKernels());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  LowerToLLVMOptions pipeline;
  if (options.bf16Dot >= 0)
    pipeline.bf16Dot = options.bf16Dot == 1;
  if (options.transposeBlock)
    pipeline.transposeBlock = options.transposeBlock;
  buildKernelCodegenPipeline(pm, pipeline);
  if (failed(pm.run(*module)))
    return llvm::createStringError("cannot lower the benchmark kernel:\n" +
                                   text);
  auto jit = ::dps::JitModule::compile(*module);
  if (!jit)
    return jit.takeError();

  ::dps::KernelArguments args;
  for (Operand &operand : operands)
    args.memref(operand.data.data(), operand.shape);
  auto call = [&]() { return (*jit)->call("bench", args); };
  if (llvm::Error e = call())
    return std::move(e);
  if (llvm::Error e = checkResult(operands.back(), precision, expected))
    return std::move(e);
  for (int i = 0; i < 3; ++i)
    if (llvm::Error e = call())
      return std::move(e);

  using Clock = std::chrono::steady_clock;
  std::vector<double> perCall;
  for (int r = 0; r < options.repeats; ++r) {
    int64_t calls = 0;
    auto start = Clock::now();
    double elapsed = 0;
    do {
      if (llvm::Error e = call())
        return std::move(e);
      ++calls;
      elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (elapsed < options.minSeconds);
    perCall.push_back(elapsed / double(calls));
  }
  std::nth_element(perCall.begin(), perCall.begin() + perCall.size() / 2,
                   perCall.end());
  BenchTiming timing;
  timing.medianSeconds = perCall[perCall.size() / 2];
  timing.gflops = flops / timing.medianSeconds * 1e-9;
  timing.kernelText = text;
  return timing;
}

} // namespace

llvm::Expected<BenchTiming>
mlir::dps::benchMatmul(MLIRContext &ctx, const MatmulCase &c,
                       llvm::StringRef precision, const BenchOptions &options) {
  std::vector<int64_t> a = c.transposeLhs ? std::vector<int64_t>{c.k, c.m}
                                          : std::vector<int64_t>{c.m, c.k};
  std::vector<int64_t> b = c.transposeRhs ? std::vector<int64_t>{c.n, c.k}
                                          : std::vector<int64_t>{c.k, c.n};
  std::vector<int64_t> out = {c.m, c.n};
  std::string text = llvm::formatv(
      "func.func @bench(%a: {0}, %b: {1}, %c: {2}) -> {2} attributes "
      "{{dps.kernel = #dps.kernel<grad>} {\n"
      "  %p = dps.matmul %a, %b{3}{4} : {0}, {1}\n"
      "  %r = dps.add %c, %p : {2}\n"
      "  return %r : {2}\n}\n",
      tensorType(a, precision), tensorType(b, precision),
      tensorType(out, precision), c.transposeLhs ? " transpose_lhs" : "",
      c.transposeRhs ? " transpose_rhs" : "");
  std::vector<Operand> operands = {{a, buffer(a[0] * a[1], precision)},
                                   {b, buffer(b[0] * b[1], precision)},
                                   {out, buffer(out[0] * out[1], precision)}};
  std::vector<float> av = valuesOf(operands[0], precision),
                     bv = valuesOf(operands[1], precision);
  Expected expected(valuesOf(operands[2], precision));
  for (int64_t i = 0; i < c.m; ++i)
    for (int64_t kk = 0; kk < c.k; ++kk) {
      double x = c.transposeLhs ? av[kk * c.m + i] : av[i * c.k + kk];
      for (int64_t j = 0; j < c.n; ++j) {
        expected.add(i * c.n + j, x * (c.transposeRhs ? bv[j * c.k + kk]
                                                      : bv[kk * c.n + j]));
      }
    }
  return time(ctx, text, std::move(operands), precision, expected,
              2.0 * c.m * c.n * c.k, options);
}

llvm::Expected<BenchTiming> mlir::dps::benchConv(MLIRContext &ctx,
                                                 const ConvCase &c,
                                                 llvm::StringRef precision,
                                                 const BenchOptions &options) {
  int64_t outH = c.height + 2 * c.padding - c.kernel + 1;
  int64_t outW = c.width + 2 * c.padding - c.kernel + 1;
  std::vector<int64_t> x = {c.batch, c.height, c.width, c.inChannels};
  std::vector<int64_t> f = {c.kernel, c.kernel, c.inChannels, c.outChannels};
  std::vector<int64_t> y = {c.batch, outH, outW, c.outChannels};
  std::string text = llvm::formatv(
      "func.func @bench(%x: {0}, %f: {1}, %y: {2}) -> {2} attributes "
      "{{dps.kernel = #dps.kernel<grad>} {\n"
      "  %c = dps.conv2d %x, %f padding = [{3}, {3}, {3}, {3}] : {0}, {1}\n"
      "  %r = dps.add %y, %c : {2}\n"
      "  return %r : {2}\n}\n",
      tensorType(x, precision), tensorType(f, precision),
      tensorType(y, precision), c.padding);
  std::vector<Operand> operands = {
      {x, buffer(x[0] * x[1] * x[2] * x[3], precision)},
      {f, buffer(f[0] * f[1] * f[2] * f[3], precision)},
      {y, buffer(y[0] * y[1] * y[2] * y[3], precision)}};
  std::vector<float> xv = valuesOf(operands[0], precision),
                     fv = valuesOf(operands[1], precision);
  Expected expected(valuesOf(operands[2], precision));
  for (int64_t b = 0; b < c.batch; ++b)
    for (int64_t oh = 0; oh < outH; ++oh)
      for (int64_t ow = 0; ow < outW; ++ow)
        for (int64_t kh = 0; kh < c.kernel; ++kh)
          for (int64_t kw = 0; kw < c.kernel; ++kw) {
            int64_t ih = oh + kh - c.padding, iw = ow + kw - c.padding;
            if (ih < 0 || ih >= c.height || iw < 0 || iw >= c.width)
              continue;
            const float *in =
                &xv[((b * c.height + ih) * c.width + iw) * c.inChannels];
            const float *filter =
                &fv[(kh * c.kernel + kw) * c.inChannels * c.outChannels];
            size_t at = ((b * outH + oh) * outW + ow) * c.outChannels;
            for (int64_t ci = 0; ci < c.inChannels; ++ci)
              for (int64_t co = 0; co < c.outChannels; ++co)
                expected.add(at + co,
                             double(in[ci]) * filter[ci * c.outChannels + co]);
          }
  double flops = 2.0 * c.batch * outH * outW * c.outChannels * c.inChannels *
                 c.kernel * c.kernel;
  return time(ctx, text, std::move(operands), precision, expected, flops,
              options);
}
