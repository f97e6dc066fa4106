//===- SampleStoreTest.cpp - claim 10: samples at their subset's precision -===//
#include "dps/runtime/SampleStore.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace dps::rt;

namespace {
const std::vector<Precision> kLadder = {Precision::F32, Precision::BF16,
                                        Precision::F8E4M3FN};
}

TEST(SampleStore, Claim10_BytesPerPrecisionMatchTheSubsets) {
  Dataset data = tinyDataset(); // 96 samples of 64 values
  SampleStore store(data, kLadder);
  std::vector<uint8_t> rungOf(data.size());
  for (size_t i = 0; i < rungOf.size(); ++i)
    rungOf[i] = i % 3;
  ASSERT_TRUE(store.assign(rungOf));
  EXPECT_EQ(store.count(0), 32u);
  EXPECT_EQ(store.bytes(0), 32u * 64 * 4);
  EXPECT_EQ(store.bytes(1), 32u * 64 * 2);
  EXPECT_EQ(store.bytes(2), 32u * 64 * 1);
  EXPECT_EQ(store.totalBytes(), 32u * 64 * 7);
  EXPECT_EQ(store.sourceBytes(), 96u * 64 * 4);
}

TEST(SampleStore, Claim10_AMovedUpSampleEqualsItsOriginalBitForBit) {
  Dataset data = tinyDataset();
  SampleStore store(data, kLadder);
  std::vector<uint8_t> rungOf(data.size(), 2); // everything at f8
  ASSERT_TRUE(store.assign(rungOf));
  rungOf[5] = 0; // sample 5 moves up to f32
  rungOf[6] = 1; // sample 6 to bf16
  ASSERT_TRUE(store.assign(rungOf));
  EXPECT_EQ(std::memcmp(store.row(5), data.sample(5), data.sampleSize() * 4), 0);
  std::vector<uint8_t> expected(data.sampleSize() * 2);
  narrow(data.sample(6), data.sampleSize(), Precision::BF16, expected.data(),
         /*saturate=*/true);
  EXPECT_EQ(std::memcmp(store.row(6), expected.data(), expected.size()), 0);
}

TEST(SampleStore, MicroBatchesStreamFromContiguousRows) {
  Dataset data = tinyDataset();
  SampleStore store(data, kLadder);
  std::vector<uint8_t> rungOf(data.size(), 1);
  ASSERT_TRUE(store.assign(rungOf));
  std::vector<uint8_t> batch(3 * store.rowBytes(1));
  store.gather(1, {4, 9, 2}, batch.data());
  EXPECT_EQ(std::memcmp(batch.data() + store.rowBytes(1), store.row(9),
                        store.rowBytes(1)),
            0);
}

TEST(SampleStore, BadAssignmentsAreErrors) {
  Dataset data = tinyDataset();
  SampleStore store(data, kLadder);
  EXPECT_FALSE(store.assign(std::vector<uint8_t>(3, 0)));
  EXPECT_FALSE(store.assign(std::vector<uint8_t>(data.size(), 7)));
}
