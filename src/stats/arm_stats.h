#pragma once
// Per-arm summaries of a metric: n, mean and sample variance (n - 1, as pandas and scipy),
// from raw values (Welford with Chan's merge, so per-thread partial states merge exactly), from
// sufficient statistics (sum and sum of squares, as warehouses and GrowthBook hand them over),
// from success counts (conversion rates), or for a ratio metric (sum of numerators over sum of
// denominators per unit, e.g. revenue per order) by the delta method.
//
//   MeanAccumulator acc;  for (double v : values) acc.Add(v);
//   ArmMoments arm = acc.Finalize();

#include <cstdint>
#include <span>

#include "core/status.h"

namespace growthlens::stats {

/// What every test needs of an arm: the number of units, the mean of the metric per unit and
/// the variance of one unit's value (divide by n for the variance of the mean).
struct ArmMoments {
  double n = 0.0;
  double mean = 0.0;
  double variance = 0.0;
};

/// Welford's running mean and sum of squared deviations; Merge is Chan's parallel formula.
struct MeanAccumulator {
  std::int64_t n = 0;
  double mean = 0.0;
  double m2 = 0.0;  ///< sum of squared deviations from the mean

  void Add(double value) {
    ++n;
    const double delta = value - mean;
    mean += delta / static_cast<double>(n);
    m2 += delta * (value - mean);
  }
  void Merge(const MeanAccumulator& other);
  /// Sample variance (n - 1); 0 when n < 2.
  ArmMoments Finalize() const;
};

/// From n, sum and sum of squares: variance = (sum_sq - sum^2 / n) / (n - 1). Fails when n < 2
/// or the sums are inconsistent (a negative variance beyond rounding).
Result<ArmMoments> MomentsFromSums(double n, double sum, double sum_squares);

/// A conversion rate: mean = successes / n, variance = p (1 - p) (the Bernoulli variance with
/// divisor n, as statsmodels' z-test and GrowthBook's proportion statistic use).
Result<ArmMoments> MomentsFromSuccesses(std::int64_t n, std::int64_t successes);

/// From raw values in one pass.
Result<ArmMoments> MomentsFromValues(std::span<const double> values);

/// Sufficient statistics of a ratio metric per unit (numerator m, denominator d).
struct RatioSums {
  double n = 0.0;
  double sum_numerator = 0.0;
  double sum_numerator_squares = 0.0;
  double sum_denominator = 0.0;
  double sum_denominator_squares = 0.0;
  double sum_products = 0.0;  ///< sum of m * d
};

/// Delta method (GrowthBook's RatioStatistic): mean = mean_m / mean_d and the per-unit variance
/// var_m / mean_d^2 + var_d mean_m^2 / mean_d^4 - 2 cov_md mean_m / mean_d^3.
Result<ArmMoments> MomentsOfRatio(const RatioSums& sums);

/// Variance of a ratio of two means by the delta method, with variances and covariance of
/// the means themselves (GrowthBook's variance_of_ratios).
double VarianceOfRatio(double mean_numerator, double var_numerator, double mean_denominator,
                       double var_denominator, double covariance);

}  // namespace growthlens::stats
