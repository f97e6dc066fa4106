//===- CudaBackend.h - kernels of a GPU-compiled model ----------*- C++ -*-===//
//
// Runs a model compiled for NVIDIA GPUs (`dps-translate --dps-to-object
// --dps-gpu`, linked into a shared object): its host functions launch the
// kernels of an embedded cubin through MLIR's GPU runtime ABI (mgpu*), which
// this backend implements over the CUDA driver API (libcuda.so.1, loaded at
// run time: nothing links against it). Built only where a CUDA toolkit is
// found at configure time; elsewhere opening one is an error that says so.
//
//===----------------------------------------------------------------------===//
#ifndef DPS_RUNTIME_CUDABACKEND_H
#define DPS_RUNTIME_CUDABACKEND_H

#include "dps/runtime/KernelBackend.h"
#include "dps/runtime/Manifest.h"

#include <memory>
#include <string>

namespace dps::rt {

/// Whether this runtime was built with the CUDA backend.
bool cudaBackendBuilt();

/// Opens the GPU-compiled model at `path` on CUDA device 0. Fails with a
/// clear message without the backend, without a driver or without a GPU.
Result<std::unique_ptr<KernelBackend>>
openCudaBackend(const std::string &path, const Manifest &manifest);

} // namespace dps::rt

#endif // DPS_RUNTIME_CUDABACKEND_H
