//===- PageBuffer.cpp - bytes that grow and shrink without copying --------===//
#include "dps/runtime/PageBuffer.h"

#include <sys/mman.h>
#include <unistd.h>

#include <utility>

using namespace dps::rt;

namespace {
size_t mappedBytes(size_t bytes) {
  static const size_t page = size_t(sysconf(_SC_PAGESIZE));
  return (bytes + page - 1) / page * page;
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
