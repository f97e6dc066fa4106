//===- CudaBackendStub.cpp - the CUDA backend where CUDA was not found ----===//
#include "dps/runtime/CudaBackend.h"

using namespace dps::rt;

bool dps::rt::cudaBackendBuilt() { return false; }

Result<std::unique_ptr<KernelBackend>>
dps::rt::openCudaBackend(const std::string &, const Manifest &) {
  return Status::error(
      "this build has no CUDA backend: no CUDA toolkit was found when it was "
      "configured (install one, e.g. at /usr/local/cuda, and configure "
      "again; or train with --device cpu)");
}
