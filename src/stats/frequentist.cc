#include "stats/frequentist.h"

#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

namespace growthlens::stats {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

Status InvalidArgument(const std::string& message) {
  return {ErrorCode::kInvalidArgument, message};
}

Status CheckArm(const ArmMoments& arm, const char* name) {
  if (!(arm.n >= 2.0) || !std::isfinite(arm.n)) {
    return InvalidArgument(fmt::format("{}.n: need at least 2 units, got {}", name, arm.n));
  }
  if (!(arm.variance >= 0.0) || !std::isfinite(arm.variance) || !std::isfinite(arm.mean)) {
    return InvalidArgument(
        fmt::format("{}: mean and variance must be finite, variance >= 0 "
                    "(got mean {}, variance {})",
                    name, arm.mean, arm.variance));
  }
  return Status::Ok();
}

Status CheckAlpha(double alpha) {
  if (!(alpha > 0.0 && alpha < 1.0)) {
    return InvalidArgument(fmt::format("alpha: must be in (0, 1), got {}", alpha));
  }
  return Status::Ok();
}

double WelchDof(const ArmMoments& control, const ArmMoments& treatment) {
  const double v_c = control.variance / control.n;
  const double v_t = treatment.variance / treatment.n;
  return (v_c + v_t) * (v_c + v_t) /
         (v_t * v_t / (treatment.n - 1.0) + v_c * v_c / (control.n - 1.0));
}

// Two-sided p-value of `statistic` under t(dof), or the normal when dof is infinite.
double TwoSidedP(double statistic, double dof) {
  const double magnitude = std::fabs(statistic);
  if (std::isinf(dof)) {
    return 2.0 * boost::math::cdf(boost::math::complement(boost::math::normal(), magnitude));
  }
  return 2.0 * boost::math::cdf(boost::math::complement(boost::math::students_t(dof), magnitude));
}

double Critical(double alpha, double dof) {
  if (std::isinf(dof)) {
    return boost::math::quantile(boost::math::complement(boost::math::normal(), alpha / 2.0));
  }
  return boost::math::quantile(boost::math::complement(boost::math::students_t(dof), alpha / 2.0));
}

LiftEstimate Interval(double estimate, double std_error, double alpha, double dof) {
  LiftEstimate out;
  out.estimate = estimate;
  out.std_error = std_error;
  const double half_width = Critical(alpha, dof) * std_error;
  out.ci_low = estimate - half_width;
  out.ci_high = estimate + half_width;
  out.p_value =
      std_error > 0.0 ? TwoSidedP(estimate / std_error, dof) : (estimate == 0.0 ? 1.0 : 0.0);
  return out;
}

Result<Comparison> Compare(const ArmMoments& control, const ArmMoments& treatment, double alpha,
                           double dof) {
  if (control.mean == 0.0) {
    return InvalidArgument("control.mean: zero, the relative lift is undefined");
  }
  Comparison out;
  out.dof = dof;
  const double var_c = control.variance / control.n;
  const double var_t = treatment.variance / treatment.n;
  out.absolute = Interval(treatment.mean - control.mean, std::sqrt(var_c + var_t), alpha, dof);
  const double relative_variance =
      VarianceOfRatio(treatment.mean, var_t, control.mean, var_c, /*covariance=*/0.0);
  out.relative = Interval((treatment.mean - control.mean) / control.mean,
                          std::sqrt(relative_variance), alpha, dof);
  return out;
}

}  // namespace

Result<TestResult> WelchTTest(const ArmMoments& control, const ArmMoments& treatment) {
  GROWTHLENS_RETURN_IF_ERROR(CheckArm(control, "control"));
  GROWTHLENS_RETURN_IF_ERROR(CheckArm(treatment, "treatment"));
  const double se = std::sqrt(control.variance / control.n + treatment.variance / treatment.n);
  if (!(se > 0.0)) return InvalidArgument("variance: both arms are constant, no test possible");
  TestResult out;
  out.statistic = (treatment.mean - control.mean) / se;
  out.dof = WelchDof(control, treatment);
  out.p_value = TwoSidedP(out.statistic, out.dof);
  return out;
}

Result<TestResult> ProportionsZTest(std::int64_t n_control, std::int64_t successes_control,
                                    std::int64_t n_treatment, std::int64_t successes_treatment) {
  auto control = MomentsFromSuccesses(n_control, successes_control);
  if (!control.ok()) return control.status().WithContext("control");
  auto treatment = MomentsFromSuccesses(n_treatment, successes_treatment);
  if (!treatment.ok()) return treatment.status().WithContext("treatment");
  const double pooled = static_cast<double>(successes_control + successes_treatment) /
                        static_cast<double>(n_control + n_treatment);
  const double se = std::sqrt(pooled * (1.0 - pooled) * (1.0 / control->n + 1.0 / treatment->n));
  if (!(se > 0.0)) {
    return InvalidArgument("successes: all or none converted in both arms, no test possible");
  }
  TestResult out;
  out.statistic = (treatment->mean - control->mean) / se;
  out.dof = kInfinity;
  out.p_value = TwoSidedP(out.statistic, kInfinity);
  return out;
}

Result<Comparison> CompareMeans(const ArmMoments& control, const ArmMoments& treatment,
                                double alpha) {
  GROWTHLENS_RETURN_IF_ERROR(CheckAlpha(alpha));
  GROWTHLENS_RETURN_IF_ERROR(CheckArm(control, "control"));
  GROWTHLENS_RETURN_IF_ERROR(CheckArm(treatment, "treatment"));
  if (!(control.variance + treatment.variance > 0.0)) {
    return InvalidArgument("variance: both arms are constant, no test possible");
  }
  return Compare(control, treatment, alpha, WelchDof(control, treatment));
}

Result<Comparison> CompareProportions(std::int64_t n_control, std::int64_t successes_control,
                                      std::int64_t n_treatment, std::int64_t successes_treatment,
                                      double alpha) {
  GROWTHLENS_RETURN_IF_ERROR(CheckAlpha(alpha));
  auto z_test = ProportionsZTest(n_control, successes_control, n_treatment, successes_treatment);
  if (!z_test.ok()) return z_test.status();
  auto control = MomentsFromSuccesses(n_control, successes_control);
  auto treatment = MomentsFromSuccesses(n_treatment, successes_treatment);
  auto out = Compare(*control, *treatment, alpha, kInfinity);
  if (!out.ok()) return out;
  out->absolute.p_value = z_test->p_value;
  return out;
}

}  // namespace growthlens::stats
