//===- CudaBackend.cpp - kernels of a GPU-compiled model ------------------===//
//
// The model's host functions take device buffers: a DeviceBackend over the
// driver's memory keeps parameters, rung copies, optimizer state, gradient
// sets, sample stores and datasets on the GPU, gathers batches and their
// labels there (a small kernel of the runtime's own, GatherRows.ptx) and
// moves only losses, flags and amax at each call (DeviceBackend.h).
//
//===----------------------------------------------------------------------===//
#include "dps/runtime/CudaBackend.h"

#include "CudaDriver.h"
#include "GPURuntimeABI.h"
#include "dps/runtime/DeviceBackend.h"
#include "dps/runtime/SharedObjectBackend.h"

#include "GatherRowsPTX.h"

#include <mutex>

using namespace dps::rt;
using namespace dps::rt::cuda;

namespace {

CUdeviceptr devicePointer(const void *pointer) {
  return reinterpret_cast<CUdeviceptr>(pointer);
}

class CudaMemory : public DeviceMemory {
public:
  /// Loads the batch gather's kernel.
  static Result<std::unique_ptr<CudaMemory>> open(const Driver &driver) {
    std::unique_ptr<CudaMemory> memory(new CudaMemory(driver));
    if (Status s = check(driver.moduleLoadData(&memory->module, kGatherRowsPTX),
                         "cuModuleLoadData (the runtime's gather kernel)");
        !s)
      return s;
    if (Status s =
            check(driver.moduleGetFunction(&memory->gather, memory->module,
                                           "dps_gather_rows"),
                  "cuModuleGetFunction");
        !s)
      return s;
    return memory;
  }
  ~CudaMemory() override {
    if (indices)
      (void)driver.memFree(indices);
    if (module)
      (void)driver.moduleUnload(module);
  }

  Result<void *> allocate(size_t bytes) override {
    CUdeviceptr pointer = 0;
    // cuMemAlloc refuses 0 bytes (a buffer over no rows).
    if (Status s =
            check(driver.memAlloc(&pointer, bytes ? bytes : 1), "cuMemAlloc");
        !s)
      return s;
    return reinterpret_cast<void *>(pointer);
  }
  void release(void *device) override {
    (void)driver.memFree(devicePointer(device));
  }
  Status toDevice(void *device, const void *host, size_t bytes) override {
    return check(driver.memcpyHtoD(devicePointer(device), host, bytes),
                 "cuMemcpyHtoD");
  }
  Status toHost(void *host, const void *device, size_t bytes) override {
    return check(driver.memcpyDtoH(host, devicePointer(device), bytes),
                 "cuMemcpyDtoH");
  }
  Status zero(void *device, size_t bytes) override {
    return check(driver.memsetD8(devicePointer(device), 0, bytes),
                 "cuMemsetD8");
  }
  /// Copies from pageable memory and memsets may still be under way when
  /// their calls return, on the default stream: the model's kernels run on
  /// non-blocking streams of their own, which do not wait for it.
  Status synchronize() override {
    return check(driver.streamSynchronize(nullptr), "cuStreamSynchronize");
  }
  Status gatherRows(void *to, const void *from, const uint32_t *rows,
                    size_t count, size_t rowBytes) override {
    std::lock_guard<std::mutex> lock(mutex);
    if (count > indexCapacity) {
      if (indices)
        (void)driver.memFree(indices);
      indices = 0;
      indexCapacity = 0;
      if (Status s = check(driver.memAlloc(&indices, count * sizeof(uint32_t)),
                           "cuMemAlloc");
          !s)
        return s;
      indexCapacity = count;
    }
    if (Status s =
            check(driver.memcpyHtoD(indices, rows, count * sizeof(uint32_t)),
                  "cuMemcpyHtoD");
        !s)
      return s;
    CUdeviceptr toPointer = devicePointer(to),
                fromPointer = devicePointer(from);
    uint64_t bytes = rowBytes;
    void *params[] = {&toPointer, &fromPointer, &indices, &bytes};
    // One block a row, on the default stream: synchronize() waits for it
    // before the next kernel call, and the next cuMemcpyHtoD (of indices
    // or a written-through value) is ordered after it on that stream.
    return check(driver.launchKernel(gather, unsigned(count), 1, 1, 256, 1, 1,
                                     0, nullptr, params, nullptr),
                 "cuLaunchKernel (dps_gather_rows)");
  }

private:
  explicit CudaMemory(const Driver &driver) : driver(driver) {}

  const Driver &driver;
  CUmodule module = nullptr;
  CUfunction gather = nullptr;
  std::mutex mutex;
  CUdeviceptr indices = 0; // the gather's row indices
  size_t indexCapacity = 0;
};

/// The model's host functions, with the errors the mgpu* functions
/// recorded (the generated code cannot report them) reported by the call.
class CudaKernels : public KernelBackend {
public:
  explicit CudaKernels(std::unique_ptr<SharedObjectBackend> model)
      : model(std::move(model)) {}

  const void *symbol(const std::string &name) override {
    return model->symbol(name);
  }
  Status call(const std::string &kernel,
              const std::vector<KernelValue> &args) override {
    (void)takeRuntimeError();
    if (Status s = model->call(kernel, args); !s)
      return s;
    if (Status s = takeRuntimeError(); !s)
      return Status::error(kernel + " on the GPU: " + s.message());
    return Status::success();
  }

private:
  std::unique_ptr<SharedObjectBackend> model;
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
  auto memory = CudaMemory::open(**driver);
  if (!memory)
    return Status::error("--device cuda: " + memory.status().message());
  return openDeviceBackend(std::make_unique<CudaKernels>(model.take()),
                           memory.take(), manifest);
}
