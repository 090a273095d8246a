#pragma once
// Campaign simulation: how an A/B test of a campaign would come out on a segment's real users.
// The input is one outcome per user (what the user actually did in an outcome window) and an
// assumed effect. Each run splits the users into arms at random (each user independently
// treated with probability treatment_share, as hash-based assignment does in production;
// simulation_draws.h), applies the effect to the treatment arm's outcomes and tests the
// difference with the engine's tests:
//   - rates (outcomes 0/1): a relative effect l or absolute d moves the rate p to
//     p' = p (1 + l) or p + d; each treated non-converter converts with probability
//     (p' - p) / (1 - p) (for p' < p each treated converter drops out with probability
//     (p - p') / p), which gives the treatment arm the rate p' in expectation, p being the
//     segment's rate. Tested with the pooled two-proportion z-test.
//   - means: every treated outcome is scaled by (1 + l), or d is added to it. The engine applies
//     that to the arm's sums (the same numbers, without a pass per user). Tested with Welch's t.
// Power achieved = the share of runs whose test rejects "no difference" at alpha (two-sided),
// with its Monte-Carlo standard error sqrt(P (1 - P) / runs). Run 0 is also reported in full
// (lifts with intervals and p-values, frequentist.h). For comparison: the analytic power of
// the planner (power.h, statsmodels conventions) at the expected arm sizes, the users per arm
// it needs for the target power, and the smallest effect it detects with these users.
// An optional ratio guardrail (e.g. revenue / orders: the average order value, by the delta
// method) is simulated on the same splits with its own assumed change of the numerator and
// judged for non-inferiority in every run (verdict.h).
// Runs are independent (their draws depend only on (seed, run)) and are spread over threads;
// the results are the same for any thread count.
//
//   const std::vector<double> y = ...;  // one outcome per user
//   Result<CampaignSimulation> sim = SimulateCampaign(
//       {.kind = MetricKind::kProportion, .outcomes = y, .effect = {0.10, true}}, nullptr, {});

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stop_token>
#include <string_view>

#include "core/status.h"
#include "stats/arm_stats.h"
#include "stats/frequentist.h"
#include "stats/power.h"
#include "stats/verdict.h"

namespace growthlens::stats {

struct AssumedEffect {
  double value = 0.0;
  bool relative = true;  ///< a fraction of the baseline (0.1 = +10%); else in the metric's unit
};

/// The goal metric: one outcome per user and the effect assumed for the treatment arm.
struct GoalOutcomes {
  MetricKind kind = MetricKind::kProportion;  ///< kProportion: every outcome is 0 or 1
  std::span<const double> outcomes;
  AssumedEffect effect;
};

/// A ratio guardrail per user, judged for non-inferiority (higher is better) against `margin`;
/// the treatment arm's numerators change by the relative `effect`.
struct RatioGuardrail {
  std::string_view name = "ratio";      ///< in the verdict's reason, e.g. "AOV"
  std::span<const double> numerator;    ///< e.g. revenue per user
  std::span<const double> denominator;  ///< e.g. orders per user
  double effect = 0.0;
  double margin = 0.02;
};

struct SimulationOptions {
  double treatment_share = 0.5;
  size_t runs = 1000;
  double alpha = 0.05;
  double target_power = 0.8;
  uint64_t seed = 0;
  unsigned threads = 0;  ///< 0 = every core
  /// Requested when nobody waits for the answer: the remaining runs are skipped and the
  /// simulation fails (runs go up to 100,000 on every user of a segment).
  std::stop_token stop;
};

/// One run in full.
struct SimulatedDraw {
  ArmMoments control;
  ArmMoments treatment;
  std::optional<Comparison> comparison;  ///< none when no test is possible (a constant outcome)
};

struct GoalSimulation {
  MetricKind kind = MetricKind::kProportion;
  AssumedEffect effect;
  double baseline = 0.0;                ///< the segment's rate or mean
  double std_dev = 0.0;                 ///< of one user's outcome (n - 1)
  double effect_absolute = 0.0;         ///< treatment - control, in expectation
  double effect_relative = 0.0;         ///< effect_absolute / baseline; NaN when the baseline is 0
  double conversion_probability = 0.0;  ///< rates: per treated user, see above
  SimulatedDraw draw;                   ///< run 0
  size_t runs = 0;
  size_t rejections = 0;
  size_t untested_runs = 0;  ///< runs where no test was possible (counted as not rejecting)
  double power_achieved = 0.0;
  double power_standard_error = 0.0;
  double mean_relative_lift = 0.0;  ///< over the runs with a non-zero control mean; NaN if none
  std::optional<double> analytic_power;
  std::optional<SampleSizePlan> needed;  ///< per arm for the target power (control = n_control)
  std::optional<MdePlan> detectable;     ///< the smallest effect detected with these users
};

struct GuardrailSimulation {
  double baseline = 0.0;          ///< sum of numerators / sum of denominators over the segment
  size_t contributing_users = 0;  ///< users with a denominator > 0 (e.g. customers with orders)
  double effect = 0.0;
  double margin = 0.0;
  SimulatedDraw draw;                    ///< run 0; comparison of the ratio per arm
  std::optional<MetricVerdict> verdict;  ///< of run 0
  size_t holds = 0, fails = 0, unclear = 0, untested = 0;  ///< runs by verdict
};

struct CampaignSimulation {
  size_t users = 0;
  GoalSimulation goal;
  std::optional<GuardrailSimulation> guardrail;
};

/// Errors: a data error when the effect takes the segment's rate outside [0, 1] (the effect is
/// impossible for this segment, e.g. +10% on a rate of 95%); invalid argument for fewer than 4
/// users, a rate outcome that is not 0 or 1, values that are not finite, a relative effect on
/// a mean of -100% or less, a guardrail of another length or with negative denominators, and
/// options out of range.
Result<CampaignSimulation> SimulateCampaign(const GoalOutcomes& goal,
                                            const RatioGuardrail* guardrail,
                                            const SimulationOptions& options);

}  // namespace growthlens::stats
