//===- RungCheck.cpp - low-precision kernels against the f32 one -----------===//
#include "dps/Testing/RungCheck.h"
#include "dps/Testing/TrainStepHarness.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/Support/Format.h"

#include <cmath>
#include <random>

using namespace mlir;
using namespace mlir::dps;

namespace {

/// f32 values rounded to a narrow format, little-endian bytes.
void narrowInto(llvm::ArrayRef<float> values, const llvm::fltSemantics &sem,
                std::vector<uint8_t> &out) {
  unsigned bytes = llvm::APFloat::semanticsSizeInBits(sem) / 8;
  for (auto [i, v] : llvm::enumerate(values)) {
    llvm::APFloat value(v);
    bool losesInfo;
    value.convert(sem, llvm::APFloat::rmNearestTiesToEven, &losesInfo);
    uint64_t bits = value.bitcastToAPInt().getZExtValue();
    std::memcpy(out.data() + i * bytes, &bits, bytes);
  }
}

double cosine(llvm::ArrayRef<float> a, llvm::ArrayRef<float> b) {
  double dot = 0, na = 0, nb = 0;
  for (auto [x, y] : llvm::zip(a, b)) {
    dot += double(x) * y;
    na += double(x) * x;
    nb += double(y) * y;
  }
  return dot / std::max(std::sqrt(na) * std::sqrt(nb), 1e-300);
}

} // namespace

