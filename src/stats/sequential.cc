#include "stats/sequential.h"

#include <cmath>

#include <fmt/format.h>

namespace growthlens::stats {

Result<SequentialResult> SequentialInterval(const LiftEstimate& lift, double n_total, double alpha,
                                            double tuning) {
  const auto invalid = [](const std::string& message) {
    return Status(ErrorCode::kInvalidArgument, message);
  };
  if (!(alpha > 0.0 && alpha < 1.0)) {
    return invalid(fmt::format("alpha: must be in (0, 1), got {}", alpha));
  }
  if (!(tuning > 0.0) || !std::isfinite(tuning)) {
    return invalid(
        fmt::format("tuning: the sequential tuning parameter (a total sample size) "
                    "must be positive, got {}",
                    tuning));
  }
  if (!(n_total >= 2.0) || !std::isfinite(n_total)) {
    return invalid(fmt::format("n_total: need at least 2 units, got {}", n_total));
  }
  if (!(lift.std_error >= 0.0) || !std::isfinite(lift.std_error)) {
    return invalid(fmt::format("lift.std_error: must be finite and >= 0, got {}", lift.std_error));
  }
  const double log_alpha = std::log(alpha);
  const double rho_squared = (-2.0 * log_alpha + std::log(-2.0 * log_alpha + 1.0)) / tuning;
  const double s_squared = lift.std_error * lift.std_error * n_total;
  const double spread = n_total * rho_squared + 1.0;
  SequentialResult out;
  out.half_width = std::sqrt(s_squared * 2.0 * spread / (n_total * n_total * rho_squared) *
                             std::log(std::sqrt(spread) / alpha));
  out.ci_low = lift.estimate - out.half_width;
  out.ci_high = lift.estimate + out.half_width;
  out.significant = out.ci_low > 0.0 || out.ci_high < 0.0;
  return out;
}

}  // namespace growthlens::stats
