#pragma once
// How well predicted probabilities rank and fit binary outcomes, defined as scikit-learn defines
// them: ROC AUC (ties count half), average precision (PR AUC, sklearn's step-wise sum), Brier
// score, log loss (probabilities clipped to [1e-15, 1 - 1e-15]); and the tables of a churn
// model's report: calibration, lift and cumulative gains by decile of predicted probability.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/status.h"

namespace growthlens::ml {

struct BinaryScores {
  double roc_auc = 0;
  double pr_auc = 0;  // average precision
  double brier = 0;
  double log_loss = 0;
  double base_rate = 0;  // share of positives
  size_t rows = 0;
};

/// One decile of rows ordered by predicted probability, highest first (decile 1 = riskiest).
struct DecileRow {
  int decile = 0;
  size_t rows = 0;
  double mean_predicted = 0;
  double observed_rate = 0;
  double lift = 0;             // observed rate / base rate
  double cumulative_gain = 0;  // share of all positives in deciles 1..this
};

/// The scores of `probability` against `label` (1 = positive). Errors on empty or unequal spans,
/// labels other than 0/1, or a single class (AUC undefined).
Result<BinaryScores> ScoreBinary(std::span<const double> probability,
                                 std::span<const uint8_t> label);

/// ROC AUC alone (the Mann-Whitney statistic with average ranks for ties).
double RocAuc(std::span<const double> score, std::span<const uint8_t> label);
/// Average precision as sklearn.metrics.average_precision_score.
double AveragePrecision(std::span<const double> score, std::span<const uint8_t> label);

/// Ten groups of (nearly) equal size by predicted probability, highest first; fewer when there
/// are fewer than ten rows.
std::vector<DecileRow> DecileTable(std::span<const double> probability,
                                   std::span<const uint8_t> label);

}  // namespace growthlens::ml
