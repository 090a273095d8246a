#pragma once
// Maximum likelihood for models with a few positive parameters (BG/NBD, Gamma-Gamma): BFGS on
// the logarithms of the parameters (so every step stays in the domain) with a backtracking line
// search, then standard errors from the Hessian of the log-likelihood at the optimum, taken by
// central differences of the analytic gradient on the natural scale.
//
//   LogLikelihood ll = [&](std::span<const double> theta, std::span<double> gradient) {...};
//   Result<ModelFit> fit = FitMaximumLikelihood(ll, {1.0, 1.0, 1.0, 1.0});

#include <functional>
#include <span>
#include <vector>

#include "core/status.h"

namespace growthlens::stats {

/// The total log-likelihood at natural parameters `theta` (all > 0); fills `gradient` (the
/// derivatives with respect to theta, same size) when it is not empty. Non-finite values mean
/// "outside the model's domain".
using LogLikelihood =
    std::function<double(std::span<const double> theta, std::span<double> gradient)>;

struct OptimizerOptions {
  int max_iterations = 500;
  /// Stop when the largest derivative of the mean negative log-likelihood with respect to a
  /// log-parameter is below this (sums of thousands of terms leave noise near 1e-8), or when
  /// three steps in a row lower it by less than rounding.
  double gradient_tolerance = 1e-7;
};

struct ModelFit {
  std::vector<double> params;
  /// From the inverse of the negative Hessian; NaN where it is not positive definite.
  std::vector<double> std_errors;
  double log_likelihood = 0.0;
  int iterations = 0;
  bool converged = false;
  double gradient_norm = 0.0;  // largest |d mean NLL / d log theta| at the end
};

/// Maximises `log_likelihood` over `observations` customers (which scales the stopping rule)
/// from `start`. An error when the start is outside the domain or the fit ends non-finite.
Result<ModelFit> FitMaximumLikelihood(const LogLikelihood& log_likelihood,
                                      std::vector<double> start, size_t observations,
                                      const OptimizerOptions& options = {});

/// The Hessian of `log_likelihood` at `theta` (row-major n x n) by central differences of its
/// gradient, symmetrised.
std::vector<double> NumericalHessian(const LogLikelihood& log_likelihood,
                                     std::span<const double> theta);

/// Square roots of the diagonal of the inverse of -hessian; NaN when -hessian is not positive
/// definite.
std::vector<double> StandardErrors(std::span<const double> hessian, size_t n);

}  // namespace growthlens::stats
