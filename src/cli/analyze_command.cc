// growthlens analyze FILE: every analysis of the file in one run (KPIs, RFM and segments,
// cohorts, feature usage or revenue, insights), the headline printed, and the processed tables
// plus one JSON report written to --output-dir.

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <future>
#include <memory>
#include <optional>
#include <string>

#include "app/analyze_pipeline.h"
#include "app/json_text.h"
#include "app/persona_count.h"
#include "app/rfm_views.h"
#include "app/segment_views.h"
#include "cli/analysis_view.h"
#include "cli/analyze_command.h"
#include "cli/clickhouse_input.h"
#include "cli/command.h"
#include "cli/ingest_command.h"
#include "cli/option_bounds.h"
#include "cli/workspace_option.h"
#include "core/number_format.h"
#include "core/stopwatch.h"
#include "io/output_set.h"

namespace growthlens::cli {

namespace {

constexpr std::string_view kAnalyzeCommand = "analyze";

struct AnalyzeArgs {
  AnalysisInput input;
  std::string output_dir = "data/processed";
  bool no_write = false;
  bool no_segments = false;
  std::string cohort_period = "month";
  std::string series_period = "day";
  std::string reference_date;
  std::string ties = "first";
  std::string k;  // "": the four tiers; "auto": the best silhouette; a number
  size_t n_init = 10;
  uint64_t seed = 0;
  size_t silhouette_sample = 10'000;
};

Result<CohortPeriod> ParsePeriod(std::string_view option, const std::string& text) {
  return ParseChoice<CohortPeriod>(option, text,
                                   {{"month", CohortPeriod::kMonth},
                                    {"week", CohortPeriod::kWeek},
                                    {"day", CohortPeriod::kDay}});
}

Result<AnalysisOptions> ParseAnalyzeOptions(const AnalyzeArgs& args) {
  AnalysisOptions options;
  Result<CohortPeriod> cohort = ParsePeriod("--cohort-period", args.cohort_period);
  if (!cohort.ok()) return cohort.status();
  options.cohort_period = *cohort;
  Result<CohortPeriod> series = ParsePeriod("--series-period", args.series_period);
  if (!series.ok()) return series.status();
  options.series_period = *series;
  Result<RfmTies> ties = ParseChoice<RfmTies>(
      "--ties", args.ties, {{"first", RfmTies::kFirstOccurrence}, {"shared", RfmTies::kShared}});
  if (!ties.ok()) return ties.status();
  options.rfm.ties = *ties;
  if (!args.reference_date.empty()) {
    options.rfm.reference_day = ParseIsoDate(args.reference_date);
    if (!options.rfm.reference_day)
      return Status(
          ErrorCode::kInvalidArgument,
          fmt::format("--reference-date '{}': expected a date YYYY-MM-DD", args.reference_date));
  }
  options.threads = args.input.flags.options.read.threads;
  return options;
}

/// A ClickHouse workspace: every analysis pushed down (app/clickhouse_analyses.h), the data one
/// row per user, the RFM table scored from per-user totals as --ties and --reference-date ask.
Result<LoadedData> LoadClickHouse(AnalyzeArgs& args, const AnalysisOptions& options,
                                  std::shared_ptr<const Analysis>& analysis) {
  app::PushDownPlan plan = app::PushDownPlanOf(kAnalyzeCommand, {});
  plan.options = options;
  plan.rfm_ties = options.rfm.ties;
  plan.rfm_reference_day = options.rfm.reference_day;
  plan.lifecycle_period =
      options.cohort_period == CohortPeriod::kDay ? CohortPeriod::kWeek : options.cohort_period;
  Result<app::PushedDownData> pushed = LoadClickHouseWorkspace(kAnalyzeCommand, args.input, plan);
  if (!pushed.ok()) return pushed.status();
  analysis = std::move(pushed->analysis);
  return std::move(pushed->data);
}

Status RunAnalyze(AnalyzeArgs& args, CommandOutcome& outcome) {
  Result<AnalysisOptions> options = ParseAnalyzeOptions(args);
  if (!options.ok()) return options.status();
  if (args.input.format == OutputFormat::kCsv)
    return Status(ErrorCode::kInvalidArgument,
                  "--format csv: analyze writes its tables as CSV files into --output-dir; "
                  "choose table or json for stdout");
  DefaultToWorkspaceVariable(args.input);
  std::shared_ptr<const Analysis> pushed_down;
  Result<LoadedData> cleaned = IsClickHouseWorkspace(args.input.workspace)
                                   ? LoadClickHouse(args, *options, pushed_down)
                                   : LoadForAnalysis(kAnalyzeCommand, args.input, outcome);
  if (!cleaned.ok()) return cleaned.status();
  app::AnalyzeRequest request;
  request.analysis = std::move(pushed_down);
  // A ClickHouse workspace names the outputs by its database.
  request.input = pushed_down ? args.input.workspace : args.input.input;
  request.output_dir = args.no_write ? "" : args.output_dir;
  if (!args.input.quiet) request.progress = StderrProgress(std::string(kAnalyzeCommand));
  request.format = args.input.format;
  request.options = *options;
  request.segment = !args.no_segments;
  GROWTHLENS_RETURN_IF_ERROR(
      app::ApplyPersonaCount("k", args.k, app::Naming::kCli, request.segmentation));
  if (args.n_init == 0)
    return Status(ErrorCode::kInvalidArgument, "--n-init 0: expected at least 1 initialisation");
  request.segmentation.n_init = args.n_init;
  request.segmentation.seed = args.seed;
  request.segmentation.silhouette_sample_size = args.silhouette_sample;
  return AnalyzeLoaded(**cleaned, request, outcome);
}

}  // namespace

Status AnalyzeLoaded(const CleanedData& cleaned, const app::AnalyzeRequest& request,
                     CommandOutcome& outcome) {
  Result<app::AnalyzeOutcome> analyzed = app::AnalyzeData(cleaned, request);
  if (!analyzed.ok()) return analyzed.status();
  if (request.format == OutputFormat::kJson) {
    PrintOut(outcome, analyzed->report);
    return Status::Ok();
  }
  std::string out =
      app::AnalysisSummaryText(cleaned.dataset, *analyzed->analysis, analyzed->segmentation.get());
  const std::vector<std::string>& written = analyzed->written;
  if (!written.empty())
    out +=
        fmt::format("\n{} tables and the report written to {} ({})\n", written.size(),
                    request.output_dir, std::filesystem::path(written.back()).filename().string());
  PrintOut(outcome, out);
  return Status::Ok();
}

void RegisterAnalyzeCommand(CLI::App& app, CommandOutcome& outcome) {
  auto args = std::make_shared<AnalyzeArgs>();
  CLI::App* command = app.add_subcommand(
      "analyze",
      "Run every analysis of a usage log or transactions file: KPIs, RFM scores and segments, "
      "cohort retention, feature usage (usage logs) or revenue (transactions), and insights in "
      "words. Prints the headline and writes the processed tables (CSV) and one JSON report to "
      "--output-dir, named after the input (e.g. usage_log_users.csv, usage_log_analysis.json).");
  AddAnalysisInput(*command, args->input, outcome);
  command->add_option("--output-dir", args->output_dir,
                      "Directory for the tables and the report (default data/processed)");
  command->add_flag("--no-write", args->no_write, "Print only; write no files");
  command->add_flag("--no-segments", args->no_segments,
                    "Skip the KMeans personas (the four tiers unless --k; 'growthlens segment' "
                    "has every option)");
  command
      ->add_option("--k", args->k,
                   "Number of personas: auto = the best silhouette for k = 2..10, or a number "
                   "(default: the four tiers, k = 4, with that sweep shown as advice)")
      ->option_text("auto|N")
      ->check(PersonaCount())
      ->group("Segmentation");
  command
      ->add_option("--n-init", args->n_init,
                   "KMeans initialisations, the lowest inertia kept (default 10)")
      ->check(WholeNumberIn(1, kMaxInitialisations))
      ->group("Segmentation");
  command
      ->add_option("--seed", args->seed, "Seed of k-means++ and the silhouette sample (default 0)")
      ->check(WholeNumberIn(0, kMaxSeed))
      ->group("Segmentation");
  command
      ->add_option("--silhouette-sample", args->silhouette_sample,
                   "Users in the silhouette sample above 20,000 users (default 10000)")
      ->check(WholeNumberIn(2, kMaxSilhouetteRows))
      ->group("Segmentation");
  command->add_option("--cohort-period", args->cohort_period,
                      "month (default), week or day: cohort bucket and period length");
  command->add_option("--series-period", args->series_period,
                      "day (default), week or month: the feature time series");
  command->add_option("--reference-date", args->reference_date,
                      "Day recency is counted to, YYYY-MM-DD (default: the day after the last "
                      "day in the data)");
  command->add_option("--ties", args->ties,
                      "RFM ties: first (default, as pandas qcut of rank(method=\"first\")) or "
                      "shared (equal values share a score)");
  command->callback([args, &outcome] {
    const Status status = RunAnalyze(*args, outcome);
    if (!status.ok()) ReportFailure(std::string(kAnalyzeCommand), status, outcome);
  });
}

}  // namespace growthlens::cli
