//===- PackedArgumentsTest.cpp - MLIR's packed calling convention --------===//
#include "dps/runtime/PackedArguments.h"

#include <gtest/gtest.h>

using namespace dps::rt;

namespace {

/// The descriptor argument `i` of `packed` points at.
const int64_t *descriptor(const PackedArguments &packed, size_t i) {
  return *static_cast<int64_t **>(packed.data()[i]);
}

} // namespace

TEST(PackedArguments, DescriptorsAndScalarsInCallOrder) {
  float buffer[6];
  std::vector<int64_t> shape = {2, 3};
  PackedArguments packed;
  packed.memref(buffer, shape).index(7).f32(0.5f);
  ASSERT_EQ(packed.size(), 3u);
  const int64_t *d = descriptor(packed, 0);
  EXPECT_EQ(d[0], reinterpret_cast<intptr_t>(buffer)); // allocated
  EXPECT_EQ(d[1], reinterpret_cast<intptr_t>(buffer)); // aligned
  EXPECT_EQ(d[2], 0);                                  // offset
  EXPECT_EQ(d[3], 2);                                  // sizes
  EXPECT_EQ(d[4], 3);
  EXPECT_EQ(d[5], 3); // row-major strides
  EXPECT_EQ(d[6], 1);
  EXPECT_EQ(*static_cast<int64_t *>(packed.data()[1]), 7);
  EXPECT_EQ(*static_cast<float *>(packed.data()[2]), 0.5f);
}

// A packing reused for the next call (the backends keep one per thread)
// holds that call's arguments only, however many memrefs came before: the
// descriptors stay valid while their storage grows.
TEST(PackedArguments, AssignReplacesThePreviousCall) {
  float a[4], b[8];
  std::vector<int64_t> vector4 = {4}, matrix = {2, 2, 2};
  PackedArguments packed;
  packed.assign({KernelValue::index(3), KernelValue::memref(a, vector4)});
  EXPECT_EQ(descriptor(packed, 1)[3], 4);
  std::vector<KernelValue> next;
  for (int i = 0; i < 20; ++i)
    next.push_back(
        KernelValue::memref(i % 2 ? a : b, i % 2 ? vector4 : matrix));
  next.push_back(KernelValue::f32(2.0f));
  packed.assign(next);
  ASSERT_EQ(packed.size(), 21u);
  for (int i = 0; i < 20; ++i) {
    const int64_t *d = descriptor(packed, i);
    EXPECT_EQ(d[1], reinterpret_cast<intptr_t>(i % 2 ? a : b)) << i;
    EXPECT_EQ(d[3], i % 2 ? 4 : 2) << i;
    if (i % 2 == 0)
      EXPECT_EQ(d[3 + 3], 4) << i; // the matrix's outer stride
  }
  EXPECT_EQ(*static_cast<float *>(packed.data()[20]), 2.0f);
}
