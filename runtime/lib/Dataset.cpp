//===- Dataset.cpp - datasets: IDX folders, synthetic, splits --------------===//
#include "dps/runtime/Dataset.h"

#include <algorithm>
#include <fstream>
#include <random>

using namespace dps::rt;

size_t Dataset::sampleSize() const {
  size_t size = 1;
  for (int64_t dim : sampleShape)
    size *= dim;
  return size;
}

static bool exists(const std::string &path) {
  return std::ifstream(path).good();
}

/// `<folder>/<stem>` or `<folder>/<stem>.gz`, whichever exists.
static std::string findFile(const std::string &folder,
                            const std::string &stem) {
  std::string plain = folder + "/" + stem;
  if (exists(plain))
    return plain;
  return plain + ".gz";
}

Result<DatasetSplits> dps::rt::loadIdxFolder(const std::string &folder,
                                             size_t validation) {
  Result<Dataset> train =
      readIdx(findFile(folder, "train-images-idx3-ubyte"),
              findFile(folder, "train-labels-idx1-ubyte"));
  if (!train)
    return train.status();
  Result<Dataset> test = readIdx(findFile(folder, "t10k-images-idx3-ubyte"),
                                 findFile(folder, "t10k-labels-idx1-ubyte"));
  if (!test)
    return test.status();
  if (test->sampleShape != train->sampleShape)
    return Status::error(folder + ": test images are not the shape of the "
                                  "training images");
  auto split = splitTail(train.take(), validation);
  if (!split)
    return split.status();
  DatasetSplits splits;
  splits.train = std::move(split->first);
  splits.validation = std::move(split->second);
  splits.test = test.take();
  splits.train.name = folder + " (train)";
  splits.validation.name = folder + " (validation)";
  splits.test.name = folder + " (test)";
  int32_t classes = std::max(splits.train.classes, splits.test.classes);
  splits.train.classes = splits.validation.classes = splits.test.classes =
      classes;
  return splits;
}

Dataset dps::rt::makeSynthetic(size_t count, std::vector<int64_t> sampleShape,
                               int32_t classes, uint64_t seed) {
  Dataset dataset;
  dataset.name = "synthetic";
  dataset.sampleShape = std::move(sampleShape);
  dataset.classes = classes;
  size_t size = dataset.sampleSize();
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  std::vector<float> prototypes(size_t(classes) * size);
  for (float &v : prototypes)
    v = unit(rng);
  std::normal_distribution<float> noise(0.0f, 0.25f);
  std::uniform_int_distribution<int32_t> label(0, classes - 1);
  dataset.samples.resize(count * size);
  for (size_t i = 0; i < count; ++i) {
    int32_t c = label(rng);
    dataset.labels.push_back(c);
    for (size_t j = 0; j < size; ++j)
      dataset.samples[i * size + j] = std::clamp(
          prototypes[size_t(c) * size + j] + noise(rng), 0.0f, 1.0f);
  }
  return dataset;
}

Dataset dps::rt::tinyDataset() {
  Dataset dataset = makeSynthetic(96, {8, 8, 1}, 4, 7);
  dataset.name = "tiny";
  return dataset;
}

Result<std::pair<Dataset, Dataset>> dps::rt::splitTail(Dataset dataset,
                                                       size_t count) {
  if (count >= dataset.size())
    return Status::error("cannot split " + std::to_string(count) +
                         " validation samples off " + dataset.name + ", which has " +
                         std::to_string(dataset.size()));
  size_t keep = dataset.size() - count, size = dataset.sampleSize();
  Dataset tail;
  tail.name = dataset.name;
  tail.sampleShape = dataset.sampleShape;
  tail.classes = dataset.classes;
  tail.samples.assign(dataset.samples.begin() + keep * size,
                      dataset.samples.end());
  tail.labels.assign(dataset.labels.begin() + keep, dataset.labels.end());
  truncate(dataset, keep);
  return std::make_pair(std::move(dataset), std::move(tail));
}

void dps::rt::truncate(Dataset &dataset, size_t count) {
  if (count >= dataset.size())
    return;
  dataset.samples.resize(count * dataset.sampleSize());
  dataset.labels.resize(count);
}
