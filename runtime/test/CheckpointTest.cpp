//===- CheckpointTest.cpp - atomic checkpoints and torn-file fallback ------===//
#include "dps/runtime/Checkpoint.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdlib>
#include <fstream>
#include <unistd.h>

using namespace dps::rt;

namespace {

std::string freshFolder() {
  char pattern[] = "/tmp/dps-checkpoint-XXXXXX";
  return mkdtemp(pattern);
}

Checkpoint sample(int epoch) {
  Checkpoint c;
  c.putValue<int32_t>("epoch", epoch);
  c.putVector<float>("weights", {1.5f, -2.0f, float(epoch)});
  c.putString("note", "hello");
  return c;
}

} // namespace

TEST(Checkpoint, RoundTrips) {
  std::string folder = freshFolder();
  ASSERT_TRUE(sample(3).write(folder));
  auto read = Checkpoint::read(folder);
  ASSERT_TRUE(read) << read.status().message();
  EXPECT_EQ(*read->getValue<int32_t>("epoch"), 3);
  EXPECT_EQ(*read->getVector<float>("weights"),
            (std::vector<float>{1.5f, -2.0f, 3.0f}));
  EXPECT_EQ(*read->getString("note"), "hello");
  EXPECT_FALSE(read->getValue<int64_t>("epoch")); // wrong size
  EXPECT_FALSE(read->getVector<float>("missing"));
}

TEST(Checkpoint, KeepsThePreviousOne) {
  std::string folder = freshFolder();
  ASSERT_TRUE(sample(1).write(folder));
  ASSERT_TRUE(sample(2).write(folder));
  auto previous = Checkpoint::readFile(Checkpoint::previousPath(folder));
  ASSERT_TRUE(previous);
  EXPECT_EQ(*previous->getValue<int32_t>("epoch"), 1);
}

TEST(Checkpoint, TornLatestFallsBackToThePreviousWithAWarning) {
  std::string folder = freshFolder();
  ASSERT_TRUE(sample(1).write(folder));
  ASSERT_TRUE(sample(2).write(folder));
  // Tear the latest: cut it short.
  std::string latest = Checkpoint::latestPath(folder);
  ASSERT_EQ(truncate(latest.c_str(), 20), 0);
  std::string warning;
  auto read = Checkpoint::read(folder, &warning);
  ASSERT_TRUE(read) << read.status().message();
  EXPECT_EQ(*read->getValue<int32_t>("epoch"), 1);
  EXPECT_NE(warning.find("checksum mismatch"), std::string::npos) << warning;
}

TEST(Checkpoint, CorruptLatestIsDetectedByItsChecksum) {
  std::string folder = freshFolder();
  ASSERT_TRUE(sample(1).write(folder));
  ASSERT_TRUE(sample(2).write(folder));
  std::string latest = Checkpoint::latestPath(folder);
  std::fstream file(latest, std::ios::in | std::ios::out | std::ios::binary);
  file.seekp(30);
  file.put('\x7f');
  file.close();
  EXPECT_FALSE(Checkpoint::readFile(latest));
  auto read = Checkpoint::read(folder);
  ASSERT_TRUE(read);
  EXPECT_EQ(*read->getValue<int32_t>("epoch"), 1);
}

// Found by dps-fuzz-checkpoint: a section size near 2^64 wrapped the bounds
// check around (pos + size) and read far past the file. Now: a clear error.
TEST(Checkpoint, HugeSectionSizesWithAValidChecksumAreErrors) {
  std::string folder = freshFolder();
  for (uint64_t keySize : {~uint64_t(0), ~uint64_t(0) - 8, uint64_t(1) << 63}) {
    std::string bytes = "DPSCKPT1";
    uint64_t count = 1;
    bytes.append(reinterpret_cast<const char *>(&count), 8);
    bytes.append(reinterpret_cast<const char *>(&keySize), 8);
    bytes.append(16, 'x');
    uint32_t crc = uint32_t(
        crc32(0L, reinterpret_cast<const Bytef *>(bytes.data()), bytes.size()));
    bytes.append(reinterpret_cast<const char *>(&crc), 4);
    std::string path = folder + "/huge.ckpt";
    std::ofstream(path, std::ios::binary) << bytes;
    auto read = Checkpoint::readFile(path);
    ASSERT_FALSE(read);
    EXPECT_NE(read.status().message().find("truncated section name"),
              std::string::npos)
        << read.status().message();
  }
}

