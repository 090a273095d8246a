#include "stats/bayesian.h"

#include <cmath>

#include <fmt/format.h>
#include <boost/math/distributions/normal.hpp>

namespace growthlens::stats {

Result<BayesianResult> BayesianLift(const LiftEstimate& relative_lift, const BayesianPrior& prior,
                                    double alpha) {
  const auto invalid = [](const std::string& message) {
    return Status(ErrorCode::kInvalidArgument, message);
  };
  if (!(relative_lift.std_error > 0.0) || !std::isfinite(relative_lift.std_error) ||
      !std::isfinite(relative_lift.estimate)) {
    return invalid(
        fmt::format("relative_lift: need a finite estimate and a positive standard "
                    "error, got {} and {}",
                    relative_lift.estimate, relative_lift.std_error));
  }
  if (prior.proper && (!(prior.std_dev > 0.0) || !std::isfinite(prior.mean))) {
    return invalid(
        fmt::format("prior.std_dev: a proper prior needs a positive standard "
                    "deviation, got {}",
                    prior.std_dev));
  }
  if (!(alpha > 0.0 && alpha < 1.0)) {
    return invalid(fmt::format("alpha: must be in (0, 1), got {}", alpha));
  }
  const double data_precision = 1.0 / (relative_lift.std_error * relative_lift.std_error);
  const double prior_precision = prior.proper ? 1.0 / (prior.std_dev * prior.std_dev) : 0.0;
  const double variance = 1.0 / (data_precision + prior_precision);
  BayesianResult out;
  out.posterior_mean =
      variance * (relative_lift.estimate * data_precision + prior.mean * prior_precision);
  out.posterior_std_dev = std::sqrt(variance);
  const boost::math::normal standard;
  const double m = out.posterior_mean;
  const double s = out.posterior_std_dev;
  const double z = m / s;
  out.chance_to_beat_control = boost::math::cdf(standard, z);
  const double density = boost::math::pdf(standard, z);
  out.expected_loss_ship = s * density - m * boost::math::cdf(standard, -z);
  out.expected_loss_control = s * density + m * out.chance_to_beat_control;
  const double critical = boost::math::quantile(boost::math::complement(standard, alpha / 2.0));
  out.credible_low = m - critical * s;
  out.credible_high = m + critical * s;
  return out;
}

}  // namespace growthlens::stats
