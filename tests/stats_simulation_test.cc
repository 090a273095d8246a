// The campaign simulation engine (stats/simulation.h): with no effect the tests reject at
// alpha, with an effect the power achieved agrees with the planner's analytic power, the rate
// mechanism gives the assumed lift in expectation, effects on means equal a per-user
// application on the drawn arms, and results depend on the seed only (not on threads).
// Tolerances are stated with each check: the simulations are deterministic for their seed, so
// these numbers either always pass or always fail.

#include "stats/simulation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <stop_token>
#include <vector>

#include "core/number_format.h"
#include "stats/simulation_draws.h"
#include "stats/simulation_verdict.h"

namespace growthlens::stats {
namespace {

/// `users` outcomes of which the first share * users are 1 (a rate of `share`).
std::vector<double> RateOutcomes(size_t users, double share) {
  std::vector<double> outcomes(users, 0.0);
  const auto ones = static_cast<size_t>(std::llround(share * static_cast<double>(users)));
  for (size_t user = 0; user < ones; ++user) outcomes[user] = 1.0;
  return outcomes;
}

/// Skewed counts like active days or events: many zeros and a long tail (deterministic).
std::vector<double> CountOutcomes(size_t users) {
  std::vector<double> outcomes(users);
  for (size_t user = 0; user < users; ++user) {
    const size_t bucket = (user * 7919) % 100;
    outcomes[user] = bucket < 40   ? 0.0
                     : bucket < 90 ? static_cast<double>(bucket % 7 + 1)
                                   : static_cast<double>(bucket % 13 * 5 + 10);
  }
  return outcomes;
}

/// Binomial tolerance: `sigmas` standard errors of a share `p` estimated from `runs` runs.
double BinomialTolerance(double p, size_t runs, double sigmas = 4.0) {
  return sigmas * std::sqrt(p * (1.0 - p) / static_cast<double>(runs));
}

CampaignSimulation Simulate(const GoalOutcomes& goal, const SimulationOptions& options,
                            const RatioGuardrail* guardrail = nullptr) {
  Result<CampaignSimulation> simulation = SimulateCampaign(goal, guardrail, options);
  EXPECT_TRUE(simulation.ok()) << simulation.status().message();
  return simulation.ok() ? *simulation : CampaignSimulation{};
}

TEST(CampaignSimulation, WithoutAnEffectRatesRejectAtAlpha) {
  const std::vector<double> outcomes = RateOutcomes(3000, 0.2);
  SimulationOptions options;
  options.runs = 4000;
  options.seed = 11;
  const CampaignSimulation sim = Simulate(
      {.kind = MetricKind::kProportion, .outcomes = outcomes, .effect = {0.0, true}}, options);
  // 4 binomial standard errors around alpha: 0.05 +/- 0.0138.
  EXPECT_NEAR(sim.goal.power_achieved, 0.05, BinomialTolerance(0.05, options.runs));
  EXPECT_EQ(sim.goal.untested_runs, 0u);
  EXPECT_EQ(JudgeCampaign(sim.goal, sim.users, options).decision, CampaignDecision::kNoEffect);
}

TEST(CampaignSimulation, AStopRequestEndsTheSimulationWithAnError) {
  const std::vector<double> outcomes = RateOutcomes(3000, 0.2);
  std::stop_source client_left;
  SimulationOptions options;
  options.runs = 100'000;
  options.stop = client_left.get_token();
  client_left.request_stop();
  const Result<CampaignSimulation> stopped = SimulateCampaign(
      {.kind = MetricKind::kProportion, .outcomes = outcomes, .effect = {0.0, true}}, nullptr,
      options);
  ASSERT_FALSE(stopped.ok());
  EXPECT_NE(stopped.status().message().find("stopped"), std::string::npos);
}

TEST(CampaignSimulation, WithoutAnEffectSkewedMeansRejectAtAlpha) {
  const std::vector<double> outcomes = CountOutcomes(2000);
  SimulationOptions options;
  options.runs = 4000;
  options.alpha = 0.10;
  const CampaignSimulation sim =
      Simulate({.kind = MetricKind::kMean, .outcomes = outcomes, .effect = {0.0, false}}, options);
  EXPECT_NEAR(sim.goal.power_achieved, 0.10, BinomialTolerance(0.10, options.runs));
}

TEST(CampaignSimulation, RatePowerAchievedAgreesWithThePlanner) {
  // 20% baseline, +15% relative on 4,000 users: the planner (Cohen's h) expects about 0.59.
  const std::vector<double> outcomes = RateOutcomes(4000, 0.2);
  SimulationOptions options;
  options.runs = 3000;
  options.seed = 5;
  const CampaignSimulation sim = Simulate(
      {.kind = MetricKind::kProportion, .outcomes = outcomes, .effect = {0.15, true}}, options);
  ASSERT_TRUE(sim.goal.analytic_power.has_value());
  const double analytic = *sim.goal.analytic_power;
  EXPECT_GT(analytic, 0.4);
  EXPECT_LT(analytic, 0.8);
  // Four Monte-Carlo standard errors (about 0.036) plus 0.02 for what the planner leaves out
  // (random arm sizes, the conversion draws, the pooled z-test instead of Cohen's h).
  EXPECT_NEAR(sim.goal.power_achieved, analytic, BinomialTolerance(analytic, options.runs) + 0.02);
  EXPECT_NEAR(sim.goal.power_standard_error,
              std::sqrt(sim.goal.power_achieved * (1 - sim.goal.power_achieved) / 3000), 1e-12);
}

TEST(CampaignSimulation, MeanPowerAchievedAgreesWithThePlannerOnSymmetricOutcomes) {
  // Outcomes spread evenly over 0..9 (no heavy tail): Welch's t behaves as the planner's t.
  std::vector<double> outcomes(3000);
  for (size_t user = 0; user < outcomes.size(); ++user)
    outcomes[user] = static_cast<double>((user * 37) % 10);
  SimulationOptions options;
  options.runs = 3000;
  const CampaignSimulation sim =
      Simulate({.kind = MetricKind::kMean, .outcomes = outcomes, .effect = {0.25, false}}, options);
  ASSERT_TRUE(sim.goal.analytic_power.has_value());
  EXPECT_GT(*sim.goal.analytic_power, 0.4);
  EXPECT_LT(*sim.goal.analytic_power, 0.8);
  EXPECT_NEAR(sim.goal.power_achieved, *sim.goal.analytic_power,
              BinomialTolerance(*sim.goal.analytic_power, options.runs) + 0.02);
}

TEST(CampaignSimulation, RateMechanismGivesTheAssumedLiftInExpectation) {
  const std::vector<double> outcomes = RateOutcomes(10000, 0.3);
  SimulationOptions options;
  options.runs = 2000;
  for (const double lift : {0.10, -0.20}) {
    const CampaignSimulation sim = Simulate(
        {.kind = MetricKind::kProportion, .outcomes = outcomes, .effect = {lift, true}}, options);
    // Converting non-converters with (p' - p) / (1 - p) (or dropping converters with
    // (p - p') / p) is exact in expectation.
    const double target = 0.3 * (1 + lift);
    const double expected = lift > 0 ? (target - 0.3) / 0.7 : (0.3 - target) / 0.3;
    EXPECT_NEAR(sim.goal.conversion_probability, expected, 1e-12);
    EXPECT_NEAR(sim.goal.effect_absolute, 0.3 * lift, 1e-12);
    // One run's relative lift has a standard error of about 0.031 here; the mean of 2,000 runs
    // about 0.0007. Allow 0.003 (four of those, plus the ratio's small bias).
    EXPECT_NEAR(sim.goal.mean_relative_lift, lift, 0.003) << lift;
  }
}

TEST(CampaignSimulation, MeanEffectsEqualTheEffectAppliedToEveryTreatedUser) {
  const std::vector<double> outcomes = CountOutcomes(1500);
  SimulationOptions options;
  options.seed = 42;
  options.treatment_share = 0.3;
  options.runs = 10;
  for (const AssumedEffect effect : {AssumedEffect{0.2, true}, AssumedEffect{1.5, false}}) {
    const CampaignSimulation sim =
        Simulate({.kind = MetricKind::kMean, .outcomes = outcomes, .effect = effect}, options);
    const std::vector<uint8_t> arms =
        DrawArms(outcomes.size(), options.treatment_share, options.seed, 0);
    MeanAccumulator control, treatment;
    for (size_t user = 0; user < outcomes.size(); ++user) {
      if (arms[user] == 0) {
        control.Add(outcomes[user]);
      } else {
        treatment.Add(effect.relative ? outcomes[user] * (1 + effect.value)
                                      : outcomes[user] + effect.value);
      }
    }
    const ArmMoments c = control.Finalize(), t = treatment.Finalize();
    EXPECT_EQ(sim.goal.draw.control.n, c.n);
    EXPECT_EQ(sim.goal.draw.treatment.n, t.n);
    EXPECT_NEAR(sim.goal.draw.control.mean, c.mean, 1e-12 * c.mean);
    EXPECT_NEAR(sim.goal.draw.treatment.mean, t.mean, 1e-12 * t.mean);
    EXPECT_NEAR(sim.goal.draw.treatment.variance, t.variance, 1e-9 * t.variance);
    // About 30% of users treated.
    EXPECT_NEAR(t.n / static_cast<double>(outcomes.size()), 0.3, 0.05);
  }
}

TEST(CampaignSimulation, AnArmWithOnlyZerosHasAMeanOfExactlyZero) {
  // The control arm's sums are the segment's totals minus the treatment's; with every non-zero
  // outcome treated they must cancel exactly (a mean of 1e-17 would make a relative lift of
  // 1e17 instead of none).
  // (0.1 + 0.2) + 2.3 is 2.5999999999999996 in user order but 2.6 in the kernel's lane order
  // (users 0 and 4 share a lane): the totals must be summed as the arms are.
  const std::vector<double> outcomes = {0.1, 0.2, 0, 0, 2.3, 0, 0, 0, 0, 0, 0, 0};
  SimulationOptions options;
  options.runs = 1;
  for (options.seed = 0; options.seed < 1000; ++options.seed) {
    const std::vector<uint8_t> arms = DrawArms(outcomes.size(), 0.5, options.seed, 0);
    if (arms[0] == 1 && arms[1] == 1 && arms[4] == 1 &&
        std::count(arms.begin(), arms.end(), 0) >= 2)
      break;
  }
  ASSERT_LT(options.seed, 1000u);
  const CampaignSimulation sim =
      Simulate({.kind = MetricKind::kMean, .outcomes = outcomes, .effect = {0.1, true}}, options);
  EXPECT_EQ(sim.goal.draw.control.mean, 0.0);
  EXPECT_NEAR(sim.goal.draw.control.variance, 0.0, 1e-12);  // squares are centred: tiny residue
  EXPECT_FALSE(sim.goal.draw.comparison.has_value());       // no relative lift over a mean of 0
  EXPECT_TRUE(std::isnan(sim.goal.mean_relative_lift));
}

TEST(CampaignSimulation, SameSeedSameResultOnAnyNumberOfThreads) {
  const std::vector<double> outcomes = CountOutcomes(5000);
  const GoalOutcomes goal{.kind = MetricKind::kMean, .outcomes = outcomes, .effect = {0.05, true}};
  std::vector<double> revenue(outcomes.size()), orders(outcomes.size());
  for (size_t user = 0; user < outcomes.size(); ++user) {
    orders[user] = std::floor(outcomes[user] / 3);
    revenue[user] = orders[user] * (20.0 + static_cast<double>(user % 17));
  }
  const RatioGuardrail aov{"AOV", revenue, orders, -0.05, 0.02};
  SimulationOptions options;
  options.runs = 300;
  options.seed = 7;
  options.threads = 1;
  const CampaignSimulation one = Simulate(goal, options, &aov);
  for (const unsigned threads : {2u, 3u, 8u}) {
    options.threads = threads;
    const CampaignSimulation many = Simulate(goal, options, &aov);
    EXPECT_EQ(many.goal.rejections, one.goal.rejections) << threads;
    EXPECT_EQ(many.goal.mean_relative_lift, one.goal.mean_relative_lift) << threads;
    EXPECT_EQ(many.goal.draw.treatment.mean, one.goal.draw.treatment.mean) << threads;
    EXPECT_EQ(many.goal.draw.comparison->relative.ci_low,
              one.goal.draw.comparison->relative.ci_low);
    EXPECT_EQ(many.guardrail->holds, one.guardrail->holds);
    EXPECT_EQ(many.guardrail->fails, one.guardrail->fails);
  }
  options.seed = 8;
  const CampaignSimulation other = Simulate(goal, options, &aov);
  EXPECT_NE(other.goal.draw.treatment.mean, one.goal.draw.treatment.mean);
}

TEST(CampaignSimulation, GuardrailHoldsWithoutAChangeAndFailsWithALargeDrop) {
  // 6,000 customers; AOV varies per customer between 20 and 60.
  const size_t users = 6000;
  std::vector<double> revenue(users), orders(users), goal_outcomes(users);
  for (size_t user = 0; user < users; ++user) {
    orders[user] = static_cast<double>(user % 4);
    revenue[user] = orders[user] * (20.0 + static_cast<double>((user * 13) % 41));
    goal_outcomes[user] = orders[user] > 0 ? 1.0 : 0.0;
  }
  const GoalOutcomes goal{
      .kind = MetricKind::kProportion, .outcomes = goal_outcomes, .effect = {0.05, true}};
  SimulationOptions options;
  options.runs = 400;
  const RatioGuardrail unchanged{"AOV", revenue, orders, 0.0, 0.05};
  const CampaignSimulation holds = Simulate(goal, options, &unchanged);
  ASSERT_TRUE(holds.guardrail.has_value());
  double total_revenue = 0, total_orders = 0;
  for (size_t user = 0; user < users; ++user) {
    total_revenue += revenue[user];
    total_orders += orders[user];
  }
  EXPECT_NEAR(holds.guardrail->baseline, total_revenue / total_orders, 1e-9);
  EXPECT_GT(holds.guardrail->holds, 390u);  // a 5% margin is far outside the noise here
  const RatioGuardrail discount{"AOV", revenue, orders, -0.10, 0.02};
  const CampaignSimulation fails = Simulate(goal, options, &discount);
  EXPECT_GT(fails.guardrail->fails, 390u);
  EXPECT_EQ(fails.guardrail->verdict->decision, Decision::kDontShip);
  EXPECT_NEAR(fails.guardrail->draw.comparison->relative.estimate, -0.10, 0.03);
}

TEST(CampaignSimulation, VerdictsSayWhatIsNeeded) {
  SimulationOptions options;
  options.runs = 500;
  const std::vector<double> big = RateOutcomes(20000, 0.2);
  const CampaignSimulation strong =
      Simulate({.kind = MetricKind::kProportion, .outcomes = big, .effect = {0.15, true}}, options);
  const CampaignVerdict worth = JudgeCampaign(strong.goal, strong.users, options);
  EXPECT_EQ(worth.decision, CampaignDecision::kWorthRunning) << worth.reason;
  const std::vector<double> small = RateOutcomes(400, 0.2);
  const CampaignSimulation weak = Simulate(
      {.kind = MetricKind::kProportion, .outcomes = small, .effect = {0.15, true}}, options);
  const CampaignVerdict under = JudgeCampaign(weak.goal, weak.users, options);
  EXPECT_EQ(under.decision, CampaignDecision::kUnderpowered);
  ASSERT_TRUE(weak.goal.needed.has_value());
  EXPECT_GT(weak.goal.needed->n_total, 400);
  EXPECT_NE(under.reason.find(GroupedNumber(static_cast<double>(weak.goal.needed->n_total), 0)),
            std::string::npos)
      << under.reason;
  EXPECT_NE(under.reason.find("a lift of at least"), std::string::npos) << under.reason;
  // A relative effect on a segment where nobody converted changes nothing.
  const std::vector<double> none = RateOutcomes(400, 0.0);
  const CampaignSimulation flat = Simulate(
      {.kind = MetricKind::kProportion, .outcomes = none, .effect = {0.15, true}}, options);
  EXPECT_EQ(JudgeCampaign(flat.goal, flat.users, options).decision, CampaignDecision::kCannotTell);
  EXPECT_EQ(flat.goal.rejections, 0u);
}

TEST(CampaignSimulation, BadInputIsAnError) {
  const std::vector<double> rates = RateOutcomes(100, 0.9);
  const std::vector<double> halves(100, 0.5);
  const SimulationOptions options;
  // +20% of 90% is 108%: an effect this segment cannot have.
  EXPECT_EQ(
      SimulateCampaign({.kind = MetricKind::kProportion, .outcomes = rates, .effect = {0.2, true}},
                       nullptr, options)
          .status()
          .code(),
      ErrorCode::kDataError);
  EXPECT_FALSE(
      SimulateCampaign({.kind = MetricKind::kProportion, .outcomes = halves, .effect = {0.1, true}},
                       nullptr, options)
          .ok());
  EXPECT_FALSE(
      SimulateCampaign({.kind = MetricKind::kMean, .outcomes = halves, .effect = {-1.0, true}},
                       nullptr, options)
          .ok());
  EXPECT_FALSE(SimulateCampaign({.kind = MetricKind::kMean,
                                 .outcomes = std::span<const double>(halves).first(3),
                                 .effect = {0.1, true}},
                                nullptr, options)
                   .ok());
  SimulationOptions bad_split;
  bad_split.treatment_share = 1.0;
  EXPECT_FALSE(
      SimulateCampaign({.kind = MetricKind::kMean, .outcomes = halves, .effect = {0.1, true}},
                       nullptr, bad_split)
          .ok());
  const std::vector<double> short_guardrail(10, 1.0);
  const RatioGuardrail mismatched{"AOV", short_guardrail, short_guardrail, 0.0, 0.02};
  EXPECT_FALSE(
      SimulateCampaign({.kind = MetricKind::kMean, .outcomes = halves, .effect = {0.1, true}},
                       &mismatched, options)
          .ok());
}

}  // namespace
}  // namespace growthlens::stats
