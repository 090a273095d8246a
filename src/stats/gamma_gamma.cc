#include "stats/gamma_gamma.h"

#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>

namespace growthlens::stats {

using boost::math::digamma;
using boost::math::lgamma;

double GammaGammaLogLikelihood(const SpendData& data, std::span<const double> theta,
                               std::span<double> gradient) {
  const double p = theta[0], q = theta[1], gamma = theta[2];
  if (!(p > 0 && q > 0 && gamma > 0)) return std::numeric_limits<double>::quiet_NaN();
  const double lgamma_q = lgamma(q), digamma_q = digamma(q), log_gamma = std::log(gamma);
  double total = 0.0, d_p = 0.0, d_q = 0.0, d_gamma = 0.0;
  for (size_t i = 0; i < data.size(); ++i) {
    const double x = data.frequency[i], m = data.monetary[i];
    const double px = p * x;
    const double log_m = std::log(m), log_x = std::log(x);
    const double log_total = std::log(x * m + gamma);
    total += lgamma(px + q) - lgamma(px) - lgamma_q + q * log_gamma + (px - 1) * log_m +
             px * log_x - (px + q) * log_total;
    if (gradient.empty()) continue;
    const double digamma_pxq = digamma(px + q);
    d_p += x * (digamma_pxq - digamma(px) + log_m + log_x - log_total);
    d_q += digamma_pxq - digamma_q + log_gamma - log_total;
    d_gamma += q / gamma - (px + q) / (x * m + gamma);
  }
  if (!gradient.empty()) std::ranges::copy(std::array{d_p, d_q, d_gamma}, gradient.begin());
  return total;
}

Result<GammaGammaFit> FitGammaGamma(const SpendData& data, const OptimizerOptions& options) {
  if (data.size() == 0)
    return Status(ErrorCode::kDataError,
                  "Gamma-Gamma: no customer with a repeat purchase of positive value to fit the "
                  "spend model on");
  const double mean_spend = std::accumulate(data.monetary.begin(), data.monetary.end(), 0.0) /
                            static_cast<double>(data.size());
  const LogLikelihood likelihood = [&data](std::span<const double> theta,
                                           std::span<double> gradient) {
    return GammaGammaLogLikelihood(data, theta, gradient);
  };
  Result<ModelFit> fit =
      FitMaximumLikelihood(likelihood, {1.0, 1.0, mean_spend}, data.size(), options);
  if (!fit.ok()) return Status(fit.status().code(), "Gamma-Gamma: " + fit.status().message());
  GammaGammaFit result;
  result.params = {fit->params[0], fit->params[1], fit->params[2]};
  result.std_errors = {fit->std_errors[0], fit->std_errors[1], fit->std_errors[2]};
  result.fit = std::move(*fit);
  return result;
}

double GammaGammaExpectedSpend(const GammaGammaParams& params, double x, double m) {
  const double p = params.p, q = params.q, gamma = params.gamma;
  if (q <= 1) return std::numeric_limits<double>::infinity();
  const double population_mean = p * gamma / (q - 1);
  if (x <= 0) return population_mean;
  const double weight = p * x / (p * x + q - 1);
  return (1 - weight) * population_mean + weight * m;
}

}  // namespace growthlens::stats
