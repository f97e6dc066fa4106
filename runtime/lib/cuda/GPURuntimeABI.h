//===- GPURuntimeABI.h - errors of the mgpu* functions ----------*- C++ -*-===//
#ifndef DPS_RUNTIME_CUDA_GPURUNTIMEABI_H
#define DPS_RUNTIME_CUDA_GPURUNTIMEABI_H

#include "dps/runtime/Status.h"

namespace dps::rt::cuda {

/// The first error an mgpu* function met since the last call (success if
/// none), clearing it.
Status takeRuntimeError();

} // namespace dps::rt::cuda

#endif // DPS_RUNTIME_CUDA_GPURUNTIMEABI_H
