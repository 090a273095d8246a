#pragma once
// L2-regularised logistic regression, the churn model's baseline: each feature signed-log
// transformed (sign(x) log(1 + |x|), tames counts and money) and standardised, then fitted by
// Newton's method on scikit-learn's objective (C = 1: 0.5 |w|^2 + C * sum of log losses, the
// intercept unpenalised), so LogisticRegression(C=1) on the same transformed table gives the same
// coefficients. Contributions are coefficient x standardised value: on the training data each
// averages 0, so they say what moves a user away from the average prediction.

#include <cstdint>
#include <span>
#include <vector>

#include "core/status.h"
#include "ml/feature_matrix.h"

namespace growthlens::ml {

struct LogisticModel {
  std::vector<double> mean, scale;  // of the transformed features, per column
  std::vector<double> coef;         // per standardised column
  double intercept = 0;
  size_t iterations = 0;
};

struct LogisticOptions {
  double c = 1.0;  // inverse regularisation strength, as sklearn's C
  size_t max_iterations = 100;
  double tolerance = 1e-10;  // on the largest gradient component
};

/// sign(x) * log1p(|x|), the transform applied before standardising.
double SignedLog(double x);

Result<LogisticModel> FitLogistic(const FeatureMatrix& x, std::span<const uint8_t> label,
                                  const LogisticOptions& options = {});

/// The probability of the positive class per row.
std::vector<double> PredictLogistic(const LogisticModel& model, const FeatureMatrix& x);

/// Per row and column, the column's contribution to the log-odds (coefficient x standardised
/// value).
FeatureMatrix LogisticContributions(const LogisticModel& model, const FeatureMatrix& x);

}  // namespace growthlens::ml
