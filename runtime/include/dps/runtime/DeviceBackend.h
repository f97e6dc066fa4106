//===- DeviceBackend.h - kernels whose buffers live on a device -*- C++ -*-===//
//
// A GPU's kernels take device buffers; the trainer's are host memory. This
// backend keeps a device copy of each buffer a kernel takes and moves bytes
// only when the other side changed them:
// - resident buffers (parameters, their rung copies, optimizer state,
//   gradient sets) are copied in once, then stay: kernels change them on
//   the device, and the host's copy is brought back only when the runtime
//   reads it (KernelBackend::fetch: checkpoints, the params' hash) or
//   replaced when the runtime writes it (KernelBackend::hostWrote: resume);
// - sample stores and datasets are copied in when first gathered from and
//   again only after the host changed them (an epoch's re-rounded rungs);
//   batches and their labels are gathered from them on the device
//   (gatherRows) into device buffers, which the kernels then read in place;
// - a call's other buffers (losses, flags, amax) are copied in before each
//   call and, those the kernel writes, back after it.
// The CUDA backend is this over the driver's memory; `mirrorOnHost` is this
// over plain host memory with stale copies poisoned, so that the CPU's
// kernels check the protocol without a GPU (dps-train --device host-mirror).
//
//===----------------------------------------------------------------------===//
#ifndef DPS_RUNTIME_DEVICEBACKEND_H
#define DPS_RUNTIME_DEVICEBACKEND_H

#include "dps/runtime/KernelBackend.h"
#include "dps/runtime/Manifest.h"

#include <memory>

namespace dps::rt {

/// A device's memory, reached by copies. Pointers are the device's.
class DeviceMemory {
public:
  virtual ~DeviceMemory() = default;
  virtual Result<void *> allocate(size_t bytes) = 0;
  virtual void release(void *device) = 0;
  virtual Status toDevice(void *device, const void *host, size_t bytes) = 0;
  virtual Status toHost(void *host, const void *device, size_t bytes) = 0;
  virtual Status zero(void *device, size_t bytes) = 0;
  /// Copies rows `rows[i]` (host memory) of `from` into consecutive rows
  /// of `to`, all on the device.
  virtual Status gatherRows(void *to, const void *from, const uint32_t *rows,
                            size_t count, size_t rowBytes) = 0;
  /// Waits until the copies, zeros and gathers issued so far are done (a
  /// GPU's kernels run on streams that do not wait for them).
  virtual Status synchronize() { return Status::success(); }
  /// The other side's copy of a resident buffer has just become newer:
  /// nothing to do on a real device; a checking memory poisons the stale
  /// copy, so that whoever reads it without a copy sees NaNs.
  virtual void hostStale(void * /*host*/, size_t /*bytes*/) {}
  virtual void deviceStale(void * /*device*/, size_t /*bytes*/) {}
};

/// `kernels` (whose memref arguments must be `memory`'s pointers) with the
/// trainer's host buffers, per `manifest`'s kernels. The manifest must
/// outlive the backend.
std::unique_ptr<KernelBackend>
openDeviceBackend(std::unique_ptr<KernelBackend> kernels,
                  std::unique_ptr<DeviceMemory> memory,
                  const Manifest &manifest);

/// Host memory standing in for a device's (64-byte aligned blocks); a copy
/// the other side made stale is filled with 0xff bytes (NaN at every float
/// type) until it is copied.
std::unique_ptr<DeviceMemory> hostMirrorMemory();

/// CPU `kernels` run on copies of their buffers in other host memory,
/// moved as a device's would be; a copy the other side made stale is
/// filled with 0xff bytes (NaN at every float type) until it is copied.
std::unique_ptr<KernelBackend>
mirrorOnHost(std::unique_ptr<KernelBackend> kernels, const Manifest &manifest);

} // namespace dps::rt

#endif // DPS_RUNTIME_DEVICEBACKEND_H
