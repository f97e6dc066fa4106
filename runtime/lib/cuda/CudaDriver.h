//===- CudaDriver.h - the CUDA driver API, loaded at run time ---*- C++ -*-===//
//
// libcuda.so.1 comes with the NVIDIA driver, not the toolkit: the runtime
// opens it with dlopen on first use, so dps-train starts (and trains on the
// CPU) on machines without one. Errors name the call and CUDA's error name.
//
//===----------------------------------------------------------------------===//
#ifndef DPS_RUNTIME_CUDA_CUDADRIVER_H
#define DPS_RUNTIME_CUDA_CUDADRIVER_H

#include "dps/runtime/Status.h"

#include <cuda.h>

namespace dps::rt::cuda {

/// The driver's entry points (the _v2 ones where cuda.h maps to them).
struct Driver {
  decltype(&::cuInit) init;
  decltype(&::cuDeviceGetCount) deviceGetCount;
  decltype(&::cuDeviceGet) deviceGet;
  decltype(&::cuDeviceGetName) deviceGetName;
  decltype(&::cuDevicePrimaryCtxRetain) primaryCtxRetain;
  decltype(&::cuCtxSetCurrent) ctxSetCurrent;
  decltype(&::cuModuleLoadData) moduleLoadData;
  decltype(&::cuModuleUnload) moduleUnload;
  decltype(&::cuModuleGetFunction) moduleGetFunction;
  decltype(&::cuLaunchKernel) launchKernel;
  decltype(&::cuStreamCreate) streamCreate;
  decltype(&::cuStreamSynchronize) streamSynchronize;
  decltype(&::cuStreamDestroy) streamDestroy;
  decltype(&::cuMemAlloc) memAlloc;
  decltype(&::cuMemFree) memFree;
  decltype(&::cuMemcpyHtoD) memcpyHtoD;
  decltype(&::cuMemcpyDtoH) memcpyDtoH;
  decltype(&::cuMemsetD8) memsetD8;
  decltype(&::cuGetErrorName) getErrorName;
};

/// The driver with device 0's primary context current on this thread, or
/// why there is none (no libcuda.so.1, no device, ...).
Result<const Driver *> driver();

/// "`call` failed: CUDA_ERROR_..." for a failed `result`; success for
/// CUDA_SUCCESS.
Status check(CUresult result, const char *call);

} // namespace dps::rt::cuda

#endif // DPS_RUNTIME_CUDA_CUDADRIVER_H
