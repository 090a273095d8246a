#include "stats/cuped.h"

#include <cmath>

#include <fmt/format.h>

namespace growthlens::stats {

Result<CupedResult> ApplyCuped(std::span<const CovariateSums> arms) {
  if (arms.size() < 2) {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("arms: need at least 2, got {}", arms.size()));
  }
  CovariateSums pooled;
  for (const CovariateSums& arm : arms) {
    pooled.n += arm.n;
    pooled.sum_y += arm.sum_y;
    pooled.sum_y_squares += arm.sum_y_squares;
    pooled.sum_x += arm.sum_x;
    pooled.sum_x_squares += arm.sum_x_squares;
    pooled.sum_xy += arm.sum_xy;
  }
  auto pooled_x = MomentsFromSums(pooled.n, pooled.sum_x, pooled.sum_x_squares);
  if (!pooled_x.ok()) return pooled_x.status().WithContext("covariate x, arms pooled");
  if (!(pooled_x->variance > 0.0)) {
    return Status(ErrorCode::kInvalidArgument,
                  "covariate x: constant across all units, CUPED cannot use it");
  }
  const double pooled_cov =
      (pooled.sum_xy - pooled.sum_x * pooled.sum_y / pooled.n) / (pooled.n - 1.0);
  CupedResult out;
  out.theta = pooled_cov / pooled_x->variance;
  for (std::size_t arm_idx = 0; arm_idx < arms.size(); ++arm_idx) {
    const CovariateSums& arm = arms[arm_idx];
    const std::string context = fmt::format("arms[{}]", arm_idx);
    auto y = MomentsFromSums(arm.n, arm.sum_y, arm.sum_y_squares);
    if (!y.ok()) return y.status().WithContext(context + " metric y");
    auto x = MomentsFromSums(arm.n, arm.sum_x, arm.sum_x_squares);
    if (!x.ok()) return x.status().WithContext(context + " covariate x");
    const double cov = (arm.sum_xy - arm.sum_x * arm.sum_y / arm.n) / (arm.n - 1.0);
    ArmMoments adjusted;
    adjusted.n = arm.n;
    adjusted.mean = y->mean - out.theta * (x->mean - pooled_x->mean);
    adjusted.variance =
        std::max(0.0, y->variance + out.theta * out.theta * x->variance - 2.0 * out.theta * cov);
    out.arms.push_back(adjusted);
    out.variance_reduction.push_back(y->variance > 0.0 ? 1.0 - adjusted.variance / y->variance
                                                       : 0.0);
  }
  return out;
}

}  // namespace growthlens::stats
