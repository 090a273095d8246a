#include "stats/arm_stats.h"

#include <cmath>

#include <fmt/format.h>

namespace growthlens::stats {
namespace {

// Sums of squares lose digits to cancellation; a variance this far below zero relative to the
// squared mean is an input error rather than rounding.
constexpr double kNegativeVarianceTolerance = 1e-9;

Status InvalidArgument(const std::string& message) {
  return {ErrorCode::kInvalidArgument, message};
}

}  // namespace

void MeanAccumulator::Merge(const MeanAccumulator& other) {
  if (other.n == 0) return;
  if (n == 0) {
    *this = other;
    return;
  }
  const double n_a = static_cast<double>(n);
  const double n_b = static_cast<double>(other.n);
  const double total = n_a + n_b;
  const double delta = other.mean - mean;
  mean += delta * n_b / total;
  m2 += other.m2 + delta * delta * n_a * n_b / total;
  n += other.n;
}

ArmMoments MeanAccumulator::Finalize() const {
  const double count = static_cast<double>(n);
  return {count, mean, n > 1 ? m2 / (count - 1.0) : 0.0};
}

Result<ArmMoments> MomentsFromSums(double n, double sum, double sum_squares) {
  if (!(n >= 2.0) || !std::isfinite(n)) {
    return InvalidArgument(fmt::format("n: need at least 2 units for a variance, got {}", n));
  }
  if (!std::isfinite(sum) || !std::isfinite(sum_squares)) {
    return InvalidArgument("sum, sum_squares: must be finite");
  }
  const double mean = sum / n;
  double variance = (sum_squares - sum * mean) / (n - 1.0);
  if (variance < 0.0) {
    if (-variance > kNegativeVarianceTolerance * std::max(1.0, mean * mean)) {
      return InvalidArgument(fmt::format(
          "sum_squares: {} is smaller than sum^2 / n = {}; the sums do not describe one sample",
          sum_squares, sum * mean));
    }
    variance = 0.0;
  }
  return ArmMoments{n, mean, variance};
}

Result<ArmMoments> MomentsFromSuccesses(std::int64_t n, std::int64_t successes) {
  if (n < 1) return InvalidArgument(fmt::format("n: need at least one unit, got {}", n));
  if (successes < 0 || successes > n) {
    return InvalidArgument(
        fmt::format("successes: must be between 0 and n = {}, got {}", n, successes));
  }
  const double rate = static_cast<double>(successes) / static_cast<double>(n);
  return ArmMoments{static_cast<double>(n), rate, rate * (1.0 - rate)};
}

Result<ArmMoments> MomentsFromValues(std::span<const double> values) {
  MeanAccumulator acc;
  for (std::size_t value_idx = 0; value_idx < values.size(); ++value_idx) {
    if (!std::isfinite(values[value_idx])) {
      return InvalidArgument(fmt::format("values[{}]: not a finite number", value_idx));
    }
    acc.Add(values[value_idx]);
  }
  if (acc.n < 2) {
    return InvalidArgument(fmt::format("values: need at least 2 for a variance, got {}", acc.n));
  }
  return acc.Finalize();
}

double VarianceOfRatio(double mean_numerator, double var_numerator, double mean_denominator,
                       double var_denominator, double covariance) {
  const double d2 = mean_denominator * mean_denominator;
  return var_numerator / d2 + var_denominator * mean_numerator * mean_numerator / (d2 * d2) -
         2.0 * covariance * mean_numerator / (d2 * mean_denominator);
}

Result<ArmMoments> MomentsOfRatio(const RatioSums& sums) {
  auto numerator = MomentsFromSums(sums.n, sums.sum_numerator, sums.sum_numerator_squares);
  if (!numerator.ok()) return numerator.status().WithContext("ratio numerator");
  auto denominator = MomentsFromSums(sums.n, sums.sum_denominator, sums.sum_denominator_squares);
  if (!denominator.ok()) return denominator.status().WithContext("ratio denominator");
  if (denominator->mean == 0.0) {
    return InvalidArgument("sum_denominator: zero, the ratio is undefined");
  }
  const double covariance =
      (sums.sum_products - sums.sum_numerator * sums.sum_denominator / sums.n) / (sums.n - 1.0);
  return ArmMoments{sums.n, numerator->mean / denominator->mean,
                    VarianceOfRatio(numerator->mean, numerator->variance, denominator->mean,
                                    denominator->variance, covariance)};
}

}  // namespace growthlens::stats
