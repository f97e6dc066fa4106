//===- FloatEnvironmentTest.cpp - denormals flushed around kernel calls ---===//
#include "dps/runtime/FloatEnvironment.h"

#include <gtest/gtest.h>

#include <cfloat>

using namespace dps::rt;

namespace {

// Through volatiles, so the compiler folds nothing at compile time.
float multiply(float a, float b) {
  volatile float x = a, y = b;
  return x * y;
}

} // namespace

#if defined(__x86_64__)
TEST(FloatEnvironment, FlushesInsideTheScopeOnly) {
  const float denormal = FLT_MIN / 4;
  ASSERT_NE(multiply(denormal, 1.0f), 0.0f); // IEEE: kept
  ASSERT_NE(multiply(FLT_MIN, 0.5f), 0.0f);
  {
    ScopedFlushDenormals flush;
    EXPECT_EQ(multiply(denormal, 1.0f), 0.0f);       // an input reads as zero
    EXPECT_EQ(multiply(FLT_MIN, 0.5f), 0.0f);        // a result becomes zero
    EXPECT_EQ(multiply(FLT_MIN, 2.0f), 2 * FLT_MIN); // normals untouched
    {
      ScopedFlushDenormals nested;
      EXPECT_EQ(multiply(denormal, 1.0f), 0.0f);
    }
    EXPECT_EQ(multiply(denormal, 1.0f), 0.0f); // the inner one restored ours
  }
  EXPECT_EQ(multiply(denormal, 1.0f), denormal); // the caller's setting back
  EXPECT_EQ(multiply(FLT_MIN, 0.5f), denormal * 2);
}
#endif
