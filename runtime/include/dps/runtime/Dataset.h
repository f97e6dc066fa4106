//===- Dataset.h - training data --------------------------------*- C++ -*-===//
#ifndef DPS_RUNTIME_DATASET_H
#define DPS_RUNTIME_DATASET_H

#include "dps/runtime/PageBuffer.h"
#include "dps/runtime/Status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dps::rt {

/// Samples as f32 (images scaled to [0, 1]) with integer class labels.
struct Dataset {
  std::string name;
  std::vector<int64_t> sampleShape; // e.g. {28, 28, 1}
  int32_t classes = 0;
  // size() x product(sampleShape), in huge pages where large
  std::vector<float, LargePageAllocator<float>> samples;
  std::vector<int32_t> labels;

  size_t size() const { return labels.size(); }
  size_t sampleSize() const;
  const float *sample(size_t index) const {
    return samples.data() + index * sampleSize();
  }
  size_t bytes() const { return samples.size() * 4 + labels.size() * 4; }
};

struct DatasetSplits {
  Dataset train, validation, test;
};

/// Reads an IDX image file and its IDX label file (gzip or plain; any
/// 3-dimensional unsigned-byte image file and 1-dimensional label file of
/// the same count). Images become NHWC samples of one channel in [0, 1].
Result<Dataset> readIdx(const std::string &imagesPath,
                        const std::string &labelsPath);

/// The folder's train-{images,labels} and t10k-{images,labels} IDX files
/// (MNIST layout, `.gz` or not); the last `validation` training samples
/// become the validation set.
Result<DatasetSplits> loadIdxFolder(const std::string &folder,
                                    size_t validation);

/// Where Debian's dataset-fashion-mnist installs Fashion-MNIST.
constexpr const char *kFashionMnistFolder = "/usr/share/datasets/fashion-mnist";

/// A deterministic classification problem: one random prototype per class,
/// samples are a prototype plus noise, in [0, 1].
Dataset makeSynthetic(size_t count, std::vector<int64_t> sampleShape,
                      int32_t classes, uint64_t seed);

/// A tiny dataset for tests: 96 samples of 8x8x1 in 4 classes.
Dataset tinyDataset();

/// Splits `count` samples off the end of `dataset` into a second set.
Result<std::pair<Dataset, Dataset>> splitTail(Dataset dataset, size_t count);

/// Keeps the first `count` samples.
void truncate(Dataset &dataset, size_t count);

} // namespace dps::rt

#endif // DPS_RUNTIME_DATASET_H
