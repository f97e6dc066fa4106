//===- FuzzCheckpoint.cpp - libFuzzer: checkpoints ------------------------===//
//
// dps-fuzz-checkpoint: the input is a checkpoint's content without its
// trailing CRC-32; the target appends the CRC of what it got, so mutated
// inputs get past the checksum into the section parser, and writes the file.
// It is read and, if that succeeds, decoded into the training state a resume
// would use. Errors are expected; a crash or a sanitizer report is a bug.
// (The checksum itself is covered by the checkpoint unit tests.)
//
//===----------------------------------------------------------------------===//
#include "dps/runtime/Checkpoint.h"
#include "dps/runtime/TrainingState.h"

#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string path =
      "/tmp/dps-fuzz-checkpoint-" + std::to_string(getpid()) + ".ckpt";
  FILE *file = std::fopen(path.c_str(), "wb");
  if (!file)
    return 0;
  if (size)
    std::fwrite(data, 1, size, file);
  uint32_t crc = uint32_t(crc32(0L, data, uInt(size)));
  std::fwrite(&crc, 4, 1, file);
  std::fclose(file);
  auto checkpoint = dps::rt::Checkpoint::readFile(path);
  if (checkpoint)
    (void)dps::rt::load(*checkpoint);
  std::remove(path.c_str());
  return 0;
}
