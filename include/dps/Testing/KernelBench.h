//===- KernelBench.h - time single dps kernels ------------------*- C++ -*-===//
//
// Compiles one dps op (a matmul or a 2-D convolution) at a precision through
// the same lowering the train-step kernels take and times it in process, so
// that bench/ can put dps's contractions next to torch.matmul and
// torch.nn.functional.conv2d at the models' shapes.
//
//===----------------------------------------------------------------------===//
#ifndef DPS_TESTING_KERNELBENCH_H
#define DPS_TESTING_KERNELBENCH_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

namespace mlir {
class MLIRContext;
namespace dps {

/// C[m, n] += op(A)[m, k] * op(B)[k, n]; A is k x m when transposeLhs, B is
/// n x k when transposeRhs (the backward pass's X^T * G and G * W^T).
struct MatmulCase {
  int64_t m = 0, k = 0, n = 0;
  bool transposeLhs = false, transposeRhs = false;
};

/// Y += conv2d(X, F) (NHWC, HWIO filters, stride 1, `padding` on each side).
struct ConvCase {
  int64_t batch = 0, height = 0, width = 0, inChannels = 0, outChannels = 0;
  int64_t kernel = 3, padding = 1;
};

struct BenchTiming {
  double medianSeconds = 0; // one call
  double gflops = 0;        // 2 * multiply-adds / medianSeconds
  std::string kernelText;   // the dps kernel timed
};

struct BenchOptions {
  int repeats = 9;          // timed batches of calls; the median counts
  double minSeconds = 0.02; // each batch at least this long
  int bf16Dot = -1;         // vdpbf16ps for bf16: 1 on, 0 off, -1 the default
  int transposeBlock = 0;   // transposes' register blocks: 16, 8, 0 the default
};

/// Times the kernel at `precision` (f32, bf16, f16), after checking its first
/// call against an f64 reference: an error if any element is off by more
/// than the precision's rounding of the terms' magnitudes.
llvm::Expected<BenchTiming> benchMatmul(MLIRContext &ctx, const MatmulCase &c,
                                        llvm::StringRef precision,
                                        const BenchOptions &options = {});
llvm::Expected<BenchTiming> benchConv(MLIRContext &ctx, const ConvCase &c,
                                      llvm::StringRef precision,
                                      const BenchOptions &options = {});

} // namespace dps
} // namespace mlir

#endif // DPS_TESTING_KERNELBENCH_H
