//===- Checkpoint.cpp - training state, written atomically -----------------===//
#include "dps/runtime/Checkpoint.h"

#include <zlib.h>

#include <cerrno>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace dps::rt;

namespace {

constexpr char kMagic[8] = {'D', 'P', 'S', 'C', 'K', 'P', 'T', '1'};

void append(std::string &out, const void *data, size_t bytes) {
  out.append(static_cast<const char *>(data), bytes);
}

Status writeAll(int fd, const std::string &data, const std::string &path) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return Status::error(path + ": write failed: " + std::strerror(errno));
    }
    done += size_t(n);
  }
  return Status::success();
}

bool exists(const std::string &path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0;
}

} // namespace

Status dps::rt::writeFileAtomically(const std::string &path,
                                    const std::string &contents) {
  std::string temporary = path + ".tmp";
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0)
    return Status::error(path + ": cannot write: " + std::strerror(errno));
  Status written = writeAll(fd, contents, temporary);
  bool synced = written && ::fsync(fd) == 0;
  ::close(fd);
  if (!written)
    return written;
  if (!synced || ::rename(temporary.c_str(), path.c_str()) != 0)
    return Status::error(path + ": cannot write: " + std::strerror(errno));
  return Status::success();
}

void Checkpoint::put(const std::string &key, const void *data, size_t bytes) {
  auto *begin = static_cast<const uint8_t *>(data);
  sections[key].assign(begin, begin + bytes);
}

Result<std::string> Checkpoint::getString(const std::string &key) const {
  auto it = sections.find(key);
  if (it == sections.end())
    return Status::error("checkpoint has no section '" + key + "'");
  return std::string(it->second.begin(), it->second.end());
}

Status Checkpoint::write(const std::string &folder) const {
  if (::mkdir(folder.c_str(), 0755) != 0 && errno != EEXIST)
    return Status::error(folder + ": cannot create the checkpoint folder: " +
                         std::strerror(errno));
  // magic, section count, then (key length, key, size, bytes)..., CRC-32.
  std::string data;
  append(data, kMagic, sizeof(kMagic));
  uint64_t count = sections.size();
  append(data, &count, 8);
  for (const auto &[key, bytes] : sections) {
    uint64_t keySize = key.size(), size = bytes.size();
    append(data, &keySize, 8);
    data += key;
    append(data, &size, 8);
    append(data, bytes.data(), bytes.size());
  }
  uint32_t crc = crc32(0L, reinterpret_cast<const Bytef *>(data.data()),
                       data.size());
  append(data, &crc, 4);

  std::string temporary = folder + "/checkpoint.tmp";
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0)
    return Status::error(temporary + ": cannot create: " +
                         std::strerror(errno));
  Status written = writeAll(fd, data, temporary);
  bool synced = written && ::fsync(fd) == 0;
  ::close(fd);
  if (!written)
    return written;
  if (!synced)
    return Status::error(temporary + ": fsync failed: " + std::strerror(errno));
  std::string latest = latestPath(folder), previous = previousPath(folder);
  if (exists(latest) && ::rename(latest.c_str(), previous.c_str()) != 0)
    return Status::error(latest + ": cannot keep as " + previous + ": " +
                         std::strerror(errno));
  if (::rename(temporary.c_str(), latest.c_str()) != 0)
    return Status::error(latest + ": cannot rename the new checkpoint into "
                                  "place: " +
                         std::strerror(errno));
  int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return Status::success();
}

Result<Checkpoint> Checkpoint::readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Status::error(path + ": no checkpoint there");
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string data = buffer.str();
  if (data.size() < sizeof(kMagic) + 8 + 4 ||
      std::memcmp(data.data(), kMagic, sizeof(kMagic)) != 0)
    return Status::error(path + ": not a dps checkpoint (bad header)");
  uint32_t stored;
  std::memcpy(&stored, data.data() + data.size() - 4, 4);
  uint32_t crc = crc32(0L, reinterpret_cast<const Bytef *>(data.data()),
                       data.size() - 4);
  if (crc != stored)
    return Status::error(path + ": checksum mismatch: the checkpoint is torn "
                                "or corrupt");
  Checkpoint checkpoint;
  size_t pos = sizeof(kMagic), end = data.size() - 4;
  auto readU64 = [&](uint64_t &value) {
    if (end - pos < 8)
      return false;
    std::memcpy(&value, data.data() + pos, 8);
    pos += 8;
    return true;
  };
  uint64_t count;
  if (!readU64(count))
    return Status::error(path + ": truncated section table");
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t keySize, size;
    // Sizes compare against what is left (pos <= end here): pos + size
    // could wrap around for a corrupt size.
    if (!readU64(keySize) || keySize > end - pos)
      return Status::error(path + ": truncated section name");
    std::string key = data.substr(pos, keySize);
    pos += keySize;
    if (!readU64(size) || size > end - pos)
      return Status::error(path + ": truncated section '" + key + "'");
    checkpoint.put(key, data.data() + pos, size);
    pos += size;
  }
  if (pos != end)
    return Status::error(path + ": trailing bytes after the sections");
  return checkpoint;
}

Result<Checkpoint> Checkpoint::read(const std::string &folder,
                                    std::string *warning) {
  Result<Checkpoint> latest = readFile(latestPath(folder));
  if (latest)
    return latest;
  Result<Checkpoint> previous = readFile(previousPath(folder));
  if (!previous) {
    if (!exists(latestPath(folder)) && !exists(previousPath(folder)))
      return Status::error(folder + ": no checkpoint to resume from");
    return Status::error(latest.status().message() + "; and " +
                         previous.status().message());
  }
  if (warning)
    *warning = latest.status().message() + "; resuming from " +
               previousPath(folder);
  return previous;
}
