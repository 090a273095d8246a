// growthlens experiment analyze FILE: an A/B test from one row per user (variant and metric
// columns, optional pre-period covariates) or from per-arm summary statistics (header variant,
// metric, n, ...). Per metric and treatment arm: means and variances, absolute and relative
// lift with intervals and p-values (Welch t, or z for rates; GrowthBook's delta method for the
// relative lift and for ratio metrics), CUPED, winsorisation, always-valid sequential
// intervals, p-values corrected across goal metrics, a Bayesian view, guardrails with a
// non-inferiority margin, the sample-ratio check, and a verdict in words.

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/analysis_view.h"
#include "cli/command.h"
#include "cli/experiment_inputs.h"
#include "cli/experiment_report.h"
#include "cli/option_bounds.h"
#include "io/input_buffer.h"
#include "stats/experiment_analysis.h"
#include "stats/sequential.h"

namespace growthlens::cli {

namespace {

struct ExperimentAnalyzeArgs {
  std::string input;
  std::string control;  // "" = a variant named control, else the first in the file
  std::vector<std::string> guardrails;
  std::vector<std::string> lower_is_better;
  std::vector<double> weights;  // expected traffic shares, in first-seen variant order
  double margin = 0.02;         // guardrail non-inferiority margin, relative
  double alpha = 0.05;
  std::string correction = "holm";
  bool sequential = false;
  double sequential_tuning = stats::kDefaultSequentialTuning;
  PerUserOptions per_user;
  OutputFormat format = OutputFormat::kTable;
};

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

Status CheckOptions(const ExperimentAnalyzeArgs& args) {
  if (!(args.alpha > 0 && args.alpha < 1))
    return Invalid(fmt::format("--alpha {}: expected between 0 and 1", args.alpha));
  if (!(args.margin >= 0 && args.margin < 1))
    return Invalid(fmt::format("--margin {}: expected a relative margin in [0, 1)", args.margin));
  if (args.per_user.winsorize && !(*args.per_user.winsorize > 0.5 && *args.per_user.winsorize < 1))
    return Invalid(fmt::format(
        "--winsorize {}: expected a percentile as a fraction between 0.5 and 1 (0.99 caps each "
        "metric at its 99th percentile)",
        *args.per_user.winsorize));
  if (!(args.sequential_tuning >= 1))
    return Invalid(fmt::format(
        "--sequential-tuning {}: expected the total users at which the interval should be "
        "tightest (>= 1)",
        args.sequential_tuning));
  for (double weight : args.weights)
    if (!(weight > 0)) return Invalid(fmt::format("--weights: {} is not a positive share", weight));
  return Status::Ok();
}

/// Per-user options make no sense on a summary file: say so instead of ignoring them.
Status CheckSummaryOptions(const ExperimentAnalyzeArgs& args) {
  const PerUserOptions& options = args.per_user;
  std::vector<std::string> given;
  if (!options.variant_column.empty()) given.push_back("--variant-col");
  if (!options.metrics.empty()) given.push_back("--metrics");
  if (!options.covariates.empty()) given.push_back("--covariate");
  if (!options.ratios.empty()) given.push_back("--ratio");
  if (options.winsorize) given.push_back("--winsorize");
  if (given.empty()) return Status::Ok();
  return Invalid(
      fmt::format("{}: {} is a per-arm summary (header variant, metric, n); these "
                  "options need one row per user",
                  fmt::join(given, ", "), args.input));
}

Status RunExperimentAnalyze(const ExperimentAnalyzeArgs& args, CommandOutcome& outcome) {
  GROWTHLENS_RETURN_IF_ERROR(CheckOptions(args));
  Result<stats::Correction> correction =
      ParseChoice<stats::Correction>("--correction", args.correction,
                                     {{"holm", stats::Correction::kHolm},
                                      {"bh", stats::Correction::kBenjaminiHochberg},
                                      {"none", stats::Correction::kNone}});
  if (!correction.ok()) return correction.status();
  Result<InputBuffer> buffer = InputBuffer::Load(args.input, Encoding::kAuto);
  if (!buffer.ok()) return buffer.status();
  Result<CsvPreview> preview = PreviewCsv(buffer->text(), args.input);
  if (!preview.ok()) return preview.status();
  const bool summary = LooksLikeSummary(*preview);
  if (summary) GROWTHLENS_RETURN_IF_ERROR(CheckSummaryOptions(args));
  Result<ExperimentData> data =
      summary ? ReadSummaryExperiment(buffer->text(), args.input, *preview)
              : ReadPerUserExperiment(buffer->text(), args.input, *preview, args.per_user);
  if (!data.ok()) return data.status();

  if (data->arms.size() < 2)
    return Status(ErrorCode::kDataError,
                  fmt::format("{}: one variant only ('{}'); an experiment needs a control and at "
                              "least one treatment",
                              args.input, data->arms.front()));
  Result<size_t> control = stats::FindControl(data->arms, args.control);
  if (!control.ok()) return control.status().WithContext("--control");
  std::vector<std::string> metric_names;
  for (const stats::MetricArms& metric : data->metrics) metric_names.push_back(metric.name);
  for (const auto& [option, names] : {std::pair{"--guardrails", &args.guardrails},
                                      std::pair{"--lower-is-better", &args.lower_is_better}})
    for (const std::string& name : *names)
      if (!Contains(metric_names, name))
        return Invalid(fmt::format("{} '{}': no such metric (metrics: {})", option, name,
                                   fmt::join(metric_names, ", ")));
  if (!args.weights.empty() && args.weights.size() != data->arms.size())
    return Invalid(fmt::format("--weights: {} given for {} variants ({}, in file order)",
                               args.weights.size(), data->arms.size(),
                               fmt::join(data->arms, ", ")));

  stats::ExperimentOptions options;
  options.control = *control;
  options.alpha = args.alpha;
  options.correction = *correction;
  options.guardrails = args.guardrails;
  options.lower_is_better = args.lower_is_better;
  options.margin = args.margin;
  options.weights = args.weights;
  if (options.weights.empty())
    options.weights.assign(data->arms.size(), 1.0 / static_cast<double>(data->arms.size()));
  if (args.sequential) options.sequential_tuning = args.sequential_tuning;
  Result<stats::ExperimentAnalysis> analysis =
      stats::AnalyzeExperiment(data->arms, data->users, data->metrics, options);
  if (!analysis.ok()) return Status(ErrorCode::kDataError, analysis.status().message());

  ExperimentReportSettings settings;
  settings.input = args.input;
  settings.control = data->arms[*control];
  settings.alpha = args.alpha;
  settings.correction = args.correction;
  settings.sequential_tuning = options.sequential_tuning;
  settings.weights = options.weights;
  PrintOut(outcome, RenderExperimentReport(*analysis, *data, settings, args.format));
  return Status::Ok();
}

}  // namespace

void AddExperimentAnalyzeCommand(CLI::App& experiment, CommandOutcome& outcome) {
  auto args = std::make_shared<ExperimentAnalyzeArgs>();
  CLI::App* analyze = experiment.add_subcommand(
      "analyze",
      "Analyse an A/B test from one row per user (a variant column and metric columns; "
      "columns of 0/1 or true/false are conversion rates, others means) or from per-arm summary "
      "statistics (header variant, metric, n and either sum, sum_squares or successes). Welch t "
      "(means, ratios) or z (rates) with absolute and relative lift, intervals and p-values "
      "(relative lift and ratio metrics by the delta method, as GrowthBook), CUPED with a "
      "pre-period covariate, winsorisation, always-valid sequential intervals, Holm or "
      "Benjamini-Hochberg across goal metrics, chance to beat control and expected loss (flat "
      "prior), guardrails with a non-inferiority margin, the sample-ratio check, and a verdict "
      "per metric in words.");
  analyze
      ->add_option("input", args->input,
                   "CSV (.csv or .csv.gz): one row per user, or a per-arm summary")
      ->required()
      ->check(CLI::ExistingFile);
  analyze->add_option("--variant-col", args->per_user.variant_column,
                      "Per-user files: the variant column (default: a column named variant, "
                      "group, version or arm)");
  analyze
      ->add_option("--metrics", args->per_user.metrics,
                   "Per-user files: metric columns, comma-separated (default: every numeric "
                   "column but the variant, ids and covariates)")
      ->delimiter(',');
  analyze
      ->add_option("--covariate", args->per_user.covariates,
                   "Per-user files: pre-period covariate for CUPED, COL for every metric or "
                   "METRIC:COL for one (comma-separated)")
      ->delimiter(',');
  analyze
      ->add_option("--ratio", args->per_user.ratios,
                   "Per-user files: a ratio metric NAME=NUMERATOR/DENOMINATOR, e.g. "
                   "aov=revenue/orders (delta method; the denominator is a count)")
      ->delimiter(',');
  analyze->add_option("--winsorize", args->per_user.winsorize,
                      "Per-user files: cap each non-0/1 metric column at this percentile of all "
                      "arms pooled, e.g. 0.99 (linear interpolation, as numpy)");
  analyze
      ->add_option("--threads", args->per_user.threads,
                   "Threads for reading and summing (default: all cores)")
      ->check(WholeNumberIn(0, kMaxThreads));
  analyze->add_option("--control", args->control,
                      "Control variant (default: one named control, else the first in the file)");
  analyze
      ->add_option("--guardrails", args->guardrails,
                   "Metrics that must not get worse (comma-separated); judged against "
                   "--margin, outside the correction")
      ->delimiter(',');
  analyze
      ->add_option("--lower-is-better", args->lower_is_better,
                   "Metrics where a decrease is good (e.g. refund_rate), comma-separated")
      ->delimiter(',');
  analyze->add_option("--margin", args->margin,
                      "Guardrail non-inferiority margin, relative (default 0.02 = 2%)");
  analyze
      ->add_option("--weights", args->weights,
                   "Expected traffic shares per variant, in file order (default equal)")
      ->delimiter(',');
  analyze->add_option("--alpha", args->alpha, "Significance level (default 0.05)");
  analyze
      ->add_option("--correction", args->correction,
                   "holm (default), bh (Benjamini-Hochberg) or none, across goal metrics and arms")
      ->option_text("holm|bh|none");
  analyze->add_flag("--sequential", args->sequential,
                    "Always-valid intervals and p-values (normal-mixture confidence sequence, "
                    "Howard et al. 2021), safe to look at after every batch of users");
  analyze->add_option("--sequential-tuning", args->sequential_tuning,
                      "Sequential tuning parameter N*: the total users at which the interval is "
                      "tightest (default 5000; set it near the planned total)");
  AddFormatOption(*analyze, args->format);
  analyze->callback([args, &outcome] {
    const Status status = RunExperimentAnalyze(*args, outcome);
    if (!status.ok()) ReportFailure("experiment analyze", status, outcome);
  });
}

}  // namespace growthlens::cli