LogicalResult mlir::dps::runRungChecks(ModuleOp model,
                                       const RungCheckOptions &options,
                                       llvm::raw_ostream &os) {
  FailureOr<std::unique_ptr<TrainStepHarness>> compiled =
      TrainStepHarness::compile(model, options.step);
  if (failed(compiled))
    return failure();
  TrainStepHarness &h = **compiled;
  const KernelManifest &manifest = h.manifest();
  int64_t batch = manifest.batch;
  int64_t rows = options.rows > 0 ? std::min(options.rows, batch) : batch;
  if (manifest.ladder.empty() || manifest.ladder.front() != "f32")
    return emitError(model.getLoc())
           << "rung checks compare against the f32 rung; the ladder has none";

  // Weights like a trained network's (he-uniform), images in [0, 1).
  std::mt19937_64 rng(options.seed);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  std::vector<std::string> params =
      h.names(KernelKind::grad, ArgRole::param, "f32");
  for (const std::string &name : params) {
    std::vector<float> &w = h.buffer(name);
    const KernelArg *arg = nullptr;
    for (const KernelArg &a : h.kernel(KernelKind::grad, "f32").args)
      if (a.name == name)
        arg = &a;
    int64_t fanIn = 1;
    for (size_t d = 0; d + 1 < arg->shape.size(); ++d)
      fanIn *= arg->shape[d];
    float limit = arg->shape.size() > 1 ? std::sqrt(6.0f / fanIn) : 0.1f;
    for (float &v : w)
      v = (2 * unit(rng) - 1) * limit;
  }
  std::vector<float> &input = h.buffer("input");
  for (float &v : input)
    v = unit(rng);
  std::vector<float> &labels = h.buffer("label");
  int64_t classes = h.kernel(KernelKind::eval).args.back().shape.empty()
                        ? 10
                        : 10;
  {
    // Classes: the width of the last layer, from the last parameter's shape.
    const KernelArg &last = *std::find_if(
        h.kernel(KernelKind::grad, "f32").args.rbegin(),
        h.kernel(KernelKind::grad, "f32").args.rend(),
        [](const KernelArg &a) { return a.role == ArgRole::param; });
    classes = last.shape.back();
  }
  std::uniform_int_distribution<int32_t> label(0, classes - 1);
  for (float &v : labels)
    v = bitsOf(label(rng));

  auto snapshot = [&](llvm::StringRef precision) {
    std::vector<std::vector<float>> grads;
    for (const std::string &name :
         h.names(KernelKind::grad, ArgRole::grad_acc, precision))
      grads.push_back(h.floats(name));
    return grads;
  };
  auto lossSum = [&] {
    double sum = 0;
    for (int64_t r = 0; r < rows; ++r)
      sum += h.buffer("losses")[r];
    return sum;
  };

  if (failed(h.call(KernelKind::grad, rows, 0, 1, "f32")))
    return failure();
  double referenceLoss = lossSum();
  auto reference = snapshot("f32");
  os << llvm::format("f32: summed loss %.6f over %lld rows\n", referenceLoss,
                     (long long)rows);

  bool ok = true;
  for (const std::string &rung : manifest.ladder) {
    if (rung == "f32")
      continue;
    const llvm::fltSemantics *sem = semanticsOf(rung);
    if (!sem)
      return emitError(model.getLoc()) << "unknown rung " << rung;
    if (failed(h.call(KernelKind::refresh, rows, 0, 1, rung)))
      return failure();
    narrowInto(input, *sem, h.narrowBuffer(rung + "/input"));
    bool isF8 = llvm::StringRef(rung).starts_with("f8");
    if (isF8)
      std::fill(h.buffer(rung + "/amax.scaling").begin(),
                h.buffer(rung + "/amax.scaling").end(), 0.0f);
    if (rung == "f16")
      h.setScalar("f16/loss_scale", 1024.0f);
    if (failed(h.call(KernelKind::grad, rows, 0, 1, rung)))
      return failure();
    double loss = lossSum();
    double lossError = std::abs(loss - referenceLoss) / std::abs(referenceLoss);
    auto grads = snapshot(rung);
    // The model's gradient is one vector: all parameters' gradients together.
    std::vector<float> all, allReference;
    for (auto [g, r] : llvm::zip(grads, reference)) {
      all.insert(all.end(), g.begin(), g.end());
      allReference.insert(allReference.end(), r.begin(), r.end());
    }
    double globalCosine = cosine(all, allReference);
    double worstCosine = 1;
    bool identical = true;
    std::string worstName;
    std::vector<std::string> gradNames =
        h.names(KernelKind::grad, ArgRole::grad_acc, rung);
    for (auto [name, g, r] : llvm::zip(gradNames, grads, reference)) {
      double c = cosine(g, r);
      if (c < worstCosine) {
        worstCosine = c;
        worstName = name;
      }
      identical &= g == r;
    }
    bool overflow = bitsOf(1) == h.buffer(rung + "/overflow")[0];
    double threshold = isF8 ? options.cosine8 : options.cosine16;
    bool passed = lossError <= options.lossTolerance &&
                  globalCosine >= threshold && !identical && !overflow;
    ok &= passed;
    os << llvm::format("%-9s summed loss %.6f (%.3f%% from f32), gradient "
                       "cosine %.6f (>= %g; lowest tensor %.6f, %s), %s, "
                       "overflow %d  ",
                       rung.c_str(), loss, 100 * lossError, globalCosine,
                       threshold, worstCosine, worstName.c_str(),
                       identical ? "IDENTICAL to f32" : "differs from f32",
                       overflow ? 1 : 0)
       << (passed ? "ok" : "FAIL") << "\n";
  }

  // A loss scale beyond f16's range overflows the f16 rung's gradients: the
  // kernel must say so.
  if (llvm::is_contained(manifest.ladder, "f16")) {
    h.setScalar("f16/loss_scale", 1e30f);
    if (failed(h.call(KernelKind::grad, rows, 0, 1, "f16")))
      return failure();
    bool overflow = bitsOf(1) == h.buffer("f16/overflow")[0];
    ok &= overflow;
    os << "f16 with loss scale 1e30: overflow "
       << (overflow ? "reported  ok" : "NOT reported  FAIL") << "\n";
  }
  os << (ok ? "PASS" : "FAIL") << "\n";
  return success(ok);
}
