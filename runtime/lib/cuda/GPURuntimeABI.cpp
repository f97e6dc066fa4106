//===- GPURuntimeABI.cpp - MLIR's mgpu* functions over the CUDA driver ----===//
//
// The host code `gpu-to-llvm` generates calls these (signatures as MLIR 22
// declares them; Debian ships no implementation). The model's global
// constructor loads its cubin with mgpuModuleLoad when the model is opened;
// every kernel call creates a stream, allocates its intermediates, launches,
// synchronizes and frees. A failing call records the first error, which the
// backend reports after the kernel returns (the generated code cannot).
//
//===----------------------------------------------------------------------===//
#include "GPURuntimeABI.h"
#include "CudaDriver.h"

#include <cstdint>
#include <mutex>

using namespace dps::rt;
using namespace dps::rt::cuda;

namespace {
std::mutex errorMutex;
Status firstError;

void record(Status status) {
  if (status)
    return;
  std::lock_guard<std::mutex> lock(errorMutex);
  if (firstError)
    firstError = std::move(status);
}

/// The driver, or null after recording why there is none.
const Driver *use() {
  auto d = driver();
  if (!d) {
    record(d.status());
    return nullptr;
  }
  return *d;
}
} // namespace

Status cuda::takeRuntimeError() {
  std::lock_guard<std::mutex> lock(errorMutex);
  Status status = std::move(firstError);
  firstError = Status::success();
  return status;
}

#define DPS_MGPU extern "C" __attribute__((visibility("default")))

DPS_MGPU CUmodule mgpuModuleLoad(void *data, size_t /*size*/) {
  CUmodule module = nullptr;
  if (const Driver *d = use())
    record(check(d->moduleLoadData(&module, data), "cuModuleLoadData"));
  return module;
}

DPS_MGPU void mgpuModuleUnload(CUmodule module) {
  if (!module)
    return;
  if (const Driver *d = use())
    record(check(d->moduleUnload(module), "cuModuleUnload"));
}

DPS_MGPU CUfunction mgpuModuleGetFunction(CUmodule module, const char *name) {
  CUfunction function = nullptr;
  if (!module) {
    record(Status::error(std::string("no GPU module for kernel ") + name));
    return nullptr;
  }
  if (const Driver *d = use())
    record(check(d->moduleGetFunction(&function, module, name),
                 "cuModuleGetFunction"));
  return function;
}

DPS_MGPU void mgpuLaunchKernel(CUfunction function, intptr_t gridX,
                               intptr_t gridY, intptr_t gridZ,
                               intptr_t blockX, intptr_t blockY,
                               intptr_t blockZ, int32_t sharedBytes,
                               CUstream stream, void **params, void **extra,
                               size_t /*paramsCount*/) {
  // An empty grid (a batch of no rows) launches nothing.
  if (!function || gridX == 0 || gridY == 0 || gridZ == 0)
    return;
  if (const Driver *d = use())
    record(check(d->launchKernel(function, gridX, gridY, gridZ, blockX,
                                 blockY, blockZ, sharedBytes, stream, params,
                                 extra),
                 "cuLaunchKernel"));
}

DPS_MGPU CUstream mgpuStreamCreate() {
  CUstream stream = nullptr;
  if (const Driver *d = use())
    record(check(d->streamCreate(&stream, CU_STREAM_NON_BLOCKING),
                 "cuStreamCreate"));
  return stream;
}

DPS_MGPU void mgpuStreamSynchronize(CUstream stream) {
  if (const Driver *d = use())
    record(check(d->streamSynchronize(stream), "cuStreamSynchronize"));
}

DPS_MGPU void mgpuStreamDestroy(CUstream stream) {
  if (const Driver *d = use())
    record(check(d->streamDestroy(stream), "cuStreamDestroy"));
}

DPS_MGPU void *mgpuMemAlloc(uint64_t bytes, CUstream /*stream*/,
                            bool hostShared) {
  if (hostShared) {
    record(Status::error("host-shared GPU allocations are not supported"));
    return nullptr;
  }
  CUdeviceptr pointer = 0;
  // cuMemAlloc refuses 0 bytes (a buffer over no rows).
  if (const Driver *d = use())
    record(check(d->memAlloc(&pointer, bytes ? bytes : 1), "cuMemAlloc"));
  return reinterpret_cast<void *>(pointer);
}

DPS_MGPU void mgpuMemFree(void *pointer, CUstream /*stream*/) {
  if (!pointer)
    return;
  if (const Driver *d = use())
    record(check(d->memFree(reinterpret_cast<CUdeviceptr>(pointer)),
                 "cuMemFree"));
}
