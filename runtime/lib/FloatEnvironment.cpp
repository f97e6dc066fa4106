//===- FloatEnvironment.cpp - how kernels treat denormal floats -----------===//
#include "dps/runtime/FloatEnvironment.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <xmmintrin.h>
#define DPS_HAS_MXCSR 1
#endif

using namespace dps::rt;

#if DPS_HAS_MXCSR
namespace {
constexpr unsigned kFlushToZero = 1u << 15, kDenormalsAreZero = 1u << 6;
} // namespace

ScopedFlushDenormals::ScopedFlushDenormals() : saved(_mm_getcsr()) {
  _mm_setcsr(saved | kFlushToZero | kDenormalsAreZero);
}

ScopedFlushDenormals::~ScopedFlushDenormals() { _mm_setcsr(saved); }
#else
ScopedFlushDenormals::ScopedFlushDenormals() = default;
ScopedFlushDenormals::~ScopedFlushDenormals() = default;
#endif
