//===- ScalersTest.cpp - loss scaling and amax histories -------------------===//
#include "dps/runtime/Scalers.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace dps::rt;

TEST(LossScaler, BacksOffAndSkipsTheStepOnOverflow) {
  LossScaler scaler;
  float before = scaler.scale();
  EXPECT_TRUE(scaler.update(/*overflow=*/true));
  EXPECT_EQ(scaler.scale(), before / 2);
  EXPECT_FALSE(scaler.update(false));
}

TEST(LossScaler, GrowsAfterTheGrowthInterval) {
  LossScaler::Config config;
  config.initialScale = 8;
  config.growthInterval = 3;
  LossScaler scaler(config);
  scaler.update(false);
  scaler.update(false);
  EXPECT_EQ(scaler.scale(), 8);
  scaler.update(false);
  EXPECT_EQ(scaler.scale(), 16);
  scaler.update(true);
  EXPECT_EQ(scaler.scale(), 8);
  EXPECT_EQ(scaler.cleanSteps(), 0);
}

TEST(LossScaler, StaysWithinItsBounds) {
  LossScaler::Config config;
  config.initialScale = 2;
  config.minScale = 1;
  LossScaler scaler(config);
  for (int i = 0; i < 10; ++i)
    scaler.update(true);
  EXPECT_EQ(scaler.scale(), 1);
}

TEST(AmaxHistory, ScalesByTheWindowsLargestAmax) {
  AmaxHistory history(2, /*window=*/3);
  float out[2];
  history.scalingAmax(out);
  EXPECT_EQ(out[0], 0.0f); // no history: the kernel uses the current amax
  float steps[4][2] = {{1, 10}, {5, 2}, {2, 3}, {1, 1}};
  for (auto &step : steps)
    history.record(step);
  history.scalingAmax(out);
  EXPECT_EQ(out[0], 5.0f);  // window {5, 2, 1}
  EXPECT_EQ(out[1], 3.0f);  // window {2, 3, 1}: the 10 fell out
  float bad[2] = {NAN, INFINITY};
  history.record(bad); // skipped steps do not pollute the history
  history.scalingAmax(out);
  EXPECT_EQ(out[0], 5.0f);
}
