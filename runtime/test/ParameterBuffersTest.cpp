//===- ParameterBuffersTest.cpp - claims 3, 14, 20: per-precision parameters
#include "dps/runtime/ParameterBuffers.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace dps::rt;

namespace {

const char *kManifest = R"({
  "model": "mlp", "train_step": "mlp_train", "batch": 4,
  "ladder": ["f32", "bf16"],
  "kernels": [
    {"name": "mlp_train_grad_bf16", "kind": "grad", "precision": "bf16", "args": [
      {"name": "dense0.weight", "role": "param_copy", "shape": [100, 50], "element_type": "bf16", "layout": "row_major"},
      {"name": "dense0.bias", "role": "param_copy", "shape": [50], "element_type": "bf16", "layout": "row_major"}]},
    {"name": "mlp_train_update", "kind": "update", "precision": "f32", "args": [
      {"name": "dense0.weight", "role": "param", "shape": [100, 50], "element_type": "f32", "layout": "row_major", "init": "he_normal"},
      {"name": "dense0.bias", "role": "param", "shape": [50], "element_type": "f32", "layout": "row_major", "init": "zeros"},
      {"name": "momentum_buffer.dense0.weight", "role": "opt_state", "shape": [100, 50], "element_type": "f32", "layout": "row_major"},
      {"name": "momentum_buffer.dense0.bias", "role": "opt_state", "shape": [50], "element_type": "f32", "layout": "row_major"},
      {"name": "grad.f32.dense0.weight", "role": "grad_acc", "shape": [100, 50], "element_type": "f32", "layout": "row_major"},
      {"name": "grad.f32.dense0.bias", "role": "grad_acc", "shape": [50], "element_type": "f32", "layout": "row_major"},
      {"name": "grad.bf16.dense0.weight", "role": "grad_acc", "shape": [100, 50], "element_type": "bf16", "layout": "row_major"},
      {"name": "grad.bf16.dense0.bias", "role": "grad_acc", "shape": [50], "element_type": "bf16", "layout": "row_major"},
      {"name": "rows", "role": "rows", "shape": [], "element_type": "index", "layout": "row_major"}]}
  ]})";

} // namespace

TEST(ParameterBuffers, Claim3_MastersInitialisedFromTheManifest) {
  auto manifest = parseManifest(kManifest);
  ASSERT_TRUE(manifest) << manifest.status().message();
  auto buffers = ParameterBuffers::create(*manifest, 1);
  ASSERT_TRUE(buffers) << buffers.status().message();
  KernelBuffer<float> &w = buffers->master("dense0.weight");
  ASSERT_EQ(w.size(), 5000u);
  double sum = 0, squares = 0;
  for (float v : w) {
    sum += v;
    squares += double(v) * v;
  }
  double sd = std::sqrt(squares / w.size() - std::pow(sum / w.size(), 2));
  EXPECT_NEAR(sd, std::sqrt(2.0 / 100), 0.01); // he_normal, fan-in 100
  for (float v : buffers->master("dense0.bias"))
    EXPECT_EQ(v, 0.0f);
  EXPECT_EQ(buffers->state("momentum_buffer.dense0.weight").size(), 5000u);
  auto again = ParameterBuffers::create(*manifest, 1);
  EXPECT_EQ(again->master("dense0.weight"), w); // seeded
}

namespace {
/// A compiled model that defines the initial values of one parameter.
class ValuesBackend : public KernelBackend {
public:
  Status call(const std::string &, const std::vector<KernelValue> &) override {
    return Status::error("no kernels");
  }
  const void *symbol(const std::string &name) override {
    return name == "mlp_train_init_0" ? values.data() : nullptr;
  }
  std::vector<float> values = std::vector<float>(5000);
};

std::string withValues(const char *symbol) {
  std::string json = kManifest;
  std::string from = R"("element_type": "f32", "layout": "row_major", "init": "he_normal")";
  std::string to = R"("element_type": "f32", "layout": "row_major", "init": "values", "values": ")" +
                   std::string(symbol) + "\"";
  json.replace(json.find(from), from.size(), to);
  return json;
}
} // namespace

