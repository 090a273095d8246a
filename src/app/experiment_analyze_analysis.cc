#include "app/experiment_analyze_analysis.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>
#include <vector>

#include "app/experiment_data.h"
#include "app/experiment_report.h"
#include "stats/experiment_analysis.h"
#include "stats/sequential.h"

namespace growthlens::app {

namespace {

struct AnalyzeParams {
  std::string variant_col;  ///< "" = a column named variant, group, version or arm
  std::vector<std::string> metrics;
  std::vector<std::string> covariates;
  std::vector<std::string> ratios;
  std::optional<double> winsorize;
  int64_t threads = 0;
  std::string control;  ///< "" = a variant named control, else the first in the file
  std::vector<std::string> guardrails;
  std::vector<std::string> lower_is_better;
  std::vector<std::string> weights;  ///< expected traffic shares, in first-seen variant order
  double margin = 0.02;
  double alpha = 0.05;
  std::string correction;
  bool sequential = false;
  double sequential_tuning = stats::kDefaultSequentialTuning;
};

/// The analysis with what its report shows besides.
struct AnalyzeResult {
  stats::ExperimentAnalysis analysis;
  ExperimentData data;
  ExperimentReportSettings settings;
};

Status CheckAnalyzeParams(const AnalyzeParams& params, Naming naming) {
  const auto number = [](double value) { return fmt::format("{}", value); };
  if (!(params.alpha > 0 && params.alpha < 1))
    return BadGiven("alpha", naming, number(params.alpha), "expected between 0 and 1");
  if (!(params.margin >= 0 && params.margin < 1))
    return BadGiven("margin", naming, number(params.margin),
                    "expected a relative margin in [0, 1)");
  if (params.winsorize && !(*params.winsorize > 0.5 && *params.winsorize < 1))
    return BadGiven("winsorize", naming, number(*params.winsorize),
                    "expected a percentile as a fraction between 0.5 and 1 (0.99 caps each metric "
                    "at its 99th percentile)");
  if (!(params.sequential_tuning >= 1))
    return BadGiven("sequential-tuning", naming, number(params.sequential_tuning),
                    "expected the total users at which the interval should be tightest (>= 1)");
  for (const std::string& text : params.weights) {
    double weight = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), weight);
    if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(weight))
      return BadValue("weights", naming, text, "expected a number");
    if (!(weight > 0))
      return Status(ErrorCode::kInvalidArgument, fmt::format("{}: {} is not a positive share",
                                                             ShownName("weights", naming), weight));
  }
  return Status::Ok();
}

std::vector<double> Weights(const AnalyzeParams& params) {
  std::vector<double> weights;
  for (const std::string& text : params.weights) {
    double weight = 0;
    std::from_chars(text.data(), text.data() + text.size(), weight);
    weights.push_back(weight);
  }
  return weights;
}

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

