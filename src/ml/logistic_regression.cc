#include "ml/logistic_regression.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

namespace growthlens::ml {

namespace {

double Sigmoid(double z) {
  return z >= 0 ? 1.0 / (1.0 + std::exp(-z)) : std::exp(z) / (1.0 + std::exp(z));
}

}  // namespace

double SignedLog(double x) {
  return x < 0 ? -std::log1p(-x) : std::log1p(x);
}

Result<LogisticModel> FitLogistic(const FeatureMatrix& x, std::span<const uint8_t> label,
                                  const LogisticOptions& options) {
  if (x.rows() == 0 || x.rows() != label.size())
    return Status(ErrorCode::kInvalidArgument,
                  "logistic regression: expected one label per row and at least one row");
  GROWTHLENS_RETURN_IF_ERROR(x.CheckFinite());
  const size_t n = x.rows(), d = x.cols();
  LogisticModel model;
  model.mean.assign(d, 0);
  model.scale.assign(d, 1);
  // The transformed values once, standardised in place column by column.
  Eigen::MatrixXd design(n, d + 1);
  design.col(0).setOnes();
  for (size_t row = 0; row < n; ++row)
    for (size_t col = 0; col < d; ++col)
      design(static_cast<Eigen::Index>(row), static_cast<Eigen::Index>(col + 1)) =
          SignedLog(x(row, col));
  for (size_t col = 0; col < d; ++col) {
    auto column = design.col(static_cast<Eigen::Index>(col + 1));
    double sum = 0, sum_squares = 0;
    for (size_t row = 0; row < n; ++row) {
      const double value = column(static_cast<Eigen::Index>(row));
      sum += value;
      sum_squares += value * value;
    }
    const double mean = sum / static_cast<double>(n);
    const double variance = std::max(0.0, sum_squares / static_cast<double>(n) - mean * mean);
    model.mean[col] = mean;
    model.scale[col] = variance > 1e-24 ? std::sqrt(variance) : 1.0;  // a constant column: 1
    for (size_t row = 0; row < n; ++row) {
      double& value = column(static_cast<Eigen::Index>(row));
      value = (value - mean) / model.scale[col];
    }
  }
  Eigen::VectorXd y(n);
  for (size_t row = 0; row < n; ++row) y(static_cast<Eigen::Index>(row)) = label[row];
  Eigen::VectorXd penalty =
      Eigen::VectorXd::Constant(static_cast<Eigen::Index>(d + 1), 1.0 / options.c);
  penalty(0) = 0;  // the intercept is not penalised
  Eigen::VectorXd w = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(d + 1));
  for (model.iterations = 1; model.iterations <= options.max_iterations; ++model.iterations) {
    const Eigen::VectorXd p = (design * w).unaryExpr([](double z) { return Sigmoid(z); });
    const Eigen::VectorXd gradient = design.transpose() * (p - y) + penalty.cwiseProduct(w);
    if (gradient.cwiseAbs().maxCoeff() < options.tolerance * static_cast<double>(n)) break;
    const Eigen::VectorXd weights = p.cwiseProduct(Eigen::VectorXd::Ones(p.size()) - p);
    Eigen::MatrixXd hessian =
        design.transpose() * (design.array().colwise() * weights.array()).matrix();
    hessian.diagonal() += penalty;
    hessian.diagonal().array() += 1e-12;  // keeps a separable intercept-only problem solvable
    w -= hessian.ldlt().solve(gradient);
    if (!w.allFinite())
      return Status(ErrorCode::kInternal, "logistic regression: Newton's method diverged");
  }
  model.intercept = w(0);
  model.coef.assign(w.data() + 1, w.data() + w.size());
  return model;
}

std::vector<double> PredictLogistic(const LogisticModel& model, const FeatureMatrix& x) {
  std::vector<double> probability(x.rows());
  for (size_t row = 0; row < x.rows(); ++row) {
    double z = model.intercept;
    for (size_t col = 0; col < x.cols(); ++col)
      z += model.coef[col] * (SignedLog(x(row, col)) - model.mean[col]) / model.scale[col];
    probability[row] = Sigmoid(z);
  }
  return probability;
}

FeatureMatrix LogisticContributions(const LogisticModel& model, const FeatureMatrix& x) {
  FeatureMatrix contributions(x.rows(), x.cols());
  for (size_t row = 0; row < x.rows(); ++row)
    for (size_t col = 0; col < x.cols(); ++col)
      contributions(row, col) =
          model.coef[col] * (SignedLog(x(row, col)) - model.mean[col]) / model.scale[col];
  return contributions;
}

}  // namespace growthlens::ml
