#include "app/predictions_analysis.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "app/insights_analysis.h"
#include "app/predictions_insights.h"
#include "app/predictions_model.h"
#include "app/predictions_views.h"
#include "app/table_view.h"
#include "metrics/rfm.h"

namespace growthlens::app {

namespace {

constexpr int64_t kMaxPage = 1'000'000'000;
constexpr int64_t kMaxPageSize = 1'000;
constexpr size_t kMaxFilterText = 200;
constexpr size_t kActionListRows = 50;
constexpr size_t kDriversShown = 15;
constexpr size_t kClvBins = 20;

struct PredictionsParams {
  std::string view;
  std::string band;
  std::string segment;
  std::string user;
  int64_t page = 1;
  int64_t page_size = 50;
};

struct PredictionsResult {
  PredictionsParams params;
  std::string source;
  std::shared_ptr<const Predictions> predictions;
  std::shared_ptr<const std::vector<size_t>> rows;  // the users view's rows, in order
};

/// The scored rows the filters keep, most value at risk (or most likely to churn) first.
std::vector<size_t> FilteredRows(const Predictions& predictions, const PredictionsParams& params) {
  std::vector<size_t> rows;
  const size_t scored = predictions.scores.probability.size();
  for (size_t row = 0; row < scored; ++row) {
    const double probability = predictions.scores.probability[row];
    if (params.band != "all" && params.band != ChurnRiskBand(probability)) continue;
    if (!params.segment.empty() && params.segment != UserSegmentName(predictions, row) &&
        params.segment != UserPersonaName(predictions, row))
      continue;
    if (!params.user.empty() && predictions.user_ids[row] != params.user) continue;
    rows.push_back(row);
  }
  std::stable_sort(rows.begin(), rows.end(), [&](size_t a, size_t b) {
    if (predictions.has_clv && predictions.ValueAtRisk(a) != predictions.ValueAtRisk(b))
      return predictions.ValueAtRisk(a) > predictions.ValueAtRisk(b);
    return predictions.scores.probability[a] > predictions.scores.probability[b];
  });
  return rows;
}

Result<PredictionsResult> RunPredictions(const CleanedData& data, const PredictionsParams& params,
                                         RunContext& context) {
  PredictionInputs inputs;
  inputs.workspace = context.workspace;
  inputs.personas = context.personas;
  inputs.threads = context.threads;
  inputs.stop = context.stop;
  Result<std::shared_ptr<const Predictions>> predictions =
      context.predictions ? context.predictions->Get(data.dataset, inputs)
                          : [&]() -> Result<std::shared_ptr<const Predictions>> {
    Result<Predictions> computed = ComputePredictions(data.dataset, inputs);
    if (!computed.ok()) return computed.status();
    return std::make_shared<const Predictions>(std::move(computed).value());
  }();
  if (!predictions.ok()) return predictions.status();
  PredictionsResult result;
  result.params = params;
  result.source = context.source;
  result.predictions = *predictions;
  result.rows = std::make_shared<const std::vector<size_t>>(FilteredRows(**predictions, params));
  return result;
}

nlohmann::ordered_json QualityJson(const Predictions& predictions, const ModelQuality& quality) {
  nlohmann::ordered_json roc = nlohmann::ordered_json::array();
  for (const RocPoint& point : quality.roc)
    roc.push_back({{"false_positive_rate", point.false_positive_rate},
                   {"true_positive_rate", point.true_positive_rate}});
  // The deciles as the saved model's report writes them.
  ChurnModelReport report;
  report.deciles = quality.deciles;
  nlohmann::ordered_json deciles = std::move(ChurnReportJson(report, {})["deciles"]);
  return {{"model", ChurnModelTypeName(quality.type)},
          {"kept", predictions.model->kept == quality.type},
          {"roc_auc", quality.scores.roc_auc},
          {"pr_auc", quality.scores.pr_auc},
          {"brier", quality.scores.brier},
          {"log_loss", quality.scores.log_loss},
          {"users", quality.scores.rows},
          {"churn_rate", quality.scores.base_rate},
          {"roc", std::move(roc)},
          {"deciles", std::move(deciles)}};
}

nlohmann::ordered_json GroupsJson(const Predictions& predictions, GroupBy by) {
  nlohmann::ordered_json groups = nlohmann::ordered_json::array();
  for (const PredictionGroup& group : GroupPredictions(predictions, by)) {
    nlohmann::ordered_json item = {{"name", group.name},
                                   {"users", group.users},
                                   {"high_risk", group.high_risk},
                                   {"mean_churn_probability", group.mean_probability}};
    if (predictions.has_clv) {
      item["clv"] = group.clv;
      item["value_at_risk"] = group.value_at_risk;
    }
    groups.push_back(std::move(item));
  }
  return groups;
}

/// CLV of the scored customers in kClvBins equal bins up to the 99th percentile, the last bin
/// open-ended.
nlohmann::ordered_json ClvHistogramJson(const Predictions& predictions) {
  std::vector<double> values;
  for (const double clv : predictions.clv)
    if (!std::isnan(clv)) values.push_back(std::max(clv, 0.0));
  nlohmann::ordered_json bins = nlohmann::ordered_json::array();
  if (values.empty()) return bins;
  std::sort(values.begin(), values.end());
  const double top = values[static_cast<size_t>(0.99 * static_cast<double>(values.size() - 1))];
  const double width = top > 0 ? top / static_cast<double>(kClvBins) : 1.0;
  std::vector<size_t> counts(kClvBins, 0);
  for (const double value : values)
    ++counts[std::min(kClvBins - 1, static_cast<size_t>(value / width))];
  for (size_t i = 0; i < kClvBins; ++i)
    bins.push_back(
        {{"from", width * static_cast<double>(i)},
         {"to", i + 1 == kClvBins ? nlohmann::ordered_json(nullptr)
                                  : nlohmann::ordered_json(width * static_cast<double>(i + 1))},
         {"customers", counts[i]}});
  return bins;
}

/// Saved churn models that were not used, each with why.
nlohmann::ordered_json SavedModelsNotUsedJson(const Predictions& predictions) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& [name, reason] : predictions.saved_models_not_used)
    list.push_back({{"name", name}, {"reason", reason}});
  return list;
}

