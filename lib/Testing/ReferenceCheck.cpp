//===- ReferenceCheck.cpp - agreement with a PyTorch reference -------------===//
#include "dps/Testing/ReferenceCheck.h"
#include "dps/Testing/TrainStepHarness.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cmath>

using namespace mlir;
using namespace mlir::dps;

namespace {

/// Reads a JSON array of numbers into `out`; false if it is not one.
bool readNumbers(const llvm::json::Value *value, std::vector<double> &out) {
  const llvm::json::Array *array = value ? value->getAsArray() : nullptr;
  if (!array)
    return false;
  out.clear();
  for (const llvm::json::Value &element : *array) {
    std::optional<double> number = element.getAsNumber();
    if (!number)
      return false;
    out.push_back(*number);
  }
  return true;
}

/// Largest |a - b| / (atol + rtol |b|) over the elements: <= 1 passes.
double worstRatio(llvm::ArrayRef<float> actual, llvm::ArrayRef<double> expected,
                  const ReferenceCheckOptions &options) {
  double worst = 0;
  for (auto [a, b] : llvm::zip(actual, expected)) {
    if (std::isnan(a))
      return INFINITY;
    worst = std::max(worst, std::abs(a - b) /
                                (options.atol + options.rtol * std::abs(b)));
  }
  return worst;
}

} // namespace

LogicalResult mlir::dps::runReferenceCheck(ModuleOp model,
                                           llvm::StringRef fixturePath,
                                           const ReferenceCheckOptions &options,
                                           llvm::raw_ostream &os) {
  auto fail = [&](const llvm::Twine &message) {
    return emitError(model.getLoc()) << fixturePath << ": " << message;
  };
  auto file = llvm::MemoryBuffer::getFile(fixturePath);
  if (!file)
    return fail("cannot read: " + file.getError().message());
  llvm::Expected<llvm::json::Value> json =
      llvm::json::parse((*file)->getBuffer());
  if (!json)
    return fail("not JSON: " + llvm::toString(json.takeError()));
  const llvm::json::Object *root = json->getAsObject();
  const llvm::json::Object *initial =
      root ? root->getObject("initial") : nullptr;
  const llvm::json::Object *final = root ? root->getObject("final") : nullptr;
  const llvm::json::Array *batches = root ? root->getArray("batches") : nullptr;
  const llvm::json::Array *losses = root ? root->getArray("losses") : nullptr;
  std::optional<int64_t> steps = root ? root->getInteger("steps") : std::nullopt;
  if (!initial || !final || !batches || !losses || !steps ||
      batches->size() != losses->size())
    return fail("expected {steps, initial, batches, losses, final}");

  FailureOr<std::unique_ptr<TrainStepHarness>> compiled =
      TrainStepHarness::compile(model, options.step);
  if (failed(compiled))
    return failure();
  TrainStepHarness &harness = **compiled;
  int64_t batch = harness.manifest().batch;

  std::vector<double> values;
  std::vector<std::string> params =
      harness.names(KernelKind::update, ArgRole::param);
  for (const std::string &name : params) {
    std::vector<float> &buffer = harness.buffer(name);
    if (!readNumbers(initial->get(name), values) ||
        values.size() != buffer.size())
      return fail("no initial value of " + name + " with " +
                  llvm::Twine(buffer.size()) + " elements");
    std::copy(values.begin(), values.end(), buffer.begin());
  }
  // The gradient sets need no clearing: the f32 kernel overwrites its own,
  // the other rungs' stay zero.
  for (const std::string &name :
       harness.names(KernelKind::update, ArgRole::opt_state))
    std::fill(harness.buffer(name).begin(), harness.buffer(name).end(), 0.f);

  std::vector<float> &input = harness.buffer("input");
  std::vector<float> &labels = harness.buffer("label");
  std::vector<float> &stepLosses = harness.buffer("losses");
  double worstLoss = 0, evalDifference = 0;
  for (auto [index, batchValue] : llvm::enumerate(*batches)) {
    const llvm::json::Object *object = batchValue.getAsObject();
    std::vector<double> x, y;
    if (!object || !readNumbers(object->get("input"), x) ||
        !readNumbers(object->get("labels"), y) || y.empty() ||
        static_cast<int64_t>(y.size()) > batch ||
        x.size() != y.size() * (input.size() / batch))
      return fail("batch " + llvm::Twine(index) + " does not fit the model");
    int64_t rows = y.size();
    std::fill(input.begin(), input.end(), 0.f);
    std::copy(x.begin(), x.end(), input.begin());
    for (auto [i, label] : llvm::enumerate(y))
      labels[i] = bitsOf(static_cast<int32_t>(label));

    if (failed(harness.call(KernelKind::grad, rows)))
      return failure();
    std::vector<double> expectedLosses;
    if (!readNumbers(&(*losses)[index], expectedLosses) ||
        static_cast<int64_t>(expectedLosses.size()) != rows)
      return fail("losses of step " + llvm::Twine(index) + " do not fit");
    worstLoss = std::max(
        worstLoss, worstRatio(llvm::ArrayRef(stepLosses).take_front(rows),
                              expectedLosses, options));
    if (index == 0) {
      // The eval kernel on the same weights and batch gives the same losses.
      std::vector<float> gradLosses(stepLosses.begin(),
                                    stepLosses.begin() + rows);
      if (failed(harness.call(KernelKind::eval, rows)))
        return failure();
      for (auto [a, b] : llvm::zip(gradLosses, stepLosses))
        evalDifference = std::max(evalDifference, double(std::abs(a - b)));
    }
    if (failed(harness.call(KernelKind::update, rows, index, *steps)))
      return failure();
  }

  bool ok = worstLoss <= 1.0 && evalDifference == 0.0;
  os << llvm::format("per-sample losses of %zu steps: worst |a - b| / "
                     "(%g + %g |b|) = %.3f  ",
                     batches->size(), options.atol, options.rtol, worstLoss)
     << (worstLoss <= 1.0 ? "ok" : "FAIL") << "\n";
  os << llvm::format("eval losses vs grad losses (step 0): max |a - b| = %g  ",
                     evalDifference)
     << (evalDifference == 0.0 ? "ok" : "FAIL") << "\n";
  for (const std::string &name : params) {
    if (!readNumbers(final->get(name), values) ||
        values.size() != harness.buffer(name).size())
      return fail("no final value of " + name);
    double worst = worstRatio(harness.buffer(name), values, options);
    ok &= worst <= 1.0;
    os << llvm::format("  %-16s after %lld steps: worst ratio %.3f  ",
                       name.c_str(), (long long)*steps, worst)
       << (worst <= 1.0 ? "ok" : "FAIL") << "\n";
  }
  os << (ok ? "PASS" : "FAIL") << "\n";
  return success(ok);
}
