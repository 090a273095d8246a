#include "app/insights_analysis.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>

#include "app/date_window.h"
#include "metrics/analysis.h"

namespace growthlens::app {

namespace {

/// insights takes no parameters: they are of the whole data.
struct InsightsParams {};

struct InsightsResult {
  DataKind kind = DataKind::kUsage;
  std::string source;
  size_t rows = 0;
  std::shared_ptr<const Analysis> analysis;
};

Result<InsightsResult> RunInsights(const CleanedData& data, const InsightsParams&,
                                   RunContext& context) {
  AnalysisOptions options;
  options.threads = context.threads;
  InsightsResult result;
  result.kind = data.dataset.kind();
  result.source = context.source;
  result.rows = data.dataset.rows();
  result.analysis = context.analysis != nullptr
                        ? context.analysis
                        : std::make_shared<const Analysis>(RunAnalysis(data.dataset, options));
  return result;
}

std::string InsightsJson(const InsightsResult& result) {
  const Analysis& analysis = *result.analysis;
  JsonDocument json;
  json.Set("kind", DataKindName(result.kind));
  json.Set("window", WindowJson(DayRange{analysis.kpis.from, analysis.kpis.to}, DateWindow{}));
  json.SetRows("insights", InsightsView(analysis.insights));
  return json.Render();
}

std::string InsightsCsv(const InsightsResult& result) {
  return RenderCsv(InsightsView(result.analysis->insights));
}

std::string InsightsTableText(const InsightsResult& result) {
  const std::vector<Insight>& insights = result.analysis->insights;
  std::string out = fmt::format("{} insights from {} ({} rows)\n\n", insights.size(), result.source,
                                WithThousands(result.rows));
  for (const Insight& insight : insights)
    out += fmt::format("{}\n  {}\n\n", insight.title, insight.text);
  return out;
}

}  // namespace

View InsightsView(const std::vector<Insight>& insights) {
  View view;
  view.columns = {{"key", "Key", Align::kLeft},
                  {"title", "Title", Align::kLeft},
                  {"text", "Insight", Align::kLeft},
                  {"value", "Value"}};
  view.rows = insights.size();
  view.row = [&insights](size_t row, std::vector<Cell>& cells) {
    const Insight& insight = insights[row];
    cells = {Cell::Text(insight.key), Cell::Text(insight.title), Cell::Text(insight.text),
             Cell::Number(insight.value, 4)};
  };
  return view;
}

AnalysisEntry InsightsAnalysis() {
  return MakeEntry(
      AnalysisInfo(
          "insights", DataNeed::kAny,
          "Plain-language findings, each with the number it rests on (of the whole data)",
          "Plain-language findings of a usage log or transactions file, each with its number: most "
          "and least used features, lowest adoption, concentration in the top 20% of users, the "
          "peak month, the cohort with the steepest drop, the segment with the most value at "
          "risk, stickiness or repeat purchases. Every sentence is computed from the data; rules "
          "in docs/ANALYTICS.md."),
      TypedAnalysis<InsightsParams, InsightsResult>{
          {}, nullptr, RunInsights, InsightsJson, InsightsCsv, InsightsTableText});
}

}  // namespace growthlens::app
