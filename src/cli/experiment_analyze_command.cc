// growthlens experiment analyze SUMMARY.csv: an A/B test from per-arm summary statistics, one
// row per (variant, metric): n with sum and sum_squares (means) or successes (conversion
// rates). Per metric and treatment arm: means, absolute and relative lift with intervals and
// p-values (Welch t, or z for rates; GrowthBook's delta method for the relative lift), p-values
// corrected across goal metrics, a Bayesian view, guardrails with a non-inferiority margin, the
// sample-ratio check, and a verdict in words.

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/analysis_view.h"
#include "cli/command.h"
#include "io/csv_cursor.h"
#include "stats/arm_stats.h"
#include "stats/bayesian.h"
#include "stats/corrections.h"
#include "stats/frequentist.h"
#include "stats/srm.h"
#include "stats/verdict.h"

namespace growthlens::cli {

namespace {

struct AnalyzeArgs {
  std::string input;
  std::string control;  // "" = the first variant in the file
  std::vector<std::string> guardrails;
  std::vector<std::string> lower_is_better;
  std::vector<double> weights;  // expected traffic shares, in first-seen variant order
  double margin = 0.02;         // guardrail non-inferiority margin, relative
  double alpha = 0.05;
  std::string correction = "holm";
  OutputFormat format = OutputFormat::kTable;
};

/// One (variant, metric) row of the summary file.
struct ArmRow {
  std::string variant;
  std::string metric;
  std::int64_t n = 0;
  bool proportion = false;
  std::int64_t successes = 0;
  double sum = 0, sum_squares = 0;
};

Result<double> ParseNumber(std::string_view text, const std::string& where) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size())
    return Status(ErrorCode::kParseError, fmt::format("{}: '{}' is not a number", where, text));
  return value;
}

