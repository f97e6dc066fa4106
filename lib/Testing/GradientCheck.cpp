//===- GradientCheck.cpp - numeric checks of compiled gradients ------------===//
#include "dps/Testing/GradientCheck.h"
#include "dps/Dialect/DPS/IR/DPSOps.h"
#include "dps/Dialect/DPS/Transforms/Passes.h"
#include "dps/Testing/TrainStepHarness.h"

#include "mlir/Pass/PassManager.h"
#include "llvm/Support/Format.h"

#include <cmath>
#include <limits>
#include <random>

using namespace mlir;
using namespace mlir::dps;

namespace {

int64_t elementCount(const std::vector<int64_t> &shape) {
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  return count;
}

/// The gradient kernel's buffers, by role, on top of the harness.
class GradKernel {
public:
  explicit GradKernel(TrainStepHarness &harness) : harness(harness) {
    for (const std::string &name :
         harness.names(KernelKind::grad, ArgRole::param))
      params.push_back(&harness.buffer(name));
    for (const std::string &name :
         harness.names(KernelKind::grad, ArgRole::grad_acc))
      accumulators.push_back(&harness.buffer(name));
    for (const KernelArg &arg : harness.kernel(KernelKind::grad).args) {
      if (arg.role == ArgRole::param)
        paramArgs.push_back(&arg);
      if (arg.role == ArgRole::input)
        input = &harness.buffer(arg.name);
      if (arg.role == ArgRole::label) {
        labels = &harness.buffer(arg.name);
        integerLabels = arg.elementType == "i32";
      }
      if (arg.role == ArgRole::losses)
        losses = &harness.buffer(arg.name);
    }
  }

  /// Runs the kernel on `rows` valid rows. The gradient sets hold NaN
  /// before: the kernel overwrites them, so a kernel that read them would
  /// fail every check.
  LogicalResult run(int64_t rows) {
    for (std::vector<float> *accumulator : accumulators)
      std::fill(accumulator->begin(), accumulator->end(), NAN);
    return harness.call(KernelKind::grad, rows);
  }

  /// Sum of the losses of the first `rows` rows, in double.
  double lossSum(int64_t rows) const {
    double sum = 0;
    for (int64_t r = 0; r < rows; ++r)
      sum += (*losses)[r];
    return sum;
  }

  TrainStepHarness &harness;
  std::vector<std::vector<float> *> params, accumulators;
  std::vector<const KernelArg *> paramArgs;
  std::vector<float> *input = nullptr, *labels = nullptr, *losses = nullptr;
  bool integerLabels = false;
};

double norm(llvm::ArrayRef<double> values) {
  double sum = 0;
  for (double v : values)
    sum += v * v;
  return std::sqrt(sum);
}

/// Norm-wise relative difference of two buffers.
double relativeDifference(llvm::ArrayRef<float> a, llvm::ArrayRef<float> b) {
  double diff = 0, na = 0, nb = 0;
  for (auto [x, y] : llvm::zip(a, b)) {
    diff += (double(x) - y) * (double(x) - y);
    na += double(x) * x;
    nb += double(y) * y;
  }
  double scale = std::max({std::sqrt(na), std::sqrt(nb), 1e-30});
  return std::sqrt(diff) / scale;
}

class GradientChecker {
public:
  GradientChecker(GradKernel &kernel, ModuleOp model, TrainStepOp step,
                  const GradientCheckOptions &options, llvm::raw_ostream &os)
      : kernel(kernel), model(model), step(step), options(options), os(os),
        rng(options.seed) {}

  LogicalResult run();

private:
  void fillInputs(int64_t rows);
  LogicalResult checkFiniteDifferences(int64_t rows, bool &ok);
  LogicalResult checkPaddingRows(int64_t rows, bool &ok);
  LogicalResult checkAccumulation(int64_t rows, bool &ok);

