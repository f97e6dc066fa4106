//===- BucketerTest.cpp - claims 1-2: subsets by loss, higher loss higher precision
#include "dps/runtime/Bucketer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

using namespace dps::rt;

namespace {
const std::vector<Precision> kLadder = {Precision::F32, Precision::BF16,
                                        Precision::F8E4M3FN};
}

TEST(Bucketer, Claim1_SamplesGroupedIntoLossQuantiles) {
  std::vector<float> losses = {0.1f, 5.0f, 0.3f, 2.0f, 0.2f, 1.0f};
  auto b = bucketByLoss(losses,
                        {{0.5, Precision::F32}, {0.5, Precision::BF16}}, kLadder);
  ASSERT_TRUE(b) << b.status().message();
  EXPECT_EQ(b->rungSamples, (std::vector<size_t>{3, 3, 0}));
  // The three highest losses (5, 2, 1) are the first subset.
  EXPECT_EQ(b->rung, (std::vector<uint8_t>{1, 0, 1, 0, 1, 0}));
  EXPECT_NEAR(b->rungMeanLoss[0], (5.0 + 2.0 + 1.0) / 3, 1e-6);
  EXPECT_EQ(b->subsetCount(), 2u);
}

TEST(Bucketer, Claim2_HigherLossSamplesGetHigherPrecision) {
  std::vector<float> losses(300);
  for (size_t i = 0; i < losses.size(); ++i)
    losses[i] = std::fmod(i * 7.31f, 13.0f);
  auto b = bucketByLoss(losses,
                        {{1.0 / 3, Precision::F32},
                         {1.0 / 3, Precision::BF16},
                         {1.0 / 3, Precision::F8E4M3FN}},
                        kLadder);
  ASSERT_TRUE(b);
  // Every sample on a more precise rung has a loss at least as high as every
  // sample on a less precise rung.
  for (size_t i = 0; i < losses.size(); ++i)
    for (size_t j = 0; j < losses.size(); ++j)
      if (b->rung[i] < b->rung[j])
        ASSERT_GE(losses[i], losses[j]);
  EXPECT_EQ(b->rungSamples, (std::vector<size_t>{100, 100, 100}));
}

TEST(Bucketer, TiesAreDeterministicByIndex) {
  std::vector<float> losses(10, 1.0f);
  auto b = bucketByLoss(losses, {{0.3, Precision::F32}, {0.7, Precision::BF16}},
                        kLadder);
  ASSERT_TRUE(b);
  for (size_t i = 0; i < 10; ++i)
    EXPECT_EQ(b->rung[i], i < 3 ? 0 : 1) << i;
}

TEST(Bucketer, Claim6_SubsetsOnTheSameRungMerge) {
  std::vector<float> losses = {4, 3, 2, 1};
  auto b = bucketByLoss(losses,
                        {{0.25, Precision::F32},
                         {0.25, Precision::BF16},
                         {0.5, Precision::BF16}},
                        kLadder);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->subsetCount(), 2u);
  EXPECT_EQ(b->rungSamples, (std::vector<size_t>{1, 3, 0}));
}

TEST(Bucketer, NaNLossRunsAtTheHighestPrecision) {
  std::vector<float> losses = {0.5f, NAN, 0.1f, 0.2f};
  auto b = bucketByLoss(losses, {{0.25, Precision::F32}, {0.75, Precision::BF16}},
                        kLadder);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->rung[1], 0);
}

TEST(Bucketer, BadSubsetsAreErrors) {
  std::vector<float> losses = {1, 2};
  auto sum = bucketByLoss(losses, {{0.5, Precision::F32}}, kLadder);
  ASSERT_FALSE(sum);
  EXPECT_NE(sum.status().message().find("sum to"), std::string::npos);
  auto order = bucketByLoss(
      losses, {{0.5, Precision::BF16}, {0.5, Precision::F32}}, kLadder);
  ASSERT_FALSE(order);
  EXPECT_NE(order.status().message().find("high to low"), std::string::npos);
  auto missing = bucketByLoss(losses, {{1.0, Precision::F16}}, kLadder);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.status().message().find("not on the ladder"),
            std::string::npos);
}

TEST(Bucketer, SubsetsAreTheLossQuantilesOfAFullSort) {
  // Against the definition: sort every sample by loss (highest first, NaN
  // highest, ties by index) and cut at round(cumulative fraction * n).
  uint32_t state = 7;
  auto next = [&] { return state = state * 1664525u + 1013904223u; };
  for (int round = 0; round < 50; ++round) {
    size_t n = 1 + next() % 500;
    std::vector<float> losses(n);
    for (float &loss : losses) {
      uint32_t r = next();
      loss = r % 17 == 0 ? NAN : float((r >> 8) % 23) / 4; // many ties
    }
    double a = 0.05 + (next() % 60) / 100.0, b = (next() % 30) / 100.0;
    std::vector<SubsetSpec> subsets = {{a, Precision::F32},
                                       {b, Precision::BF16},
                                       {1 - a - b, Precision::F8E4M3FN}};
    auto bucketing = bucketByLoss(losses, subsets, kLadder);
    ASSERT_TRUE(bucketing) << bucketing.status().message();

    std::vector<size_t> order(n);
    for (size_t i = 0; i < n; ++i)
      order[i] = i;
    auto key = [&](size_t i) {
      return std::isnan(losses[i]) ? INFINITY : losses[i];
    };
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t x, size_t y) { return key(x) > key(y); });
    double cumulative = 0;
    size_t begin = 0;
    for (size_t s = 0; s < subsets.size(); ++s) {
      cumulative += subsets[s].fraction;
      size_t end = s + 1 == subsets.size()
                       ? n
                       : std::min(n, size_t(std::llround(cumulative * n)));
      for (size_t k = begin; k < end; ++k)
        ASSERT_EQ(bucketing->rung[order[k]], s)
            << "round " << round << ", sample " << order[k];
      begin = end;
    }
  }
}
