//===- DeviceBackendTest.cpp - resident buffers on a device ---------------===//
#include "dps/runtime/DeviceBackend.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <set>

using namespace dps::rt;

namespace {

// A model of one weight vector: step reads w and x, writes loss = w . x and
// g = x; update writes w -= g.
const char *kManifest = R"({
  "model": "dot", "train_step": "dot_train", "batch": 1, "ladder": ["f32"],
  "kernels": [
    {"name": "step", "kind": "grad", "precision": "f32", "args": [
      {"name": "w", "role": "param", "shape": [4], "element_type": "f32"},
      {"name": "x", "role": "input", "shape": [1, 4], "element_type": "f32"},
      {"name": "losses", "role": "losses", "shape": [1], "element_type": "f32"},
      {"name": "grad.f32.w", "role": "grad_acc", "shape": [4], "element_type": "f32"},
      {"name": "rows", "role": "rows", "shape": [], "element_type": "index"}]},
    {"name": "update", "kind": "update", "precision": "f32", "args": [
      {"name": "w", "role": "param", "shape": [4], "element_type": "f32"},
      {"name": "grad.f32.w", "role": "grad_acc", "shape": [4], "element_type": "f32"}]}
  ]})";

/// The kernels, on whatever memory their arguments point to. Records the
/// pointers it was given.
class DotKernels : public KernelBackend {
public:
  std::set<const void *> *seen;
  explicit DotKernels(std::set<const void *> *seen) : seen(seen) {}

  Status call(const std::string &kernel,
              const std::vector<KernelValue> &args) override {
    for (const KernelValue &arg : args)
      if (arg.kind == KernelValue::Kind::MemRef)
        seen->insert(arg.data);
    auto f = [&](size_t i) { return static_cast<float *>(args[i].data); };
    if (kernel == "step") {
      float *w = f(0), *x = f(1), *loss = f(2), *g = f(3);
      loss[0] = 0;
      for (int i = 0; i < 4; ++i) {
        loss[0] += w[i] * x[i];
        g[i] = x[i];
      }
      return Status::success();
    }
    for (int i = 0; i < 4; ++i)
      f(0)[i] -= f(1)[i];
    return Status::success();
  }
  const void *symbol(const std::string &) override { return nullptr; }
};

/// The host mirror's memory, counting copies and gathers; allocation can
/// be made to fail.
class CountingMemory : public DeviceMemory {
public:
  int toDeviceCopies = 0, toHostCopies = 0, gathers = 0;
  bool failAllocation = false;

  Result<void *> allocate(size_t bytes) override {
    if (failAllocation)
      return Status::error("out of device memory");
    return memory->allocate(bytes);
  }
  void release(void *device) override { memory->release(device); }
  Status toDevice(void *device, const void *host, size_t bytes) override {
    ++toDeviceCopies;
    return memory->toDevice(device, host, bytes);
  }
  Status toHost(void *host, const void *device, size_t bytes) override {
    ++toHostCopies;
    return memory->toHost(host, device, bytes);
  }
  Status zero(void *device, size_t bytes) override {
    return memory->zero(device, bytes);
  }
  Status gatherRows(void *to, const void *from, const uint32_t *rows,
                    size_t count, size_t rowBytes) override {
    ++gathers;
    return memory->gatherRows(to, from, rows, count, rowBytes);
  }

private:
  std::unique_ptr<DeviceMemory> memory = hostMirrorMemory();
};

struct Fixture : ::testing::Test {
  Manifest manifest = *parseManifest(kManifest);
  std::set<const void *> seen;
  float w[4] = {1, 2, 3, 4}, x[4] = {1, 0, 0, 0}, loss[1] = {0}, g[4] = {};
  int64_t rows = 1;

  std::vector<KernelValue> stepArgs() {
    const auto &a = manifest.kernels[0].args;
    return {KernelValue::memref(w, a[0].shape),
            KernelValue::memref(x, a[1].shape),
            KernelValue::memref(loss, a[2].shape),
            KernelValue::memref(g, a[3].shape), KernelValue::index(rows)};
  }
  std::vector<KernelValue> updateArgs() {
    const auto &a = manifest.kernels[1].args;
    return {KernelValue::memref(w, a[0].shape),
            KernelValue::memref(g, a[1].shape)};
  }
};

} // namespace

