#include "stats/max_likelihood.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>

namespace growthlens::stats {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
/// The longest step in log-parameters: a factor e^3 on a parameter per iteration at most.
constexpr double kMaxLogStep = 3.0;
constexpr double kArmijo = 1e-4;
constexpr int kMaxHalvings = 40;
constexpr double kStallRelative = 1e-15;
constexpr int kStallIterations = 3;
/// A fit that stalls with derivatives below this is at the optimum as far as doubles can tell.
constexpr double kStalledGradient = 1e-5;

/// The mean negative log-likelihood in log-parameters u = log(theta), and its gradient.
class LogSpaceObjective {
 public:
  LogSpaceObjective(const LogLikelihood& log_likelihood, size_t observations)
      : log_likelihood_(log_likelihood),
        scale_(1.0 / static_cast<double>(std::max<size_t>(observations, 1))) {}

  double operator()(const Eigen::VectorXd& u, Eigen::VectorXd& gradient) const {
    const Eigen::VectorXd theta = u.array().exp();
    std::vector<double> natural_gradient(static_cast<size_t>(u.size()));
    const double ll =
        log_likelihood_(std::span<const double>(theta.data(), theta.size()), natural_gradient);
    gradient.resize(u.size());
    for (Eigen::Index i = 0; i < u.size(); ++i)
      gradient[i] = -natural_gradient[static_cast<size_t>(i)] * theta[i] * scale_;
    if (!std::isfinite(ll) || !gradient.allFinite()) return kInfinity;
    return -ll * scale_;
  }

 private:
  const LogLikelihood& log_likelihood_;
  double scale_;
};

}  // namespace

Result<ModelFit> FitMaximumLikelihood(const LogLikelihood& log_likelihood,
                                      std::vector<double> start, size_t observations,
                                      const OptimizerOptions& options) {
  const Eigen::Index n = static_cast<Eigen::Index>(start.size());
  Eigen::VectorXd u(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    if (!(start[static_cast<size_t>(i)] > 0.0))
      return Status(ErrorCode::kInvalidArgument, "start values must be positive");
    u[i] = std::log(start[static_cast<size_t>(i)]);
  }
  const LogSpaceObjective objective(log_likelihood, observations);
  Eigen::VectorXd gradient;
  double value = objective(u, gradient);
  if (!std::isfinite(value))
    return Status(ErrorCode::kInvalidArgument, "the log-likelihood is not finite at the start");

  ModelFit fit;
  Eigen::MatrixXd inverse_hessian = Eigen::MatrixXd::Identity(n, n);
  bool fresh = true;  // the inverse Hessian is the identity: a failed search cannot restart
  int stalled = 0;
  for (; fit.iterations < options.max_iterations; ++fit.iterations) {
    if (gradient.cwiseAbs().maxCoeff() < options.gradient_tolerance) {
      fit.converged = true;
      break;
    }
    Eigen::VectorXd direction = -inverse_hessian * gradient;
    if (direction.dot(gradient) >= 0.0) {  // not a descent direction: start the curvature over
      inverse_hessian.setIdentity();
      direction = -gradient;
    }
    const double longest = direction.cwiseAbs().maxCoeff();
    if (longest > kMaxLogStep) direction *= kMaxLogStep / longest;
    const double slope = direction.dot(gradient);

    double step = 1.0;
    Eigen::VectorXd next_u, next_gradient;
    double next_value = kInfinity;
    bool decreased = false;
    for (int halving = 0; halving < kMaxHalvings; ++halving, step *= 0.5) {
      next_u = u + step * direction;
      next_value = objective(next_u, next_gradient);
      if (std::isfinite(next_value) && next_value <= value + kArmijo * step * slope) {
        decreased = true;
        break;
      }
    }
    if (!decreased) {
      if (fresh) break;  // no step along the gradient lowers the objective: at the optimum
      inverse_hessian.setIdentity();
      fresh = true;
      continue;
    }
    const Eigen::VectorXd s = next_u - u;
    const Eigen::VectorXd y = next_gradient - gradient;
    const double sy = s.dot(y);
    if (sy > 1e-300) {
      // The BFGS update of the inverse Hessian; the first one rescales the identity first.
      if (fresh) inverse_hessian *= sy / y.dot(y);
      const double rho = 1.0 / sy;
      const Eigen::MatrixXd eye = Eigen::MatrixXd::Identity(n, n);
      inverse_hessian =
          (eye - rho * s * y.transpose()) * inverse_hessian * (eye - rho * y * s.transpose()) +
          rho * s * s.transpose();
      fresh = false;
    }
    // Steps that no longer lower the objective beyond rounding: as close as doubles get.
    stalled = value - next_value <= kStallRelative * std::abs(value) ? stalled + 1 : 0;
    u = next_u;
    gradient = next_gradient;
    value = next_value;
    if (stalled >= kStallIterations) break;
  }
  fit.gradient_norm = gradient.cwiseAbs().maxCoeff();
  // A search that cannot go further with a gradient at rounding level has found the optimum.
  if (!fit.converged && fit.gradient_norm < kStalledGradient) fit.converged = true;
  fit.params.resize(static_cast<size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) fit.params[static_cast<size_t>(i)] = std::exp(u[i]);
  fit.log_likelihood = log_likelihood(fit.params, {});
  if (!std::isfinite(fit.log_likelihood))
    return Status(ErrorCode::kInvalidArgument, "the fit ended outside the model's domain");
  fit.std_errors = StandardErrors(NumericalHessian(log_likelihood, fit.params), fit.params.size());
  return fit;
}

