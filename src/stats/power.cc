#include "stats/power.h"

#include <cmath>
#include <cstdint>
#include <limits>

#include <fmt/format.h>
#include <boost/math/distributions/non_central_t.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/tools/roots.hpp>

namespace growthlens::stats {
namespace {

// Root finding stops when the bracket is this narrow relative to the root: far below
// statsmodels' own solver tolerance, so the comparison measures statsmodels, not us.
constexpr int kRootBits = 50;
constexpr std::uintmax_t kMaxRootIterations = 400;
constexpr double kMaxUsers = 1e15;
constexpr double kMaxDays = 1e9;  // checked before a cast to int64

Status InvalidArgument(const std::string& message) {
  return {ErrorCode::kInvalidArgument, message};
}

Status CheckCommon(double ratio, double alpha) {
  if (!(alpha > 0.0 && alpha < 1.0)) {
    return InvalidArgument(fmt::format("alpha: must be in (0, 1), got {}", alpha));
  }
  if (!(ratio > 0.0) || !std::isfinite(ratio)) {
    return InvalidArgument(
        fmt::format("ratio: n_treatment / n_control must be positive, got {}", ratio));
  }
  return Status::Ok();
}

Status CheckPower(double power) {
  if (!(power > 0.0 && power < 1.0)) {
    return InvalidArgument(fmt::format("power: must be in (0, 1), got {}", power));
  }
  return Status::Ok();
}

double TailAlpha(double alpha, Alternative alternative) {
  return alternative == Alternative::kTwoSided ? alpha / 2.0 : alpha;
}

// statsmodels normal_power with nobs = 1 / (1/n1 + 1/n2).
double NormalPower(double effect_size, double n_control, double ratio, double alpha,
                   Alternative alternative) {
  const boost::math::normal standard;
  const double nobs = 1.0 / (1.0 / n_control + 1.0 / (n_control * ratio));
  const double crit =
      boost::math::quantile(boost::math::complement(standard, TailAlpha(alpha, alternative)));
  const double shift = effect_size * std::sqrt(nobs);
  double power = 0.0;
  if (alternative != Alternative::kSmaller) {
    power += boost::math::cdf(boost::math::complement(standard, crit - shift));
  }
  if (alternative != Alternative::kLarger) power += boost::math::cdf(standard, -crit - shift);
  return power;
}

// statsmodels ttest_power with df = n1 + n2 - 2 and the non-central t.
double TPower(double effect_size, double n_control, double ratio, double alpha,
              Alternative alternative) {
  const double n_treatment = n_control * ratio;
  const double df = n_control + n_treatment - 2.0;
  const double nobs = 1.0 / (1.0 / n_control + 1.0 / n_treatment);
  const double noncentrality = effect_size * std::sqrt(nobs);
  const boost::math::students_t central(df);
  const boost::math::non_central_t shifted(df, noncentrality);
  const double tail = TailAlpha(alpha, alternative);
  double power = 0.0;
  if (alternative != Alternative::kSmaller) {
    const double crit_upper = boost::math::quantile(boost::math::complement(central, tail));
    power += boost::math::cdf(boost::math::complement(shifted, crit_upper));
  }
  if (alternative != Alternative::kLarger) {
    const double crit_lower = boost::math::quantile(central, tail);
    power += boost::math::cdf(shifted, crit_lower);
  }
  return power;
}

// Smallest n_control for which the t-test has at least one degree of freedom.
double MinControl(MetricKind metric, double ratio) {
  return metric == MetricKind::kMean ? 3.0 / (1.0 + ratio) : 1e-6;
}

// Solves increasing f(x) = 0 on [low, high]; high doubles until f(high) >= 0.
Result<double> SolveIncreasing(const auto& f, double low, double high, double max_high,
                               const char* what) {
  if (f(low) >= 0.0) return low;
  while (f(high) < 0.0) {
    high *= 2.0;
    if (high > max_high) {
      return InvalidArgument(fmt::format("{}: no solution below {}", what, max_high));
    }
  }
  std::uintmax_t iterations = kMaxRootIterations;
  const auto [left, right] = boost::math::tools::toms748_solve(
      f, low, high, boost::math::tools::eps_tolerance<double>(kRootBits), iterations);
  return 0.5 * (left + right);
}

struct Standardized {
  double effect_size = 0.0;
  double treatment_value = 0.0;
};

Result<Standardized> StandardizedEffect(const PowerPlan& plan) {
  const double absolute = plan.relative_effect ? plan.baseline * plan.effect : plan.effect;
  if (absolute == 0.0 || !std::isfinite(absolute)) {
    return InvalidArgument(
        fmt::format("effect: must be a non-zero finite number, got {}", plan.effect));
  }
  const double treatment = plan.baseline + absolute;
  if (plan.metric == MetricKind::kProportion) {
    if (!(plan.baseline > 0.0 && plan.baseline < 1.0)) {
      return InvalidArgument(
          fmt::format("baseline: a conversion rate must be in (0, 1), got {}", plan.baseline));
    }
    if (!(treatment > 0.0 && treatment < 1.0)) {
      return InvalidArgument(fmt::format(
          "effect: baseline {} plus effect gives a treatment rate of {}, outside (0, 1)",
          plan.baseline, treatment));
    }
    return Standardized{CohensH(treatment, plan.baseline), treatment};
  }
  if (!(plan.std_dev > 0.0) || !std::isfinite(plan.std_dev)) {
    return InvalidArgument(
        fmt::format("std_dev: must be positive for a mean metric, got {}", plan.std_dev));
  }
  return Standardized{absolute / plan.std_dev, treatment};
}

Status CheckDirection(double effect_size, Alternative alternative) {
  if ((alternative == Alternative::kLarger && effect_size <= 0.0) ||
      (alternative == Alternative::kSmaller && effect_size >= 0.0)) {
    return InvalidArgument(fmt::format(
        "alternative: a one-sided test for '{}' cannot detect an effect of the other sign ({})",
        alternative == Alternative::kLarger ? "larger" : "smaller", effect_size));
  }
  return Status::Ok();
}

}  // namespace

double CohensH(double p_treatment, double p_control) {
  return 2.0 * std::asin(std::sqrt(p_treatment)) - 2.0 * std::asin(std::sqrt(p_control));
}

Result<double> PowerForEffectSize(MetricKind metric, double effect_size, double n_control,
                                  double ratio, double alpha, Alternative alternative) {
  GROWTHLENS_RETURN_IF_ERROR(CheckCommon(ratio, alpha));
  if (!(n_control >= MinControl(metric, ratio)) || !std::isfinite(n_control)) {
    return InvalidArgument(fmt::format("n_control: too few users ({}) for a test", n_control));
  }
  return metric == MetricKind::kProportion
             ? NormalPower(effect_size, n_control, ratio, alpha, alternative)
             : TPower(effect_size, n_control, ratio, alpha, alternative);
}

Result<double> NControlForEffectSize(MetricKind metric, double effect_size, double ratio,
                                     double alpha, double power, Alternative alternative) {
  GROWTHLENS_RETURN_IF_ERROR(CheckCommon(ratio, alpha));
  GROWTHLENS_RETURN_IF_ERROR(CheckPower(power));
  GROWTHLENS_RETURN_IF_ERROR(CheckDirection(effect_size, alternative));
  if (power <= alpha) {
    return InvalidArgument(fmt::format("power: must exceed alpha ({} <= {})", power, alpha));
  }
  const auto gap = [&](double n_control) {
    return *PowerForEffectSize(metric, effect_size, n_control, ratio, alpha, alternative) - power;
  };
  const double low = MinControl(metric, ratio);
  return SolveIncreasing(gap, low, std::max(low * 2.0, 16.0), kMaxUsers, "n_control");
}

Result<double> EffectSizeForPower(MetricKind metric, double n_control, double ratio, double alpha,
                                  double power, Alternative alternative) {
  GROWTHLENS_RETURN_IF_ERROR(CheckCommon(ratio, alpha));
  GROWTHLENS_RETURN_IF_ERROR(CheckPower(power));
  if (power <= alpha) {
    return InvalidArgument(fmt::format("power: must exceed alpha ({} <= {})", power, alpha));
  }
  if (!(n_control >= MinControl(metric, ratio)) || !std::isfinite(n_control)) {
    return InvalidArgument(fmt::format("n_control: too few users ({}) for a test", n_control));
  }
  // Two-sided and 'larger' solve for a positive effect, 'smaller' for a negative one.
  const double sign = alternative == Alternative::kSmaller ? -1.0 : 1.0;
  const auto gap = [&](double magnitude) {
    return *PowerForEffectSize(metric, sign * magnitude, n_control, ratio, alpha, alternative) -
           power;
  };
  constexpr double kMaxEffectSize = 1e3;
  auto magnitude = SolveIncreasing(gap, 0.0, 1.0, kMaxEffectSize, "effect_size");
  if (!magnitude.ok()) return magnitude.status();
  return sign * *magnitude;
}

Result<SampleSizePlan> PlanSampleSize(const PowerPlan& plan) {
  if (plan.treatment_arms < 1) {
    return InvalidArgument(
        fmt::format("treatment_arms: need at least one, got {}", plan.treatment_arms));
  }
  auto standardized = StandardizedEffect(plan);
  if (!standardized.ok()) return standardized.status();
  auto n_control = NControlForEffectSize(plan.metric, standardized->effect_size, plan.ratio,
                                         plan.alpha, plan.power, plan.alternative);
  if (!n_control.ok()) return n_control.status();
  SampleSizePlan out;
  out.effect_size = standardized->effect_size;
  out.n_control_exact = *n_control;
  const double per_treatment = std::ceil(*n_control * plan.ratio);
  // Checked before the casts: a double past int64's range makes them undefined behaviour.
  if (!(per_treatment * plan.treatment_arms <= kMaxUsers))
    return InvalidArgument(
        fmt::format("ratio: {} users per treatment arm is more than {}", per_treatment, kMaxUsers));
  out.n_control = static_cast<std::int64_t>(std::ceil(*n_control));
  out.n_per_treatment = static_cast<std::int64_t>(per_treatment);
  out.n_total = out.n_control + out.n_per_treatment * plan.treatment_arms;
  return out;
}

Result<double> SolvePower(const PowerPlan& plan) {
  auto standardized = StandardizedEffect(plan);
  if (!standardized.ok()) return standardized.status();
  return PowerForEffectSize(plan.metric, standardized->effect_size, plan.n_control, plan.ratio,
                            plan.alpha, plan.alternative);
}

Result<MdePlan> SolveMde(const PowerPlan& plan) {
  auto effect_size = EffectSizeForPower(plan.metric, plan.n_control, plan.ratio, plan.alpha,
                                        plan.power, plan.alternative);
  if (!effect_size.ok()) return effect_size.status();
  MdePlan out;
  out.effect_size = *effect_size;
  if (plan.metric == MetricKind::kProportion) {
    if (!(plan.baseline > 0.0 && plan.baseline < 1.0)) {
      return InvalidArgument(
          fmt::format("baseline: a conversion rate must be in (0, 1), got {}", plan.baseline));
    }
    // Invert Cohen's h: asin(sqrt(p_t)) = asin(sqrt(p_c)) + h / 2.
    const double angle = std::asin(std::sqrt(plan.baseline)) + *effect_size / 2.0;
    if (angle < 0.0 || angle > std::asin(1.0)) {
      return InvalidArgument(fmt::format(
          "n_control: {} users cannot detect any rate change from baseline {} at this power",
          plan.n_control, plan.baseline));
    }
    const double treatment = std::sin(angle) * std::sin(angle);
    out.absolute = treatment - plan.baseline;
  } else {
    if (!(plan.std_dev > 0.0)) {
      return InvalidArgument(
          fmt::format("std_dev: must be positive for a mean metric, got {}", plan.std_dev));
    }
    out.absolute = *effect_size * plan.std_dev;
  }
  out.relative = plan.baseline != 0.0 ? out.absolute / plan.baseline
                                      : std::numeric_limits<double>::quiet_NaN();
  return out;
}

Result<std::int64_t> ExpectedDurationDays(std::int64_t n_total, double daily_eligible,
                                          double traffic_share) {
  if (n_total < 0) return InvalidArgument(fmt::format("n_total: negative ({})", n_total));
  if (!(daily_eligible > 0.0) || !std::isfinite(daily_eligible)) {
    return InvalidArgument(
        fmt::format("daily_eligible: users a day must be positive, got {}", daily_eligible));
  }
  if (!(traffic_share > 0.0 && traffic_share <= 1.0)) {
    return InvalidArgument(fmt::format("traffic_share: must be in (0, 1], got {}", traffic_share));
  }
  const double days = std::ceil(static_cast<double>(n_total) / (daily_eligible * traffic_share));
  if (!(days <= kMaxDays))
    return InvalidArgument(
        fmt::format("daily_eligible: {} users a day would take more than {} "
                    "days",
                    daily_eligible * traffic_share, kMaxDays));
  return static_cast<std::int64_t>(days);
}

}  // namespace growthlens::stats
