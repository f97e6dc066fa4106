//===- KernelBackend.h - how the runtime calls compiled kernels -*- C++ -*-===//
//
// The runtime reaches kernels only through this interface: a kernel name and
// its arguments in manifest order, memrefs as (data, shape) over row-major
// buffers the runtime owns, scalars by value. Backends: the JIT (in the
// compiler's libraries, lib/JIT), AOT objects, and devices whose kernels run
// on copies of the buffers (DeviceBackend.h: CUDA, the host mirror).
//
//===----------------------------------------------------------------------===//
#ifndef DPS_RUNTIME_KERNELBACKEND_H
#define DPS_RUNTIME_KERNELBACKEND_H

#include "dps/runtime/Status.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace dps::rt {

/// Bytes a device backend copied, by kind of buffer: resident ones
/// (parameters, rung copies, optimizer state, gradient sets, datasets,
/// sample stores, gathered batches) and those of single calls (losses,
/// flags, amax).
struct DeviceTransfers {
  uint64_t residentIn = 0, residentOut = 0, callIn = 0, callOut = 0;
  uint64_t calls = 0;
};

/// Rows of one buffer copied into consecutive rows of another: a batch
/// from a sample store (KernelBackend::gatherRows).
struct RowGather {
  const void *from; // the rows' buffer, of `fromBytes`
  size_t fromBytes;
  const uint32_t *rows; // `count` row indices into `from`
  size_t count, rowBytes;
  void *to; // the batch's buffer, of `toBytes`: rows go from `toOffset` on
  size_t toBytes, toOffset;
};

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

  // A device backend (DeviceBackend.h) keeps resident buffers (parameters,
  // their copies, optimizer state, gradient sets) and those it filled
  // itself (sample stores, gathered batches) on the device between calls.
  // The runtime says when it touches one on the host:
  virtual bool onDevice() const { return false; }
  /// before reading `buffer` (or a part of it): makes the host's copy
  /// current;
  virtual Status fetch(const void * /*buffer*/) { return Status::success(); }
  /// after writing it: the next use copies it in;
  virtual void hostWrote(const void * /*buffer*/) {}
  /// after writing `bytes` bytes at `data` inside a buffer whose rest the
  /// device has newer: copies just those in;
  virtual Status writeThrough(const void * /*data*/, size_t /*bytes*/) {
    return Status::success();
  }
  /// before freeing or moving it: its device copy goes;
  virtual void forget(const void * /*buffer*/) {}
  /// instead of writing zeros on the host: zeros `buffer` where it lives;
  virtual Status zero(void *buffer, size_t bytes) {
    std::memset(buffer, 0, bytes);
    return Status::success();
  }
  /// instead of copying rows on the host: gathers them where they live
  /// (on the CPU the runtime gathers them itself: SampleStore::gather).
  virtual Status gatherRows(const RowGather &) {
    return Status::error("this backend keeps no device copies to gather from");
  }
  /// What it copied so far (nothing for CPU backends).
  virtual DeviceTransfers transfers() const { return {}; }
};

} // namespace dps::rt

#endif // DPS_RUNTIME_KERNELBACKEND_H
