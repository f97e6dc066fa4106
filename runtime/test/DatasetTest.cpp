//===- DatasetTest.cpp - IDX files, synthetic data, splits -----------------===//
#include "dps/runtime/Dataset.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdlib>
#include <fstream>

using namespace dps::rt;

namespace {

std::string freshFolder() {
  char pattern[] = "/tmp/dps-dataset-XXXXXX";
  return mkdtemp(pattern);
}

std::vector<uint8_t> idx(std::vector<uint32_t> dims, size_t payload) {
  std::vector<uint8_t> bytes = {0, 0, 0x08, uint8_t(dims.size())};
  for (uint32_t d : dims)
    for (int shift = 24; shift >= 0; shift -= 8)
      bytes.push_back(uint8_t(d >> shift));
  for (size_t i = 0; i < payload; ++i)
    bytes.push_back(uint8_t(i % 7));
  return bytes;
}

void writeFile(const std::string &path, const std::vector<uint8_t> &bytes) {
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char *>(bytes.data()), bytes.size());
}

void writeGzip(const std::string &path, const std::vector<uint8_t> &bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  gzwrite(f, bytes.data(), bytes.size());
  gzclose(f);
}

/// An IDX folder of 10 training and 4 test 4x4 images.
std::string writeFolder() {
  std::string folder = freshFolder();
  writeGzip(folder + "/train-images-idx3-ubyte.gz", idx({10, 4, 4}, 160));
  writeGzip(folder + "/train-labels-idx1-ubyte.gz", idx({10}, 10));
  writeFile(folder + "/t10k-images-idx3-ubyte", idx({4, 4, 4}, 64));
  writeFile(folder + "/t10k-labels-idx1-ubyte", idx({4}, 4));
  return folder;
}

std::string expectError(const Result<DatasetSplits> &result) {
  EXPECT_FALSE(result);
  return result ? "" : result.status().message();
}

} // namespace

TEST(Dataset, ReadsGzipAndPlainIdxFolders) {
  std::string folder = writeFolder();
  auto splits = loadIdxFolder(folder, 3);
  ASSERT_TRUE(splits) << splits.status().message();
  EXPECT_EQ(splits->train.size(), 7u);
  EXPECT_EQ(splits->validation.size(), 3u);
  EXPECT_EQ(splits->test.size(), 4u);
  EXPECT_EQ(splits->train.sampleShape, (std::vector<int64_t>{4, 4, 1}));
  EXPECT_EQ(splits->train.classes, 7);
  EXPECT_FLOAT_EQ(splits->train.samples[1], 1.0f / 255);
}

TEST(Dataset, CorruptDatasetsGiveClearErrors) {
  std::string folder = writeFolder();
  std::string images = folder + "/train-images-idx3-ubyte.gz";

  writeGzip(images, idx({10, 4, 4}, 100)); // truncated payload
  std::string message = expectError(loadIdxFolder(folder, 3));
  EXPECT_NE(message.find(images), std::string::npos) << message;
  EXPECT_NE(message.find("truncated"), std::string::npos) << message;

  // A header promising ~2^48 bytes: the reader sizes its buffer from the
  // header only up to 1 GiB, and the payload check names the truncation.
  writeGzip(images, idx({65535, 65535, 65535}, 100));
  message = expectError(loadIdxFolder(folder, 3));
  EXPECT_NE(message.find("truncated"), std::string::npos) << message;

  std::vector<uint8_t> badMagic = idx({10, 4, 4}, 160);
  badMagic[0] = 0x1f;
  writeGzip(images, badMagic);
  message = expectError(loadIdxFolder(folder, 3));
  EXPECT_NE(message.find("bad magic"), std::string::npos) << message;

  writeGzip(images, idx({11, 4, 4}, 176)); // 11 images, 10 labels
  message = expectError(loadIdxFolder(folder, 3));
  EXPECT_NE(message.find("10 labels for the 11 images"), std::string::npos)
      << message;

  writeFile(images, {0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02, 0x03}); // bad gzip
  message = expectError(loadIdxFolder(folder, 3));
  EXPECT_NE(message.find(images), std::string::npos) << message;

  message = expectError(loadIdxFolder(folder + "/nowhere", 3));
  EXPECT_NE(message.find("cannot open"), std::string::npos) << message;

  writeGzip(images, idx({10, 4, 4}, 160));
  message = expectError(loadIdxFolder(folder, 10));
  EXPECT_NE(message.find("cannot split 10 validation samples"),
            std::string::npos)
      << message;
}

TEST(Dataset, FashionMnistFromDebian) {
  std::ifstream probe(std::string(kFashionMnistFolder) +
                      "/train-images-idx3-ubyte.gz");
  if (!probe)
    GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  auto splits = loadIdxFolder(kFashionMnistFolder, 5000);
  ASSERT_TRUE(splits) << splits.status().message();
  EXPECT_EQ(splits->train.size(), 55000u);
  EXPECT_EQ(splits->validation.size(), 5000u);
  EXPECT_EQ(splits->test.size(), 10000u);
  EXPECT_EQ(splits->train.sampleShape, (std::vector<int64_t>{28, 28, 1}));
  EXPECT_EQ(splits->train.classes, 10);
}

TEST(Dataset, SyntheticDataIsDeterministic) {
  Dataset a = makeSynthetic(50, {5}, 3, 11), b = makeSynthetic(50, {5}, 3, 11);
  EXPECT_EQ(a.samples, b.samples);
  EXPECT_EQ(a.labels, b.labels);
  Dataset c = makeSynthetic(50, {5}, 3, 12);
  EXPECT_NE(a.samples, c.samples);
  for (float v : a.samples) {
    EXPECT_GE(v, 0.0f);
    EXPECT_LE(v, 1.0f);
  }
  Dataset tiny = tinyDataset();
  EXPECT_EQ(tiny.size(), 96u);
  EXPECT_EQ(tiny.classes, 4);
}