TEST_F(Fixture, KernelsSeeOnlyDeviceMemory) {
  auto memory = std::make_unique<CountingMemory>();
  auto backend = openDeviceBackend(std::make_unique<DotKernels>(&seen),
                                   std::move(memory), manifest);
  ASSERT_TRUE(backend->call("step", stepArgs()));
  ASSERT_TRUE(backend->call("update", updateArgs()));
  for (const void *host : {(void *)w, (void *)x, (void *)loss, (void *)g})
    EXPECT_EQ(seen.count(host), 0u);
}

TEST_F(Fixture, ResidentBuffersAreCopiedInOnce) {
  auto owned = std::make_unique<CountingMemory>();
  CountingMemory &memory = *owned;
  auto backend = openDeviceBackend(std::make_unique<DotKernels>(&seen),
                                   std::move(owned), manifest);
  for (int i = 0; i < 4; ++i) {
    std::fill(x, x + 4, 0.0f);
    x[i] = 1; // a new batch each call
    ASSERT_TRUE(backend->call("step", stepArgs()));
    EXPECT_EQ(loss[0], w[i]); // the call's results come back at once
  }
  // w and g once; x and the losses each call; the losses back each call.
  EXPECT_EQ(memory.toDeviceCopies, 2 + 4 * 2);
  EXPECT_EQ(memory.toHostCopies, 4);
  DeviceTransfers t = backend->transfers();
  EXPECT_EQ(t.residentIn, 2 * 16u);
  EXPECT_EQ(t.residentOut, 0u);
  EXPECT_EQ(t.callIn, 4 * (16u + 4u));
  EXPECT_EQ(t.callOut, 4 * 4u);
  EXPECT_EQ(t.calls, 4u);
}

TEST_F(Fixture, HostReadsAfterAFetch) {
  auto backend = mirrorOnHost(std::make_unique<DotKernels>(&seen), manifest);
  ASSERT_TRUE(backend->call("step", stepArgs()));
  ASSERT_TRUE(backend->call("update", updateArgs()));
  // The device has w - x; the host's stale copy is poisoned meanwhile.
  EXPECT_TRUE(std::isnan(w[0]));
  EXPECT_TRUE(std::isnan(g[3]));
  ASSERT_TRUE(backend->fetch(w));
  EXPECT_EQ(w[0], 0.0f);
  EXPECT_EQ(w[3], 4.0f);
  ASSERT_TRUE(backend->fetch(w)); // current: no second copy
  EXPECT_EQ(backend->transfers().residentOut, 16u);
  // An update reads the device's w, not the host's.
  ASSERT_TRUE(backend->call("update", updateArgs()));
  ASSERT_TRUE(backend->fetch(w));
  EXPECT_EQ(w[0], -1.0f);
}

TEST_F(Fixture, HostWritesReachTheDevice) {
  auto backend = mirrorOnHost(std::make_unique<DotKernels>(&seen), manifest);
  ASSERT_TRUE(backend->call("step", stepArgs()));
  EXPECT_EQ(loss[0], 1.0f);
  // A restored checkpoint: written on the host, then said so.
  ASSERT_TRUE(backend->fetch(w));
  w[0] = 5;
  backend->hostWrote(w);
  ASSERT_TRUE(backend->call("step", stepArgs()));
  EXPECT_EQ(loss[0], 5.0f);
  EXPECT_EQ(backend->transfers().residentIn, 3 * 16u);
}

TEST_F(Fixture, ZerosWhereTheBufferLives) {
  auto backend = mirrorOnHost(std::make_unique<DotKernels>(&seen), manifest);
  ASSERT_TRUE(backend->call("step", stepArgs())); // g = x on the device
  ASSERT_TRUE(backend->zero(g, sizeof g));
  ASSERT_TRUE(backend->call("update", updateArgs()));
  ASSERT_TRUE(backend->fetch(w));
  EXPECT_EQ(w[0], 1.0f); // w - 0
  ASSERT_TRUE(backend->fetch(g));
  EXPECT_EQ(g[0], 0.0f);
  // Nothing but w and g ever went in: the zeros were made on the device.
  EXPECT_EQ(backend->transfers().residentIn, 2 * 16u);
  // A buffer the device has not seen is zeroed on the host.
  float other[2] = {1, 1};
  ASSERT_TRUE(backend->zero(other, sizeof other));
  EXPECT_EQ(other[1], 0.0f);
}

