//===- DeviceBackend.cpp - kernels whose buffers live on a device ---------===//
#include "dps/runtime/DeviceBackend.h"

#include "dps/runtime/PageBuffer.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

using namespace dps::rt;

namespace {

/// Whether a kernel argument of `role` stays on the device between calls.
bool isResident(Role role) {
  switch (role) {
  case Role::Param:
  case Role::ParamCopy:
  case Role::OptState:
  case Role::GradAcc:
    return true;
  default:
    return false;
  }
}

/// Roles whose buffers a kernel writes.
bool isWritten(Role role) {
  switch (role) {
  case Role::Param:     // update
  case Role::ParamCopy: // refresh
  case Role::OptState:  // update
  case Role::GradAcc:   // grad (the update only reads them)
  case Role::Losses:
  case Role::Predictions:
  case Role::Overflow:
  case Role::Amax:
    return true;
  default:
    return false;
  }
}

class DeviceBackend : public KernelBackend {
public:
  DeviceBackend(std::unique_ptr<KernelBackend> kernels,
                std::unique_ptr<DeviceMemory> memory, const Manifest &manifest)
      : kernels(std::move(kernels)), memory(std::move(memory)) {
    for (const KernelSpec &kernel : manifest.kernels)
      specs[kernel.name] = &kernel;
  }

  ~DeviceBackend() override {
    for (auto &[host, copy] : copies)
      memory->release(copy.device);
    for (auto &[key, device] : scratch)
      memory->release(device);
  }

  const void *symbol(const std::string &name) override {
    return kernels->symbol(name);
  }

  bool onDevice() const override { return true; }

  Status call(const std::string &kernel,
              const std::vector<KernelValue> &args) override {
    auto found = specs.find(kernel);
    const KernelSpec *spec = found == specs.end() ? nullptr : found->second;
    if (!spec || spec->args.size() != args.size())
      return Status::error("no kernel '" + kernel + "' with " +
                           std::to_string(args.size()) + " arguments");
    // One set per thread (rungs call at once), reused across calls.
    thread_local std::vector<KernelValue> deviceArgs;
    thread_local std::vector<size_t> ownArgs; // copied at every call
    deviceArgs = args;
    ownArgs.clear();
    {
      std::lock_guard<std::mutex> lock(mutex);
      for (size_t i = 0; i < args.size(); ++i) {
        if (args[i].kind != KernelValue::Kind::MemRef)
          continue;
        // The trainer passes every buffer at its manifest shape.
        const ArgSpec &arg = spec->args[i];
        Result<Held> held = isResident(arg.role)
                                ? copyOf(args[i].data, arg.bytes())
                                : existingCopy(args[i].data, arg.bytes());
        if (!held)
          return held.status();
        if (!held->copy) {
          // A buffer of this call alone: this thread's device buffer for
          // the argument will do.
          auto device = scratchFor(arg);
          if (!device)
            return device.status();
          deviceArgs[i].data = *device;
          ownArgs.push_back(i);
          continue;
        }
        Copy &c = *held->copy;
        if (Status s = upToDate(held->key, c); !s)
          return s;
        deviceArgs[i].data = static_cast<uint8_t *>(c.device) + held->offset;
        if (isWritten(arg.role))
          deviceNewer(held->key, c);
      }
      ++counts.calls;
    }
    // The call's own buffers (host buffers no other thread's call takes):
    // in before, the results out after.
    for (size_t i : ownArgs) {
      size_t bytes = spec->args[i].bytes();
      if (Status s = memory->toDevice(deviceArgs[i].data, args[i].data, bytes);
          !s)
        return s;
      callIn += bytes;
    }
    if (Status s = memory->synchronize(); !s)
      return s;
    if (Status s = kernels->call(kernel, deviceArgs); !s)
      return s;
    for (size_t i : ownArgs) {
      if (!isWritten(spec->args[i].role))
        continue;
      size_t bytes = spec->args[i].bytes();
      if (Status s = memory->toHost(args[i].data, deviceArgs[i].data, bytes);
          !s)
        return s;
      callOut += bytes;
    }
    return Status::success();
  }

