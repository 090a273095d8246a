// Frequentist comparisons: GrowthBook's published frequentist unit case (gbstats
// tests/frequentist/test_tests.py, TestTwoSidedTTest), ratio metrics by the delta method, and
// the error messages.

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "stats/arm_stats.h"
#include "stats/frequentist.h"

namespace growthlens::stats {
namespace {

// GrowthBook publishes five decimals.
constexpr double kFiveDecimals = 5e-6;

ArmMoments GrowthBookControl() {
  return *MomentsFromSums(3407, 1396.87, 52377.9767);
}
ArmMoments GrowthBookTreatment() {
  return *MomentsFromSums(3461, 2422.7, 134698.29);
}

TEST(StatsFrequentistTest, GrowthBookRelativeLift) {
  auto cmp = CompareMeans(GrowthBookControl(), GrowthBookTreatment(), /*alpha=*/0.05);
  ASSERT_TRUE(cmp.ok()) << cmp.status().message();
  EXPECT_NEAR(cmp->relative.estimate, 0.70732, kFiveDecimals);
  EXPECT_NEAR(cmp->relative.std_error, 0.37879, kFiveDecimals);
  EXPECT_NEAR(cmp->relative.ci_low, -0.03526, kFiveDecimals);
  EXPECT_NEAR(cmp->relative.ci_high, 1.44989, kFiveDecimals);
  EXPECT_NEAR(cmp->relative.p_value, 0.06191, kFiveDecimals);
}

TEST(StatsFrequentistTest, GrowthBookAbsoluteLift) {
  auto cmp = CompareMeans(GrowthBookControl(), GrowthBookTreatment(), /*alpha=*/0.05);
  ASSERT_TRUE(cmp.ok());
  EXPECT_NEAR(cmp->absolute.ci_low, 0.04538, kFiveDecimals);
  EXPECT_NEAR(cmp->absolute.ci_high, 0.53462, kFiveDecimals);
  EXPECT_NEAR(cmp->absolute.p_value, 0.02016, kFiveDecimals);
  EXPECT_NEAR(cmp->absolute.estimate, 0.7 - 0.41, 1e-12);
}

TEST(StatsFrequentistTest, RawValuesAndSumsAgree) {
  const std::vector<double> values = {3.0, 1.5, 4.0, 1.0, 5.5, 9.0, 2.5, 6.0};
  double sum = 0.0;
  double sum_squares = 0.0;
  for (double value : values) {
    sum += value;
    sum_squares += value * value;
  }
  auto from_values = MomentsFromValues(values);
  auto from_sums = MomentsFromSums(static_cast<double>(values.size()), sum, sum_squares);
  ASSERT_TRUE(from_values.ok() && from_sums.ok());
  EXPECT_NEAR(from_values->mean, 4.0625, 1e-12);
  EXPECT_NEAR(from_values->variance, from_sums->variance, 1e-12);
  // pandas Series(values).var() with ddof=1.
  EXPECT_NEAR(from_values->variance, 7.102678571428571, 1e-12);
}

TEST(StatsFrequentistTest, MergedAccumulatorsEqualOnePass) {
  MeanAccumulator whole;
  MeanAccumulator left;
  MeanAccumulator right;
  for (int value_idx = 0; value_idx < 1000; ++value_idx) {
    const double value = std::sin(value_idx) * 100.0 + 1e6;
    whole.Add(value);
    (value_idx < 313 ? left : right).Add(value);
  }
  left.Merge(right);
  EXPECT_EQ(left.n, whole.n);
  EXPECT_NEAR(left.mean, whole.mean, 1e-9 * whole.mean);
  EXPECT_NEAR(left.Finalize().variance, whole.Finalize().variance,
              1e-9 * whole.Finalize().variance);
}

TEST(StatsFrequentistTest, RatioMetricByDeltaMethod) {
  // Revenue per order with units (m_i, d_i) = (10,1), (30,2), (0,1), (25,3), (5,1).
  const double revenue[] = {10, 30, 0, 25, 5};
  const double orders[] = {1, 2, 1, 3, 1};
  RatioSums sums;
  for (int unit_idx = 0; unit_idx < 5; ++unit_idx) {
    sums.n += 1.0;
    sums.sum_numerator += revenue[unit_idx];
    sums.sum_numerator_squares += revenue[unit_idx] * revenue[unit_idx];
    sums.sum_denominator += orders[unit_idx];
    sums.sum_denominator_squares += orders[unit_idx] * orders[unit_idx];
    sums.sum_products += revenue[unit_idx] * orders[unit_idx];
  }
  auto ratio = MomentsOfRatio(sums);
  ASSERT_TRUE(ratio.ok());
  EXPECT_NEAR(ratio->mean, 70.0 / 8.0, 1e-12);
  // numpy: var_m = 167.5, var_d = 0.8, cov = 9.5 (ddof 1), mean_m = 14, mean_d = 1.6.
  EXPECT_NEAR(ratio->variance, 167.5 / 2.56 + 0.8 * 196.0 / 6.5536 - 2.0 * 9.5 * 14.0 / 4.096,
              1e-9);
}

TEST(StatsFrequentistTest, ProportionIntervalsUseTheNormal) {
  auto cmp = CompareProportions(1000, 100, 1000, 130, /*alpha=*/0.05);
  ASSERT_TRUE(cmp.ok());
  EXPECT_TRUE(std::isinf(cmp->dof));
  const double se = std::sqrt(0.1 * 0.9 / 1000 + 0.13 * 0.87 / 1000);
  EXPECT_NEAR(cmp->absolute.estimate, 0.03, 1e-12);
  EXPECT_NEAR(cmp->absolute.ci_high - cmp->absolute.ci_low, 2 * 1.959963984540054 * se, 1e-12);
}

TEST(StatsFrequentistTest, ErrorsNameTheField) {
  auto few = MomentsFromSums(1, 2.0, 4.0);
  ASSERT_FALSE(few.ok());
  EXPECT_NE(few.status().message().find("n:"), std::string::npos) << few.status().message();
  auto inconsistent = MomentsFromSums(10, 100.0, 50.0);
  ASSERT_FALSE(inconsistent.ok());
  EXPECT_NE(inconsistent.status().message().find("sum_squares"), std::string::npos);
  auto too_many = CompareProportions(100, 120, 100, 10);
  ASSERT_FALSE(too_many.ok());
  EXPECT_NE(too_many.status().message().find("control: successes"), std::string::npos)
      << too_many.status().message();
  auto bad_alpha = CompareMeans(GrowthBookControl(), GrowthBookTreatment(), /*alpha=*/1.5);
  ASSERT_FALSE(bad_alpha.ok());
  EXPECT_EQ(bad_alpha.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bad_alpha.status().message().find("alpha"), std::string::npos);
  ArmMoments zero_control = GrowthBookControl();
  zero_control.mean = 0.0;
  auto no_relative = CompareMeans(zero_control, GrowthBookTreatment());
  ASSERT_FALSE(no_relative.ok());
  EXPECT_NE(no_relative.status().message().find("control.mean"), std::string::npos);
}

}  // namespace
}  // namespace growthlens::stats
