#include "app/predictions_views.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "app/predictions_insights.h"
#include "metrics/rfm.h"

namespace growthlens::app {

std::string UserSegmentName(const Predictions& predictions, size_t row) {
  const int32_t segment = predictions.segment[row];
  return segment < 0 ? std::string()
                     : std::string(RfmSegmentName(static_cast<RfmSegment>(segment)));
}

std::string UserPersonaName(const Predictions& predictions, size_t row) {
  const int32_t persona = predictions.persona[row];
  return persona < 0 || static_cast<size_t>(persona) >= predictions.persona_names.size()
             ? std::string()
             : predictions.persona_names[static_cast<size_t>(persona)];
}

View DriversView(const Predictions& predictions, size_t rows) {
  auto names = std::make_shared<const std::vector<std::string>>(predictions.model->spec.Names());
  auto importance = std::make_shared<const std::vector<double>>(predictions.importance);
  auto order = std::make_shared<std::vector<size_t>>(std::min(names->size(), importance->size()));
  std::iota(order->begin(), order->end(), size_t{0});
  std::stable_sort(order->begin(), order->end(),
                   [&](size_t a, size_t b) { return (*importance)[a] > (*importance)[b]; });
  order->resize(std::min(order->size(), rows));
  View view;
  view.columns = {{"feature", "Feature", Align::kLeft},
                  {"label", "In words", Align::kLeft},
                  {"importance", "Mean |contribution|"}};
  view.rows = order->size();
  view.row = [names, importance, order](size_t row, std::vector<Cell>& cells) {
    const size_t col = (*order)[row];
    cells = {Cell::Text((*names)[col]), Cell::Text(PlainFeatureName((*names)[col])),
             Cell::Number((*importance)[col], 4)};
  };
  return view;
}

View PredictionUsersView(std::shared_ptr<const Predictions> predictions,
                         std::shared_ptr<const std::vector<size_t>> order, size_t first,
                         size_t count) {
  View view;
  view.columns = {
      {"user_id", "User", Align::kLeft},      {"churn_probability", "Churn probability"},
      {"risk_band", "Risk", Align::kLeft},    {"driver_1", "Driver 1", Align::kLeft},
      {"driver_2", "Driver 2", Align::kLeft}, {"driver_3", "Driver 3", Align::kLeft},
      {"segment", "Segment", Align::kLeft},   {"persona", "Persona", Align::kLeft}};
  if (predictions->has_clv)
    view.columns.insert(view.columns.end(), {{"country", "Country", Align::kLeft},
                                             {"clv", "Predicted value"},
                                             {"value_at_risk", "Value at risk"}});
  view.rows = count;
  view.row = [predictions, order, first](size_t row, std::vector<Cell>& cells) {
    const Predictions& p = *predictions;
    const size_t index = (*order)[first + row];
    const double probability = p.scores.probability[index];
    cells = {Cell::Text(p.user_ids[index]), Cell::Number(probability, 4),
             Cell::Text(ChurnRiskBand(probability))};
    for (const int driver : p.scores.drivers[index])
      cells.push_back(driver < 0 ? Cell::Empty()
                                 : Cell::Text(PlainFeatureName(p.scores.table.names[driver])));
    cells.push_back(Cell::Text(UserSegmentName(p, index)));
    cells.push_back(Cell::Text(UserPersonaName(p, index)));
    if (!p.has_clv) return;
    const int32_t country = p.country[index];
    cells.push_back(country < 0 ? Cell::Empty()
                                : Cell::Text(p.country_names[static_cast<size_t>(country)]));
    if (std::isnan(p.clv[index])) {
      cells.push_back(Cell::Empty());
      cells.push_back(Cell::Empty());
    } else {
      cells.push_back(Cell::Money(p.clv[index]));
      cells.push_back(Cell::Money(p.ValueAtRisk(index)));
    }
  };
  return view;
}

}  // namespace growthlens::app
