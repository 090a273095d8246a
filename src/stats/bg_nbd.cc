#include "stats/bg_nbd.h"

#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>
// GCC 12 at -O3 sees an out-of-bounds access in Boost's pFq series set-up that cannot happen
// (an array sized by the parameter count, read within it): a false -Warray-bounds.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Warray-bounds"
#include <boost/math/special_functions/hypergeometric_pFq.hpp>
#pragma GCC diagnostic pop

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>

namespace growthlens::stats {

namespace {

// Double precision throughout: Boost's default evaluates double arguments in long double, several
// times slower, for accuracy the likelihood does not need.
using DoublePolicy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;

double lgamma(double z) {
  return boost::math::lgamma(z, DoublePolicy());
}
double digamma(double z) {
  return boost::math::digamma(z, DoublePolicy());
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// log(exp(u) + exp(v)) without overflow.
double LogSumExp(double u, double v) {
  const double high = std::max(u, v);
  if (!std::isfinite(high)) return high;
  return high + std::log1p(std::exp(std::min(u, v) - high));
}

/// What depends on x and the parameters alone: the Gamma-function part of the likelihood and
/// its derivatives by r, a and b.
struct XTerms {
  double log_gammas = 0.0;
  double d_r = 0.0, d_a = 0.0, d_b = 0.0;
};

XTerms TermsOfX(double x, const BgNbdParams& p, double digamma_r, double digamma_b,
                double digamma_ab) {
  XTerms terms;
  terms.log_gammas = lgamma(p.r + x) - lgamma(p.r) + lgamma(p.a + p.b) + lgamma(p.b + x) -
                     lgamma(p.b) - lgamma(p.a + p.b + x);
  const double digamma_abx = digamma(p.a + p.b + x);
  terms.d_r = digamma(p.r + x) - digamma_r;
  terms.d_a = digamma_ab - digamma_abx;
  terms.d_b = digamma_ab + digamma(p.b + x) - digamma_b - digamma_abx;
  return terms;
}

}  // namespace

BgNbdLikelihood::BgNbdLikelihood(const RepeatPurchaseData& data) : data_(data) {
  std::map<double, uint32_t> index;
  for (double x : data.frequency) index.emplace(x, 0);
  for (auto& [x, idx] : index) {
    idx = static_cast<uint32_t>(distinct_x_.size());
    distinct_x_.push_back(x);
  }
  x_index_.reserve(data.size());
  for (double x : data.frequency) x_index_.push_back(index.at(x));
}

double BgNbdLikelihood::operator()(std::span<const double> theta,
                                   std::span<double> gradient) const {
  const BgNbdParams p{theta[0], theta[1], theta[2], theta[3]};
  if (!(p.r > 0 && p.alpha > 0 && p.a > 0 && p.b > 0)) return kNaN;
  const double digamma_r = digamma(p.r), digamma_b = digamma(p.b);
  const double digamma_ab = digamma(p.a + p.b);
  std::vector<XTerms> by_x;
  by_x.reserve(distinct_x_.size());
  for (double x : distinct_x_) by_x.push_back(TermsOfX(x, p, digamma_r, digamma_b, digamma_ab));

  const double log_alpha = std::log(p.alpha), log_a = std::log(p.a);
  double total = 0.0;
  double d_r = 0.0, d_alpha = 0.0, d_a = 0.0, d_b = 0.0;
  for (size_t i = 0; i < data_.size(); ++i) {
    const double x = data_.frequency[i];
    const XTerms& terms = by_x[x_index_[i]];
    const double rx = p.r + x;
    const double log_alpha_age = std::log(p.alpha + data_.age[i]);
    // The customer is alive at T (a3), or dropped out after the last purchase (a4, x > 0 only).
    const double a3 = -rx * log_alpha_age;
    double a4 = -std::numeric_limits<double>::infinity();
    double log_alpha_recency = 0.0;
    if (x > 0) {
      log_alpha_recency = std::log(p.alpha + data_.recency[i]);
      a4 = log_a - std::log(p.b + x - 1) - rx * log_alpha_recency;
    }
    const double mixture = LogSumExp(a3, a4);
    total += terms.log_gammas + p.r * log_alpha + mixture;
    if (gradient.empty()) continue;
    const double w3 = std::exp(a3 - mixture);
    const double w4 = x > 0 ? std::exp(a4 - mixture) : 0.0;
    d_r += terms.d_r + log_alpha - w3 * log_alpha_age - w4 * log_alpha_recency;
    d_alpha += p.r / p.alpha - w3 * rx / (p.alpha + data_.age[i]) -
               (x > 0 ? w4 * rx / (p.alpha + data_.recency[i]) : 0.0);
    d_a += terms.d_a + w4 / p.a;
    d_b += terms.d_b - (x > 0 ? w4 / (p.b + x - 1) : 0.0);
  }
  if (!gradient.empty()) std::ranges::copy(std::array{d_r, d_alpha, d_a, d_b}, gradient.begin());
  return total;
}

Result<BgNbdFit> FitBgNbd(const RepeatPurchaseData& data, const OptimizerOptions& options) {
  if (data.size() == 0)
    return Status(ErrorCode::kDataError, "BG/NBD: no customers to fit the model on");
  if (std::none_of(data.frequency.begin(), data.frequency.end(), [](double x) { return x > 0; }))
    return Status(ErrorCode::kDataError,
                  "BG/NBD: no customer has a repeat purchase, so the purchase rate cannot be "
                  "estimated (a longer calibration period may have some)");
  const double mean_age =
      std::accumulate(data.age.begin(), data.age.end(), 0.0) / static_cast<double>(data.size());
  const BgNbdLikelihood likelihood(data);
  Result<ModelFit> fit = FitMaximumLikelihood(
      std::cref(likelihood), {1.0, std::max(1.0, mean_age), 1.0, 1.0}, data.size(), options);
  if (!fit.ok()) return Status(fit.status().code(), "BG/NBD: " + fit.status().message());
  BgNbdFit result;
  result.params = {fit->params[0], fit->params[1], fit->params[2], fit->params[3]};
  result.std_errors = {fit->std_errors[0], fit->std_errors[1], fit->std_errors[2],
                       fit->std_errors[3]};
  result.fit = std::move(*fit);
  return result;
}

double BgNbdExpectedPurchases(const BgNbdParams& p, double t, double x, double t_x, double age) {
  if (t <= 0) return 0.0;
  const double rx = p.r + x;
  const double c = p.a + p.b + x - 1;
  const double z = t / (p.alpha + age + t);
  const double hypergeometric = boost::math::hypergeometric_pFq(
      {rx, p.b + x}, {c}, z, static_cast<double*>(nullptr), DoublePolicy());
  const double decay = std::exp(rx * (std::log(p.alpha + age) - std::log(p.alpha + age + t)));
  const double numerator = c / (p.a - 1) * (1.0 - hypergeometric * decay);
  const double dropout =
      x > 0
          ? p.a / (p.b + x - 1) * std::exp(rx * (std::log(p.alpha + age) - std::log(p.alpha + t_x)))
          : 0.0;
  return numerator / (1.0 + dropout);
}

double BgNbdProbabilityAlive(const BgNbdParams& p, double x, double t_x, double age) {
  if (x <= 0) return 1.0;
  const double rx = p.r + x;
  return 1.0 / (1.0 + p.a / (p.b + x - 1) *
                          std::exp(rx * (std::log(p.alpha + age) - std::log(p.alpha + t_x))));
}

}  // namespace growthlens::stats