std::string SummaryJson(const PredictionsResult& result, const Predictions& predictions) {
  JsonDocument json;
  json.Set("view", "summary");
  json.Set("available", predictions.unavailable.empty());
  json.Set("unavailable", predictions.unavailable);
  if (!predictions.unavailable.empty()) return json.Render();
  const ChurnModel& model = predictions.kept();
  json.Set("model", {{"kept", ChurnModelTypeName(model.kept)},
                     {"saved_model", predictions.saved_model},
                     {"saved_models_not_used", SavedModelsNotUsedJson(predictions)},
                     {"train_cutoff", FormatDate(model.train_cutoff)},
                     {"validation_cutoff", FormatDate(model.validation_cutoff)},
                     {"evaluation_cutoff", predictions.evaluation_cutoff == kNoDay
                                               ? std::string()
                                               : FormatDate(predictions.evaluation_cutoff)},
                     {"horizon_days", model.settings.horizon},
                     {"train_users", model.train_users},
                     {"features", model.spec.Names().size()}});
  nlohmann::ordered_json models = nlohmann::ordered_json::array();
  if (predictions.quality[0].scores.rows > 0 || predictions.quality[1].scores.rows > 0)
    for (const ModelQuality& quality : predictions.quality)
      models.push_back(QualityJson(predictions, quality));
  json.Set("models", models);
  json.SetRows("drivers", DriversView(predictions, kDriversShown));
  nlohmann::ordered_json histogram = nlohmann::ordered_json::array();
  for (size_t i = 0; i < kRiskHistogramBins; ++i)
    histogram.push_back(
        {{"from", static_cast<double>(i) / static_cast<double>(kRiskHistogramBins)},
         {"to", static_cast<double>(i + 1) / static_cast<double>(kRiskHistogramBins)},
         {"users", predictions.histogram[i]}});
  json.Set("risk", {{"users", predictions.scores.probability.size()},
                    {"high", predictions.band_users[0]},
                    {"medium", predictions.band_users[1]},
                    {"low", predictions.band_users[2]},
                    {"high_from", kHighRiskFrom},
                    {"medium_from", kMediumRiskFrom},
                    {"histogram", std::move(histogram)}});
  json.Set("by_segment", GroupsJson(predictions, GroupBy::kSegment));
  json.Set("by_persona", GroupsJson(predictions, GroupBy::kPersona));
  json.Set("has_clv", predictions.has_clv);
  json.Set("clv_note", predictions.clv_note);
  if (predictions.has_clv) {
    double total = 0, at_risk = 0;
    for (size_t row = 0; row < predictions.clv.size(); ++row) {
      if (std::isnan(predictions.clv[row])) continue;
      total += predictions.clv[row];
      at_risk += predictions.ValueAtRisk(row);
    }
    json.Set("clv", {{"horizon_months", predictions.clv_horizon_months},
                     {"total", total},
                     {"value_at_risk", at_risk},
                     {"customers_not_scored", predictions.clv_customers_not_scored},
                     {"histogram", ClvHistogramJson(predictions)}});
    json.Set("by_country", GroupsJson(predictions, GroupBy::kCountry));
    json.SetRows("action_list",
                 PredictionUsersView(result.predictions, result.rows, 0,
                                     std::min(kActionListRows, result.rows->size())));
  }
  json.SetRows("insights", InsightsView(PredictionInsights(predictions)));
  return json.Render();
}

