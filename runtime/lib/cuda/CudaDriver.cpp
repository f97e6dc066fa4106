//===- CudaDriver.cpp - the CUDA driver API, loaded at run time -----------===//
#include "CudaDriver.h"

#include <dlfcn.h>
#include <mutex>
#include <string>

using namespace dps::rt;
using namespace dps::rt::cuda;

namespace {

/// Set once the driver's entry points are resolved, for naming errors.
const Driver *namingDriver = nullptr;

template <typename F> bool resolve(void *library, const char *name, F &out) {
  out = reinterpret_cast<F>(dlsym(library, name));
  return out != nullptr;
}

struct Loaded {
  Driver driver{};
  CUcontext context = nullptr;
  Status status;
};

void load(Loaded &loaded) {
  void *library = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    loaded.status = Status::error(
        std::string("cannot load the CUDA driver (libcuda.so.1): ") +
        dlerror() + "; is an NVIDIA driver installed?");
    return;
  }
  Driver &d = loaded.driver;
  const char *missing = nullptr;
  auto need = [&](const char *name, auto &slot) {
    if (!missing && !resolve(library, name, slot))
      missing = name;
  };
  need("cuInit", d.init);
  need("cuDeviceGetCount", d.deviceGetCount);
  need("cuDeviceGet", d.deviceGet);
  need("cuDeviceGetName", d.deviceGetName);
  need("cuDevicePrimaryCtxRetain", d.primaryCtxRetain);
  need("cuCtxSetCurrent", d.ctxSetCurrent);
  need("cuModuleLoadData", d.moduleLoadData);
  need("cuModuleUnload", d.moduleUnload);
  need("cuModuleGetFunction", d.moduleGetFunction);
  need("cuLaunchKernel", d.launchKernel);
  need("cuStreamCreate", d.streamCreate);
  need("cuStreamSynchronize", d.streamSynchronize);
  need("cuStreamDestroy_v2", d.streamDestroy);
  need("cuMemAlloc_v2", d.memAlloc);
  need("cuMemFree_v2", d.memFree);
  need("cuMemcpyHtoD_v2", d.memcpyHtoD);
  need("cuMemcpyDtoH_v2", d.memcpyDtoH);
  need("cuMemsetD8_v2", d.memsetD8);
  need("cuGetErrorName", d.getErrorName);
  if (missing) {
    loaded.status = Status::error(std::string("the CUDA driver lacks ") +
                                  missing + " (too old a driver?)");
    return;
  }
  namingDriver = &d;
  Status status = check(d.init(0), "cuInit");
  int count = 0;
  if (status)
    status = check(d.deviceGetCount(&count), "cuDeviceGetCount");
  if (status && count == 0)
    status = Status::error("no CUDA device found");
  CUdevice device = 0;
  if (status)
    status = check(d.deviceGet(&device, 0), "cuDeviceGet");
  if (status)
    status = check(d.primaryCtxRetain(&loaded.context, device),
                   "cuDevicePrimaryCtxRetain");
  loaded.status = status;
}

} // namespace

Status cuda::check(CUresult result, const char *call) {
  if (result == CUDA_SUCCESS)
    return Status::success();
  const char *name = nullptr;
  if (namingDriver)
    namingDriver->getErrorName(result, &name);
  return Status::error(std::string(call) + " failed: " +
                       (name ? name : "CUDA error " + std::to_string(result)));
}

Result<const Driver *> cuda::driver() {
  static Loaded loaded;
  static std::once_flag once;
  std::call_once(once, [] { load(loaded); });
  if (!loaded.status)
    return loaded.status;
  thread_local bool current = false;
  if (!current) {
    if (Status s = check(loaded.driver.ctxSetCurrent(loaded.context),
                         "cuCtxSetCurrent");
        !s)
      return s;
    current = true;
  }
  return &loaded.driver;
}