Result<std::vector<ArmRow>> ReadSummary(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::kIoError, fmt::format("{}: cannot open", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  CsvCursor cursor(text, CsvDialect{}, 0, text.size());
  std::vector<std::string_view> fields;
  std::map<std::string, size_t> column;
  std::vector<ArmRow> rows;
  size_t line = 0;
  while (cursor.Next(fields)) {
    ++line;
    if (cursor.blank_line()) continue;
    if (column.empty()) {
      for (size_t idx = 0; idx < fields.size(); ++idx) column[std::string(fields[idx])] = idx;
      for (const char* required : {"variant", "metric", "n"})
        if (!column.count(required))
          return Status(ErrorCode::kSchemaError,
                        fmt::format("{}: header needs variant, metric, n and either sum, "
                                    "sum_squares (means) or successes (rates); '{}' is missing",
                                    path, required));
      if (!column.count("successes") && !(column.count("sum") && column.count("sum_squares")))
        return Status(ErrorCode::kSchemaError,
                      fmt::format("{}: header needs sum and sum_squares, or successes", path));
      continue;
    }
    auto field = [&](const char* name) -> std::string_view {
      const auto it = column.find(name);
      return it == column.end() || it->second >= fields.size() ? std::string_view()
                                                               : fields[it->second];
    };
    const std::string where = fmt::format("{} line {}", path, line);
    ArmRow row;
    row.variant = std::string(field("variant"));
    row.metric = std::string(field("metric"));
    if (row.variant.empty() || row.metric.empty())
      return Status(ErrorCode::kParseError,
                    fmt::format("{}: variant and metric are required", where));
    Result<double> n = ParseNumber(field("n"), where + " column n");
    if (!n.ok()) return n.status();
    if (*n < 0 || *n != std::floor(*n))
      return Status(ErrorCode::kParseError,
                    fmt::format("{} column n: {} is not a non-negative count", where, *n));
    row.n = static_cast<std::int64_t>(*n);
    if (!field("successes").empty()) {
      Result<double> successes = ParseNumber(field("successes"), where + " column successes");
      if (!successes.ok()) return successes.status();
      if (*successes < 0 || *successes > *n)
        return Status(ErrorCode::kParseError,
                      fmt::format("{} column successes: {} is not between 0 and n = {}", where,
                                  *successes, row.n));
      row.proportion = true;
      row.successes = static_cast<std::int64_t>(*successes);
    } else {
      Result<double> sum = ParseNumber(field("sum"), where + " column sum");
      if (!sum.ok()) return sum.status();
      Result<double> squares = ParseNumber(field("sum_squares"), where + " column sum_squares");
      if (!squares.ok()) return squares.status();
      if (*squares < 0)
        return Status(ErrorCode::kParseError,
                      fmt::format("{} column sum_squares: {} is negative", where, *squares));
      row.sum = *sum;
      row.sum_squares = *squares;
    }
    rows.push_back(std::move(row));
  }
  if (rows.empty()) return Status(ErrorCode::kDataError, fmt::format("{}: no rows", path));
  return rows;
}

/// One treatment arm against control on one metric.
struct MetricResult {
  std::string metric;
  std::string variant;
  bool guardrail = false;
  stats::ArmMoments control, treatment;
  stats::Comparison comparison;
  stats::BayesianResult bayes;
  double adjusted_p = 1;
  stats::MetricVerdict verdict;
};

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

Result<stats::ArmMoments> Moments(const ArmRow& row) {
  return row.proportion
             ? stats::MomentsFromSuccesses(row.n, row.successes)
             : stats::MomentsFromSums(static_cast<double>(row.n), row.sum, row.sum_squares);
}

Status RunExperimentAnalyze(const AnalyzeArgs& args, CommandOutcome& outcome) {
  Result<stats::Correction> correction =
      ParseChoice<stats::Correction>("--correction", args.correction,
                                     {{"holm", stats::Correction::kHolm},
                                      {"bh", stats::Correction::kBenjaminiHochberg},
                                      {"none", stats::Correction::kNone}});
  if (!correction.ok()) return correction.status();
  if (!(args.alpha > 0 && args.alpha < 1))
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("--alpha {}: expected between 0 and 1", args.alpha));
  Result<std::vector<ArmRow>> rows = ReadSummary(args.input);
  if (!rows.ok()) return rows.status();

  std::vector<std::string> variants, metrics;
  std::map<std::pair<std::string, std::string>, const ArmRow*> by_key;
  for (const ArmRow& row : *rows) {
    if (!Contains(variants, row.variant)) variants.push_back(row.variant);
    if (!Contains(metrics, row.metric)) metrics.push_back(row.metric);
    if (!by_key.emplace(std::pair{row.variant, row.metric}, &row).second)
      return Status(ErrorCode::kDataError, fmt::format("{}: variant '{}' has metric '{}' twice",
                                                       args.input, row.variant, row.metric));
  }
  const std::string control = args.control.empty() ? variants.front() : args.control;
  if (!Contains(variants, control))
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("--control '{}': no such variant (variants: {})", control,
                              fmt::join(variants, ", ")));
  if (variants.size() < 2)
    return Status(ErrorCode::kDataError,
                  fmt::format("{}: one variant only ('{}'); an experiment needs a control and at "
                              "least one treatment",
                              args.input, control));
  for (const std::string& name : args.guardrails)
    if (!Contains(metrics, name))
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("--guardrails '{}': no such metric (metrics: {})", name,
                                fmt::join(metrics, ", ")));

  // Sample ratio: users per variant = the largest n among its metrics.
  std::vector<std::int64_t> users(variants.size(), 0);
  for (const ArmRow& row : *rows) {
    const auto idx = static_cast<size_t>(std::find(variants.begin(), variants.end(), row.variant) -
                                         variants.begin());
    users[idx] = std::max(users[idx], row.n);
  }
  std::vector<double> weights = args.weights;
  if (weights.empty()) weights.assign(variants.size(), 1.0 / static_cast<double>(variants.size()));
  if (weights.size() != variants.size())
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("--weights: {} given for {} variants ({})", weights.size(),
                              variants.size(), fmt::join(variants, ", ")));
  Result<stats::SrmResult> srm = stats::CheckSampleRatio(users, weights);
  if (!srm.ok()) return srm.status();

  std::vector<MetricResult> results;
  for (const std::string& metric : metrics) {
    const auto control_row = by_key.find({control, metric});
    if (control_row == by_key.end())
      return Status(ErrorCode::kDataError,
                    fmt::format("{}: metric '{}' has no row for the control '{}'", args.input,
                                metric, control));
    for (const std::string& variant : variants) {
      if (variant == control) continue;
      const auto treatment_row = by_key.find({variant, metric});
      if (treatment_row == by_key.end()) continue;
      const ArmRow& c = *control_row->second;
      const ArmRow& t = *treatment_row->second;
      if (c.proportion != t.proportion)
        return Status(ErrorCode::kDataError,
                      fmt::format("{}: metric '{}' is a rate in one arm and a mean in another",
                                  args.input, metric));
      MetricResult result;
      result.metric = metric;
      result.variant = variant;
      result.guardrail = Contains(args.guardrails, metric);
      Result<stats::ArmMoments> cm = Moments(c);
      Result<stats::ArmMoments> tm = Moments(t);
      if (!cm.ok()) return cm.status();
      if (!tm.ok()) return tm.status();
      result.control = *cm;
      result.treatment = *tm;
      Result<stats::Comparison> comparison =
          c.proportion ? stats::CompareProportions(c.n, c.successes, t.n, t.successes, args.alpha)
                       : stats::CompareMeans(*cm, *tm, args.alpha);
      if (!comparison.ok())
        return Status(comparison.status().code(),
                      fmt::format("metric '{}', variant '{}': {}", metric, variant,
                                  comparison.status().message()));
      result.comparison = *comparison;
      Result<stats::BayesianResult> bayes =
          stats::BayesianLift(comparison->relative, stats::BayesianPrior{}, args.alpha);
      if (bayes.ok()) result.bayes = *bayes;
      results.push_back(std::move(result));
    }
  }
  // Corrections over the goal comparisons only; guardrails are judged on their own.
  std::vector<double> goal_p;
  for (const MetricResult& result : results)
    if (!result.guardrail) goal_p.push_back(result.comparison.relative.p_value);
  Result<std::vector<double>> adjusted = stats::AdjustPValues(goal_p, *correction);
  if (!adjusted.ok()) return adjusted.status();
  std::vector<stats::MetricVerdict> goals, guardrails;
  size_t goal_idx = 0;
  for (MetricResult& result : results) {
    stats::MetricSpec spec{result.metric, !Contains(args.lower_is_better, result.metric),
                           args.alpha, args.margin};
    if (result.guardrail) {
      result.adjusted_p = result.comparison.relative.p_value;
      result.verdict = stats::JudgeGuardrail(spec, result.comparison.relative);
      guardrails.push_back(result.verdict);
    } else {
      result.adjusted_p = (*adjusted)[goal_idx++];
      result.verdict = stats::JudgeGoal(spec, result.comparison.relative, result.adjusted_p);
      goals.push_back(result.verdict);
    }
  }
  const stats::ExperimentVerdict overall = stats::JudgeExperiment(*srm, goals, guardrails);

  View view;
  view.columns = {{"metric", "Metric", Align::kLeft},
                  {"variant", "Variant", Align::kLeft},
                  {"role", "Role", Align::kLeft},
                  {"n_control", "n control"},
                  {"n_treatment", "n treatment"},
                  {"mean_control", "Mean control"},
                  {"mean_treatment", "Mean treatment"},
                  {"absolute_lift", "Abs. lift"},
                  {"absolute_ci_low", "Abs. CI low"},
                  {"absolute_ci_high", "Abs. CI high"},
                  {"absolute_p", "Abs. p"},
                  {"relative_lift", "Rel. lift"},
                  {"relative_ci_low", "Rel. CI low"},
                  {"relative_ci_high", "Rel. CI high"},
                  {"relative_p", "Rel. p"},
                  {"adjusted_p", "Adjusted p"},
                  {"chance_to_beat_control", "P(beat ctrl)"},
                  {"expected_loss", "Exp. loss"},
                  {"decision", "Decision", Align::kLeft},
                  {"reason", "Reason", Align::kLeft}};
  view.rows = results.size();
  view.row = [&results](size_t row, std::vector<Cell>& cells) {
    const MetricResult& r = results[row];
    const stats::LiftEstimate& a = r.comparison.absolute;
    const stats::LiftEstimate& rel = r.comparison.relative;
    cells = {Cell::Text(r.metric),
             Cell::Text(r.variant),
             Cell::Text(r.guardrail ? "guardrail" : "goal"),
             Cell::Number(r.control.n, 0),
             Cell::Number(r.treatment.n, 0),
             Cell::Number(r.control.mean, 5),
             Cell::Number(r.treatment.mean, 5),
             Cell::Number(a.estimate, 5),
             Cell::Number(a.ci_low, 5),
             Cell::Number(a.ci_high, 5),
             Cell::Number(a.p_value, 5),
             Cell::Percent(rel.estimate),
             Cell::Percent(rel.ci_low),
             Cell::Percent(rel.ci_high),
             Cell::Number(rel.p_value, 5),
             Cell::Number(r.adjusted_p, 5),
             Cell::Percent(r.bayes.chance_to_beat_control),
             Cell::Percent(r.bayes.expected_loss_ship),
             Cell::Text(stats::DecisionName(r.verdict.decision)),
             Cell::Text(r.verdict.reason)};
  };
  switch (args.format) {
    case OutputFormat::kTable: {
      std::string out = fmt::format(
          "Experiment {}: control '{}', {} treatment arm(s), {} metric(s), "
          "alpha {}, {} correction\n\n",
          args.input, control, variants.size() - 1, metrics.size(), args.alpha, args.correction);
      out += fmt::format("Sample ratio: {}\n\n", srm->message);
      // The numbers; the verdicts follow as sentences.
      out += RenderTable(SelectColumns(
          view,
          {"metric", "variant", "role", "n_control", "n_treatment", "mean_control",
           "mean_treatment", "absolute_lift", "absolute_ci_low", "absolute_ci_high", "absolute_p",
           "relative_lift", "relative_ci_low", "relative_ci_high", "relative_p", "adjusted_p"}));
      out += "\n";
      for (const MetricResult& r : results)
        out += fmt::format("{} / {} ({}): {}: {}\n", r.metric, r.variant,
                           r.guardrail ? "guardrail" : "goal",
                           stats::DecisionName(r.verdict.decision), r.verdict.reason);
      out +=
          fmt::format("\nVerdict: {}: {}\n", stats::DecisionName(overall.decision), overall.reason);
      PrintOut(outcome, out);
      break;
    }
    case OutputFormat::kJson: {
      JsonDocument json;
      json.Set("control", control);
      json.Set("correction", args.correction);
      json.Set("alpha", args.alpha);
      json.Set("srm", {{"chi_square", srm->chi_square},
                       {"dof", srm->dof},
                       {"p_value", srm->p_value},
                       {"mismatch", srm->mismatch},
                       {"message", srm->message}});
      json.SetRows("results", view);
      json.Set("verdict",
               {{"decision", stats::DecisionName(overall.decision)}, {"reason", overall.reason}});
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

void AddExperimentAnalyzeCommand(CLI::App& experiment, CommandOutcome& outcome) {
  auto args = std::make_shared<AnalyzeArgs>();
  CLI::App* analyze = experiment.add_subcommand(
      "analyze",
      "Analyse an A/B test from per-arm summary statistics: a CSV with variant, metric, n and "
      "either sum, sum_squares (means) or successes (conversion rates). Welch t (means) or z "
      "(rates) with absolute and relative lift, intervals and p-values (relative lift by the "
      "delta method, as GrowthBook), Holm or Benjamini-Hochberg across goal metrics, chance to "
      "beat control and expected loss (flat prior), guardrails with a non-inferiority margin, "
      "the sample-ratio check, and a verdict per metric in words.");
  analyze->add_option("input", args->input, "Summary CSV")->required()->check(CLI::ExistingFile);
  analyze->add_option("--control", args->control,
                      "Control variant (default: the first in the file)");
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
  AddFormatOption(*analyze, args->format);
  analyze->callback([args, &outcome] {
    const Status status = RunExperimentAnalyze(*args, outcome);
    if (!status.ok()) ReportFailure("experiment analyze", status, outcome);
  });
}

}  // namespace growthlens::cli
