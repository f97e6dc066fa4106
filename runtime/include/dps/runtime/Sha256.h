//===- Sha256.h - SHA-256 of training results -------------------*- C++ -*-===//
#ifndef DPS_RUNTIME_SHA256_H
#define DPS_RUNTIME_SHA256_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace dps::rt {

/// Incremental SHA-256 (FIPS 180-4), for fingerprints of trained weights.
class Sha256 {
public:
  Sha256();
  void update(const void *data, size_t bytes);
  /// The digest as 64 lowercase hex digits; the object is spent.
  std::string hex();

private:
  void block(const uint8_t *chunk);
  uint32_t state[8];
  uint8_t buffer[64];
  size_t buffered = 0;
  uint64_t length = 0;
};

} // namespace dps::rt

#endif // DPS_RUNTIME_SHA256_H