  Status gatherRows(const RowGather &g) override {
    if (g.count == 0)
      return Status::success();
    void *to, *from;
    {
      std::lock_guard<std::mutex> lock(mutex);
      auto source = copyOf(g.from, g.fromBytes);
      if (!source)
        return source.status();
      if (Status s = upToDate(source->key, *source->copy); !s)
        return s;
      from = static_cast<uint8_t *>(source->copy->device) + source->offset;
      auto batch = copyOf(g.to, g.toBytes);
      if (!batch)
        return batch.status();
      // Rows of the batch outside this gather keep their values.
      if (Status s = upToDate(batch->key, *batch->copy); !s)
        return s;
      deviceNewer(batch->key, *batch->copy);
      to = static_cast<uint8_t *>(batch->copy->device) + batch->offset +
           g.toOffset;
    }
    // Gathers into one batch (two lanes') write rows apart.
    return memory->gatherRows(to, from, g.rows, g.count, g.rowBytes);
  }

  Status fetch(const void *buffer) override {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = containing(buffer, 1);
    if (it == copies.end() || it->second.newer != Side::Device)
      return Status::success();
    Copy &c = it->second;
    if (Status s =
            memory->toHost(const_cast<uint8_t *>(it->first), c.device, c.bytes);
        !s)
      return s;
    counts.residentOut += c.bytes;
    c.newer = Side::Neither;
    return Status::success();
  }

  void hostWrote(const void *buffer) override {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = containing(buffer, 1);
    if (it == copies.end())
      return; // the first use copies it in
    it->second.newer = Side::Host;
    memory->deviceStale(it->second.device, it->second.bytes);
  }

  Status writeThrough(const void *data, size_t bytes) override {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = containing(data, bytes);
    if (it == copies.end() || it->second.newer == Side::Host)
      return Status::success(); // the next use copies it all
    size_t offset = static_cast<const uint8_t *>(data) - it->first;
    if (Status s = memory->toDevice(
            static_cast<uint8_t *>(it->second.device) + offset, data, bytes);
        !s)
      return s;
    counts.residentIn += bytes;
    return Status::success();
  }

  void forget(const void *buffer) override {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = copies.find(static_cast<const uint8_t *>(buffer));
    if (it == copies.end())
      return;
    memory->release(it->second.device);
    copies.erase(it);
  }

  Status zero(void *buffer, size_t bytes) override {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = containing(buffer, bytes);
    if (it == copies.end()) {
      std::memset(buffer, 0, bytes);
      return Status::success();
    }
    Copy &c = it->second;
    // Bytes around the zeros keep their values, on the side that has them.
    if (Status s = upToDate(it->first, c); !s)
      return s;
    size_t offset = static_cast<uint8_t *>(buffer) - it->first;
    if (Status s =
            memory->zero(static_cast<uint8_t *>(c.device) + offset, bytes);
        !s)
      return s;
    deviceNewer(it->first, c);
    return Status::success();
  }

  DeviceTransfers transfers() const override {
    std::lock_guard<std::mutex> lock(mutex);
    DeviceTransfers t = counts;
    t.callIn = callIn;
    t.callOut = callOut;
    return t;
  }

private:
  /// Which side changed a buffer since the last copy between them.
  enum class Side { Neither, Host, Device };
  struct Copy {
    void *device = nullptr;
    size_t bytes = 0;
    Side newer = Side::Host;
  };
  using Copies = std::map<const uint8_t *, Copy>;
  /// A device copy holding a host range: its host buffer's start, the copy
  /// (null: none), the range's offset in it.
  struct Held {
    const uint8_t *key;
    Copy *copy;
    size_t offset;
  };

  // All under `mutex`.

  /// The copy whose host buffer holds [host, host + bytes), or end().
  Copies::iterator containing(const void *host, size_t bytes) {
    auto *begin = static_cast<const uint8_t *>(host);
    auto it = copies.upper_bound(begin);
    if (it == copies.begin())
      return copies.end();
    --it;
    return begin + bytes <= it->first + it->second.bytes ? it : copies.end();
  }

  /// The device copy holding [host, host + bytes), if there is one.
  Held existingCopy(void *host, size_t bytes) {
    auto it = containing(host, bytes);
    if (it == copies.end())
      return Held{nullptr, nullptr, 0};
    return Held{it->first, &it->second,
                size_t(static_cast<uint8_t *>(host) - it->first)};
  }

  /// The device copy holding [host, host + bytes), allocated (holding that
  /// range) on first use.
  Result<Held> copyOf(const void *host, size_t bytes) {
    auto *begin = static_cast<const uint8_t *>(host);
    auto it = containing(begin, bytes);
    if (it != copies.end())
      return Held{it->first, &it->second, size_t(begin - it->first)};
    // A buffer that grew or moved must have been forgotten first: two copies
    // of one byte could not both be current.
    auto next = copies.lower_bound(begin);
    bool overlaps = next != copies.end() && next->first < begin + bytes;
    if (next != copies.begin()) {
      auto previous = std::prev(next);
      overlaps |= previous->first + previous->second.bytes > begin;
    }
    if (overlaps)
      return Status::error("a device copy of " + std::to_string(bytes) +
                           " bytes would overlap another: the runtime must "
                           "forget a buffer it resizes");
    auto device = memory->allocate(bytes);
    if (!device)
      return device.status();
    Copy &c = copies[begin];
    c = Copy{*device, bytes, Side::Host};
    return Held{begin, &c, 0};
  }

