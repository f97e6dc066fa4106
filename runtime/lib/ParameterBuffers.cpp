//===- ParameterBuffers.cpp - master weights and per-rung copies -----------===//
#include "dps/runtime/ParameterBuffers.h"

#include <cmath>
#include <cstring>
#include <random>

using namespace dps::rt;

Status dps::rt::initialise(KernelBuffer<float> &weights,
                           const std::vector<int64_t> &shape,
                           const std::string &init, uint64_t seed) {
  // Fan-in and fan-out: dense K x M -> (K, M); conv KH x KW x C x F ->
  // (KH*KW*C, KH*KW*F); vectors -> their length.
  double fanIn = 1, fanOut = 1;
  if (shape.size() >= 2) {
    double receptive = 1;
    for (size_t d = 0; d + 2 < shape.size(); ++d)
      receptive *= double(shape[d]);
    fanIn = receptive * double(shape[shape.size() - 2]);
    fanOut = receptive * double(shape.back());
  } else if (shape.size() == 1) {
    fanIn = fanOut = double(shape[0]);
  }
  std::mt19937_64 rng(seed);
  if (init == "zeros" || init == "ones") {
    std::fill(weights.begin(), weights.end(), init == "ones" ? 1.0f : 0.0f);
  } else if (init == "he_normal" || init == "glorot_normal") {
    double sd = init == "he_normal" ? std::sqrt(2.0 / fanIn)
                                    : std::sqrt(2.0 / (fanIn + fanOut));
    std::normal_distribution<double> normal(0.0, sd);
    for (float &w : weights)
      w = float(normal(rng));
  } else if (init == "he_uniform" || init == "glorot_uniform") {
    double limit = init == "he_uniform" ? std::sqrt(6.0 / fanIn)
                                        : std::sqrt(6.0 / (fanIn + fanOut));
    std::uniform_real_distribution<double> uniform(-limit, limit);
    for (float &w : weights)
      w = float(uniform(rng));
  } else {
    return Status::error("parameter initialiser '" + init +
                         "' is not supported by the runtime");
  }
  return Status::success();
}

Result<ParameterBuffers> ParameterBuffers::create(const Manifest &manifest,
                                                  uint64_t seed,
                                                  KernelBackend *model) {
  const KernelSpec *update = manifest.find("update");
  if (!update)
    return Status::error("the manifest has no update kernel");
  ParameterBuffers buffers;
  uint64_t stream = 0;
  for (const ArgSpec &arg : update->args) {
    switch (arg.role) {
    case Role::Param: {
      KernelBuffer<float> &w = buffers.masters[arg.name];
      w.resize(arg.elements());
      if (arg.init == "values") {
        const void *values =
            model && !arg.values.empty() ? model->symbol(arg.values) : nullptr;
        if (!values)
          return Status::error(
              arg.name + ": its initial values ('" + arg.values +
              "') are not in the compiled model; compile it again with this "
              "dps");
        if (arg.elementType != "f32")
          return Status::error(arg.name + ": initial values of type " +
                               arg.elementType + " are not supported");
        std::memcpy(w.data(), values, w.size() * sizeof(float));
        ++stream;
        break;
      }
      // One seed per parameter, in manifest order.
      if (Status s = initialise(w, arg.shape, arg.init.empty() ? "zeros" : arg.init,
                                seed * 1000003 + stream++);
          !s)
        return Status::error(arg.name + ": " + s.message());
      break;
    }
    case Role::OptState:
      buffers.states[arg.name].assign(arg.elements(), 0.0f);
      break;
    case Role::GradAcc:
      buffers.gradientSets[arg.name] = {arg.elementType,
                                        KernelBuffer<uint8_t>(arg.bytes(), 0)};
      break;
    default:
      break;
    }
  }
  // The second lanes' sets, which only lane updates read.
  for (const KernelSpec &kernel : manifest.kernels)
    if (kernel.kind == "update" && kernel.lanes() > 1)
      for (const ArgSpec &arg : kernel.args)
        if (arg.role == Role::GradAcc && !buffers.gradientSets.count(arg.name))
          buffers.gradientSets[arg.name] = {
              arg.elementType, KernelBuffer<uint8_t>(arg.bytes(), 0)};
  return buffers;
}

KernelBuffer<uint8_t> &ParameterBuffers::copy(const std::string &precision,
                                              const ArgSpec &arg) {
  KernelBuffer<uint8_t> &buffer = copies[precision][arg.name];
  if (buffer.size() != arg.bytes())
    buffer.assign(arg.bytes(), 0);
  return buffer;
}

void *ParameterBuffers::buffer(const KernelSpec &kernel, const ArgSpec &arg) {
  switch (arg.role) {
  case Role::Param:
    return master(arg.name).data();
  case Role::ParamCopy:
    return copy(kernel.precision, arg).data();
  case Role::OptState:
    return state(arg.name).data();
  case Role::GradAcc:
    return gradients(arg.name).data();
  default:
    return nullptr;
  }
}

std::map<std::string, size_t> ParameterBuffers::bytesPerPrecision() const {
  std::map<std::string, size_t> bytes;
  size_t f32 = 0;
  for (const auto *group : {&masters, &states})
    for (const auto &[name, values] : *group)
      f32 += values.size() * 4;
  bytes["f32"] = f32;
  for (const auto &[name, set] : gradientSets)
    bytes[set.elementType] += set.bytes.size();
  for (const auto &[precision, buffers] : copies) {
    size_t total = 0;
    for (const auto &[name, buffer] : buffers)
      total += buffer.size();
    bytes[precision] += total;
  }
  return bytes;
}
