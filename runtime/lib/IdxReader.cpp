//===- IdxReader.cpp - IDX files (MNIST's format), gzip or plain -----------===//
#include "dps/runtime/Dataset.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <memory>

using namespace dps::rt;

namespace {

uint32_t bigEndian(const uint8_t *p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 |
         uint32_t(p[3]);
}

/// The `rank` dimensions an IDX header lists after its 4-byte magic (which
/// `header` holds, with them), into `dims` if given, and their product.
uint64_t readDims(const uint8_t *header, uint32_t rank,
                  std::vector<uint32_t> *dims) {
  uint64_t count = 1;
  for (uint32_t d = 0; d < rank; ++d) {
    uint32_t size = bigEndian(header + 4 + 4 * d);
    if (dims)
      dims->push_back(size);
    count *= size;
  }
  return count;
}

/// The file size an IDX header at the start of `bytes` promises (at most
/// 1 GiB of payload; 0 if there is no header to read): reading the training
/// images into a buffer grown by doubling copied and faulted in ~100 MB
/// more.
size_t idxSizeHint(const uint8_t *bytes, size_t size) {
  if (size < 4 || bytes[0] != 0 || bytes[1] != 0 ||
      size < 4 + 4 * size_t(bytes[3]))
    return 0;
  uint64_t payload =
      std::min<uint64_t>(readDims(bytes, bytes[3], nullptr), uint64_t(1) << 30);
  return size_t(payload) + 4 + 4 * size_t(bytes[3]);
}

using Bytes = std::vector<uint8_t, LargePageAllocator<uint8_t>>;

/// Reads a whole file through zlib, which reads plain files as they are.
Result<Bytes> readFile(const std::string &path) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (!file)
    return Status::error(path + ": cannot open");
  std::unique_ptr<gzFile_s, int (*)(gzFile)> closer(file, gzclose);
  Bytes bytes;
  std::array<uint8_t, 1 << 16> chunk;
  while (true) {
    int read = gzread(file, chunk.data(), chunk.size());
    if (read < 0) {
      int code;
      const char *message = gzerror(file, &code);
      return Status::error(path + ": corrupt compressed data (" + message +
                           ")");
    }
    if (read == 0)
      break;
    if (bytes.empty())
      bytes.reserve(idxSizeHint(chunk.data(), size_t(read)));
    bytes.insert(bytes.end(), chunk.begin(), chunk.begin() + read);
  }
  return bytes;
}

struct Idx {
  std::vector<uint32_t> dims;
  size_t dataOffset;
};

/// Parses and checks an IDX header: magic 0x00 0x00 0x08 (unsigned byte)
/// and the rank, dimensions, and a payload of exactly their product.
Result<Idx> parseHeader(const std::string &path, const Bytes &bytes,
                        uint32_t rank) {
  if (bytes.size() < 4)
    return Status::error(path + ": truncated: " + std::to_string(bytes.size()) +
                         " bytes, not even an IDX header");
  if (bytes[0] != 0 || bytes[1] != 0)
    return Status::error(path + ": not an IDX file (bad magic number)");
  if (bytes[2] != 0x08)
    return Status::error(path + ": IDX element type 0x" +
                         std::to_string(bytes[2]) +
                         " is not unsigned bytes (0x08)");
  if (bytes[3] != rank)
    return Status::error(path + ": expected " + std::to_string(rank) +
                         " dimensions, the header says " +
                         std::to_string(bytes[3]));
  if (bytes.size() < 4 + 4 * size_t(rank))
    return Status::error(path + ": truncated IDX header");
  Idx idx;
  uint64_t count = readDims(bytes.data(), rank, &idx.dims);
  idx.dataOffset = 4 + 4 * size_t(rank);
  uint64_t available = bytes.size() - idx.dataOffset;
  if (available < count)
    return Status::error(path + ": truncated: the header promises " +
                         std::to_string(count) + " bytes of data, the file has " +
                         std::to_string(available));
  if (available > count)
    return Status::error(path + ": " + std::to_string(available - count) +
                         " bytes of trailing data after the IDX payload");
  return idx;
}

} // namespace

Result<Dataset> dps::rt::readIdx(const std::string &imagesPath,
                                 const std::string &labelsPath) {
  Result<Bytes> images = readFile(imagesPath);
  if (!images)
    return images.status();
  Result<Bytes> labels = readFile(labelsPath);
  if (!labels)
    return labels.status();
  Result<Idx> imageHeader = parseHeader(imagesPath, *images, 3);
  if (!imageHeader)
    return imageHeader.status();
  Result<Idx> labelHeader = parseHeader(labelsPath, *labels, 1);
  if (!labelHeader)
    return labelHeader.status();
  uint32_t count = imageHeader->dims[0];
  if (labelHeader->dims[0] != count)
    return Status::error(labelsPath + ": " +
                         std::to_string(labelHeader->dims[0]) +
                         " labels for the " + std::to_string(count) +
                         " images of " + imagesPath);

  Dataset dataset;
  dataset.name = imagesPath;
  dataset.sampleShape = {imageHeader->dims[1], imageHeader->dims[2], 1};
  size_t pixels = size_t(imageHeader->dims[1]) * imageHeader->dims[2];
  dataset.samples.resize(size_t(count) * pixels);
  const uint8_t *data = images->data() + imageHeader->dataOffset;
  for (size_t i = 0; i < dataset.samples.size(); ++i)
    dataset.samples[i] = data[i] / 255.0f;
  const uint8_t *labelData = labels->data() + labelHeader->dataOffset;
  int32_t classes = 0;
  for (uint32_t i = 0; i < count; ++i) {
    dataset.labels.push_back(labelData[i]);
    classes = std::max<int32_t>(classes, labelData[i] + 1);
  }
  dataset.classes = classes;
  return dataset;
}
