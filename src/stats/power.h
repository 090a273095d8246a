#pragma once
// Planning an A/B test: sample size per arm, power, or minimum detectable effect (MDE), each
// from the other two, following statsmodels 0.13 so that results can be checked against it:
//   - conversion rates: NormalIndPower on Cohen's h = 2 asin(sqrt(p_t)) - 2 asin(sqrt(p_c));
//   - means: TTestIndPower on Cohen's d = (mu_t - mu_c) / sd, with the non-central t
//     (df = n_c + n_t - 2), as statsmodels does.
// Sample 1 is the control arm; ratio = n_treatment / n_control; the effect is treatment minus
// control; alternative kLarger means "treatment larger". With several treatment arms each is
// compared with control at the user's alpha (no multiplicity adjustment at planning time; apply
// Holm or Benjamini-Hochberg at analysis, or pass alpha / comparisons to plan conservatively).
//
//   PowerPlan plan{.metric = MetricKind::kProportion, .baseline = 0.10, .effect = 0.01};
//   Result<SampleSizePlan> size = PlanSampleSize(plan);  // 14,745 per arm

#include <cstdint>

#include "core/status.h"

namespace growthlens::stats {

enum class Alternative { kTwoSided, kLarger, kSmaller };
enum class MetricKind { kProportion, kMean };

/// Inputs shared by the three solvers; the solver ignores the field it solves for.
struct PowerPlan {
  MetricKind metric = MetricKind::kProportion;
  double baseline = 0.0;         ///< control conversion rate (proportions) or mean (means)
  double std_dev = 1.0;          ///< standard deviation of the metric (means only)
  double effect = 0.0;           ///< treatment - control (absolute) or relative, see below
  bool relative_effect = false;  ///< effect is a fraction of the baseline (0.1 = +10%)
  double alpha = 0.05;
  double power = 0.8;
  Alternative alternative = Alternative::kTwoSided;
  double ratio = 1.0;      ///< n_treatment / n_control (allocation ratio)
  int treatment_arms = 1;  ///< arms besides control, each with ratio * n_control users
  double n_control = 0.0;  ///< users in control (for SolvePower and SolveMde)
};

struct SampleSizePlan {
  double effect_size = 0.0;          ///< Cohen's h or d
  double n_control_exact = 0.0;      ///< statsmodels' real-valued solution (nobs1)
  std::int64_t n_control = 0;        ///< rounded up
  std::int64_t n_per_treatment = 0;  ///< ceil(ratio * n_control_exact)
  std::int64_t n_total = 0;          ///< control + all treatment arms
};

struct MdePlan {
  double effect_size = 0.0;  ///< Cohen's h or d, same sign as the alternative asks
  double absolute = 0.0;     ///< treatment - control in the metric's unit
  double relative = 0.0;     ///< absolute / baseline
};

/// Cohen's h for treatment rate p_t against control rate p_c (statsmodels proportion_effectsize).
double CohensH(double p_treatment, double p_control);

/// Power of the standardized test (statsmodels NormalIndPower / TTestIndPower.power).
Result<double> PowerForEffectSize(MetricKind metric, double effect_size, double n_control,
                                  double ratio, double alpha, Alternative alternative);
/// Real-valued n_control reaching `power` for a standardized effect (solve_power(nobs1=None)).
Result<double> NControlForEffectSize(MetricKind metric, double effect_size, double ratio,
                                     double alpha, double power, Alternative alternative);
/// Standardized effect reaching `power` with n_control users (solve_power(effect_size=None)).
Result<double> EffectSizeForPower(MetricKind metric, double n_control, double ratio, double alpha,
                                  double power, Alternative alternative);

/// Users per arm for plan.effect at plan.alpha and plan.power.
Result<SampleSizePlan> PlanSampleSize(const PowerPlan& plan);
/// Power for plan.effect with plan.n_control users in control.
Result<double> SolvePower(const PowerPlan& plan);
/// Minimum detectable effect with plan.n_control users in control at plan.power.
Result<MdePlan> SolveMde(const PowerPlan& plan);

/// Whole days needed to enrol n_total users when `daily_eligible` users a day are eligible and
/// a fraction `traffic_share` of them enter the experiment.
Result<std::int64_t> ExpectedDurationDays(std::int64_t n_total, double daily_eligible,
                                          double traffic_share = 1.0);

}  // namespace growthlens::stats
