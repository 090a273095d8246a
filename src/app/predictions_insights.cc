#include "app/predictions_insights.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "app/table_view.h"

namespace growthlens::app {

namespace {

std::string Percent(double share) {
  return fmt::format("{:.0f}%", 100.0 * share);
}

/// The RFM segment with the most value at risk: its customers' share of the predicted value and
/// their mean churn probability.
void SegmentValueInsight(const Predictions& predictions, std::vector<Insight>& out) {
  if (!predictions.has_clv) return;
  const std::vector<PredictionGroup> groups = GroupPredictions(predictions, GroupBy::kSegment);
  double total = 0;
  for (const PredictionGroup& group : groups) total += group.clv;
  if (groups.empty() || total <= 0) return;
  const PredictionGroup& top = groups.front();  // most value at risk first
  const double share = top.clv / total;
  out.push_back({"segment_value_at_risk", "Most value at risk",
                 fmt::format("{} {} carry {} of predicted {}-month value and an average churn "
                             "risk of {}.",
                             WithThousands(top.users), top.name, Percent(share),
                             predictions.clv_horizon_months, Percent(top.mean_probability)),
                 share});
}

/// The persona most of the high-risk users are in.
void HighRiskPersonaInsight(const Predictions& predictions, std::vector<Insight>& out) {
  if (predictions.persona_names.empty()) return;
  std::vector<size_t> high(predictions.persona_names.size(), 0);
  size_t high_total = 0;
  for (size_t row = 0; row < predictions.persona.size(); ++row) {
    if (ChurnRiskBandIndex(predictions.scores.probability[row]) != 0) continue;
    ++high_total;
    if (predictions.persona[row] >= 0) ++high[static_cast<size_t>(predictions.persona[row])];
  }
  if (high_total == 0) return;
  const size_t top = static_cast<size_t>(std::max_element(high.begin(), high.end()) - high.begin());
  const double share = static_cast<double>(high[top]) / static_cast<double>(high_total);
  out.push_back({"high_risk_persona", "Who is at high risk",
                 fmt::format("{} of the {} high-risk users are {}.", Percent(share),
                             WithThousands(high_total), predictions.persona_names[top]),
                 share});
}

/// The feature that moves the predicted risk most.
void TopDriverInsight(const Predictions& predictions, std::vector<Insight>& out) {
  const std::vector<double>& importance = predictions.importance;
  if (importance.empty()) return;
  const size_t top = static_cast<size_t>(std::max_element(importance.begin(), importance.end()) -
                                         importance.begin());
  const std::vector<std::string> names = predictions.model->spec.Names();
  if (top >= names.size()) return;
  out.push_back({"top_churn_driver", "Strongest sign of churn",
                 fmt::format("The strongest sign of churn is {}: it moves the predicted risk "
                             "more than anything else the model sees.",
                             PlainFeatureName(names[top])),
                 importance[top]});
}

/// The predicted value held by the high-risk customers.
void HighRiskValueInsight(const Predictions& predictions, std::vector<Insight>& out) {
  if (!predictions.has_clv) return;
  double total = 0, high = 0;
  size_t customers = 0;
  for (size_t row = 0; row < predictions.clv.size(); ++row) {
    if (std::isnan(predictions.clv[row])) continue;
    total += predictions.clv[row];
    if (ChurnRiskBandIndex(predictions.scores.probability[row]) == 0) {
      high += predictions.clv[row];
      ++customers;
    }
  }
  if (total <= 0) return;
  out.push_back(
      {"high_risk_value", "Value held by high-risk customers",
       fmt::format("{} high-risk customers hold {} of predicted {}-month value.",
                   WithThousands(customers), Percent(high / total), predictions.clv_horizon_months),
       high / total});
}

/// How often the kept model ranks a churner above a user who stays.
void ModelQualityInsight(const Predictions& predictions, std::vector<Insight>& out) {
  const ModelQuality& kept =
      predictions.quality[predictions.model->kept == ChurnModelType::kBoostedTrees ? 0 : 1];
  if (kept.scores.rows == 0) return;
  const double auc = kept.scores.roc_auc;
  const char* verdict = auc >= 0.8 ? "well" : auc >= 0.7 ? "fairly well" : "only weakly";
  std::string text = fmt::format(
      "The model tells churners from staying users {}: it ranks a user who churned above one "
      "who stayed {} of the time",
      verdict, Percent(auc));
  if (!kept.deciles.empty())
    text += fmt::format(", and the riskiest tenth churned {:.1f} times as often as average",
                        kept.deciles.front().lift);
  out.push_back({"model_quality", "How good the predictions are", text + ".", auc});
}

}  // namespace

std::string PlainFeatureName(const std::string& column) {
  static const std::map<std::string, std::string, std::less<>> kPlain = {
      {"recency_days", "the days since the last activity"},
      {"frequency", "how often they were active"},
      {"monetary", "how much they spent"},
      {"tenure_days", "how long they have been around"},
      {"days_since_signup", "the days since signing up"},
      {"active_days_last_14", "the active days in the last two weeks"},
      {"active_days_prior_28", "the active days in the four weeks before"},
      {"trend_per_week", "whether their activity is rising or falling"},
      {"mean_gap_days", "the usual gap between active days"},
      {"gap_std_days", "how irregular their gaps are"},
      {"longest_gap_days", "their longest gap"},
      {"events_per_active_day", "how much they do on an active day"},
      {"breadth", "how many features they use"},
      {"orders", "their number of orders"},
      {"average_order_value", "their average order value"},
      {"lines_per_order", "the lines per order"},
      {"return_lines", "their returned lines"},
      {"return_share", "the share of their purchases returned"}};
  if (const auto found = kPlain.find(column); found != kPlain.end()) return found->second;
  if (column.starts_with("share:"))
    return fmt::format("how much of their use is {}", column.substr(6));
  if (column.starts_with("country:"))
    return fmt::format("whether they order from {}", column.substr(8));
  return column;
}

std::vector<Insight> PredictionInsights(const Predictions& predictions) {
  std::vector<Insight> out;
  if (!predictions.unavailable.empty() || !predictions.model) return out;
  SegmentValueInsight(predictions, out);
  HighRiskValueInsight(predictions, out);
  HighRiskPersonaInsight(predictions, out);
  TopDriverInsight(predictions, out);
  ModelQualityInsight(predictions, out);
  return out;
}

}  // namespace growthlens::app