TEST(Checkpoint, MissingCheckpointIsAClearError) {
  std::string folder = freshFolder();
  auto read = Checkpoint::read(folder);
  ASSERT_FALSE(read);
  EXPECT_NE(read.status().message().find("no checkpoint to resume from"),
            std::string::npos);
}

#include "dps/runtime/TrainingState.h"

TEST(Checkpoint, TrainingStateRoundTripsEverythingAResumeNeeds) {
  TrainingState state;
  state.epoch = 4;
  state.step = 1720;
  state.masters["dense0.weight"] = {1, 2, 3};
  state.optimizerState["momentum_buffer.dense0.weight"] = {0.5f, 0.25f, 0};
  state.lossScale = 1024;
  state.lossScaleCleanSteps = 17;
  state.amaxHistories["f8E4M3FN"] = {{1.0f, 2.0f}, {}, {3.0f}};
  state.schedule.completedEpochs = 4;
  state.schedule.bestValidationError = 0.12;
  state.schedule.previousValidationError = 0.13;
  state.schedule.rollbackNext = true;
  state.schedule.rollbacks = 1;
  state.losses = {0.1f, 2.5f};
  state.rungOf = {0, 2};
  state.shuffleRng.seed(99);
  state.shuffleRng.discard(1234);
  state.roundingRng.seed(7);
  state.metricsJson = "{\"epochs\": []}";

  std::string folder = freshFolder();
  Checkpoint c;
  store(c, state);
  ASSERT_TRUE(c.write(folder));
  auto read = Checkpoint::read(folder);
  ASSERT_TRUE(read);
  auto back = load(*read);
  ASSERT_TRUE(back) << back.status().message();
  EXPECT_EQ(back->epoch, 4);
  EXPECT_EQ(back->step, 1720);
  EXPECT_EQ(back->masters, state.masters);
  EXPECT_EQ(back->optimizerState, state.optimizerState);
  EXPECT_EQ(back->lossScale, 1024);
  EXPECT_EQ(back->lossScaleCleanSteps, 17);
  EXPECT_EQ(back->amaxHistories, state.amaxHistories);
  EXPECT_EQ(back->schedule.completedEpochs, 4);
  EXPECT_EQ(*back->schedule.bestValidationError, 0.12);
  EXPECT_TRUE(back->schedule.rollbackNext);
  EXPECT_EQ(back->losses, state.losses);
  EXPECT_EQ(back->rungOf, state.rungOf);
  EXPECT_EQ(back->shuffleRng(), state.shuffleRng()); // same next draw
  EXPECT_EQ(back->roundingRng(), state.roundingRng());
  EXPECT_EQ(back->metricsJson, state.metricsJson);
}

// Found by dps-fuzz-checkpoint: an amax history whose stored length is huge
// (or negative, NaN, fractional) was converted to size_t (undefined) and
// overran the array. Now: a clear error.
TEST(Checkpoint, CorruptAmaxHistoryLengthsAreErrors) {
  TrainingState state;
  state.shuffleRng.seed(1);
  state.roundingRng.seed(2);
  state.amaxHistories["f8E4M3FN"] = {{1.0f}};
  for (float length : {2.95868e29f, -1.0f, NAN, 0.5f, 2.0f}) {
    Checkpoint c;
    store(c, state);
    std::vector<float> flat = {length, 1.0f};
    c.putVector("amax/f8E4M3FN", flat);
    auto back = load(c);
    ASSERT_FALSE(back) << length;
    EXPECT_NE(back.status().message().find("corrupt amax history"),
              std::string::npos)
        << back.status().message();
  }
}

#include "dps/runtime/Sha256.h"

TEST(Sha256, KnownDigests) {
  Sha256 empty;
  EXPECT_EQ(empty.hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  Sha256 abc;
  abc.update("abc", 3);
  EXPECT_EQ(abc.hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::string million(1000000, 'a');
  Sha256 many;
  many.update(million.data(), 500000);
  many.update(million.data(), 500000);
  EXPECT_EQ(many.hex(),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
