#pragma once
// The churn model: both fitted models (boosted trees and the logistic baseline), which one is
// kept, the feature columns they read (ml::ChurnFeatureSpec), the label's settings, the cutoffs
// they were trained and validated at and each model's validation report. Saved as versioned JSON
// in a file or in a workspace (saved item `churn_model`); a newer format version is refused.

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/date.h"
#include "core/status.h"
#include "ml/boosted_trees.h"
#include "ml/churn_features.h"
#include "ml/classification_metrics.h"
#include "ml/logistic_regression.h"

namespace growthlens::store {
class Workspace;
}  // namespace growthlens::store

namespace growthlens::app {

inline constexpr int kChurnModelVersion = 1;
inline constexpr const char* kChurnModelFormat = "growthlens-churn-model";

enum class ChurnModelType { kBoostedTrees, kLogistic };
/// "boosted_trees", "logistic".
const char* ChurnModelTypeName(ChurnModelType type);

/// How a model did on the validation table.
struct ChurnModelReport {
  ml::BinaryScores validation;
  std::vector<ml::DecileRow> deciles;
  /// Per feature column, the mean absolute contribution to the log-odds on the validation
  /// users (SHAP for the trees, coefficient x standardised value for the baseline).
  std::vector<double> importance;
};

/// What the label and the population mean; the same at training, evaluation and scoring.
struct ChurnSettings {
  int32_t horizon = 30;
  int32_t active_within = 90;
  std::string active_feature;  // "" = any row is activity
};

struct ChurnModel {
  int version = kChurnModelVersion;
  std::string source;  // the training data (file or workspace)
  ml::ChurnFeatureSpec spec;
  ChurnSettings settings;
  Day train_cutoff = kNoDay, validation_cutoff = kNoDay;
  size_t train_users = 0;
  double train_churn_rate = 0;
  ChurnModelType kept = ChurnModelType::kBoostedTrees;
  std::optional<ml::BoostedTrees> trees;
  ml::LogisticModel logistic;
  ChurnModelReport trees_report, logistic_report;

  const ChurnModelReport& report(ChurnModelType type) const {
    return type == ChurnModelType::kBoostedTrees ? trees_report : logistic_report;
  }
};

/// The model's JSON document (format, version, features, cutoffs, settings, both models with
/// their metrics), indented by one space.
Result<std::string> ChurnModelText(const ChurnModel& model);
/// Parses a model document, checking its format, version and shapes; errors name `origin`.
Result<ChurnModel> ParseChurnModel(const std::string& text, const std::string& origin);

Status WriteChurnModel(const std::string& path, const ChurnModel& model);
Result<ChurnModel> ReadChurnModel(const std::string& path);

/// Keeps the model in the workspace at `path` under `name` (replacing one of that name).
Status SaveChurnModel(const std::string& path, const std::string& name, const ChurnModel& model);
Result<ChurnModel> LoadChurnModel(const std::string& path, const std::string& name);

/// A saved model as listings show it (`workspace info`).
struct ChurnModelSummary {
  std::string name;
  std::string saved_at;
  std::string kind;  // of the data it was trained on
  std::string kept;  // "boosted_trees" or "logistic"
  std::string train_cutoff, validation_cutoff;
  uint64_t train_users = 0;
  double validation_roc_auc = 0;  // of the kept model
};

/// Every churn model saved in `workspace`, as ListSaved orders them; a body that does not read
/// as a churn model is an error naming it.
Result<std::vector<ChurnModelSummary>> ListChurnModels(store::Workspace& workspace);

/// {"name", "saved_at", "data_kind", "kept", "train_cutoff", "validation_cutoff", "train_users",
/// "validation_roc_auc"}.
nlohmann::ordered_json ChurnModelSummaryJson(const ChurnModelSummary& model);

/// One report as JSON: the scores, the decile table and importance by feature name.
nlohmann::ordered_json ChurnReportJson(const ChurnModelReport& report,
                                       const std::vector<std::string>& names);

}  // namespace growthlens::app