TEST(ParameterBuffers, MastersCopiedFromTheModelsInitialValues) {
  auto manifest = parseManifest(withValues("mlp_train_init_0"));
  ASSERT_TRUE(manifest) << manifest.status().message();
  ValuesBackend model;
  for (size_t i = 0; i < model.values.size(); ++i)
    model.values[i] = float(i) * 0.5f;
  auto buffers = ParameterBuffers::create(*manifest, 1, &model);
  ASSERT_TRUE(buffers) << buffers.status().message();
  const KernelBuffer<float> &copied = buffers->master("dense0.weight");
  EXPECT_EQ(std::vector<float>(copied.begin(), copied.end()), model.values);
  // The next parameter keeps its own seeded initialiser.
  for (float v : buffers->master("dense0.bias"))
    EXPECT_EQ(v, 0.0f);
}

TEST(ParameterBuffers, MissingInitialValuesAreAClearError) {
  auto manifest = parseManifest(withValues("mlp_train_init_7"));
  ASSERT_TRUE(manifest) << manifest.status().message();
  ValuesBackend model;
  auto buffers = ParameterBuffers::create(*manifest, 1, &model);
  ASSERT_FALSE(buffers);
  EXPECT_NE(buffers.status().message().find(
                "dense0.weight: its initial values ('mlp_train_init_7') are "
                "not in the compiled model"),
            std::string::npos)
      << buffers.status().message();
  EXPECT_FALSE(ParameterBuffers::create(*manifest, 1)); // no model at all
}

TEST(ParameterBuffers, Claim14_CopiesPerPrecisionAndTheirBytes) {
  auto manifest = parseManifest(kManifest);
  auto buffers = ParameterBuffers::create(*manifest, 1);
  auto bytes = buffers->bytesPerPrecision();
  // Masters, momentum and the f32 rung's gradients; the bf16 rung's
  // gradients at bf16 (zero, as the update needs from a rung that did not
  // run), no copy until the rung is used.
  EXPECT_EQ(bytes["f32"], 3u * 5050 * 4);
  EXPECT_EQ(bytes["bf16"], 5050u * 2);
  EXPECT_EQ(buffers->gradients("grad.bf16.dense0.weight"),
            KernelBuffer<uint8_t>(5000 * 2, 0));
  for (const ArgSpec &arg : manifest->find("grad", "bf16")->args)
    buffers->copy("bf16", arg);
  bytes = buffers->bytesPerPrecision();
  EXPECT_EQ(bytes["bf16"], 2 * 5050u * 2);
}

// Kernels may stream whole cache lines into their buffers (the update's
// master weights): every buffer starts on a 64-byte boundary, even the
// small ones (a 50-float bias, 100 bytes of bf16).
TEST(ParameterBuffers, EveryBufferIsCacheLineAligned) {
  auto manifest = parseManifest(kManifest);
  auto buffers = ParameterBuffers::create(*manifest, 1);
  ASSERT_TRUE(buffers) << buffers.status().message();
  auto aligned = [](const void *p) {
    return reinterpret_cast<uintptr_t>(p) % kCacheLine == 0;
  };
  for (const KernelSpec &kernel : manifest->kernels)
    for (const ArgSpec &arg : kernel.args)
      if (const void *data = buffers->buffer(kernel, arg))
        EXPECT_TRUE(aligned(data)) << kernel.name << " " << arg.name;
}

TEST(ParameterBuffers, CopiesGoStaleAfterAnUpdate) {
  auto manifest = parseManifest(kManifest);
  auto buffers = ParameterBuffers::create(*manifest, 1);
  EXPECT_FALSE(buffers->isFresh("bf16"));
  buffers->markRefreshed("bf16");
  EXPECT_TRUE(buffers->isFresh("bf16"));
  buffers->markUpdated();
  EXPECT_FALSE(buffers->isFresh("bf16"));
}

