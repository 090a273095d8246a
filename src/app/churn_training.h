#pragma once
// Churn prediction over a loaded dataset: training with time-based validation (both models
// fitted on the table at the training cutoff and compared on the table at a later validation
// cutoff, never a random split across time), evaluation of a saved model at another cutoff, and
// scoring of the current users with a risk band and their top drivers.

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/churn_model.h"
#include "core/dataset.h"
#include "core/status.h"
#include "ml/churn_features.h"

namespace growthlens::app {

struct ChurnTrainOptions {
  ChurnSettings settings;
  /// Default: the validation cutoff is the last day the label can be observed for (the day
  /// after the data's last day minus the horizon), the training cutoff a horizon before it, so
  /// that the training labels end where the validation features end.
  std::optional<Day> train_cutoff, validation_cutoff;
  ml::BoostedTreesOptions trees;
  ml::LogisticOptions logistic;
  size_t max_shares = 12;    // usage: features whose share of events is a column
  size_t max_countries = 8;  // transactions: countries with an indicator column
  unsigned threads = 0;      // feature tables; the trees use trees.threads
};

/// Seconds per step of a training run.
struct ChurnTimings {
  double tables = 0;      // both feature tables
  double trees = 0;       // fitting the boosted trees
  double logistic = 0;    // fitting the baseline
  double validation = 0;  // both models' scores, deciles and importance
};

struct ChurnTraining {
  ChurnModel model;
  ml::ChurnTable train, validation;
  ChurnTimings seconds;
};

/// Where the feature tables come from: a loaded dataset's rows (ChurnSourceOf), or the per-user
/// rollups of a ClickHouse workspace (app/clickhouse_churn.h). Training, evaluation and scoring
/// are the same code over either.
struct ChurnTableSource {
  std::function<Result<Day>()> last_day;  // the data's last day; an error when it is empty
  std::function<Result<ml::ChurnFeatureSpec>(size_t max_shares, size_t max_countries)> spec;
  std::function<Result<ml::ChurnTable>(const ml::ChurnFeatureSpec&, const ml::ChurnTableOptions&)>
      table;
};
/// The tables of `dataset`'s rows (ml::BuildChurnTable); `dataset` must outlive the source.
ChurnTableSource ChurnSourceOf(const Dataset& dataset);

Result<ChurnTraining> TrainChurnModel(const Dataset& dataset, const ChurnTrainOptions& options,
                                      const std::string& source);
Result<ChurnTraining> TrainChurnModel(const ChurnTableSource& tables,
                                      const ChurnTrainOptions& options, const std::string& source);

/// The feature table `model` reads, of `dataset` at `cutoff` with the model's settings; refused
/// when the data cannot give the model's features.
Result<ml::ChurnTable> ChurnTableFor(const Dataset& dataset, const ChurnModel& model, Day cutoff,
                                     unsigned threads);

/// The probabilities of a model, without contributions.
Result<std::vector<double>> PredictChurnProbability(const ChurnModel& model, ChurnModelType type,
                                                    const ml::FeatureMatrix& x);

/// The probabilities and contributions of a model.
struct ChurnPredictions {
  std::vector<double> probability;
  ml::FeatureMatrix contributions;  // per row and feature, to the log-odds
};
Result<ChurnPredictions> PredictChurn(const ChurnModel& model, ChurnModelType type,
                                      const ml::FeatureMatrix& x);

struct ChurnEvaluation {
  ml::ChurnTable table;
  ChurnModelReport report;  // of the kept model (importance from a sample of 2,000 users)
};

/// The kept model on the labelled table at `cutoff` (default: the latest whose label the data
/// covers).
Result<ChurnEvaluation> EvaluateChurnModel(const Dataset& dataset, const ChurnModel& model,
                                           std::optional<Day> cutoff, unsigned threads);
Result<ChurnEvaluation> EvaluateChurnModel(const ChurnTableSource& tables, const ChurnModel& model,
                                           std::optional<Day> cutoff, unsigned threads);

inline constexpr size_t kChurnDrivers = 3;

struct ChurnScores {
  ml::ChurnTable table;
  std::vector<double> probability;
  /// Per user, the columns that raise their churn risk most (largest positive contributions),
  /// -1 where fewer raise it.
  std::vector<std::array<int, kChurnDrivers>> drivers;
};

/// Every user active in the model's population window before `cutoff` (default: the day after
/// the data's last day), scored by the kept model.
Result<ChurnScores> ScoreChurn(const Dataset& dataset, const ChurnModel& model,
                               std::optional<Day> cutoff, unsigned threads);
Result<ChurnScores> ScoreChurn(const ChurnTableSource& tables, const ChurnModel& model,
                               std::optional<Day> cutoff, unsigned threads);

/// The risk bands' lower bounds: a probability of kHighRiskFrom or more is high, of
/// kMediumRiskFrom or more medium, else low.
inline constexpr double kHighRiskFrom = 0.6;
inline constexpr double kMediumRiskFrom = 0.3;
/// The risk band's index: 0 high, 1 medium, 2 low.
size_t ChurnRiskBandIndex(double probability);
/// "high", "medium" or "low", as ChurnRiskBandIndex bands them.
const char* ChurnRiskBand(double probability);

}  // namespace growthlens::app