std::vector<double> NumericalHessian(const LogLikelihood& log_likelihood,
                                     std::span<const double> theta) {
  const size_t n = theta.size();
  std::vector<double> hessian(n * n, 0.0);
  std::vector<double> point(theta.begin(), theta.end());
  std::vector<double> plus(n), minus(n);
  for (size_t j = 0; j < n; ++j) {
    // A relative step near the cube root of the rounding error balances truncation and noise.
    const double h = 1e-5 * std::max(std::abs(theta[j]), 1e-8);
    point[j] = theta[j] + h;
    log_likelihood(point, plus);
    point[j] = theta[j] - h;
    log_likelihood(point, minus);
    point[j] = theta[j];
    for (size_t i = 0; i < n; ++i) hessian[i * n + j] = (plus[i] - minus[i]) / (2.0 * h);
  }
  for (size_t i = 0; i < n; ++i)
    for (size_t j = i + 1; j < n; ++j) {
      const double mean = 0.5 * (hessian[i * n + j] + hessian[j * n + i]);
      hessian[i * n + j] = hessian[j * n + i] = mean;
    }
  return hessian;
}

std::vector<double> StandardErrors(std::span<const double> hessian, size_t n) {
  std::vector<double> errors(n, std::numeric_limits<double>::quiet_NaN());
  const Eigen::Index size = static_cast<Eigen::Index>(n);
  Eigen::MatrixXd information(size, size);
  for (Eigen::Index i = 0; i < size; ++i)
    for (Eigen::Index j = 0; j < size; ++j)
      information(i, j) = -hessian[static_cast<size_t>(i) * n + static_cast<size_t>(j)];
  if (!information.allFinite()) return errors;
  const Eigen::LLT<Eigen::MatrixXd> cholesky(information);
  if (cholesky.info() != Eigen::Success) return errors;
  const Eigen::MatrixXd covariance = cholesky.solve(Eigen::MatrixXd::Identity(size, size));
  for (Eigen::Index i = 0; i < size; ++i)
    if (covariance(i, i) > 0.0) errors[static_cast<size_t>(i)] = std::sqrt(covariance(i, i));
  return errors;
}

}  // namespace growthlens::stats
