//===- PageBuffer.h - bytes that grow and shrink, not copied ----*- C++ -*-===//
//
// A buffer of anonymous pages resized with mremap: the kernel moves or drops
// page mappings and nothing is copied (but a small buffer growing past 2 MiB,
// once). A sample store's rungs grow and shrink at every epoch boundary; as
// std::vectors (exact sizes: what a rung gives up is given back) each resize
// copied the rung's whole buffer, ~17 ms an epoch boundary for the MLP on
// Fashion-MNIST. Buffers of 2 MiB or more are advised MADV_HUGEPAGE, start on
// a 2 MiB boundary and hold whole huge pages (only such ranges can be backed
// by huge pages): their rows are read at random.
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
  /// The bytes asked for (the pages held round it up to a page, or to a
  /// huge page from 2 MiB on).
  size_t size() const { return bytes; }
  /// Keeps the first min(size(), newSize) bytes; bytes past the old size
  /// are unspecified. False, leaving the buffer as it was, when the system
  /// refuses the memory.
  [[nodiscard]] bool resize(size_t newSize);

private:
  uint8_t *base = nullptr;
  size_t bytes = 0;
};

/// Blocks of at least 4 MiB as their own anonymous mappings, aligned to
/// 2 MiB and advised MADV_HUGEPAGE; smaller ones from operator new, aligned
/// to a cache line (kCacheLine). Memory
/// written once at start-up (a dataset's samples: 188 MB for
/// Fashion-MNIST) then faults in as ~100 huge pages instead of ~46,000
/// small ones: loading Fashion-MNIST took 1.3 s, 0.45 s of it in page
/// faults, on a VM where each costs ~10 us. Out of memory ends the process
/// with a message, as std::allocator does.
void *allocateLarge(size_t bytes);
inline constexpr size_t kCacheLine = 64;
void deallocateLarge(void *block, size_t bytes);

template <typename T> struct LargePageAllocator {
  using value_type = T;
  LargePageAllocator() = default;
  template <typename U> LargePageAllocator(const LargePageAllocator<U> &) {}
  T *allocate(size_t n) {
    return static_cast<T *>(allocateLarge(n * sizeof(T)));
  }
  void deallocate(T *block, size_t n) { deallocateLarge(block, n * sizeof(T)); }
  friend bool operator==(LargePageAllocator, LargePageAllocator) {
    return true;
  }
  friend bool operator!=(LargePageAllocator, LargePageAllocator) {
    return false;
  }
};

} // namespace dps::rt

#endif // DPS_RUNTIME_PAGEBUFFER_H