  GradKernel &kernel;
  ModuleOp model;
  TrainStepOp step;
  const GradientCheckOptions &options;
  llvm::raw_ostream &os;
  std::mt19937_64 rng;
};

void GradientChecker::fillInputs(int64_t batch) {
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  func::FuncOp forward = step.getForwardFunc();
  for (auto [ordinal, bufferPtr] : llvm::enumerate(kernel.params)) {
    std::vector<float> &buffer = *bufferPtr;
    const KernelArg &arg = *kernel.paramArgs[ordinal];
    if (auto values = forward.getArgAttrOfType<DenseElementsAttr>(
            ordinal + 1, DPSDialect::kParamAttrName)) {
      llvm::transform(values.getValues<float>(), buffer.begin(),
                      [](float v) { return v; });
      continue;
    }
    int64_t fanIn = arg.shape.size() > 1
                        ? elementCount(arg.shape) / arg.shape.back()
                        : 4;
    float scale = options.paramScale / std::sqrt(double(fanIn));
    for (float &v : buffer)
      v = unit(rng) * scale;
  }
  for (float &v : *kernel.input)
    v = unit(rng);
  std::vector<float> &labels = *kernel.labels;
  if (kernel.integerLabels) {
    // Classes: the logits' width, i.e. the last dimension of the forward's result.
    auto logits = cast<RankedTensorType>(
        forward.getFunctionType().getResult(0));
    std::uniform_int_distribution<int32_t> classes(
        0, logits.getDimSize(1) - 1);
    for (float &v : labels)
      v = bitsOf(classes(rng));
  } else {
    for (float &v : labels)
      v = unit(rng);
  }
  (void)batch;
}

LogicalResult GradientChecker::checkFiniteDifferences(int64_t rows,
                                                      bool &ok) {
  if (failed(kernel.run(rows)))
    return failure();
  std::vector<std::vector<float>> analytic;
  for (std::vector<float> *accumulator : kernel.accumulators)
    analytic.push_back(*accumulator);

  double h = options.stepSize;
  auto lossAt = [&](float &weight, double offset) -> FailureOr<double> {
    float saved = weight;
    weight = saved + offset;
    LogicalResult result = kernel.run(rows);
    weight = saved;
    if (failed(result))
      return failure();
    return kernel.lossSum(rows);
  };

  os << "finite differences (" << rows << " rows, h = " << h
     << ", Richardson from h and h/2):\n";
  for (auto [ordinal, weightsPtr] : llvm::enumerate(kernel.params)) {
    std::vector<float> &weights = *weightsPtr;
    const KernelArg &arg = *kernel.paramArgs[ordinal];
    std::vector<size_t> elements(weights.size());
    std::iota(elements.begin(), elements.end(), 0);
    if (elements.size() > options.maxElements) {
      std::shuffle(elements.begin(), elements.end(), rng);
      elements.resize(options.maxElements);
    }
    SmallVector<double> exact, numeric;
    unsigned kinks = 0;
    for (size_t e : elements) {
      double f[4];
      double offsets[4] = {h, -h, h / 2, -h / 2};
      for (int i = 0; i < 4; ++i) {
        FailureOr<double> value = lossAt(weights[e], offsets[i]);
        if (failed(value))
          return failure();
        f[i] = *value;
      }
      double coarse = (f[0] - f[1]) / (2 * h), fine = (f[2] - f[3]) / h;
      double a = analytic[ordinal][e];
      // A kink (ReLU at 0, a max-pool tie) inside the step makes the two
      // estimates disagree: the loss is not smooth there, skip the element.
      double scale = std::max({std::abs(coarse), std::abs(fine), 1e-3});
      if (std::abs(coarse - fine) > 0.05 * scale) {
        ++kinks;
        continue;
      }
      exact.push_back(a);
      numeric.push_back((4 * fine - coarse) / 3);
    }
    SmallVector<double> diff;
    for (auto [a, n] : llvm::zip(exact, numeric))
      diff.push_back(a - n);
    double error = norm(diff) / std::max({norm(exact), norm(numeric), 1e-12});
    bool tooManyKinks = kinks * 10 > elements.size();
    bool passed = error < options.tolerance && !tooManyKinks && !exact.empty();
    ok &= passed;
    os << llvm::format("  %-20s %6zu checked %3u non-smooth  rel. error %.3e  ",
                       arg.name.c_str(), exact.size(), kinks, error)
       << (passed ? "ok" : "FAIL") << "\n";
  }
  return success();
}

LogicalResult GradientChecker::checkPaddingRows(int64_t rows, bool &ok) {
  int64_t batch = step.getBatch();
  if (rows >= batch) {
    os << "padding rows: skipped (the batch is full)\n";
    return success();
  }
  std::vector<float> &input = *kernel.input;
  std::vector<float> &labels = *kernel.labels;
  size_t inputRow = input.size() / batch, labelRow = labels.size() / batch;
  std::vector<float> savedInput = input, savedLabels = labels;
  bool integerLabels = kernel.integerLabels;
  auto fillPadding = [&](float inputValue, float labelValue) {
    std::fill(input.begin() + rows * inputRow, input.end(), inputValue);
    std::fill(labels.begin() + rows * labelRow, labels.end(), labelValue);
  };
  auto snapshot = [&] {
    std::vector<std::vector<float>> outputs;
    for (std::vector<float> *accumulator : kernel.accumulators)
      outputs.push_back(*accumulator);
    outputs.push_back(*kernel.losses);
    return outputs;
  };
  // Garbage in the padding: NaN inputs, out-of-range labels, stale losses.
  float nan = std::numeric_limits<float>::quiet_NaN();
  fillPadding(nan, integerLabels ? bitsOf(-7) : nan);
  std::fill(kernel.losses->begin(), kernel.losses->end(), nan);
  if (failed(kernel.run(rows)))
    return failure();
  auto garbage = snapshot();
  fillPadding(0.0f, integerLabels ? bitsOf(0) : 0.0f);
  if (failed(kernel.run(rows)))
    return failure();
  auto clean = snapshot();
  input = savedInput;
  labels = savedLabels;

  bool identical = true;
  for (auto [a, b] : llvm::zip(garbage, clean))
    identical &= std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
  bool zeroTail = llvm::all_of(
      llvm::ArrayRef(garbage.back()).drop_front(rows),
      [](float v) { return v == 0.0f; });
  ok &= identical && zeroTail;
  os << "padding rows (" << rows << " of " << batch
     << " valid, NaN and bad labels past them): gradients and losses "
     << (identical ? "bit-identical to zero padding" : "DIFFER") << ", losses "
     << "past the valid rows " << (zeroTail ? "zero" : "NOT ZERO") << "  "
     << (identical && zeroTail ? "ok" : "FAIL") << "\n";
  return success();
}

LogicalResult GradientChecker::checkAccumulation(int64_t rows, bool &ok) {
  if (rows < 2) {
    os << "accumulation: skipped (fewer than 2 rows)\n";
    return success();
  }
  int64_t batch = step.getBatch();
  int64_t first = rows / 2, second = rows - first;
  std::vector<float> &input = *kernel.input;
  std::vector<float> &labels = *kernel.labels;
  size_t inputRow = input.size() / batch, labelRow = labels.size() / batch;
  std::vector<float> savedInput = input, savedLabels = labels;

  if (failed(kernel.run(rows)))
    return failure();
  std::vector<std::vector<float>> whole;
  for (std::vector<float> *accumulator : kernel.accumulators)
    whole.push_back(*accumulator);

  // The first half as one micro-batch, then the second half moved to the
  // front of the buffers as another; their gradients summed, as the update
  // sums the rungs' sets.
  if (failed(kernel.run(first)))
    return failure();
  std::vector<std::vector<float>> summed;
  for (std::vector<float> *accumulator : kernel.accumulators)
    summed.push_back(*accumulator);
  std::copy(savedInput.begin() + first * inputRow,
            savedInput.begin() + rows * inputRow, input.begin());
  std::copy(savedLabels.begin() + first * labelRow,
            savedLabels.begin() + rows * labelRow, labels.begin());
  if (failed(kernel.run(second)))
    return failure();
  for (auto [sum, accumulator] : llvm::zip(summed, kernel.accumulators))
    for (auto [total, value] : llvm::zip(sum, *accumulator))
      total += value;
  input = savedInput;
  labels = savedLabels;

  double worst = 0;
  for (auto [sum, expected] : llvm::zip(summed, whole))
    worst = std::max(worst, relativeDifference(sum, expected));
  bool passed = worst < 1e-5;
  ok &= passed;
  os << llvm::format("accumulation (gradients of %lld + %lld rows, summed, "
                     "vs %lld rows at once): rel. difference %.3e  ",
                     (long long)first, (long long)second, (long long)rows,
                     worst)
     << (passed ? "ok" : "FAIL") << "\n";
  return success();
}

LogicalResult GradientChecker::run() {
  int64_t batch = step.getBatch();
  int64_t rows = options.rows > 0 ? std::min(options.rows, batch) : batch;
  fillInputs(batch);
  bool ok = true;
  if (options.finiteDifferences && failed(checkFiniteDifferences(rows, ok)))
    return failure();
  if (options.paddingRows &&
      failed(checkPaddingRows(rows < batch ? rows : (batch + 1) / 2, ok)))
    return failure();
  if (options.accumulation && failed(checkAccumulation(rows, ok)))
    return failure();
  os << (ok ? "PASS" : "FAIL") << "\n";
  return success(ok);
}

} // namespace

LogicalResult mlir::dps::runGradientChecks(ModuleOp model,
                                           const GradientCheckOptions &options,
                                           llvm::raw_ostream &os) {
  FailureOr<std::unique_ptr<TrainStepHarness>> harness =
      TrainStepHarness::compile(model, options.step);
  if (failed(harness))
    return failure();
  GradKernel kernel(**harness);
  const KernelManifest &manifest = (*harness)->manifest();
  os << "gradient kernel " << (*harness)->kernel(KernelKind::grad).name
     << " of @" << manifest.trainStep << " (batch " << manifest.batch
     << ")\n";
  return GradientChecker(kernel, model, (*harness)->step(), options, os).run();
}
