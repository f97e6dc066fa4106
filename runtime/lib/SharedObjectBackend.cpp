//===- SharedObjectBackend.cpp - kernels from a compiled model ------------===//
#include "dps/runtime/SharedObjectBackend.h"

#include "dps/runtime/CpuFeatures.h"
#include "dps/runtime/FloatEnvironment.h"
#include "dps/runtime/PackedArguments.h"

#include <dlfcn.h>

using namespace dps::rt;

SharedObjectBackend::~SharedObjectBackend() {
  if (handle)
    dlclose(handle);
}

Result<std::unique_ptr<SharedObjectBackend>>
SharedObjectBackend::open(const std::string &path, const Manifest &manifest,
                          bool gpu) {
  // dlopen searches the library path for a name without a slash.
  std::string where = path.find('/') == std::string::npos ? "./" + path : path;
  std::unique_ptr<SharedObjectBackend> backend(new SharedObjectBackend());
  // A model compiled on an AMX host tiles its bf16 contractions.
  requestAMXPermission();
  backend->handle = dlopen(where.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!backend->handle)
    return Status::error(path + ": cannot load the compiled model: " +
                         dlerror());
  const char *chip =
      static_cast<const char *>(dlsym(backend->handle, "dps_gpu_target"));
  if (chip && !gpu)
    return Status::error(path + ": the model is compiled for the GPU (" +
                         chip + "): train it with --device cuda");
  if (!chip && gpu)
    return Status::error(path +
                         ": the model is compiled for the CPU: --device cuda "
                         "needs dps-translate --dps-to-object --dps-gpu");
  for (const KernelSpec &kernel : manifest.kernels) {
    std::string symbol = "_mlir__mlir_ciface_" + kernel.name;
    void *address = dlsym(backend->handle, symbol.c_str());
    if (!address)
      return Status::error(path + ": the compiled model has no kernel '" +
                           kernel.name + "' of its manifest (" + symbol +
                           " is missing)");
    backend->entryPoints[kernel.name] = reinterpret_cast<EntryPoint>(address);
  }
  return backend;
}

Status SharedObjectBackend::call(const std::string &kernel,
                                 const std::vector<KernelValue> &args) {
  auto it = entryPoints.find(kernel);
  if (it == entryPoints.end())
    return Status::error("the compiled model has no kernel '" + kernel + "'");
  // One per thread (rungs call at once), reused: no allocation per call.
  thread_local PackedArguments packed;
  packed.assign(args);
  ScopedFlushDenormals flush;
  it->second(packed.data());
  return Status::success();
}

const void *SharedObjectBackend::symbol(const std::string &name) {
  return dlsym(handle, name.c_str());
}
