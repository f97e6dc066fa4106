//===- CpuFeatures.h - what the CPU lets kernels use ------------*- C++ -*-===//
#ifndef DPS_RUNTIME_CPUFEATURES_H
#define DPS_RUNTIME_CPUFEATURES_H

namespace dps::rt {

/// Asks the operating system for the AMX tile registers (Linux:
/// arch_prctl(ARCH_REQ_XCOMP_PERM, XTILEDATA)). The permission belongs to
/// the process, every thread included, and must be held before a kernel
/// compiled with AMX tiles runs its first tile instruction (without it the
/// instruction faults). Asked once; later calls return the first answer.
/// False where the CPU or the kernel has no AMX, and off Linux.
bool requestAMXPermission();

/// Keeps the memory that kernels free in the process (glibc: no mmap for
/// large blocks, no trimming of the heap top). Kernels allocate their
/// temporaries per call (padded and packed operands, activations); returned
/// to the system after each call, every call pays fresh page faults and
/// zeroed pages for them again. Set once, before training starts.
void keepFreedMemory();

} // namespace dps::rt

#endif // DPS_RUNTIME_CPUFEATURES_H