TEST(Manifest, MalformedManifestsAreClearErrors) {
  auto bad = parseManifest("{\"model\": 3}", "m.json");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.status().message().find("m.json: not a dps kernel manifest"),
            std::string::npos);
  EXPECT_FALSE(parseManifest("not json"));
  EXPECT_FALSE(readManifest("/nonexistent/manifest.json"));
}

namespace {
/// kManifest with `kernel` (the JSON of one more kernel) listed first.
std::string withKernelFirst(const std::string &kernel) {
  std::string manifest = kManifest;
  size_t at = manifest.find(R"({"name": "mlp_train_update")");
  return manifest.insert(at, kernel + ",\n    ");
}

/// kManifest with an update kernel for the bf16 rung alone, listed first,
/// whose "rungs" are `rungs`.
std::string withUpdateFromBF16(const std::string &rungs) {
  return withKernelFirst(
      R"({"name": "mlp_train_update_from_bf16", "kind": "update", "precision": "f32", "rungs": )" +
      rungs + R"(, "args": [
      {"name": "grad.bf16.dense0.bias", "role": "grad_acc", "shape": [50], "element_type": "bf16", "layout": "row_major"}]})");
}
} // namespace

TEST(Manifest, UpdateKernelsSayWhichGradientSetsTheyRead) {
  auto manifest = parseManifest(withUpdateFromBF16(R"(["bf16"])"));
  ASSERT_TRUE(manifest) << manifest.status().message();
  ASSERT_EQ(manifest->kernels.size(), 3u);
  EXPECT_EQ(manifest->kernels[1].rungs, std::vector<std::string>{"bf16"});
  // Without "rungs", an update reads every rung's set; find() gives the
  // update that does, wherever it is listed.
  EXPECT_EQ(manifest->kernels[2].rungs,
            (std::vector<std::string>{"f32", "bf16"}));
  ASSERT_NE(manifest->find("update"), nullptr);
  EXPECT_EQ(manifest->find("update")->name, "mlp_train_update");
  EXPECT_TRUE(manifest->kernels[0].rungs.empty()); // not an update
}

TEST(Manifest, AnUpdateReadingARungOffTheLadderIsAClearError) {
  auto bad = parseManifest(withUpdateFromBF16(R"(["f16"])"), "m.json");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.status().message(),
            "m.json: kernel mlp_train_update_from_bf16 reads the gradients of "
            "rung 'f16', which is not in the ladder");
  EXPECT_FALSE(parseManifest(withUpdateFromBF16(R"("bf16")")));
}

namespace {
/// kManifest with the f32 rung's lanes' update listed first: it reads the
/// f32 set and the second lane's.
std::string withLanesUpdate() {
  return withKernelFirst(
      R"({"name": "mlp_train_update_lanes_f32", "kind": "update", "precision": "f32", "rungs": ["f32", "f32"], "args": [
      {"name": "grad.f32.dense0.bias", "role": "grad_acc", "shape": [50], "element_type": "f32", "layout": "row_major"},
      {"name": "grad.f32.lane1.dense0.bias", "role": "grad_acc", "shape": [50], "element_type": "f32", "layout": "row_major"}]})");
}
} // namespace

TEST(Manifest, ALanesUpdateReadsOneRungTwice) {
  auto manifest = parseManifest(withLanesUpdate());
  ASSERT_TRUE(manifest) << manifest.status().message();
  EXPECT_EQ(manifest->kernels[1].lanes(), 2u);
  EXPECT_EQ(manifest->kernels[2].lanes(), 1u); // the whole ladder's
  // As many sets as the ladder has rungs, yet not the whole ladder's update.
  ASSERT_NE(manifest->find("update"), nullptr);
  EXPECT_EQ(manifest->find("update")->name, "mlp_train_update");
  auto buffers = ParameterBuffers::create(*manifest, 1);
  ASSERT_TRUE(buffers) << buffers.status().message();
  EXPECT_EQ(buffers->gradients("grad.f32.lane1.dense0.bias").size(), 200u);
}
