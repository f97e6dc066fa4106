//===- CudaBackend.cpp - kernels of a GPU-compiled model ------------------===//
//
// The model's host functions take device buffers. The trainer's buffers
// (parameters, rung copies, sample batches, gradient sets) live in host
// memory, so each buffer has a device mirror, allocated on first use and
// kept: a call copies its buffer arguments to their mirrors, runs, and
// copies back the buffers the kernel writes (by role). The mirrors persist
// across calls, so the device holds every rung's parameter copies and
// batches; what it does not yet do is skip the copies of buffers no one
// changed since the last call.
//
//===----------------------------------------------------------------------===//
#include "dps/runtime/CudaBackend.h"

#include "CudaDriver.h"
#include "GPURuntimeABI.h"
#include "dps/runtime/SharedObjectBackend.h"

#include <unordered_map>

using namespace dps::rt;
using namespace dps::rt::cuda;

namespace {

/// Roles whose buffers a kernel writes.
bool isWritten(Role role) {
  switch (role) {
  case Role::Param:       // update
  case Role::ParamCopy:   // refresh
  case Role::OptState:    // update
  case Role::GradAcc:     // grad (the update only reads them)
  case Role::Losses:
  case Role::Predictions:
  case Role::Overflow:
  case Role::Amax:
    return true;
  default:
    return false;
  }
}

class CudaBackend : public KernelBackend {
public:
  CudaBackend(const Driver &driver, const Manifest &manifest,
              std::unique_ptr<SharedObjectBackend> model)
      : driver(driver), model(std::move(model)) {
    for (const KernelSpec &kernel : manifest.kernels)
      specs[kernel.name] = &kernel;
  }

  ~CudaBackend() override {
    for (auto &[host, mirror] : mirrors)
      (void)driver.memFree(mirror.pointer);
  }

  const void *symbol(const std::string &name) override {
    return model->symbol(name);
  }

  Status call(const std::string &kernel,
              const std::vector<KernelValue> &args) override {
    auto found = specs.find(kernel);
    const KernelSpec *spec = found == specs.end() ? nullptr : found->second;
    if (!spec || spec->args.size() != args.size())
      return Status::error("no kernel '" + kernel + "' with " +
                           std::to_string(args.size()) + " arguments");
    std::vector<KernelValue> deviceArgs = args;
    std::vector<std::pair<size_t, size_t>> written; // (arg, bytes)
    for (size_t i = 0; i < args.size(); ++i) {
      if (args[i].kind != KernelValue::Kind::MemRef)
        continue;
      // The trainer passes every buffer at its manifest shape.
      size_t bytes = spec->args[i].bytes();
      auto mirror = mirrorOf(args[i].data, bytes);
      if (!mirror)
        return mirror.status();
      if (Status s = check(driver.memcpyHtoD(*mirror, args[i].data, bytes),
                           "cuMemcpyHtoD");
          !s)
        return s;
      deviceArgs[i].data = reinterpret_cast<void *>(*mirror);
      if (isWritten(spec->args[i].role))
        written.emplace_back(i, bytes);
    }
    (void)takeRuntimeError();
    if (Status s = model->call(kernel, deviceArgs); !s)
      return s;
    if (Status s = takeRuntimeError(); !s)
      return Status::error(kernel + " on the GPU: " + s.message());
    for (auto [i, bytes] : written)
      if (Status s = check(driver.memcpyDtoH(args[i].data,
                                             reinterpret_cast<CUdeviceptr>(
                                                 deviceArgs[i].data),
                                             bytes),
                           "cuMemcpyDtoH");
          !s)
        return s;
    return Status::success();
  }

private:
  struct Mirror {
    CUdeviceptr pointer = 0;
    size_t bytes = 0;
  };

  Result<CUdeviceptr> mirrorOf(void *host, size_t bytes) {
    Mirror &mirror = mirrors[host];
    if (mirror.bytes < bytes) {
      if (mirror.pointer)
        (void)driver.memFree(mirror.pointer);
      mirror = Mirror();
      if (Status s = check(driver.memAlloc(&mirror.pointer, bytes ? bytes : 1),
                           "cuMemAlloc");
          !s)
        return s;
      mirror.bytes = bytes;
    }
    return mirror.pointer;
  }

  const Driver &driver;
  std::unordered_map<std::string, const KernelSpec *> specs;
  std::unique_ptr<SharedObjectBackend> model;
  std::unordered_map<void *, Mirror> mirrors;
};

} // namespace

bool dps::rt::cudaBackendBuilt() { return true; }

Result<std::unique_ptr<KernelBackend>>
dps::rt::openCudaBackend(const std::string &path, const Manifest &manifest) {
  // The driver first: opening the model runs its constructor, which loads
  // the cubin onto the device.
  auto driver = cuda::driver();
  if (!driver)
    return Status::error("--device cuda: " + driver.status().message());
  (void)takeRuntimeError();
  auto model = SharedObjectBackend::open(path, manifest, /*gpu=*/true);
  if (!model)
    return model.status();
  if (Status s = takeRuntimeError(); !s)
    return Status::error(path + ": cannot load its GPU kernels: " +
                         s.message());
  return std::unique_ptr<KernelBackend>(
      new CudaBackend(**driver, manifest, model.take()));
}
