//===- KernelTiming.cpp - per-call times of a compiled model's kernels ----===//
#include "dps/runtime/KernelTiming.h"
#include "dps/runtime/CpuFeatures.h"
#include "dps/runtime/ParameterBuffers.h"
#include "dps/runtime/Precision.h"

#include <algorithm>
#include <chrono>

using namespace dps::rt;

Result<KernelTimingCase>
dps::rt::parseKernelTimingCase(const Manifest &manifest,
                               const std::string &text) {
  size_t at = text.find('@');
  std::string name = text.substr(0, at);
  KernelTimingCase timing;
  timing.rows = manifest.batch;
  if (at != std::string::npos) {
    std::string rows = text.substr(at + 1);
    char *end = nullptr;
    long long value = std::strtoll(rows.c_str(), &end, 10);
    if (rows.empty() || *end || value < 1 || value > manifest.batch)
      return Status::error("'" + text + "': rows must be 1 to the batch, " +
                           std::to_string(manifest.batch));
    timing.rows = value;
  }
  for (const KernelSpec &kernel : manifest.kernels)
    if (kernel.name == name || kernel.name == manifest.trainStep + "_" + name)
      timing.kernel = &kernel;
  if (!timing.kernel)
    return Status::error("'" + text + "': the model has no kernel " + name);
  return timing;
}

namespace {

/// The arguments of `kernel`, over buffers owned by this object.
class Arguments {
public:
  Arguments(const Manifest &manifest, const KernelSpec &kernel,
            ParameterBuffers &params, int64_t rows) {
    scratch.reserve(kernel.args.size());
    for (const ArgSpec &arg : kernel.args) {
      if (void *data = params.buffer(kernel, arg)) {
        add(data, arg);
        continue;
      }
      switch (arg.role) {
      case Role::Param: // params.buffer, above
      case Role::ParamCopy:
      case Role::OptState:
      case Role::GradAcc:
        break;
      case Role::Rows:
        values.push_back(KernelValue::index(rows));
        break;
      case Role::Step:
        values.push_back(KernelValue::index(1));
        break;
      case Role::TotalSteps:
        values.push_back(KernelValue::index(2));
        break;
      case Role::Seed:
        values.push_back(KernelValue::index(1));
        break;
      case Role::LossScale:
        values.push_back(KernelValue::f32(1.0f));
        break;
      case Role::Label: {
        std::vector<uint8_t> &labels = buffer(arg);
        auto *data = reinterpret_cast<int32_t *>(labels.data());
        for (size_t i = 0; i < arg.elements(); ++i)
          data[i] = int32_t(i % size_t(std::max<int64_t>(manifest.outputs, 1)));
        add(labels.data(), arg);
        break;
      }
      case Role::Input: {
        // Pixel-like values in [0, 1), stored in the input's format as the
        // sample store would (values far from 1 would time other paths:
        // denormals, saturation).
        std::vector<float> pixels(arg.elements());
        for (size_t i = 0; i < pixels.size(); ++i)
          pixels[i] = float((i * 37) % 61) / 61.0f;
        auto precision = parsePrecision(arg.elementType);
        std::vector<uint8_t> &input = buffer(arg);
        if (precision)
          narrow(pixels.data(), pixels.size(), *precision, input.data(),
                 /*saturate=*/true);
        add(input.data(), arg);
        break;
      }
      case Role::Overflow:
      case Role::Amax:
      case Role::Losses:
      case Role::Predictions:
        add(buffer(arg).data(), arg);
        break;
      }
    }
  }

  const std::vector<KernelValue> &get() const { return values; }

private:
  std::vector<uint8_t> &buffer(const ArgSpec &arg) {
    scratch.emplace_back(std::max<size_t>(arg.bytes(), 4), 0);
    return scratch.back();
  }
  void add(void *data, const ArgSpec &arg) {
    values.push_back(KernelValue::memref(data, arg.shape));
  }

  std::vector<std::vector<uint8_t>> scratch;
  std::vector<KernelValue> values;
};

} // namespace

struct KernelTimer::Impl {
  KernelBackend &backend;
  const KernelSpec &kernel;
  ParameterBuffers params;
  std::unique_ptr<Arguments> args;
};

KernelTimer::KernelTimer() = default;
KernelTimer::~KernelTimer() = default;

Result<std::unique_ptr<KernelTimer>>
KernelTimer::create(const Manifest &manifest, KernelBackend &backend,
                    const KernelTimingCase &timing) {
  keepFreedMemory(); // as the trainer does: no page faults per call
  auto params = ParameterBuffers::create(manifest, /*seed=*/1, &backend);
  if (!params)
    return params.status();
  std::unique_ptr<KernelTimer> timer(new KernelTimer());
  timer->impl.reset(new Impl{backend, *timing.kernel, params.take(), nullptr});
  Impl &t = *timer->impl;
  if (const KernelSpec *refresh = manifest.find("refresh", t.kernel.precision);
      refresh && t.kernel.kind == "grad") {
    Arguments args(manifest, *refresh, t.params, 0);
    if (Status s = backend.call(refresh->name, args.get()); !s)
      return s;
  }
  t.args =
      std::make_unique<Arguments>(manifest, t.kernel, t.params, timing.rows);
  return timer;
}

namespace {
/// Reads a buffer twice the largest last-level cache of this project's
/// machines (32 MiB), a line at a time: what a call reads next is then not
/// cached. Returns a sum of what it read, so the reads stay.
uint64_t evictCaches() {
  static const std::vector<uint64_t> buffer((size_t(64) << 20) /
                                                sizeof(uint64_t),
                                            1);
  uint64_t sum = 0;
  for (size_t i = 0; i < buffer.size(); i += 64 / sizeof(uint64_t))
    sum += buffer[i];
  return sum;
}
} // namespace

Result<KernelTiming> KernelTimer::time(int repetitions, bool cold) {
  std::vector<double> times;
  volatile uint64_t sink = 0;
  for (int i = 0; i <= repetitions; ++i) {
    if (cold)
      sink = sink + evictCaches();
    auto start = std::chrono::steady_clock::now();
    if (Status s = impl->backend.call(impl->kernel.name, impl->args->get()); !s)
      return s;
    std::chrono::duration<double, std::micro> took =
        std::chrono::steady_clock::now() - start;
    if (i > 0) // the first call warms caches and pages
      times.push_back(took.count());
  }
  std::sort(times.begin(), times.end());
  KernelTiming result;
  result.medianMicroseconds = times[times.size() / 2];
  result.p10Microseconds = times[times.size() / 10];
  return result;
}