Result<AnalyzeResult> RunAnalyze(const RunInput& input, const AnalyzeParams& params,
                                 RunContext& context) {
  GROWTHLENS_RETURN_IF_ERROR(CheckAnalyzeParams(params, context.naming));
  if (!input.file)
    return Status(ErrorCode::kInvalidArgument, "experiment/analyze: no experiment file to analyse");
  const Naming naming = context.naming;
  const std::string& name = input.file->name;
  PerUserOptions options;
  options.variant_column = params.variant_col;
  options.metrics = params.metrics;
  options.covariates = params.covariates;
  options.ratios = params.ratios;
  options.winsorize = params.winsorize;
  options.threads = static_cast<unsigned>(params.threads);
  options.naming = naming;
  Result<ExperimentData> data = ReadExperiment(input.file->text, name, options);
  if (!data.ok()) return data.status();
  if (data->arms.size() < 2)
    return Status(ErrorCode::kDataError,
                  fmt::format("{}: one variant only ('{}'); an experiment needs a control and at "
                              "least one treatment",
                              name, data->arms.front()));
  Result<size_t> control = stats::FindControl(data->arms, params.control);
  if (!control.ok()) return control.status().WithContext(ShownName("control", naming));
  std::vector<std::string> metric_names;
  for (const stats::MetricArms& metric : data->metrics) metric_names.push_back(metric.name);
  for (const auto& [option, names] : {std::pair{"guardrails", &params.guardrails},
                                      std::pair{"lower-is-better", &params.lower_is_better}})
    for (const std::string& metric : *names)
      if (!Contains(metric_names, metric))
        return BadValue(option, naming, metric,
                        fmt::format("no such metric (metrics: {})", fmt::join(metric_names, ", ")));
  std::vector<double> weights = Weights(params);
  if (!weights.empty() && weights.size() != data->arms.size())
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{}: {} given for {} variants ({}, in file order)",
                              ShownName("weights", naming), weights.size(), data->arms.size(),
                              fmt::join(data->arms, ", ")));

  stats::ExperimentOptions options_used;
  options_used.control = *control;
  options_used.alpha = params.alpha;
  options_used.correction = params.correction == "bh"     ? stats::Correction::kBenjaminiHochberg
                            : params.correction == "none" ? stats::Correction::kNone
                                                          : stats::Correction::kHolm;
  options_used.guardrails = params.guardrails;
  options_used.lower_is_better = params.lower_is_better;
  options_used.margin = params.margin;
  options_used.weights = std::move(weights);
  if (options_used.weights.empty())
    options_used.weights.assign(data->arms.size(), 1.0 / static_cast<double>(data->arms.size()));
  if (params.sequential) options_used.sequential_tuning = params.sequential_tuning;
  Result<stats::ExperimentAnalysis> analysis =
      stats::AnalyzeExperiment(data->arms, data->users, data->metrics, options_used);
  if (!analysis.ok()) return Status(ErrorCode::kDataError, analysis.status().message());

  AnalyzeResult result{std::move(analysis).value(), std::move(data).value(), {}};
  result.settings.input = name;
  result.settings.control = result.data.arms[*control];
  result.settings.alpha = params.alpha;
  result.settings.correction = params.correction;
  result.settings.sequential_tuning = options_used.sequential_tuning;
  result.settings.weights = options_used.weights;
  return result;
}

std::string AnalyzeJson(const AnalyzeResult& result) {
  return RenderExperimentReport(result.analysis, result.data, result.settings, OutputFormat::kJson);
}

std::string AnalyzeCsv(const AnalyzeResult& result) {
  return RenderExperimentReport(result.analysis, result.data, result.settings, OutputFormat::kCsv);
}

std::string AnalyzeTable(const AnalyzeResult& result) {
  return RenderExperimentReport(result.analysis, result.data, result.settings,
                                OutputFormat::kTable);
}

/// Column and metric names, comma-separated: longer than a filter, still bounded.
constexpr size_t kMaxNameList = 4000;

ParamSpec AnalyzeList(std::string name, std::string help) {
  ParamSpec spec = ListParam(std::move(name), {}, std::move(help));
  spec.max_length = kMaxNameList;
  return spec;
}

}  // namespace

