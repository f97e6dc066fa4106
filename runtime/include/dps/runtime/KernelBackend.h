//===- KernelBackend.h - how the runtime calls compiled kernels --*- C++ -*-===//
//
// The runtime reaches kernels only through this interface: a kernel name and
// its arguments in manifest order, memrefs as (data, shape) over row-major
// buffers the runtime owns, scalars by value. Backends: the JIT (in the
// compiler's libraries, lib/JIT) and, later, AOT objects and CUDA.
//
//===----------------------------------------------------------------------===//
#ifndef DPS_RUNTIME_KERNELBACKEND_H
#define DPS_RUNTIME_KERNELBACKEND_H

#include "dps/runtime/Status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dps::rt {

/// One argument of a kernel call.
struct KernelValue {
  enum class Kind { MemRef, Index, F32 } kind;
  void *data = nullptr;
  /// A memref's shape, owned by the caller (the manifest's argument): a
  /// value is made and passed for every kernel call, without allocating.
  const std::vector<int64_t> *shape = nullptr;
  int64_t integer = 0;
  float real = 0;

  static KernelValue memref(void *data, const std::vector<int64_t> &shape) {
    return {Kind::MemRef, data, &shape, 0, 0};
  }
  static KernelValue memref(void *data, std::vector<int64_t> &&shape) = delete;
  static KernelValue index(int64_t value) {
    return {Kind::Index, nullptr, nullptr, value, 0};
  }
  static KernelValue f32(float value) {
    return {Kind::F32, nullptr, nullptr, 0, value};
  }
};

class KernelBackend {
public:
  virtual ~KernelBackend() = default;
  virtual Status call(const std::string &kernel,
                      const std::vector<KernelValue> &args) = 0;
  /// The address of a symbol the compiled model defines or links: data (the
  /// initial values of an imported model's parameters, named by the
  /// manifest) or a function of the OpenMP runtime its kernels use; null if
  /// there is no such symbol.
  virtual const void *symbol(const std::string &name) = 0;
};

} // namespace dps::rt

#endif // DPS_RUNTIME_KERNELBACKEND_H
