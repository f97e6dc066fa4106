//===- ScheduleTest.cpp - claims 5-9: subset count, decay, rollback ---------===//
#include "dps/runtime/Schedule.h"

#include <gtest/gtest.h>

using namespace dps::rt;

namespace {

const std::vector<Precision> kLadder = {Precision::F32, Precision::BF16,
                                        Precision::F8E4M3FN};

/// Mean rung rank of a plan, weighted by the subsets' shares.
double meanRank(const EpochPlan &plan) {
  double sum = 0;
  for (const SubsetSpec &s : plan.subsets)
    sum += s.fraction * rank(s.precision);
  return sum;
}

std::vector<EpochPlan> run(const Schedule &schedule,
                           const std::vector<double> &validationErrors) {
  std::vector<EpochPlan> plans;
  ScheduleState state;
  for (double error : validationErrors) {
    plans.push_back(schedule.plan(state));
    state = schedule.observe(state, error);
  }
  return plans;
}

} // namespace

TEST(Schedule, Claim1_LossProbeMakesTheFirstEpochMixed) {
  Schedule schedule(ScheduleConfig::defaults(kLadder, 15));
  EpochPlan first = schedule.plan(ScheduleState());
  EXPECT_EQ(first.epoch, 1);
  EXPECT_TRUE(first.probe);
  EXPECT_EQ(first.subsets.size(), 3u);
  EXPECT_FALSE(first.rollback);
}

TEST(Schedule, Claims5And6_SubsetCountFalls) {
  Schedule schedule(ScheduleConfig::defaults(kLadder, 15));
  std::vector<EpochPlan> plans = run(schedule, std::vector<double>(15, 0.1));
  EXPECT_EQ(plans.front().subsets.size(), 3u);
  EXPECT_EQ(plans.back().subsets.size(), 2u);
  for (size_t e = 1; e < plans.size(); ++e)
    EXPECT_LE(plans[e].subsets.size(), plans[e - 1].subsets.size());
}

TEST(Schedule, Claims7And8_PrecisionsDecay) {
  Schedule schedule(ScheduleConfig::defaults(kLadder, 15));
  std::vector<EpochPlan> plans = run(schedule, std::vector<double>(15, 0.1));
  for (size_t e = 1; e < plans.size(); ++e)
    EXPECT_LE(meanRank(plans[e]), meanRank(plans[e - 1]) + 1e-12) << e;
  EXPECT_LT(meanRank(plans.back()), meanRank(plans.front()));
  // DESIGN.md's defaults: thirds to (0.1, 0.3, 0.6) by epoch 8, then two
  // subsets (bf16 0.4, f8 0.6).
  EXPECT_NEAR(plans[7].subsets[0].fraction, 0.1, 1e-12);
  EXPECT_NEAR(plans[7].subsets[2].fraction, 0.6, 1e-12);
  EXPECT_EQ(plans[8].subsets[0].precision, Precision::BF16);
  EXPECT_NEAR(plans[8].subsets[0].fraction, 0.4, 1e-12);
}

TEST(Schedule, Claim9_RollbackAgainstBestWithToleranceForExactlyTheNextEpoch) {
  ScheduleConfig config = ScheduleConfig::defaults(kLadder, 8);
  config.rollbackTolerance = 0.01;
  Schedule schedule(config);
  // Epoch 3 rises by 0.005 (within tolerance), epoch 4 by 0.02.
  std::vector<EpochPlan> plans =
      run(schedule, {0.20, 0.15, 0.155, 0.17, 0.14, 0.13});
  EXPECT_FALSE(plans[3].rollback); // after the small rise
  EXPECT_TRUE(plans[4].rollback);  // after the real one
  ASSERT_EQ(plans[4].subsets.size(), 1u);
  EXPECT_EQ(plans[4].subsets[0].precision, Precision::F32);
  EXPECT_FALSE(plans[5].rollback); // only the next epoch
  EXPECT_GT(plans[5].subsets.size(), 1u);
}