std::string PredictionsJson(const PredictionsResult& result) {
  const Predictions& predictions = *result.predictions;
  if (result.params.view == "summary") return SummaryJson(result, predictions);
  JsonDocument json;
  json.Set("view", "users");
  json.Set("available", predictions.unavailable.empty());
  json.Set("unavailable", predictions.unavailable);
  json.Set("total", result.rows->size());
  json.Set("page", result.params.page);
  json.Set("page_size", result.params.page_size);
  const size_t first =
      std::min(result.rows->size(), static_cast<size_t>(result.params.page - 1) *
                                        static_cast<size_t>(result.params.page_size));
  const size_t count =
      std::min(result.rows->size() - first, static_cast<size_t>(result.params.page_size));
  json.SetRows("users", PredictionUsersView(result.predictions, result.rows, first, count));
  return json.Render();
}

std::string PredictionsCsv(const PredictionsResult& result) {
  return RenderCsv(PredictionUsersView(result.predictions, result.rows, 0, result.rows->size()));
}

std::string PredictionsTableText(const PredictionsResult& result) {
  const Predictions& predictions = *result.predictions;
  if (!predictions.unavailable.empty()) return predictions.unavailable + "\n";
  std::string out = fmt::format(
      "Churn predictions for {} ({} current users, {:.1f} s): {} high, {} medium, {} low risk\n"
      "Model kept: {}{}\n\n",
      result.source, WithThousands(predictions.scores.probability.size()), predictions.seconds,
      WithThousands(predictions.band_users[0]), WithThousands(predictions.band_users[1]),
      WithThousands(predictions.band_users[2]), ChurnModelTypeName(predictions.kept().kept),
      predictions.saved_model.empty()
          ? std::string(" (trained on this data)")
          : fmt::format(" (saved model '{}')", predictions.saved_model));
  for (const Insight& insight : PredictionInsights(predictions))
    out += fmt::format("{}\n  {}\n\n", insight.title, insight.text);
  const size_t shown = std::min<size_t>(20, result.rows->size());
  out += fmt::format("{} users ({} listed):\n", WithThousands(result.rows->size()), shown);
  out += RenderTable(PredictionUsersView(result.predictions, result.rows, 0, shown));
  return out;
}

}  // namespace

AnalysisEntry PredictionsAnalysis() {
  ParamSpec segment =
      StringParam("segment", "Only the users of this RFM segment or persona (users view)");
  segment.max_length = kMaxFilterText;
  ParamSpec user = StringParam("user", "Only this user (users view): their risk and drivers");
  user.max_length = kMaxFilterText;
  return MakeEntry(
      AnalysisInfo(
          "predictions", DataNeed::kAny,
          "Churn risk and customer lifetime value together: model quality, drivers, risk "
          "distribution, per-user scores, the valuable customers most at risk",
          "Who will churn and what each customer is worth, as the dashboard's Predictions page "
          "shows it: a churn model (a churn model saved in the workspace when one fits the data, "
          "else one trained on it as 'churn train' does), both models' quality on the latest "
          "labelled cutoff (ROC curve, calibration, lift and gains), the drivers, the risk "
          "distribution and every current user's probability, band and top three drivers. For "
          "transactions each customer's CLV (as 'clv' computes it) is joined with the churn "
          "probability: the valuable customers most at risk (CLV x probability), and CLV and "
          "churn by RFM segment, persona and country; the findings in words."),
      TypedAnalysis<PredictionsParams, PredictionsResult>{
          {
              {EnumParam("view", "summary", {"summary", "users"},
                         "summary (default): the model, its quality, drivers, risk, CLV and "
                         "findings; users: the scored users, a page at a time"),
               &PredictionsParams::view},
              {EnumParam("band", "all", {"all", "high", "medium", "low"},
                         "Only the users of this risk band (users view; default all)"),
               &PredictionsParams::band},
              {segment, &PredictionsParams::segment},
              {user, &PredictionsParams::user},
              {IntParam("page", 1, 1, kMaxPage, "Page of the users view, from 1 (default 1)"),
               &PredictionsParams::page},
              {IntParam("page-size", 50, 1, kMaxPageSize, "Users per page (default 50)"),
               &PredictionsParams::page_size},
          },
          nullptr,
          RunPredictions,
          PredictionsJson,
          PredictionsCsv,
          PredictionsTableText});
}

RouteVariant PredictionsExportRoute() {
  RouteVariant route;
  route.path = "predictions/export";
  route.summary =
      "The scored users (band, segment and user filters as the users view) as a CSV file to "
      "save: churn probability, band, drivers, segment, persona, CLV and value at risk";
  route.fixed = {{"view", "users"}};
  route.unset = {"page", "page-size"};
  route.format = OutputFormat::kCsv;
  route.download_name = "churn_predictions.csv";
  return route;
}

}  // namespace growthlens::app
