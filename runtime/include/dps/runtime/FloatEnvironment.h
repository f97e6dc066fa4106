//===- FloatEnvironment.h - how kernels treat denormal floats ---*- C++ -*-===//
#ifndef DPS_RUNTIME_FLOATENVIRONMENT_H
#define DPS_RUNTIME_FLOATENVIRONMENT_H

namespace dps::rt {

/// Flushes denormal floats to zero in this thread while alive (x86: the
/// MXCSR bits FTZ, results below 2^-126 become zero, and DAZ, such inputs
/// read as zero), and restores the thread's previous setting on exit.
///
/// The CPU backends hold one around every kernel call, as TensorFlow and XLA
/// do around theirs. Training makes denormals as a matter of course (a
/// momentum term whose gradient stays zero decays through them for hundreds
/// of steps; rarely lit input pixels are enough), and every arithmetic
/// instruction that meets one takes a microcode assist of about a hundred
/// cycles. The threads that share a kernel's loops get the setting from the
/// calling thread: LLVM's OpenMP runtime hands the master's MXCSR to its
/// workers at every parallel region. Elsewhere than x86 it does nothing.
class ScopedFlushDenormals {
public:
  ScopedFlushDenormals();
  ~ScopedFlushDenormals();
  ScopedFlushDenormals(const ScopedFlushDenormals &) = delete;
  ScopedFlushDenormals &operator=(const ScopedFlushDenormals &) = delete;

private:
  unsigned saved = 0;
};

} // namespace dps::rt

#endif // DPS_RUNTIME_FLOATENVIRONMENT_H
