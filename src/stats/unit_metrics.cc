#include "stats/unit_metrics.h"

#include <cmath>

#include <fmt/format.h>

#include "stats/cuped.h"
#include "stats/unit_sums.h"

namespace growthlens::stats {
namespace {

Status Invalid(std::string message) {
  return {ErrorCode::kInvalidArgument, std::move(message)};
}

/// Moments of y from shifted sums: the mean gets its shift back, the variance needs none.
Result<ArmMoments> ShiftedMoments(double n, double sum, double sum_squares, double shift) {
  Result<ArmMoments> moments = MomentsFromSums(n, sum, sum_squares);
  if (!moments.ok()) return moments;
  moments->mean += shift;
  return moments;
}

Result<ArmMoments> RatioMoments(const CovariateSums& s, double shift_numerator,
                                double shift_denominator) {
  if (!(s.n >= 2.0)) return Invalid(fmt::format("need at least 2 units, got {}", s.n));
  const double mean_m = s.sum_y / s.n + shift_numerator;
  const double mean_d = s.sum_x / s.n + shift_denominator;
  if (mean_d == 0.0) return Invalid("the denominator sums to zero, the ratio is undefined");
  const double var_m = std::max(0.0, (s.sum_y_squares - s.sum_y * s.sum_y / s.n) / (s.n - 1.0));
  const double var_d = std::max(0.0, (s.sum_x_squares - s.sum_x * s.sum_x / s.n) / (s.n - 1.0));
  const double cov = (s.sum_xy - s.sum_x * s.sum_y / s.n) / (s.n - 1.0);
  return ArmMoments{s.n, mean_m / mean_d, VarianceOfRatio(mean_m, var_m, mean_d, var_d, cov)};
}

}  // namespace

Result<MetricArms> SummarizeUnitMetric(std::span<const std::uint32_t> arm,
                                       std::span<const std::string> arm_names,
                                       const UnitMetricColumns& metric, unsigned threads) {
  const bool ratio = metric.type == MetricType::kRatio;
  const bool cuped = !metric.covariate_name.empty();
  if (ratio && cuped) {
    return Invalid(
        fmt::format("metric '{}': CUPED applies to means and conversion rates, not to "
                    "ratio metrics",
                    metric.name));
  }
  Result<UnitSums> sums = SumByArm(arm, arm_names.size(), metric.values,
                                   ratio ? metric.denominator : metric.covariate, threads);
  if (!sums.ok()) return sums.status().WithContext(fmt::format("metric '{}'", metric.name));
  MetricArms out;
  out.name = metric.name;
  out.type = metric.type;
  for (std::size_t arm_idx = 0; arm_idx < arm_names.size(); ++arm_idx) {
    const CovariateSums& s = sums->arms[arm_idx];
    const std::string context =
        fmt::format("metric '{}', arm '{}'", metric.name, arm_names[arm_idx]);
    Result<ArmMoments> moments = ArmMoments{};
    switch (metric.type) {
      case MetricType::kRatio:
        moments = RatioMoments(s, sums->shift_y, sums->shift_x);
        break;
      case MetricType::kProportion: {
        const auto successes = std::llround(s.sum_y + s.n * sums->shift_y);
        out.successes.push_back(successes);
        moments = MomentsFromSuccesses(std::llround(s.n), successes);
        break;
      }
      case MetricType::kMean:
        moments = ShiftedMoments(s.n, s.sum_y, s.sum_y_squares, sums->shift_y);
        break;
    }
    if (!moments.ok()) return moments.status().WithContext(context);
    out.arms.push_back(*moments);
  }
  if (cuped) {
    Result<CupedResult> adjusted = ApplyCuped(sums->arms);
    if (!adjusted.ok()) {
      return adjusted.status().WithContext(
          fmt::format("metric '{}', covariate '{}'", metric.name, metric.covariate_name));
    }
    CupedAdjustment adjustment;
    adjustment.covariate = metric.covariate_name;
    adjustment.theta = adjusted->theta;
    adjustment.arms = adjusted->arms;
    for (ArmMoments& moments : adjustment.arms) moments.mean += sums->shift_y;
    adjustment.variance_reduction = adjusted->variance_reduction;
    out.cuped = std::move(adjustment);
  }
  return out;
}

}  // namespace growthlens::stats
