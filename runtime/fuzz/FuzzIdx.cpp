//===- FuzzIdx.cpp - libFuzzer: the IDX reader ----------------------------===//
//
// dps-fuzz-idx: the input is split at its first byte's value (scaled to the
// input's length) into an images file and a labels file, which readIdx
// reads (plain or gzip). Errors are expected; a crash or a sanitizer report
// is a bug.
//
//===----------------------------------------------------------------------===//
#include "dps/runtime/Dataset.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <unistd.h>

namespace {
std::string writeTemp(const std::string &name, const uint8_t *data,
                      size_t size) {
  std::string path =
      "/tmp/dps-fuzz-idx-" + std::to_string(getpid()) + "-" + name;
  FILE *file = std::fopen(path.c_str(), "wb");
  if (file) {
    if (size)
      std::fwrite(data, 1, size, file);
    std::fclose(file);
  }
  return path;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  size_t split = 1 + (size - 1) * data[0] / 255;
  std::string images = writeTemp("images", data + 1, split - 1);
  std::string labels = writeTemp("labels", data + split, size - split);
  (void)dps::rt::readIdx(images, labels);
  std::remove(images.c_str());
  std::remove(labels.c_str());
  return 0;
}
