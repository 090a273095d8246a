// Planning, the Bayesian view, CUPED, winsorisation, sequential intervals, SRM, corrections and
// verdicts. Expected numbers come from statsmodels / scipy / numpy one-liners quoted next to
// each; the statsmodels grid itself is in stats_golden_test.cc.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "stats/arm_stats.h"
#include "stats/bayesian.h"
#include "stats/corrections.h"
#include "stats/cuped.h"
#include "stats/frequentist.h"
#include "stats/power.h"
#include "stats/sequential.h"
#include "stats/srm.h"
#include "stats/verdict.h"
#include "stats/winsorize.h"

namespace growthlens::stats {
namespace {

constexpr double kTolerance = 1e-9;

bool HasText(const Status& status, const std::string& text) {
  return status.message().find(text) != std::string::npos;
}

Comparison GrowthBookComparison() {
  return *CompareMeans(*MomentsFromSums(3407, 1396.87, 52377.9767),
                       *MomentsFromSums(3461, 2422.7, 134698.29));
}

TEST(StatsPowerTest, IssueExampleNeeds14745PerArm) {
  // NormalIndPower().solve_power(proportion_effectsize(0.11, 0.10), power=0.8, alpha=0.05)
  // = 14744.10 -> 14,745 per arm.
  PowerPlan plan;
  plan.metric = MetricKind::kProportion;
  plan.baseline = 0.10;
  plan.effect = 0.01;
  auto size = PlanSampleSize(plan);
  ASSERT_TRUE(size.ok()) << size.status().message();
  EXPECT_EQ(size->n_control, 14745);
  EXPECT_EQ(size->n_per_treatment, 14745);
  EXPECT_EQ(size->n_total, 29490);
  EXPECT_NEAR(size->n_control_exact, 14744.104836925611, 1e-6 * 14744.1);

  // The same as a relative effect of +10%, with two treatment arms.
  plan.effect = 0.10;
  plan.relative_effect = true;
  plan.treatment_arms = 2;
  size = PlanSampleSize(plan);
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(size->n_control, 14745);
  EXPECT_EQ(size->n_total, 3 * 14745);

  auto days = ExpectedDurationDays(size->n_total, /*daily_eligible=*/2000.0,
                                   /*traffic_share=*/0.5);
  ASSERT_TRUE(days.ok());
  EXPECT_EQ(*days, 45);  // 44,235 users at 1,000 a day
}

TEST(StatsPowerTest, PowerAndMdeRoundTrip) {
  PowerPlan plan;
  plan.metric = MetricKind::kMean;
  plan.baseline = 50.0;
  plan.std_dev = 20.0;
  plan.effect = 2.0;
  plan.ratio = 2.0;
  plan.alternative = Alternative::kLarger;
  auto size = PlanSampleSize(plan);
  ASSERT_TRUE(size.ok());
  plan.n_control = size->n_control_exact;
  auto power = SolvePower(plan);
  ASSERT_TRUE(power.ok());
  EXPECT_NEAR(*power, 0.8, kTolerance);
  auto mde = SolveMde(plan);
  ASSERT_TRUE(mde.ok());
  EXPECT_NEAR(mde->absolute, 2.0, 1e-9);
  EXPECT_NEAR(mde->relative, 0.04, 1e-9);

  PowerPlan rates;
  rates.baseline = 0.10;
  rates.n_control = 14744.104836925611;
  auto rate_mde = SolveMde(rates);
  ASSERT_TRUE(rate_mde.ok());
  EXPECT_NEAR(rate_mde->absolute, 0.01, 1e-8);
}

TEST(StatsPowerTest, InputErrorsNameTheField) {
  PowerPlan plan;
  plan.baseline = 1.5;
  plan.effect = 0.01;
  EXPECT_TRUE(HasText(PlanSampleSize(plan).status(), "baseline"));
  plan.baseline = 0.99;
  plan.effect = 0.02;
  EXPECT_TRUE(HasText(PlanSampleSize(plan).status(), "effect"));
  plan.baseline = 0.1;
  plan.alpha = 0.0;
  EXPECT_TRUE(HasText(PlanSampleSize(plan).status(), "alpha"));
  plan.alpha = 0.05;
  plan.ratio = -1.0;
  EXPECT_TRUE(HasText(PlanSampleSize(plan).status(), "ratio"));
  plan.ratio = 1.0;
  plan.alternative = Alternative::kSmaller;
  EXPECT_TRUE(HasText(PlanSampleSize(plan).status(), "alternative"));
  plan.alternative = Alternative::kTwoSided;
  plan.metric = MetricKind::kMean;
  plan.std_dev = 0.0;
  EXPECT_TRUE(HasText(PlanSampleSize(plan).status(), "std_dev"));
  EXPECT_TRUE(HasText(ExpectedDurationDays(100, 0.0).status(), "daily_eligible"));
}

TEST(StatsBayesianTest, FlatPriorMatchesGrowthBookFormulas) {
  // scipy: ctw = 1 - norm.cdf(0, m, s); losses from truncnorm.mean as gbstats computes them,
  // m = 0.7073170731707317, s = 0.3787943616681428 (the GrowthBook case's relative lift).
  auto view = BayesianLift(GrowthBookComparison().relative);
  ASSERT_TRUE(view.ok());
  EXPECT_NEAR(view->posterior_mean, 0.7073170731707317, kTolerance);
  EXPECT_NEAR(view->chance_to_beat_control, 0.9690691085323815, kTolerance);
  EXPECT_NEAR(view->expected_loss_ship, 0.004556766968086792, kTolerance);
  EXPECT_NEAR(view->expected_loss_control, 0.7118738401388185, kTolerance);
}

TEST(StatsBayesianTest, ProperPriorShrinks) {
  BayesianPrior prior;
  prior.proper = true;  // N(0, 0.3^2) on the relative lift
  auto view = BayesianLift(GrowthBookComparison().relative, prior);
  ASSERT_TRUE(view.ok());
  EXPECT_NEAR(view->posterior_mean, 0.2726448836685803, kTolerance);
  EXPECT_NEAR(view->posterior_std_dev, 0.23517714374509555, kTolerance);
  EXPECT_NEAR(view->chance_to_beat_control, 0.8768365224575045, kTolerance);
  EXPECT_NEAR(view->expected_loss_ship, 0.014333374754536003, kTolerance);
  EXPECT_NEAR(view->expected_loss_control, 0.2869782584231163, kTolerance);
  prior.std_dev = 0.0;
  EXPECT_TRUE(
      HasText(BayesianLift(GrowthBookComparison().relative, prior).status(), "prior.std_dev"));
}

TEST(StatsCupedTest, MatchesNumpyAndReducesVariance) {
  const std::vector<double> x_a = {10, 12, 9, 15, 20, 7, 11, 14};
  const std::vector<double> y_a = {11, 14, 9, 18, 21, 8, 12, 15};
  const std::vector<double> x_b = {8, 13, 16, 10, 19, 6, 12, 11};
  const std::vector<double> y_b = {10, 16, 19, 12, 22, 8, 15, 13};
  const auto sums = [](const std::vector<double>& x, const std::vector<double>& y) {
    CovariateSums out;
    for (std::size_t unit_idx = 0; unit_idx < x.size(); ++unit_idx) {
      out.n += 1.0;
      out.sum_x += x[unit_idx];
      out.sum_x_squares += x[unit_idx] * x[unit_idx];
      out.sum_y += y[unit_idx];
      out.sum_y_squares += y[unit_idx] * y[unit_idx];
      out.sum_xy += x[unit_idx] * y[unit_idx];
    }
    return out;
  };
  const std::vector<CovariateSums> arms = {sums(x_a, y_a), sums(x_b, y_b)};
  auto cuped = ApplyCuped(arms);
  ASSERT_TRUE(cuped.ok()) << cuped.status().message();
  // numpy: theta = cov(x, y)[0, 1] / var(x, ddof=1) over both arms; adjusted y per arm.
  EXPECT_NEAR(cuped->theta, 1.0800418519487314, kTolerance);
  EXPECT_NEAR(cuped->arms[0].mean, 13.297492152759613, kTolerance);
  EXPECT_NEAR(cuped->arms[0].variance, 0.6970374490274659, kTolerance);
  EXPECT_NEAR(cuped->arms[1].mean, 14.577507847240387, kTolerance);
  EXPECT_NEAR(cuped->arms[1].variance, 0.1123109608314082, kTolerance);
  EXPECT_NEAR(cuped->variance_reduction[0], 1.0 - 0.6970374490274659 / 19.714285714285715,
              kTolerance);
  CovariateSums constant = arms[0];
  constant.sum_x = 80.0;
  constant.sum_x_squares = 800.0;
  const std::vector<CovariateSums> flat = {constant, constant};
  EXPECT_TRUE(HasText(ApplyCuped(flat).status(), "covariate x"));
}

TEST(StatsWinsorizeTest, CapsAtNumpyPercentile) {
  std::vector<double> values = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3,  2, 3,
                                8, 4, 6, 2, 6, 4, 3, 3, 8, 3, 2, 7, 9, 5, 0, 2,  8, 8,
                                4, 1, 9, 7, 1, 6, 9, 3, 9, 9, 3, 7, 5, 1, 0, 100};
  EXPECT_NEAR(*Quantile(values, 0.99), 53.59000000000018, kTolerance);  // np.percentile(v, 99)
  auto caps = Winsorize(values, /*upper=*/0.95, /*lower=*/0.05);
  ASSERT_TRUE(caps.ok());
  EXPECT_EQ(caps->upper_cap, 9.0);  // np.percentile(v, 95)
  EXPECT_EQ(caps->lower_cap, 1.0);  // np.percentile(v, 5)
  EXPECT_EQ(caps->capped, 3u);      // 100 and the two zeros
  EXPECT_EQ(values.back(), 9.0);
  EXPECT_TRUE(HasText(Winsorize(values, /*upper=*/1.5).status(), "upper"));
}

TEST(StatsSequentialTest, WiderThanFixedHorizonAndTightestNearTuning) {
  const Comparison cmp = GrowthBookComparison();
  const double n_total = 3407 + 3461;
  auto sequential = SequentialInterval(cmp.absolute, n_total);
  ASSERT_TRUE(sequential.ok());
  // GrowthBook's sequential_interval_halfwidth(se^2 N, N, 5000, 0.05) in numpy.
  EXPECT_NEAR(sequential->half_width, 0.3794100955383455, kTolerance);
  const double fixed_half_width = cmp.absolute.ci_high - cmp.absolute.estimate;
  EXPECT_GT(sequential->half_width, fixed_half_width);
  EXPECT_FALSE(sequential->significant);  // fixed-horizon p = 0.02 is not enough when peeking
  // For a fixed se sqrt(N) scaling, the ratio to the fixed width is smallest near N = N*.
  const auto width_ratio = [&](double n) {
    LiftEstimate lift = cmp.absolute;
    lift.std_error = 1.0 / std::sqrt(n);
    return SequentialInterval(lift, n)->half_width * std::sqrt(n);
  };
  EXPECT_LT(width_ratio(5000), width_ratio(500));
  EXPECT_LT(width_ratio(5000), width_ratio(500000));
  EXPECT_TRUE(HasText(SequentialInterval(cmp.absolute, n_total, 0.05, -1.0).status(), "tuning"));
}

TEST(StatsSrmTest, ZeroArmAndBadWeights) {
  const std::vector<std::int64_t> observed = {500, 500, 0};
  const std::vector<double> weights = {1, 1, 1};
  auto srm = CheckSampleRatio(observed, weights);
  ASSERT_TRUE(srm.ok());
  EXPECT_NEAR(srm->chi_square, 500.0, kTolerance);  // scipy.stats.chisquare([500, 500, 0])
  EXPECT_TRUE(srm->mismatch);
  const std::vector<double> short_weights = {1, 1};
  EXPECT_TRUE(HasText(CheckSampleRatio(observed, short_weights).status(), "weights"));
}

TEST(StatsCorrectionsTest, LevelsOfHolmAndBhGiveIntervalsThatAgreeWithTheAdjustedP) {
  // Holm over 4: 0.001 < 0.05/4 rejected, 0.02 >= 0.05/3 kept, so the step-down stops there.
  const std::vector<double> p = {0.02, 0.001, 0.04, 0.3};
  auto holm = AdjustedLevels(p, Correction::kHolm, 0.05);
  ASSERT_TRUE(holm.ok());
  EXPECT_DOUBLE_EQ((*holm)[1], 0.05 / 4);
  for (const size_t kept : {0u, 2u, 3u}) EXPECT_DOUBLE_EQ((*holm)[kept], 0.05 / 3);
  // BH rejects 0.001 and 0.02 (<= 2 * 0.05 / 4), not 0.04 (> 3 * 0.05 / 4): 0.05 * 2 / 4.
  auto bh = AdjustedLevels(p, Correction::kBenjaminiHochberg, 0.05);
  ASSERT_TRUE(bh.ok());
  for (const double level : *bh) EXPECT_DOUBLE_EQ(level, 0.05 * 2 / 4);
  auto none = AdjustedLevels(p, Correction::kNone, 0.05);
  for (const double level : *none) EXPECT_DOUBLE_EQ(level, 0.05);

  // For a test whose interval at level a excludes 0 exactly when p < a, the interval at the
  // corrected level agrees with the verdict (adjusted p < alpha) on every family.
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  for (int family = 0; family < 2000; ++family) {
    std::vector<double> values(1 + family % 9);
    for (double& value : values) value = std::pow(uniform(random), 1 + family % 4);  // many small
    for (const Correction method : {Correction::kHolm, Correction::kBenjaminiHochberg}) {
      const auto adjusted = AdjustPValues(values, method);
      const auto levels = AdjustedLevels(values, method, 0.05);
      ASSERT_TRUE(adjusted.ok() && levels.ok());
      for (size_t idx = 0; idx < values.size(); ++idx)
        EXPECT_EQ(values[idx] < (*levels)[idx], (*adjusted)[idx] < 0.05)
            << "family " << family << " index " << idx << " p " << values[idx];
    }
  }
}

TEST(StatsCorrectionsTest, RejectsInvalidPValues) {
  const std::vector<double> bad = {0.1, 1.2};
  EXPECT_TRUE(HasText(AdjustPValues(bad, Correction::kHolm).status(), "p_values[1]"));
}

TEST(StatsVerdictTest, GoalsGuardrailsAndSrm) {
  LiftEstimate up{0.05, 0.01, 0.03, 0.07, 1e-6};
  LiftEstimate flat{0.0, 0.02, -0.04, 0.04, 1.0};
  LiftEstimate slightly_down{-0.005, 0.002, -0.009, -0.001, 0.01};
  LiftEstimate way_down{-0.10, 0.01, -0.12, -0.08, 1e-9};

  MetricSpec goal{"conversion", /*higher_is_better=*/true, /*alpha=*/0.05, 0.0};
  EXPECT_EQ(JudgeGoal(goal, up, up.p_value).decision, Decision::kShip);
  EXPECT_EQ(JudgeGoal(goal, flat, flat.p_value).decision, Decision::kInconclusive);
  EXPECT_EQ(JudgeGoal(goal, way_down, way_down.p_value).decision, Decision::kDontShip);
  MetricSpec latency{"latency", /*higher_is_better=*/false, /*alpha=*/0.05, 0.0};
  EXPECT_EQ(JudgeGoal(latency, way_down, way_down.p_value).decision, Decision::kShip);

  MetricSpec guard{"revenue", /*higher_is_better=*/true, /*alpha=*/0.05,
                   /*non_inferiority_margin=*/0.02};
  const MetricVerdict holds = JudgeGuardrail(guard, slightly_down);
  EXPECT_EQ(holds.decision, Decision::kShip) << holds.reason;
  EXPECT_EQ(JudgeGuardrail(guard, way_down).decision, Decision::kDontShip);
  EXPECT_EQ(JudgeGuardrail(guard, flat).decision, Decision::kInconclusive);

  SrmResult fine;
  const std::vector<MetricVerdict> goals = {JudgeGoal(goal, up, up.p_value)};
  const std::vector<MetricVerdict> good_guards = {holds};
  EXPECT_EQ(JudgeExperiment(fine, goals, good_guards).decision, Decision::kShip);
  const std::vector<MetricVerdict> bad_guards = {JudgeGuardrail(guard, way_down)};
  const ExperimentVerdict blocked = JudgeExperiment(fine, goals, bad_guards);
  EXPECT_EQ(blocked.decision, Decision::kDontShip);
  EXPECT_NE(blocked.reason.find("guardrail revenue fails"), std::string::npos) << blocked.reason;
  SrmResult broken;
  broken.mismatch = true;
  broken.message = "sample ratio mismatch";
  EXPECT_EQ(JudgeExperiment(broken, goals, good_guards).decision, Decision::kDontShip);
  EXPECT_STREQ(DecisionName(Decision::kDontShip), "don't ship");
}

}  // namespace
}  // namespace growthlens::stats
