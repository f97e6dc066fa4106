//===- SampleStoreTest.cpp - claim 10: samples at their subset's precision -===//
#include "dps/runtime/SampleStore.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace dps::rt;

namespace {
const std::vector<Precision> kLadder = {Precision::F32, Precision::BF16,
                                        Precision::F8E4M3FN};

/// Sample i on rung i % 3.
std::vector<uint8_t> everyThird(const Dataset &data) {
  std::vector<uint8_t> rungOf(data.size());
  for (size_t i = 0; i < rungOf.size(); ++i)
    rungOf[i] = i % 3;
  return rungOf;
}
} // namespace

TEST(SampleStore, Claim10_BytesPerPrecisionMatchTheSubsets) {
  Dataset data = tinyDataset(); // 96 samples of 64 values
  SampleStore store(data, kLadder);
  std::vector<uint8_t> rungOf = everyThird(data);
  ASSERT_TRUE(store.assign(rungOf));
  EXPECT_EQ(store.count(0), 32u);
  EXPECT_EQ(store.bytes(0), 0u); // f32 rows are the source's, read in place
  EXPECT_EQ(store.bytes(1), 32u * 64 * 2);
  EXPECT_EQ(store.bytes(2), 32u * 64 * 1);
  EXPECT_EQ(store.totalBytes(), 32u * 64 * 3);
  for (size_t s = 0; s < data.size(); s += 3)
    EXPECT_EQ(store.row(s), reinterpret_cast<const uint8_t *>(data.sample(s)));
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
  // Part of a step's samples into part of a batch (a lane's rows).
  std::vector<uint32_t> samples = {4, 9, 2};
  store.gather(1, samples.data() + 2, 1, batch.data());
  EXPECT_EQ(std::memcmp(batch.data(), store.row(2), store.rowBytes(1)), 0);
}

TEST(SampleStore, BadAssignmentsAreErrors) {
  Dataset data = tinyDataset();
  SampleStore store(data, kLadder);
  EXPECT_FALSE(store.assign(std::vector<uint8_t>(3, 0)));
  EXPECT_FALSE(store.assign(std::vector<uint8_t>(data.size(), 7)));
}

TEST(SampleStore, ReassignmentsKeepEveryRowAsIfRoundedAnew) {
  // The store moves rows in place (stayers keep theirs, or move down when
  // their rung shrinks; arrivals fill the free rows): after any sequence of
  // assignments every row must equal its sample rounded from the source,
  // and each rung hold exactly its samples' bytes.
  Dataset data = tinyDataset();
  SampleStore store(data, kLadder);
  std::vector<uint8_t> rungOf(data.size());
  std::vector<uint8_t> expected(data.sampleSize() * 4);
  uint32_t state = 12345;
  for (int round = 0; round < 40; ++round) {
    // Skewed towards one rung per round, so rungs grow and shrink a lot.
    size_t favourite = size_t(round) % kLadder.size();
    for (uint8_t &r : rungOf) {
      state = state * 1664525u + 1013904223u;
      r = (state >> 24) % 4 == 0 ? uint8_t((state >> 8) % kLadder.size())
                                 : uint8_t(favourite);
    }
    if (round % 7 == 6)
      rungOf.assign(data.size(), uint8_t(favourite)); // everything on one
    ASSERT_TRUE(store.assign(rungOf));
    std::vector<size_t> counts(kLadder.size(), 0);
    for (size_t s = 0; s < data.size(); ++s) {
      size_t r = rungOf[s];
      ++counts[r];
      ASSERT_EQ(store.rungOf(s), r);
      narrow(data.sample(s), data.sampleSize(), kLadder[r], expected.data(),
             /*saturate=*/true);
      ASSERT_EQ(std::memcmp(store.row(s), expected.data(), store.rowBytes(r)),
                0)
          << "sample " << s << " on rung " << r << " in round " << round;
    }
    for (size_t r = 0; r < kLadder.size(); ++r) {
      EXPECT_EQ(store.count(r), counts[r]);
      EXPECT_EQ(store.bytes(r), kLadder[r] == Precision::F32
                                    ? 0
                                    : counts[r] * store.rowBytes(r));
    }
  }
}

TEST(SampleStore, AnUnchangedAssignmentTouchesNoRow) {
  Dataset data = tinyDataset();
  SampleStore store(data, kLadder);
  std::vector<uint8_t> rungOf = everyThird(data);
  ASSERT_TRUE(store.assign(rungOf));
  const uint8_t *before = store.row(7);
  ASSERT_TRUE(store.assign(rungOf));
  EXPECT_EQ(store.row(7), before); // same buffer, same row
}

TEST(SampleStore, RowsForADeviceCopy) {
  Dataset data = tinyDataset();
  SampleStore store(data, kLadder);
  std::vector<uint8_t> rungOf = everyThird(data);
  ASSERT_TRUE(store.assign(rungOf));
  // Each rung's rows, and where a sample's row lies in them: what a device
  // holds and gathers from.
  for (size_t r = 0; r < 3; ++r) {
    SampleStore::Rows rows = store.rows(r);
    uint32_t samples[2] = {uint32_t(r), uint32_t(r + 3)}, indices[2];
    store.rowIndices(r, samples, 2, indices);
    for (int i = 0; i < 2; ++i) {
      EXPECT_EQ(rows.data + indices[i] * store.rowBytes(r),
                store.row(samples[i]));
      EXPECT_LE((indices[i] + 1) * store.rowBytes(r), rows.bytes);
    }
  }
  // An f32 rung's rows are the whole source, one per sample.
  EXPECT_EQ(store.rows(0).data,
            reinterpret_cast<const uint8_t *>(data.samples.data()));
  EXPECT_EQ(store.rows(0).bytes, store.sourceBytes());
  EXPECT_FALSE(store.rewritten(0));
  EXPECT_TRUE(store.rewritten(1));
  EXPECT_TRUE(store.rewritten(2));
  // Only the rungs an assignment changes are rewritten: a sample moving
  // from bf16 to f32 frees a bf16 row; f8 stays as it was.
  rungOf[1] = 0;
  ASSERT_TRUE(store.assign(rungOf));
  EXPECT_FALSE(store.rewritten(0));
  EXPECT_TRUE(store.rewritten(1));
  EXPECT_FALSE(store.rewritten(2));
  ASSERT_TRUE(store.assign(rungOf));
  EXPECT_FALSE(store.rewritten(1));
}
