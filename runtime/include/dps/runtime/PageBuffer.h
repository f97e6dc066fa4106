//===- PageBuffer.h - bytes that grow and shrink, not copied ----*- C++ -*-===//
//
// A buffer of anonymous pages resized with mremap: the kernel moves or drops
// page mappings and nothing is copied. A sample store's rungs grow and shrink
// at every epoch boundary; as std::vectors (exact sizes: what a rung gives up
// is given back) each resize copied the rung's whole buffer, ~17 ms an epoch
// boundary for the MLP on Fashion-MNIST.
//
//===----------------------------------------------------------------------===//
#ifndef DPS_RUNTIME_PAGEBUFFER_H
#define DPS_RUNTIME_PAGEBUFFER_H

#include <cstddef>
#include <cstdint>

namespace dps::rt {

class PageBuffer {
public:
  PageBuffer() = default;
  PageBuffer(PageBuffer &&other) noexcept;
  PageBuffer &operator=(PageBuffer &&other) noexcept;
  PageBuffer(const PageBuffer &) = delete;
  PageBuffer &operator=(const PageBuffer &) = delete;
  ~PageBuffer();

  uint8_t *data() { return base; }
  const uint8_t *data() const { return base; }
  /// The bytes asked for (the pages held round it up to a page).
  size_t size() const { return bytes; }
  /// Keeps the first min(size(), newSize) bytes; bytes past the old size
  /// are unspecified. False, leaving the buffer as it was, when the system
  /// refuses the memory.
  [[nodiscard]] bool resize(size_t newSize);

private:
  uint8_t *base = nullptr;
  size_t bytes = 0;
};

} // namespace dps::rt

#endif // DPS_RUNTIME_PAGEBUFFER_H
