#pragma once
// Per-arm sufficient statistics of a metric (and of a second column: a CUPED covariate or a
// ratio's denominator) over one row per unit, summed on every core. Values are shifted by a
// reference value per column before summing (the classic remedy for the cancellation in
// sum_sq - sum^2 / n; an integer, so integer data keep exact sums) and rows are summed in fixed
// blocks merged in block order with Neumaier's compensation, so the sums do not depend on the
// thread count and stay accurate over 10M rows.
//
//   UnitSums sums = *SumByArm(arm_codes, /*arm_count=*/2, revenue, pre_revenue);
//   // sums.arms[a] holds the sums of (y - sums.shift_y) and (x - sums.shift_x).

#include <cstdint>
#include <span>
#include <vector>

#include "core/status.h"
#include "stats/cuped.h"

namespace growthlens::stats {

struct UnitSums {
  double shift_y = 0.0;  ///< subtracted from every y before summing
  double shift_x = 0.0;  ///< subtracted from every x before summing
  std::vector<CovariateSums> arms;
};

/// Sums of y (and x, when not empty: then x.size() == y.size()) per arm; arm[i] < arm_count.
/// threads 0 = all cores.
Result<UnitSums> SumByArm(std::span<const std::uint32_t> arm, std::size_t arm_count,
                          std::span<const double> y, std::span<const double> x = {},
                          unsigned threads = 0);

}  // namespace growthlens::stats
