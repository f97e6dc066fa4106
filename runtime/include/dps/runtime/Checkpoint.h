//===- Checkpoint.h - training state, written atomically ---------*- C++ -*-===//
//
// A checkpoint is a set of named byte sections with a CRC-32 over all of
// them. Writing goes to a temporary file, is fsync'ed, and renamed over
// `latest.ckpt` after the previous one is kept as `previous.ckpt`; reading
// falls back to the previous checkpoint when the latest is torn or corrupt.
//
//===----------------------------------------------------------------------===//
#ifndef DPS_RUNTIME_CHECKPOINT_H
#define DPS_RUNTIME_CHECKPOINT_H

#include "dps/runtime/Status.h"

#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace dps::rt {

/// Writes `contents` to `path` through a temporary file, fsync and rename:
/// readers see the old file or the new one, never a torn one.
Status writeFileAtomically(const std::string &path,
                           const std::string &contents);

class Checkpoint {
public:
  void put(const std::string &key, const void *data, size_t bytes);
  template <typename T> void putVector(const std::string &key,
                                       const std::vector<T> &values) {
    put(key, values.data(), values.size() * sizeof(T));
  }
  template <typename T> void putValue(const std::string &key, const T &value) {
    put(key, &value, sizeof(T));
  }
  void putString(const std::string &key, const std::string &value) {
    put(key, value.data(), value.size());
  }

  bool has(const std::string &key) const { return sections.count(key); }
  /// The section's bytes as `T`s; an error when missing or mis-sized.
  template <typename T>
  Result<std::vector<T>> getVector(const std::string &key) const {
    auto it = sections.find(key);
    if (it == sections.end() || it->second.size() % sizeof(T))
      return Status::error("checkpoint has no valid section '" + key + "'");
    std::vector<T> values(it->second.size() / sizeof(T));
    if (!values.empty()) // an empty section: no buffers to copy between
      std::memcpy(values.data(), it->second.data(), it->second.size());
    return values;
  }
  template <typename T> Result<T> getValue(const std::string &key) const {
    auto it = sections.find(key);
    if (it == sections.end() || it->second.size() != sizeof(T))
      return Status::error("checkpoint has no valid section '" + key + "'");
    T value;
    std::memcpy(&value, it->second.data(), sizeof(T));
    return value;
  }
  Result<std::string> getString(const std::string &key) const;

  /// Writes into `folder` atomically, keeping the previous checkpoint.
  Status write(const std::string &folder) const;
  /// Reads the latest valid checkpoint of `folder`; `warning` says when the
  /// latest was unusable and the previous one was read instead.
  static Result<Checkpoint> read(const std::string &folder,
                                 std::string *warning = nullptr);
  /// Reads and verifies one checkpoint file.
  static Result<Checkpoint> readFile(const std::string &path);

  static std::string latestPath(const std::string &folder) {
    return folder + "/latest.ckpt";
  }
  static std::string previousPath(const std::string &folder) {
    return folder + "/previous.ckpt";
  }

private:
  std::map<std::string, std::vector<uint8_t>> sections;
};

} // namespace dps::rt

#endif // DPS_RUNTIME_CHECKPOINT_H
