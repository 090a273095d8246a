#pragma once
// Winsorisation: values above the `upper` quantile (and optionally below the `lower` one) are
// replaced by that quantile, to stop a few heavy users from dominating a mean. Quantiles use
// linear interpolation between order statistics (numpy.percentile / pandas quantile default).
//
//   auto caps = Winsorize(revenue, /*upper=*/0.99);  // caps at the 99th percentile, in place

#include <cstddef>
#include <span>

#include "core/status.h"

namespace growthlens::stats {

struct WinsorizeResult {
  double lower_cap = 0.0;
  double upper_cap = 0.0;
  std::size_t capped = 0;  ///< values changed
};

/// Quantile q in [0, 1] of values, linear interpolation (numpy's default).
Result<double> Quantile(std::span<const double> values, double q);

/// Caps values in place at the `upper` quantile and, when lower > 0, floors them at `lower`.
Result<WinsorizeResult> Winsorize(std::span<double> values, double upper, double lower = 0.0);

}  // namespace growthlens::stats
