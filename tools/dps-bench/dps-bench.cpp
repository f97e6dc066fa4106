//===- dps-bench.cpp - time dps's matmul and convolution kernels ----------===//
//
// Compiles single contractions through dps's lowering, checks the first
// call's result against an f64 reference (a wrong kernel is an error, not a
// figure) and prints, per case and precision, one JSON line: {"op",
// "shape", "precision", "ms", "gflops"}.
// bench/cpu.sh sets these next to torch's at the same shapes.
//
//   dps-bench matmul:128x784x256 matmul:784x128x256:lhs matmul:128x256x784:rhs
//             conv:128x28x28x1x16 --precision f32,bf16
//
// matmul:MxKxN[:lhs|:rhs] is C[MxN] += A[MxK] B[KxN] with A given as KxM
// (lhs) or B as NxK (rhs); conv:NxHxWxCINxCOUT is a 3x3 convolution with
// padding 1 over NHWC input.
//
//===----------------------------------------------------------------------===//
#include "dps/InitAllDPS.h"
#include "dps/Testing/KernelBench.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/WithColor.h"

namespace cl = llvm::cl;
using namespace mlir;

namespace {

std::optional<std::vector<int64_t>> parseDims(llvm::StringRef text,
                                              size_t count) {
  llvm::SmallVector<llvm::StringRef> parts;
  text.split(parts, 'x');
  if (parts.size() != count)
    return std::nullopt;
  std::vector<int64_t> dims;
  for (llvm::StringRef part : parts) {
    int64_t d;
    if (part.getAsInteger(10, d) || d <= 0)
      return std::nullopt;
    dims.push_back(d);
  }
  return dims;
}

int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "dps-bench") << message << "\n";
  return 1;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::list<std::string> cases(cl::Positional, cl::desc("<case>..."),
                              cl::OneOrMore);
  cl::opt<std::string> precisions("precision",
                                  cl::desc("Comma-separated precisions"),
                                  cl::init("f32,bf16"));
  cl::opt<int> repeats("repeats", cl::desc("Timed repetitions (median)"),
                       cl::init(9));
  cl::opt<int> bf16Dot("bf16-dot",
                       cl::desc("vdpbf16ps for bf16 kernels: 1 on, 0 off, -1 "
                                "whatever the host supports"),
                       cl::init(-1));
  cl::opt<int> transposeBlock(
      "transpose-block",
      cl::desc("Register blocks of transposed operands: 16, 8 (AVX2's 8 x 8 "
               "f32 blocks), or 0 for the host's default"),
      cl::init(0));
  cl::ParseCommandLineOptions(argc, argv, "dps kernel benchmark\n");
  dps::BenchOptions options;
  options.repeats = repeats;
  options.bf16Dot = bf16Dot;
  options.transposeBlock = transposeBlock;

  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  dps::registerAllDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();

  llvm::SmallVector<llvm::StringRef> precisionList;
  llvm::StringRef(precisions).split(precisionList, ',');
  for (const std::string &text : cases) {
    auto [op, rest] = llvm::StringRef(text).split(':');
    auto [shape, variant] = rest.split(':');
    for (llvm::StringRef precision : precisionList) {
      if (precision != "f32" && precision != "bf16" && precision != "f16")
        return fail("unsupported precision '" + precision +
                    "' (f32, bf16, f16)");
      llvm::Expected<dps::BenchTiming> timing =
          llvm::createStringError("unknown case '" + text +
                                  "' (matmul:MxKxN[:lhs|:rhs] or "
                                  "conv:NxHxWxCINxCOUT)");
      if (op == "matmul" &&
          (variant.empty() || variant == "lhs" || variant == "rhs")) {
        if (auto dims = parseDims(shape, 3)) {
          llvm::consumeError(timing.takeError());
          dps::MatmulCase c{(*dims)[0], (*dims)[1], (*dims)[2],
                            variant == "lhs", variant == "rhs"};
          timing = dps::benchMatmul(context, c, precision, options);
        }
      } else if (op == "conv" && variant.empty()) {
        if (auto dims = parseDims(shape, 5)) {
          llvm::consumeError(timing.takeError());
          dps::ConvCase c;
          c.batch = (*dims)[0];
          c.height = (*dims)[1];
          c.width = (*dims)[2];
          c.inChannels = (*dims)[3];
          c.outChannels = (*dims)[4];
          timing = dps::benchConv(context, c, precision, options);
        }
      }
      if (!timing)
        return fail(llvm::toString(timing.takeError()));
      llvm::outs() << llvm::formatv(
          "{{\"op\": \"{0}\", \"shape\": \"{1}\", \"precision\": \"{2}\", "
          "\"ms\": {3:F4}, \"gflops\": {4:F2}}\n",
          op, rest, precision, timing->medianSeconds * 1e3, timing->gflops);
      llvm::outs().flush();
    }
  }
  return 0;
}
