// growthlens insights FILE: the findings of the whole analysis in plain words, each with the
// number it rests on (rules in docs/ANALYTICS.md, "Insights").

#include <fmt/format.h>

#include <memory>
#include <string>

#include "cli/analysis_outputs.h"
#include "cli/analysis_view.h"
#include "cli/command.h"
#include "cli/date_window.h"
#include "metrics/analysis.h"

namespace growthlens::cli {

namespace {

constexpr std::string_view kInsightsCommand = "insights";

Status RunInsights(AnalysisInput& input, CommandOutcome& outcome) {
  Result<LoadedData> cleaned = LoadForAnalysis(kInsightsCommand, input, outcome);
  if (!cleaned.ok()) return cleaned.status();
  const Dataset& dataset = (*cleaned)->dataset;
  AnalysisOptions options;
  options.threads = input.flags.options.read.threads;
  const Analysis analysis = RunAnalysis(dataset, options);
  const View view = InsightsView(analysis.insights);
  switch (input.format) {
    case OutputFormat::kTable: {
      std::string out = fmt::format("{} insights from {} ({} rows)\n\n", analysis.insights.size(),
                                    input.input, WithThousands(dataset.rows()));
      for (const Insight& insight : analysis.insights)
        out += fmt::format("{}\n  {}\n\n", insight.title, insight.text);
      PrintOut(outcome, out);
      break;
    }
    case OutputFormat::kJson: {
      JsonDocument json;
      json.Set("kind", DataKindName(dataset.kind()));
      json.Set("window", WindowJson(DayRange{analysis.kpis.from, analysis.kpis.to}, DateWindow{}));
      json.SetRows("insights", view);
      PrintOut(outcome, json.Render());
      break;
    }
    case OutputFormat::kCsv:
      PrintOut(outcome, RenderCsv(view));
      break;
  }
  return Status::Ok();
}

}  // namespace

void RegisterInsightsCommand(CLI::App& app, CommandOutcome& outcome) {
  auto input = std::make_shared<AnalysisInput>();
  CLI::App* command = app.add_subcommand(
      "insights",
      "Plain-language findings of a usage log or transactions file, each with its number: most "
      "and least used features, lowest adoption, concentration in the top 20% of users, the peak "
      "month, the cohort with the steepest drop, the segment with the most value at risk, "
      "stickiness or repeat purchases. Every sentence is computed from the data; rules in "
      "docs/ANALYTICS.md.");
  AddAnalysisInput(*command, *input, outcome);
  command->callback([input, &outcome] {
    const Status status = RunInsights(*input, outcome);
    if (!status.ok()) ReportFailure(std::string(kInsightsCommand), status, outcome);
  });
}

}  // namespace growthlens::cli
