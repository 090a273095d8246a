#include "stats/gamma_gamma.h"

#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

namespace growthlens::stats {

namespace {

// Double precision throughout: Boost's default evaluates double arguments in long double, several
// times slower, for accuracy the likelihood does not need.
using DoublePolicy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;

/// The Gamma-function terms of a purchase count x at (p, q), computed once per distinct x.
struct CountTerms {
  double x = -1.0;  // the count these are for; -1: not computed yet
  double log_gammas = 0.0, digamma_pxq = 0.0, digamma_px = 0.0;
};

}  // namespace

double GammaGammaLogLikelihood(const SpendData& data, std::span<const double> theta,
                               std::span<double> gradient) {
  const double p = theta[0], q = theta[1], gamma = theta[2];
  if (!(p > 0 && q > 0 && gamma > 0)) return std::numeric_limits<double>::quiet_NaN();
  const DoublePolicy policy;
  const double lgamma_q = boost::math::lgamma(q, policy);
  const double digamma_q = boost::math::digamma(q, policy), log_gamma = std::log(gamma);
  // Counts are small whole numbers: their terms are cached by value (others computed in place),
  // in a cache only as long as the largest whole count below kCachedCounts needs.
  constexpr size_t kCachedCounts = 4096;
  double largest = 0.0;
  for (const double x : data.frequency)
    if (x < kCachedCounts) largest = std::max(largest, x);
  std::vector<CountTerms> cache(static_cast<size_t>(largest) + 1);
  const auto terms_of = [&](double x) {
    const auto compute = [&] {
      const double px = p * x;
      return CountTerms{x, boost::math::lgamma(px + q, policy) - boost::math::lgamma(px, policy),
                        boost::math::digamma(px + q, policy), boost::math::digamma(px, policy)};
    };
    const size_t slot = static_cast<size_t>(x);
    if (slot >= cache.size() || static_cast<double>(slot) != x) return compute();
    if (cache[slot].x != x) cache[slot] = compute();
    return cache[slot];
  };
  double total = 0.0, d_p = 0.0, d_q = 0.0, d_gamma = 0.0;
  for (size_t i = 0; i < data.size(); ++i) {
    const double x = data.frequency[i], m = data.monetary[i];
    const double px = p * x;
    const double log_m = std::log(m), log_x = std::log(x);
    const double log_total = std::log(x * m + gamma);
    const CountTerms terms = terms_of(x);
    total += terms.log_gammas - lgamma_q + q * log_gamma + (px - 1) * log_m + px * log_x -
             (px + q) * log_total;
    if (gradient.empty()) continue;
    const double digamma_pxq = terms.digamma_pxq;
    d_p += x * (digamma_pxq - terms.digamma_px + log_m + log_x - log_total);
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
