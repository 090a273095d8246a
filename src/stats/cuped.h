#pragma once
// CUPED (Deng et al. 2013): variance reduction with a pre-experiment covariate x of the metric
// y. theta = cov(x, y) / var(x) is estimated once from both arms pooled (one sample, n - 1
// divisors), so the adjustment is the same in every arm and does not bias the difference:
//   adjusted mean_i     = mean_y_i - theta (mean_x_i - mean_x_pooled)
//   adjusted variance_i = var_y_i + theta^2 var_x_i - 2 theta cov_i(x, y)
// Feed the adjusted ArmMoments to CompareMeans; the relative lift then divides by the adjusted
// control mean (GrowthBook divides by the unadjusted one; they differ by theta times the
// control's pre-period imbalance, which randomisation keeps small).
//
//   auto cuped = ApplyCuped({control_sums, treatment_sums});
//   auto cmp = CompareMeans(cuped->arms[0], cuped->arms[1]);

#include <span>
#include <vector>

#include "core/status.h"
#include "stats/arm_stats.h"

namespace growthlens::stats {

/// Sufficient statistics of (y, x) per arm; x is the pre-period value of the same unit.
struct CovariateSums {
  double n = 0.0;
  double sum_y = 0.0;
  double sum_y_squares = 0.0;
  double sum_x = 0.0;
  double sum_x_squares = 0.0;
  double sum_xy = 0.0;
};

struct CupedResult {
  double theta = 0.0;
  std::vector<ArmMoments> arms;            ///< adjusted, in input order
  std::vector<double> variance_reduction;  ///< 1 - adjusted / unadjusted variance, per arm
};

Result<CupedResult> ApplyCuped(std::span<const CovariateSums> arms);

}  // namespace growthlens::stats