TEST(Schedule, Claim9_LiteralModeComparesWithThePreviousEpoch) {
  ScheduleConfig config = ScheduleConfig::defaults(kLadder, 8);
  config.rollback = RollbackMode::PreviousEpoch;
  Schedule schedule(config);
  std::vector<EpochPlan> plans = run(schedule, {0.20, 0.15, 0.1501, 0.14, 0.14});
  EXPECT_FALSE(plans[2].rollback);
  EXPECT_TRUE(plans[3].rollback); // 0.1501 > 0.15, no tolerance
  EXPECT_EQ(plans[3].subsets[0].precision, Precision::F32);
  EXPECT_FALSE(plans[4].rollback);
}

TEST(Schedule, OptionalFullPrecisionFinalEpochAndProbes) {
  ScheduleConfig config = ScheduleConfig::defaults(kLadder, 6);
  config.finalFullPrecision = true;
  config.probeEvery = 2;
  Schedule schedule(config);
  std::vector<EpochPlan> plans = run(schedule, std::vector<double>(6, 0.1));
  EXPECT_TRUE(plans.back().fullPrecision);
  ASSERT_EQ(plans.back().subsets.size(), 1u);
  EXPECT_TRUE(plans[0].probe);
  EXPECT_FALSE(plans[1].probe);
  EXPECT_TRUE(plans[2].probe);
}

TEST(Schedule, SingleRungLadderRunsOneSubsetAndNoProbe) {
  ScheduleConfig config = ScheduleConfig::defaults({Precision::F32}, 3);
  config.probeEvery = 1;
  Schedule schedule(config);
  EXPECT_TRUE(schedule.settings().validate());
  ScheduleState state;
  for (int e = 0; e < 3; ++e) {
    EpochPlan plan = schedule.plan(state);
    EXPECT_EQ(plan.subsets.size(), 1u);
    EXPECT_FALSE(plan.probe) << "epoch " << plan.epoch;
    state = schedule.observe(state, 0.5);
  }
}

TEST(Schedule, FewerSubsetsSpreadOverTheLadderAndStillFallToOne) {
  // --subsets 2 on f32 > bf16 > f8: the two subsets sit on f32 and f8.
  Schedule schedule(ScheduleConfig::defaults(kLadder, 12, 2));
  ASSERT_TRUE(schedule.settings().validate());
  std::vector<EpochPlan> plans = run(schedule, std::vector<double>(12, 0.1));
  ASSERT_EQ(plans[0].subsets.size(), 2u);
  EXPECT_EQ(plans[0].subsets[0].precision, Precision::F32);
  EXPECT_EQ(plans[0].subsets[1].precision, Precision::F8E4M3FN);
  EXPECT_DOUBLE_EQ(plans[0].subsets[0].fraction, 0.5);
  // The end split weighs the lower rung 3:1, after the decay only f8 is left.
  EXPECT_NEAR(plans[7].subsets[1].fraction, 0.75, 1e-12);
  ASSERT_EQ(plans[8].subsets.size(), 1u);
  EXPECT_EQ(plans[8].subsets[0].precision, Precision::F8E4M3FN);
  // One subset: everything at the top rung.
  Schedule single(ScheduleConfig::defaults(kLadder, 12, 1));
  EXPECT_EQ(single.plan(ScheduleState()).subsets.size(), 1u);
  EXPECT_EQ(single.plan(ScheduleState()).subsets[0].precision, Precision::F32);
}

TEST(Schedule, InvalidConfigurationsAreErrors) {
  ScheduleConfig config = ScheduleConfig::defaults(kLadder, 5);
  config.endShares = {0.5, 0.6, 0.1};
  Status status = config.validate();
  ASSERT_FALSE(status);
  EXPECT_NE(status.message().find("sums to"), std::string::npos);
  config = ScheduleConfig::defaults(kLadder, 5);
  config.startShares = {1.0};
  EXPECT_FALSE(config.validate());
}
