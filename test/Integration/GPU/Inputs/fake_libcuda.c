/* A stand-in for the NVIDIA driver's libcuda.so.1 on a machine with no GPU:
   every entry point dps's CUDA backend resolves exists; cuInit succeeds and
   there are no devices. */
#define FAKE(name) int name() { return 100; /* CUDA_ERROR_NO_DEVICE */ }
int cuInit(unsigned flags) { (void)flags; return 0; }
int cuDeviceGetCount(int *count) { *count = 0; return 0; }
int cuGetErrorName(int error, const char **name) {
  (void)error;
  *name = "CUDA_ERROR_NO_DEVICE";
  return 0;
}
FAKE(cuDeviceGet)
FAKE(cuDeviceGetName)
FAKE(cuDevicePrimaryCtxRetain)
FAKE(cuCtxSetCurrent)
FAKE(cuModuleLoadData)
FAKE(cuModuleUnload)
FAKE(cuModuleGetFunction)
FAKE(cuLaunchKernel)
FAKE(cuStreamCreate)
FAKE(cuStreamSynchronize)
FAKE(cuStreamDestroy_v2)
FAKE(cuMemAlloc_v2)
FAKE(cuMemFree_v2)
FAKE(cuMemcpyHtoD_v2)
FAKE(cuMemcpyDtoH_v2)
FAKE(cuMemsetD8_v2)