TEST_F(Fixture, BatchesAreGatheredOnTheDevice) {
  auto owned = std::make_unique<CountingMemory>();
  CountingMemory &memory = *owned;
  auto backend = openDeviceBackend(std::make_unique<DotKernels>(&seen),
                                   std::move(owned), manifest);
  // A store of 3 rows of 4; the batch buffer holds two lanes' rows.
  float store[3][4] = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}};
  float batch[2][4] = {};
  uint32_t rows[2] = {2, 1};
  auto gather = [&](uint32_t *indices, size_t count, size_t offset) {
    return backend->gatherRows(
        {store, sizeof store, indices, count, 16, batch, sizeof batch, offset});
  };
  ASSERT_TRUE(gather(rows, 1, 0));
  ASSERT_TRUE(gather(rows + 1, 1, 16)); // the second lane's row
  // The kernel reads the batch where it was gathered (x = batch[0], then
  // the second lane's batch[1]); only the losses and w come in.
  auto args = stepArgs();
  args[1].data = batch[0];
  ASSERT_TRUE(backend->call("step", args));
  EXPECT_EQ(loss[0], w[2]);
  args[1].data = batch[1];
  ASSERT_TRUE(backend->call("step", args));
  EXPECT_EQ(loss[0], w[1]);
  EXPECT_EQ(memory.gathers, 2);
  // The store and the batch buffer (once, for the rows no gather wrote), w
  // and g; the losses at each call.
  EXPECT_EQ(memory.toDeviceCopies, 4 + 2);
  // A store the host rewrote goes in again before the next gather.
  store[1][1] = 7;
  backend->hostWrote(store);
  ASSERT_TRUE(gather(rows + 1, 1, 0));
  args[1].data = batch[0];
  ASSERT_TRUE(backend->call("step", args));
  EXPECT_EQ(loss[0], 7 * w[1]);
  EXPECT_EQ(backend->transfers().residentIn,
            2 * sizeof store + sizeof batch + 2 * 16u);
  // A value written into the gathered batch on the host goes through alone.
  batch[0][0] = 1;
  ASSERT_TRUE(backend->writeThrough(&batch[0][0], 4));
  ASSERT_TRUE(backend->call("step", args));
  EXPECT_EQ(loss[0], w[0] + 7 * w[1]);
  // A store that grows in place must be forgotten first.
  Status s = backend->gatherRows(
      {store, sizeof store + 16, rows, 1, 16, batch, sizeof batch, 0});
  ASSERT_FALSE(s);
  EXPECT_NE(s.message().find("must forget a buffer it resizes"),
            std::string::npos);
  backend->forget(store);
  EXPECT_TRUE(backend->gatherRows(
      {store, sizeof store, rows, 1, 16, batch, sizeof batch, 0}));
}

TEST_F(Fixture, ErrorsAreReported) {
  auto owned = std::make_unique<CountingMemory>();
  owned->failAllocation = true;
  auto backend = openDeviceBackend(std::make_unique<DotKernels>(&seen),
                                   std::move(owned), manifest);
  Status s = backend->call("step", stepArgs());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.message(), "out of device memory");
  s = backend->call("nothing", {});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.message(), "no kernel 'nothing' with 0 arguments");
  s = backend->call("update", stepArgs());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.message(), "no kernel 'update' with 5 arguments");
}

TEST(KernelBackend, CpuBackendsTouchHostMemory) {
  class Plain : public KernelBackend {
    Status call(const std::string &,
                const std::vector<KernelValue> &) override {
      return Status::success();
    }
    const void *symbol(const std::string &) override { return nullptr; }
  } plain;
  float values[3] = {1, 2, 3};
  EXPECT_TRUE(plain.fetch(values));
  ASSERT_TRUE(plain.zero(values, sizeof values));
  EXPECT_EQ(values[2], 0.0f);
  EXPECT_EQ(plain.transfers().calls, 0u);
}
