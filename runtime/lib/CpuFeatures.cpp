//===- CpuFeatures.cpp - what the CPU lets kernels use --------------------===//
#include "dps/runtime/CpuFeatures.h"

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