  /// Copies the host's buffer in if it is newer.
  Status upToDate(const uint8_t *host, Copy &c) {
    if (c.newer != Side::Host)
      return Status::success();
    if (Status s = memory->toDevice(c.device, host, c.bytes); !s)
      return s;
    counts.residentIn += c.bytes;
    c.newer = Side::Neither;
    return Status::success();
  }

  /// The device is about to change the copy: the host's goes stale.
  void deviceNewer(const uint8_t *host, Copy &c) {
    if (c.newer == Side::Device)
      return;
    c.newer = Side::Device;
    memory->hostStale(const_cast<uint8_t *>(host), c.bytes);
  }

  /// This thread's device buffer for a non-resident `arg`.
  Result<void *> scratchFor(const ArgSpec &arg) {
    auto key = std::make_pair(std::this_thread::get_id(), &arg);
    auto it = scratch.find(key);
    if (it != scratch.end())
      return it->second;
    auto device = memory->allocate(arg.bytes());
    if (!device)
      return device.status();
    scratch.emplace(key, *device);
    return *device;
  }

  std::unique_ptr<KernelBackend> kernels;
  std::unique_ptr<DeviceMemory> memory;
  std::unordered_map<std::string, const KernelSpec *> specs;
  mutable std::mutex mutex;
  Copies copies; // by host buffer
  std::map<std::pair<std::thread::id, const ArgSpec *>, void *> scratch;
  DeviceTransfers counts; // but the call buffers':
  std::atomic<uint64_t> callIn{0}, callOut{0};
};

/// Host memory standing in for a device's: 64-byte aligned blocks; stale
/// copies poisoned.
class HostMirrorMemory : public DeviceMemory {
public:
  ~HostMirrorMemory() override {
    for (auto &[block, bytes] : blocks)
      deallocateLarge(block, bytes);
  }
  Result<void *> allocate(size_t bytes) override {
    bytes = std::max<size_t>(bytes, 1);
    void *block = allocateLarge(bytes);
    std::lock_guard<std::mutex> lock(mutex);
    blocks[block] = bytes;
    return block;
  }
  void release(void *device) override {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = blocks.find(device);
    if (it == blocks.end())
      return;
    deallocateLarge(it->first, it->second);
    blocks.erase(it);
  }
  Status toDevice(void *device, const void *host, size_t bytes) override {
    std::memcpy(device, host, bytes);
    return Status::success();
  }
  Status toHost(void *host, const void *device, size_t bytes) override {
    std::memcpy(host, device, bytes);
    return Status::success();
  }
  Status zero(void *device, size_t bytes) override {
    std::memset(device, 0, bytes);
    return Status::success();
  }
  Status gatherRows(void *to, const void *from, const uint32_t *rows,
                    size_t count, size_t rowBytes) override {
    for (size_t i = 0; i < count; ++i)
      std::memcpy(static_cast<uint8_t *>(to) + i * rowBytes,
                  static_cast<const uint8_t *>(from) + rows[i] * rowBytes,
                  rowBytes);
    return Status::success();
  }
  void hostStale(void *host, size_t bytes) override {
    std::memset(host, 0xff, bytes);
  }
  void deviceStale(void *device, size_t bytes) override {
    std::memset(device, 0xff, bytes);
  }

private:
  std::mutex mutex;
  std::unordered_map<void *, size_t> blocks;
};

} // namespace

std::unique_ptr<KernelBackend>
dps::rt::openDeviceBackend(std::unique_ptr<KernelBackend> kernels,
                           std::unique_ptr<DeviceMemory> memory,
                           const Manifest &manifest) {
  return std::make_unique<DeviceBackend>(std::move(kernels), std::move(memory),
                                         manifest);
}

std::unique_ptr<KernelBackend>
dps::rt::mirrorOnHost(std::unique_ptr<KernelBackend> kernels,
                      const Manifest &manifest) {
  return openDeviceBackend(std::move(kernels), hostMirrorMemory(), manifest);
}

std::unique_ptr<DeviceMemory> dps::rt::hostMirrorMemory() {
  return std::make_unique<HostMirrorMemory>();
}
