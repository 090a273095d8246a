#include "stats/srm.h"

#include <cmath>

#include <fmt/format.h>
#include <boost/math/special_functions/gamma.hpp>

namespace growthlens::stats {

namespace {

/// Boost.Math reports instead of throwing: NaN or infinity, checked by the caller.
using NoThrowPolicy = boost::math::policies::policy<
    boost::math::policies::domain_error<boost::math::policies::errno_on_error>,
    boost::math::policies::pole_error<boost::math::policies::errno_on_error>,
    boost::math::policies::overflow_error<boost::math::policies::errno_on_error>,
    boost::math::policies::evaluation_error<boost::math::policies::errno_on_error>>;

}  // namespace

Result<SrmResult> CheckSampleRatio(std::span<const std::int64_t> observed,
                                   std::span<const double> weights, double threshold) {
  const auto invalid = [](const std::string& message) {
    return Status(ErrorCode::kInvalidArgument, message);
  };
  if (observed.size() < 2) {
    return invalid(fmt::format("observed: need at least 2 arms, got {}", observed.size()));
  }
  if (weights.size() != observed.size()) {
    return invalid(fmt::format("weights: {} weights for {} arms", weights.size(), observed.size()));
  }
  if (!(threshold > 0.0 && threshold < 1.0)) {
    return invalid(fmt::format("threshold: must be in (0, 1), got {}", threshold));
  }
  double weight_sum = 0.0;
  double total = 0.0;
  for (std::size_t arm_idx = 0; arm_idx < observed.size(); ++arm_idx) {
    if (!(weights[arm_idx] > 0.0) || !std::isfinite(weights[arm_idx])) {
      return invalid(
          fmt::format("weights[{}]: must be positive, got {}", arm_idx, weights[arm_idx]));
    }
    if (observed[arm_idx] < 0) {
      return invalid(fmt::format("observed[{}]: negative count {}", arm_idx, observed[arm_idx]));
    }
    weight_sum += weights[arm_idx];
    total += static_cast<double>(observed[arm_idx]);
  }
  if (total <= 0.0) return invalid("observed: no users in any arm");
  SrmResult out;
  for (std::size_t arm_idx = 0; arm_idx < observed.size(); ++arm_idx) {
    const double expected = total * weights[arm_idx] / weight_sum;
    const double gap = static_cast<double>(observed[arm_idx]) - expected;
    out.chi_square += gap * gap / expected;
  }
  out.dof = static_cast<double>(observed.size() - 1);
  // P(chi2(dof) > x) = Q(dof / 2, x / 2). Exactly 1 at x = 0, where Boost would compute
  // Gamma(dof / 2) on its way and overflow for thousands of arms; any other failure (never
  // seen) is reported, not thrown.
  if (!std::isfinite(out.chi_square))
    return invalid(
        fmt::format("observed: the chi-square statistic is not finite ({})", out.chi_square));
  if (out.chi_square <= 0.0) {
    out.p_value = 1.0;
  } else {
    out.p_value = boost::math::gamma_q(out.dof / 2.0, out.chi_square / 2.0, NoThrowPolicy());
    if (!(out.p_value >= 0.0 && out.p_value <= 1.0))
      return Status(ErrorCode::kDataError,
                    fmt::format("sample-ratio check: no p-value for chi-square {} on {} df",
                                out.chi_square, out.dof));
  }
  out.mismatch = out.p_value < threshold;
  out.message = out.mismatch ? fmt::format(
                                   "sample ratio mismatch: chi-square {:.2f} on {} df, p = {:.3g} "
                                   "< {}; assignment looks broken, do not trust the results",
                                   out.chi_square, out.dof, out.p_value, threshold)
                             : fmt::format("no sample ratio mismatch (p = {:.3g} >= {})",
                                           out.p_value, threshold);
  return out;
}

}  // namespace growthlens::stats
