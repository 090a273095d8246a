#include "stats/sequential.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace growthlens::stats {
namespace {

Status CheckInputs(const LiftEstimate& lift, double n_total, double alpha, double tuning) {
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
  return Status::Ok();
}

/// rho^2 of the Gaussian mixture, tuned so the boundary is tightest at `tuning` units.
double RhoSquared(double alpha, double tuning) {
  const double log_alpha = std::log(alpha);
  return (-2.0 * log_alpha + std::log(-2.0 * log_alpha + 1.0)) / tuning;
}

}  // namespace

Result<SequentialResult> SequentialInterval(const LiftEstimate& lift, double n_total, double alpha,
                                            double tuning) {
  GROWTHLENS_RETURN_IF_ERROR(CheckInputs(lift, n_total, alpha, tuning));
  const double rho_squared = RhoSquared(alpha, tuning);
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

Result<double> SequentialPValue(const LiftEstimate& lift, double n_total, double alpha,
                                double tuning) {
  GROWTHLENS_RETURN_IF_ERROR(CheckInputs(lift, n_total, alpha, tuning));
  if (lift.std_error == 0.0) return lift.estimate == 0.0 ? 1.0 : 0.0;
  const double z = lift.estimate / lift.std_error;
  const double spread = n_total * RhoSquared(alpha, tuning);
  // log of the reciprocal martingale; exp underflows to 0 for huge |z|, as a p-value may.
  const double log_p = 0.5 * std::log(spread + 1.0) - z * z * spread / (2.0 * (spread + 1.0));
  return std::min(1.0, std::exp(log_p));
}

Result<LiftEstimate> SequentialLift(const LiftEstimate& lift, double n_total, double alpha,
                                    double tuning) {
  Result<SequentialResult> interval = SequentialInterval(lift, n_total, alpha, tuning);
  if (!interval.ok()) return interval.status();
  Result<double> p_value = SequentialPValue(lift, n_total, alpha, tuning);
  if (!p_value.ok()) return p_value.status();
  LiftEstimate out = lift;
  out.ci_low = interval->ci_low;
  out.ci_high = interval->ci_high;
  out.p_value = *p_value;
  return out;
}

}  // namespace growthlens::stats