AnalysisEntry ExperimentAnalyzeAnalysis() {
  AnalysisEntry info = AnalysisInfo(
      "experiment/analyze", DataNeed::kExperimentFile,
      "An A/B test from its own CSV (one row per user, or per-arm summary statistics): lifts, "
      "intervals, corrections, guardrails, sample-ratio check and verdicts",
      "Analyse an A/B test from one row per user (a variant column and metric columns; "
      "columns of 0/1 or true/false are conversion rates, others means) or from per-arm summary "
      "statistics (header variant, metric, n and either sum, sum_squares or successes). Welch t "
      "(means, ratios) or z (rates) with absolute and relative lift, intervals and p-values "
      "(relative lift and ratio metrics by the delta method, as GrowthBook), CUPED with a "
      "pre-period covariate, winsorisation, always-valid sequential intervals, Holm or "
      "Benjamini-Hochberg across goal metrics, chance to beat control and expected loss (flat "
      "prior), guardrails with a non-inferiority margin, the sample-ratio check, and a verdict "
      "per metric in words.");
  info.input_help =
      "CSV (.csv or .csv.gz): one row per user, or a per-arm summary (the experiment's own file: "
      "a workspace holds product data, not test results, so --workspace does not apply)";
  ParamSpec threads =
      IntParam("threads", 0, 0, 1024, "Threads for reading and summing (default: all cores)");
  threads.http = false;  // the server decides how many cores a request gets
  ParamSpec weights = WithValueText(
      AnalyzeList("weights", "Expected traffic shares per variant, in file order (default equal)"),
      "FLOAT ...");
  ParamSpec correction = WithValueText(
      EnumParam("correction", "holm", {"holm", "bh", "none"},
                "holm (default), bh (Benjamini-Hochberg) or none, across goal metrics and arms"),
      "holm|bh|none");
  ParamSpec sequential_tuning = WithValueText(
      NumberParam("sequential-tuning", 1, std::nullopt,
                  "Sequential tuning parameter N*: the total users at which the interval is "
                  "tightest (default 5000; set it near the planned total)"),
      "FLOAT");
  sequential_tuning.default_value = fmt::format("{}", stats::kDefaultSequentialTuning);
  return MakeEntry(
      std::move(info),
      TypedAnalysis<AnalyzeParams, AnalyzeResult, RunInput>{
          {
              {StringParam("variant-col",
                           "Per-user files: the variant column (default: a column named variant, "
                           "group, version or arm)"),
               &AnalyzeParams::variant_col},
              {AnalyzeList("metrics",
                           "Per-user files: metric columns, comma-separated (default: every "
                           "numeric column but the variant, ids and covariates)"),
               &AnalyzeParams::metrics},
              {AnalyzeList("covariate",
                           "Per-user files: pre-period covariate for CUPED, COL for every metric "
                           "or METRIC:COL for one (comma-separated)"),
               &AnalyzeParams::covariates},
              {AnalyzeList("ratio",
                           "Per-user files: a ratio metric NAME=NUMERATOR/DENOMINATOR, e.g. "
                           "aov=revenue/orders (delta method; the denominator is a count)"),
               &AnalyzeParams::ratios},
              {WithValueText(NumberParam("winsorize", 0.5, 1,
                                         "Per-user files: cap each non-0/1 metric column at this "
                                         "percentile of all arms pooled, e.g. 0.99 (linear "
                                         "interpolation, as numpy)"),
                             "FLOAT"),
               &AnalyzeParams::winsorize},
              {threads, &AnalyzeParams::threads},
              {StringParam("control",
                           "Control variant (default: one named control, else the first in the "
                           "file)"),
               &AnalyzeParams::control},
              {WithCliHelp(AnalyzeList("guardrails",
                                       "Metrics that must not get worse (comma-separated); "
                                       "judged against margin, outside the correction"),
                           "Metrics that must not get worse (comma-separated); judged against "
                           "--margin, outside the correction"),
               &AnalyzeParams::guardrails},
              {AnalyzeList("lower-is-better",
                           "Metrics where a decrease is good (e.g. refund_rate), comma-separated"),
               &AnalyzeParams::lower_is_better},
              {WithValueText(DoubleParam("margin", 0.02, 0, 1,
                                         "Guardrail non-inferiority margin, relative (default "
                                         "0.02 = 2%)"),
                             "FLOAT"),
               &AnalyzeParams::margin},
              {weights, &AnalyzeParams::weights},
              {WithValueText(DoubleParam("alpha", 0.05, 0, 1, "Significance level (default 0.05)"),
                             "FLOAT"),
               &AnalyzeParams::alpha},
              {correction, &AnalyzeParams::correction},
              {BoolParam("sequential",
                         "Always-valid intervals and p-values (normal-mixture confidence "
                         "sequence, Howard et al. 2021), safe to look at after every batch of "
                         "users"),
               &AnalyzeParams::sequential},
              {sequential_tuning, &AnalyzeParams::sequential_tuning},
          },
          CheckAnalyzeParams,
          RunAnalyze,
          AnalyzeJson,
          AnalyzeCsv,
          AnalyzeTable});
}

}  // namespace growthlens::app
