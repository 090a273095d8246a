#pragma once
// The churn results as tables (app/table_view.h), shared by the CLI's `churn` commands and any
// route: the models' validation scores side by side, a model's deciles (calibration, lift,
// cumulative gains) and feature importance, the scored users, and the feature table itself (the
// CSV the scikit-learn golden reads).

#include <memory>
#include <string>
#include <vector>

#include "app/churn_model.h"
#include "app/churn_training.h"
#include "app/table_view.h"
#include "core/dataset.h"

namespace growthlens::app {

/// One row per model: kept, ROC AUC, PR AUC, Brier, log loss, users, churn rate.
View ChurnModelsView(std::shared_ptr<const ChurnModel> model);
/// Decile, users, mean predicted, observed churn rate, lift, cumulative gain.
View ChurnDecilesView(std::shared_ptr<const ChurnModelReport> report);
/// Feature and mean absolute contribution, most important first.
View ChurnImportanceView(std::shared_ptr<const ChurnModelReport> report,
                         std::shared_ptr<const std::vector<std::string>> names);
/// Per scored user, riskiest first: id, probability, band, drivers 1-3.
View ChurnScoresView(std::shared_ptr<const ChurnScores> scores,
                     std::shared_ptr<const Dataset> dataset);
/// user_id, every feature column, churned (when labelled), in the table's order.
View ChurnFeatureTableView(std::shared_ptr<const ml::ChurnTable> table,
                           std::shared_ptr<const Dataset> dataset);

}  // namespace growthlens::app
