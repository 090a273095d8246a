#include "app/churn_views.h"

#include <algorithm>
#include <numeric>

namespace growthlens::app {

View ChurnModelsView(std::shared_ptr<const ChurnModel> model) {
  View view;
  view.columns = {{"model", "Model", Align::kLeft},
                  {"kept", "Kept", Align::kLeft},
                  {"roc_auc", "ROC AUC"},
                  {"pr_auc", "PR AUC"},
                  {"brier", "Brier"},
                  {"log_loss", "Log loss"},
                  {"users", "Users"},
                  {"churn_rate", "Churn rate"}};
  view.rows = 2;
  view.row = [model](size_t row, std::vector<Cell>& cells) {
    const ChurnModelType type =
        row == 0 ? ChurnModelType::kBoostedTrees : ChurnModelType::kLogistic;
    const ml::BinaryScores& scores = model->report(type).validation;
    cells = {Cell::Text(ChurnModelTypeName(type)),
             Cell::Flag(model->kept == type),
             Cell::Number(scores.roc_auc, 4),
             Cell::Number(scores.pr_auc, 4),
             Cell::Number(scores.brier, 4),
             Cell::Number(scores.log_loss, 4),
             Cell::Integer(static_cast<int64_t>(scores.rows)),
             Cell::Percent(scores.base_rate)};
  };
  return view;
}

View ChurnDecilesView(std::shared_ptr<const ChurnModelReport> report) {
  View view;
  view.columns = {{"decile", "Decile"},
                  {"users", "Users"},
                  {"mean_predicted", "Predicted"},
                  {"observed_churn_rate", "Observed"},
                  {"lift", "Lift"},
                  {"cumulative_gain", "Cumulative gain"}};
  view.rows = report->deciles.size();
  view.row = [report](size_t row, std::vector<Cell>& cells) {
    const ml::DecileRow& decile = report->deciles[row];
    cells = {Cell::Integer(decile.decile),         Cell::Integer(static_cast<int64_t>(decile.rows)),
             Cell::Percent(decile.mean_predicted), Cell::Percent(decile.observed_rate),
             Cell::Number(decile.lift, 2),         Cell::Percent(decile.cumulative_gain)};
  };
  return view;
}

View ChurnImportanceView(std::shared_ptr<const ChurnModelReport> report,
                         std::shared_ptr<const std::vector<std::string>> names) {
  auto order = std::make_shared<std::vector<size_t>>(report->importance.size());
  std::iota(order->begin(), order->end(), size_t{0});
  std::stable_sort(order->begin(), order->end(), [&](size_t a, size_t b) {
    return report->importance[a] > report->importance[b];
  });
  View view;
  view.columns = {{"feature", "Feature", Align::kLeft},
                  {"mean_abs_contribution", "Mean |contribution|"}};
  view.rows = order->size();
  view.row = [report, names, order](size_t row, std::vector<Cell>& cells) {
    const size_t col = (*order)[row];
    cells = {Cell::Text((*names)[col]), Cell::Number(report->importance[col], 4)};
  };
  return view;
}

View ChurnScoresView(std::shared_ptr<const ChurnScores> scores,
                     std::shared_ptr<const Dataset> dataset) {
  auto order = std::make_shared<std::vector<size_t>>(scores->probability.size());
  std::iota(order->begin(), order->end(), size_t{0});
  std::stable_sort(order->begin(), order->end(), [&](size_t a, size_t b) {
    return scores->probability[a] > scores->probability[b];
  });
  View view;
  view.columns = {
      {"user_id", "User", Align::kLeft},      {"churn_probability", "Churn probability"},
      {"risk_band", "Risk", Align::kLeft},    {"driver_1", "Driver 1", Align::kLeft},
      {"driver_2", "Driver 2", Align::kLeft}, {"driver_3", "Driver 3", Align::kLeft}};
  view.rows = order->size();
  view.row = [scores, dataset, order](size_t row, std::vector<Cell>& cells) {
    const size_t index = (*order)[row];
    const double probability = scores->probability[index];
    cells = {Cell::Text(std::string(dataset->users()[scores->table.users[index]])),
             Cell::Number(probability, 4), Cell::Text(ChurnRiskBand(probability))};
    for (const int driver : scores->drivers[index])
      cells.push_back(driver < 0 ? Cell::Empty() : Cell::Text(scores->table.names[driver]));
  };
  return view;
}

View ChurnFeatureTableView(std::shared_ptr<const ml::ChurnTable> table,
                           std::shared_ptr<const Dataset> dataset) {
  View view;
  view.columns.push_back({"user_id", "User", Align::kLeft});
  for (const std::string& name : table->names) view.columns.push_back({name, name});
  if (table->labelled()) view.columns.push_back({"churned", "Churned"});
  view.rows = table->users.size();
  view.row = [table, dataset](size_t row, std::vector<Cell>& cells) {
    cells.clear();
    cells.push_back(Cell::Text(std::string(dataset->users()[table->users[row]])));
    for (const double value : table->x.row(row)) cells.push_back(Cell::Number(value, 6));
    if (table->labelled()) cells.push_back(Cell::Integer(table->churned[row]));
  };
  return view;
}

}  // namespace growthlens::app
