//===- PageBuffer.cpp - bytes that grow and shrink without copying --------===//
#include "dps/runtime/PageBuffer.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

using namespace dps::rt;

namespace {
constexpr size_t kLargeBlock = size_t(4) << 20, kHugePage = size_t(2) << 20;

size_t roundUp(size_t bytes, size_t unit) {
  return (bytes + unit - 1) / unit * unit;
}

/// The pages a PageBuffer of `bytes` holds: whole huge pages from 2 MiB on
/// (a mapping that ended inside one would split it), else small pages.
size_t mappedBytes(size_t bytes) {
  static const size_t page = size_t(sysconf(_SC_PAGESIZE));
  return bytes >= kHugePage ? roundUp(bytes, kHugePage) : roundUp(bytes, page);
}

/// `size` bytes (a multiple of 2 MiB) of fresh anonymous memory starting at
/// a 2 MiB boundary, or null: a huge page more is mapped, then the slack
/// either side of the first boundary is unmapped. Only a PMD-aligned range
/// can be backed by a huge page, and mmap and mremap's own choices of
/// address are not aligned.
void *mapAligned(size_t size) {
  size_t mapped = size + kHugePage;
  void *base = mmap(nullptr, mapped, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED)
    return nullptr;
  uintptr_t start = uintptr_t(base);
  uintptr_t aligned = roundUp(start, kHugePage);
  if (aligned > start)
    munmap(base, aligned - start);
  if (size_t tail = start + mapped - (aligned + size))
    munmap(reinterpret_cast<void *>(aligned + size), tail);
  return reinterpret_cast<void *>(aligned);
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
  if (newSize > SIZE_MAX / 2) // (rounding it up to pages would overflow)
    return false;
  size_t held = base ? mappedBytes(bytes) : 0, wanted = mappedBytes(newSize);
  if (wanted != held) {
    void *mapped;
    if (!wanted) {
      munmap(base, held);
      mapped = nullptr;
    } else if (wanted < kHugePage) {
      mapped = !base ? mmap(nullptr, wanted, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                     : mremap(base, held, wanted, MREMAP_MAYMOVE);
    } else if (held >= kHugePage) {
      // Large already, so on a 2 MiB boundary: in place where the next
      // pages are free (always when shrinking), else moved to another
      // boundary, where the moved page tables, huge pages among them, keep
      // their alignment. (Before, mremap chose the place: after a rung had
      // grown at an epoch boundary, 0-25% of its store was in huge pages
      // and a step's gathers took 100-150 us instead of 15-30 in one epoch
      // of two -- Zen 5, the MLP's bf16 and f8 rungs.)
      mapped = mremap(base, held, wanted, 0);
      if (mapped == MAP_FAILED && wanted > held) {
        void *target = mapAligned(wanted);
        mapped = target ? mremap(base, held, held,
                                 MREMAP_MAYMOVE | MREMAP_FIXED, target)
                        : MAP_FAILED;
        if (target && mapped == MAP_FAILED)
          munmap(target, wanted);
      }
    } else {
      // Fresh, or small pages growing past 2 MiB: into an aligned mapping.
      mapped = mapAligned(wanted);
      if (!mapped) {
        mapped = MAP_FAILED;
      } else if (base) {
        std::memcpy(mapped, base, bytes); // (growing: all of it)
        munmap(base, held);
      }
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

void *dps::rt::allocateLarge(size_t bytes) {
  if (bytes < kLargeBlock)
    return ::operator new(bytes, std::align_val_t(kCacheLine));
  size_t size = mappedBytes(bytes); // whole huge pages (kLargeBlock > 2 MiB)
  void *aligned = mapAligned(size);
  if (!aligned) {
    std::fprintf(stderr, "out of memory: cannot map %zu bytes\n", bytes);
    std::abort();
  }
#ifdef MADV_HUGEPAGE
  madvise(aligned, size, MADV_HUGEPAGE);
#endif
  return aligned;
}

void dps::rt::deallocateLarge(void *block, size_t bytes) {
  if (bytes < kLargeBlock)
    ::operator delete(block, std::align_val_t(kCacheLine));
  else
    munmap(block, mappedBytes(bytes));
}
