//===- PageBuffer.cpp - bytes that grow and shrink without copying --------===//
#include "dps/runtime/PageBuffer.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <new>
#include <utility>

using namespace dps::rt;

namespace {
constexpr size_t kLargeBlock = size_t(4) << 20, kHugePage = size_t(2) << 20;

size_t roundUp(size_t bytes, size_t unit) {
  return (bytes + unit - 1) / unit * unit;
}

size_t mappedBytes(size_t bytes) {
  static const size_t page = size_t(sysconf(_SC_PAGESIZE));
  return roundUp(bytes, page);
}
} // namespace

PageBuffer::PageBuffer(PageBuffer &&other) noexcept
    : base(std::exchange(other.base, nullptr)),
      bytes(std::exchange(other.bytes, 0)) {}

PageBuffer &PageBuffer::operator=(PageBuffer &&other) noexcept {
  if (this != &other) {
    this->~PageBuffer();
    base = std::exchange(other.base, nullptr);
    bytes = std::exchange(other.bytes, 0);
  }
  return *this;
}

PageBuffer::~PageBuffer() {
  if (base)
    munmap(base, mappedBytes(bytes));
}

bool PageBuffer::resize(size_t newSize) {
  size_t held = base ? mappedBytes(bytes) : 0, wanted = mappedBytes(newSize);
  if (wanted != held) {
    void *mapped;
    if (!wanted) {
      munmap(base, held);
      mapped = nullptr;
    } else if (!base) {
      mapped = mmap(nullptr, wanted, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    } else {
      mapped = mremap(base, held, wanted, MREMAP_MAYMOVE);
    }
    if (mapped == MAP_FAILED)
      return false;
    base = static_cast<uint8_t *>(mapped);
#ifdef MADV_HUGEPAGE
    // A step gathers rows from random places in a rung's store: on small
    // pages nearly every row costs a page walk. A bf16 rung's gathers took
    // 110-180 us a step on Zen 5, in 2 MiB pages 30-40 (the MLP, Fashion-
    // MNIST, 128 rows of 1568 bytes). mremap keeps the advice.
    if (wanted >= kHugePage)
      madvise(base, wanted, MADV_HUGEPAGE);
#endif
#ifdef MADV_POPULATE_WRITE
    // The pages a rung grows by are written at once (an epoch boundary's
    // arrivals): the kernel maps them in one call, not one fault per page.
    // Advice: where the kernel lacks it (before Linux 5.14), they fault in
    // as they are written.
    if (wanted > held)
      madvise(base + held, wanted - held, MADV_POPULATE_WRITE);
#endif
  }
  bytes = newSize;
  return true;
}

namespace {
size_t largeMapping(size_t bytes) { return roundUp(bytes, kHugePage); }
} // namespace

void *dps::rt::allocateLarge(size_t bytes) {
  if (bytes < kLargeBlock)
    return ::operator new(bytes);
  // Map a huge page more than needed, then unmap the slack either side of
  // the first 2 MiB boundary.
  size_t size = largeMapping(bytes), mapped = size + kHugePage;
  void *base = mmap(nullptr, mapped, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) {
    std::fprintf(stderr, "out of memory: cannot map %zu bytes\n", bytes);
    std::abort();
  }
  uintptr_t start = uintptr_t(base);
  uintptr_t aligned = (start + kHugePage - 1) / kHugePage * kHugePage;
  if (aligned > start)
    munmap(base, aligned - start);
  if (size_t tail = start + mapped - (aligned + size))
    munmap(reinterpret_cast<void *>(aligned + size), tail);
#ifdef MADV_HUGEPAGE
  madvise(reinterpret_cast<void *>(aligned), size, MADV_HUGEPAGE);
#endif
  return reinterpret_cast<void *>(aligned);
}

void dps::rt::deallocateLarge(void *block, size_t bytes) {
  if (bytes < kLargeBlock)
    ::operator delete(block);
  else
    munmap(block, largeMapping(bytes));
}
