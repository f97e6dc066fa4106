//===- CpuFeatures.cpp - what the CPU lets kernels use --------------------===//
#include "dps/runtime/CpuFeatures.h"

#include <cstdlib> // defines __GLIBC__ where it is glibc
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#if defined(__linux__) && defined(__x86_64__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

bool dps::rt::requestAMXPermission() {
#if defined(__linux__) && defined(__x86_64__)
  static const bool granted = [] {
    // From the kernel's arch/x86/include/uapi/asm/prctl.h and xstate
    // numbering; glibc has no names for them.
    constexpr long archGetXcompPerm = 0x1022, archReqXcompPerm = 0x1023;
    constexpr long xfeatureXtiledata = 18;
    if (syscall(SYS_arch_prctl, archReqXcompPerm, xfeatureXtiledata) != 0)
      return false;
    unsigned long long permitted = 0;
    return syscall(SYS_arch_prctl, archGetXcompPerm, &permitted) == 0 &&
           (permitted >> xfeatureXtiledata & 1) != 0;
  }();
  return granted;
#else
  return false;
#endif
}

void dps::rt::keepFreedMemory() {
#if defined(__GLIBC__)
  // Blocks up to 256 MiB from the heap (a kernel's largest temporaries are a
  // few MiB); the heap top is never given back while training runs.
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, -1);
#endif
}
