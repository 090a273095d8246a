#include "stats/winsorize.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <fmt/format.h>

namespace growthlens::stats {

Result<double> Quantile(std::span<const double> values, double q) {
  if (values.empty()) return Status(ErrorCode::kInvalidArgument, "values: empty");
  if (!(q >= 0.0 && q <= 1.0)) {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("quantile: must be in [0, 1], got {}", q));
  }
  std::vector<double> sorted(values.begin(), values.end());
  const double position = q * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(below),
                   sorted.end());
  const double low_value = sorted[below];
  // The next order statistic is the minimum of everything after `below`.
  const double high_value =
      above == below ? low_value
                     : *std::min_element(sorted.begin() + static_cast<std::ptrdiff_t>(below + 1),
                                         sorted.end());
  const double fraction = position - static_cast<double>(below);
  return low_value + (high_value - low_value) * fraction;
}

Result<WinsorizeResult> Winsorize(std::span<double> values, double upper, double lower) {
  if (!(upper > 0.0 && upper <= 1.0)) {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("upper: the cap quantile must be in (0, 1], got {}", upper));
  }
  if (!(lower >= 0.0 && lower < upper)) {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("lower: the floor quantile must be in [0, upper), got {}", lower));
  }
  for (std::size_t value_idx = 0; value_idx < values.size(); ++value_idx) {
    if (!std::isfinite(values[value_idx])) {
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("values[{}]: not a finite number", value_idx));
    }
  }
  auto upper_cap = Quantile(values, upper);
  if (!upper_cap.ok()) return upper_cap.status();
  WinsorizeResult out;
  out.upper_cap = *upper_cap;
  out.lower_cap = -std::numeric_limits<double>::infinity();
  if (lower > 0.0) out.lower_cap = *Quantile(values, lower);
  for (double& value : values) {
    const double clamped = std::clamp(value, out.lower_cap, out.upper_cap);
    if (clamped != value) ++out.capped;
    value = clamped;
  }
  return out;
}

}  // namespace growthlens::stats
