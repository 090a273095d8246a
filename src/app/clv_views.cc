#include "app/clv_views.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

namespace growthlens::app {

View ClvParametersView(const ClvResult& clv) {
  struct Row {
    const char* model;
    const char* name;
    double estimate, std_error;
  };
  const stats::BgNbdFit& bg = clv.purchases;
  const stats::GammaGammaFit& gg = clv.spend;
  auto rows = std::make_shared<std::vector<Row>>(std::vector<Row>{
      {"bg_nbd", "r", bg.params.r, bg.std_errors.r},
      {"bg_nbd", "alpha", bg.params.alpha, bg.std_errors.alpha},
      {"bg_nbd", "a", bg.params.a, bg.std_errors.a},
      {"bg_nbd", "b", bg.params.b, bg.std_errors.b},
      {"gamma_gamma", "p", gg.params.p, gg.std_errors.p},
      {"gamma_gamma", "q", gg.params.q, gg.std_errors.q},
      {"gamma_gamma", "gamma", gg.params.gamma, gg.std_errors.gamma},
  });
  View view;
  view.columns = {{"model", "Model", Align::kLeft},
                  {"parameter", "Parameter", Align::kLeft},
                  {"estimate", "Estimate"},
                  {"std_error", "Std. error"}};
  view.rows = rows->size();
  view.row = [rows](size_t i, std::vector<Cell>& cells) {
    const Row& row = (*rows)[i];
    cells = {Cell::Text(row.model), Cell::Text(row.name), Cell::Number(row.estimate, 6),
             std::isfinite(row.std_error) ? Cell::Number(row.std_error, 6) : Cell::Empty()};
  };
  return view;
}

View ClvHoldoutView(const ClvResult& clv) {
  View view;
  view.columns = {{"calibration_frequency", "Calibration purchases", Align::kLeft},
                  {"customers", "Customers"},
                  {"actual", "Actual holdout purchases"},
                  {"predicted", "Predicted"},
                  {"actual_per_customer", "Actual per customer"},
                  {"predicted_per_customer", "Predicted per customer"}};
  view.rows = clv.holdout.empty() ? 0 : clv.holdout.size() + 1;
  view.row = [&clv](size_t i, std::vector<Cell>& cells) {
    HoldoutRow row;
    std::string label;
    if (i < clv.holdout.size()) {
      row = clv.holdout[i];
      label = row.frequency + 1 == static_cast<int>(clv.holdout.size())
                  ? std::to_string(row.frequency) + "+"
                  : std::to_string(row.frequency);
    } else {
      label = "total";
      for (const HoldoutRow& bucket : clv.holdout) {
        row.customers += bucket.customers;
        row.actual += bucket.actual;
        row.predicted += bucket.predicted;
      }
    }
    const double customers = static_cast<double>(row.customers);
    cells = {Cell::Text(label),
             Cell::Integer(static_cast<int64_t>(row.customers)),
             Cell::Integer(static_cast<int64_t>(row.actual)),
             Cell::Number(row.predicted, 1),
             Cell::Number(Ratio(row.actual, customers), 3),
             Cell::Number(Ratio(row.predicted, customers), 3)};
  };
  return view;
}

View ClvCustomersView(const ClvResult& clv, size_t rows) {
  View view;
  view.columns = {{"customer", "Customer", Align::kLeft},
                  {"frequency", "Repeat purchases"},
                  {"recency", "Recency"},
                  {"T", "Age"},
                  {"monetary", "Mean spend"},
                  {"expected_purchases", "Expected purchases"},
                  {"p_alive", "P(alive)"},
                  {"expected_spend", "Expected spend"},
                  {"clv", "CLV"}};
  view.rows = std::min(rows, clv.history.size());
  view.row = [&clv](size_t position, std::vector<Cell>& cells) {
    const size_t i = clv.by_clv[position];
    const PurchaseHistory& h = clv.history;
    cells = {Cell::Text(std::string((*clv.users)[h.user[i]])),
             Cell::Integer(static_cast<int64_t>(h.frequency[i])),
             Cell::Number(h.recency[i], 1),
             Cell::Number(h.age[i], 1),
             Cell::Money(h.monetary[i]),
             Cell::Number(clv.expected_purchases[i], 3),
             Cell::Percent(clv.p_alive[i]),
             Cell::Money(clv.expected_spend[i]),
             Cell::Money(clv.clv[i])};
  };
  return view;
}

}  // namespace growthlens::app
