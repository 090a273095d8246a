// growthlens experiment plan: users per arm, power, or the minimum detectable effect of an A/B
// test, each from the other two, for conversion rates (Cohen's h, statsmodels NormalIndPower)
// and means (Cohen's d, TTestIndPower), with the expected duration from daily traffic. The
// baseline and standard deviation are given, or estimated from a data file (--data).

#include <fmt/format.h>

#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/analysis_view.h"
#include "cli/command.h"
#include "cli/option_bounds.h"
#include "cli/plan_data.h"
#include "core/number_format.h"
#include "stats/power.h"

namespace growthlens::cli {

namespace {

enum class Solve { kSampleSize, kPower, kMde };

struct PlanArgs {
  std::string metric = "proportion";
  std::string solve = "n";
  std::string alternative = "two-sided";
  std::optional<double> baseline;
  std::optional<double> std_dev;
  std::optional<double> effect;
  std::optional<double> relative_effect;
  std::optional<double> n_control;
  double alpha = 0.05;
  double power = 0.8;
  double ratio = 1.0;
  int arms = 1;
  std::optional<double> daily_traffic;
  double traffic_share = 1.0;
  OutputFormat format = OutputFormat::kTable;
  AnalysisInput data;  // --data FILE (empty: none), with the loading flags of ingest
};

/// With an estimate (--data) the metric kind, baseline and standard deviation come from it.
Result<stats::PowerPlan> BuildPlan(const PlanArgs& args, Solve solve,
                                   const std::optional<MetricEstimate>& estimate) {
  stats::PowerPlan plan;
  if (estimate) {
    plan.metric = estimate->proportion ? stats::MetricKind::kProportion : stats::MetricKind::kMean;
  } else {
    Result<stats::MetricKind> metric = ParseChoice<stats::MetricKind>(
        "--metric", args.metric,
        {{"proportion", stats::MetricKind::kProportion}, {"mean", stats::MetricKind::kMean}});
    if (!metric.ok()) return metric.status();
    plan.metric = *metric;
  }
  Result<stats::Alternative> alternative =
      ParseChoice<stats::Alternative>("--alternative", args.alternative,
                                      {{"two-sided", stats::Alternative::kTwoSided},
                                       {"larger", stats::Alternative::kLarger},
                                       {"smaller", stats::Alternative::kSmaller}});
  if (!alternative.ok()) return alternative.status();
  plan.alternative = *alternative;
  if (estimate && (args.baseline || args.std_dev))
    return Invalid(
        "--data estimates the baseline and the standard deviation: leave out --baseline and "
        "--std-dev");
  if (!args.baseline && !estimate)
    return Invalid("--baseline: required (control conversion rate or mean), or --data FILE");
  plan.baseline = estimate ? estimate->mean : *args.baseline;
  if (plan.metric == stats::MetricKind::kProportion && !(plan.baseline > 0 && plan.baseline < 1))
    return Invalid(fmt::format("{} {}: a conversion rate between 0 and 1 (exclusive)",
                               estimate ? "the estimated rate" : "--baseline", plan.baseline));
  if (plan.metric == stats::MetricKind::kMean) {
    if (estimate) {
      if (!(estimate->std_dev > 0))
        return Status(ErrorCode::kDataError,
                      fmt::format("--data: metric '{}' is the same ({}) for every user; its "
                                  "standard deviation is 0",
                                  estimate->metric, estimate->mean));
      plan.std_dev = estimate->std_dev;
    } else {
      if (!args.std_dev || !(*args.std_dev > 0))
        return Invalid("--std-dev: required for --metric mean, a positive standard deviation");
      plan.std_dev = *args.std_dev;
    }
  }
  if (solve != Solve::kMde) {
    if (args.effect.has_value() == args.relative_effect.has_value())
      return Invalid(
          "give exactly one of --effect (absolute, treatment - control) and "
          "--relative-effect (a fraction of the baseline, 0.1 = +10%)");
    plan.relative_effect = args.relative_effect.has_value();
    plan.effect = args.effect ? *args.effect : *args.relative_effect;
  }
  if (solve != Solve::kSampleSize) {
    if (!args.n_control || !(*args.n_control >= 2))
      return Invalid("--n: required with --solve power or mde, the users in control (>= 2)");
    plan.n_control = *args.n_control;
  }
  if (!(args.alpha > 0 && args.alpha < 1))
    return Invalid(fmt::format("--alpha {}: expected between 0 and 1", args.alpha));
  if (!(args.power > 0 && args.power < 1))
    return Invalid(fmt::format("--power {}: expected between 0 and 1", args.power));
  if (!(args.ratio > 0)) return Invalid(fmt::format("--ratio {}: expected > 0", args.ratio));
  if (args.arms < 1) return Invalid(fmt::format("--arms {}: expected >= 1", args.arms));
  plan.alpha = args.alpha;
  plan.power = args.power;
  plan.ratio = args.ratio;
  plan.treatment_arms = args.arms;
  return plan;
}

struct Line {
  std::string key;
  std::string label;
  Cell value;
};

Status RunPlan(PlanArgs& args, CommandOutcome& outcome) {
  Result<Solve> solve = ParseChoice<Solve>(
      "--solve", args.solve,
      {{"n", Solve::kSampleSize}, {"power", Solve::kPower}, {"mde", Solve::kMde}});
  if (!solve.ok()) return solve.status();
  std::optional<MetricEstimate> estimate;
  if (!args.data.input.empty()) {
    if (args.metric == "proportion" || args.metric == "mean")
      return Invalid(fmt::format(
          "--data: name the per-user metric to estimate with --metric (events, active_days; "
          "revenue, orders, aov; or a column of a per-user CSV), not '{}'",
          args.metric));
    Result<MetricEstimate> estimated =
        EstimateMetric("experiment plan", args.data, args.metric, outcome);
    if (!estimated.ok()) return estimated.status();
    estimate = *estimated;
  }
  Result<stats::PowerPlan> plan = BuildPlan(args, *solve, estimate);
  if (!plan.ok()) return plan.status();
  const bool proportion = plan->metric == stats::MetricKind::kProportion;
  std::vector<Line> lines = {
      {"metric", "Metric",
       Cell::Text(proportion ? "conversion rate (Cohen's h)" : "mean (Cohen's d)")}};
  if (estimate) {
    lines.push_back({"data", "Estimated from",
                     Cell::Text(fmt::format("{} ({})", args.data.input, estimate->source))});
    lines.push_back({"data_metric", "Per-user metric",
                     Cell::Text(fmt::format("{}: {}", estimate->metric, estimate->definition))});
    lines.push_back({"data_users", "Users in the data", Cell::Integer(estimate->users)});
    lines.push_back({"data_mean", "Mean per user", Cell::Number(estimate->mean, 4)});
    lines.push_back(
        {"data_std_dev", "Standard deviation per user", Cell::Number(estimate->std_dev, 4)});
  }
  lines.insert(lines.end(),
               {{"baseline", "Baseline",
                 proportion ? Cell::Percent(plan->baseline) : Cell::Number(plan->baseline, 4)}});
  if (!proportion)
    lines.push_back({"std_dev", "Standard deviation", Cell::Number(plan->std_dev, 4)});
  lines.insert(lines.end(),
               {{"alpha", "Alpha", Cell::Number(plan->alpha, 4)},
                {"alternative", "Alternative", Cell::Text(args.alternative)},
                {"ratio", "Allocation ratio (treatment / control)", Cell::Number(plan->ratio, 3)},
                {"treatment_arms", "Treatment arms", Cell::Integer(plan->treatment_arms)}});
  std::optional<int64_t> n_total;
  switch (*solve) {
    case Solve::kSampleSize: {
      Result<stats::SampleSizePlan> size = stats::PlanSampleSize(*plan);
      if (!size.ok()) return size.status();
      lines.push_back({"power", "Power", Cell::Percent(plan->power)});
      lines.push_back({"effect", plan->relative_effect ? "Effect (relative)" : "Effect (absolute)",
                       plan->relative_effect || proportion ? Cell::Percent(plan->effect)
                                                           : Cell::Number(plan->effect, 4)});
      lines.push_back({"effect_size", "Standardized effect", Cell::Number(size->effect_size, 5)});
      lines.push_back(
          {"n_control_exact", "Control users (exact)", Cell::Number(size->n_control_exact, 2)});
      lines.push_back({"n_control", "Control users", Cell::Integer(size->n_control)});
      lines.push_back(
          {"n_per_treatment", "Users per treatment arm", Cell::Integer(size->n_per_treatment)});
      lines.push_back({"n_total", "Users in all", Cell::Integer(size->n_total)});
      n_total = size->n_total;
      break;
    }
    case Solve::kPower: {
      Result<double> power = stats::SolvePower(*plan);
      if (!power.ok()) return power.status();
      lines.push_back({"n_control", "Control users", Cell::Number(plan->n_control, 0)});
      lines.push_back({"effect", plan->relative_effect ? "Effect (relative)" : "Effect (absolute)",
                       plan->relative_effect || proportion ? Cell::Percent(plan->effect)
                                                           : Cell::Number(plan->effect, 4)});
      lines.push_back({"power", "Power", Cell::Percent(*power)});
      n_total = static_cast<int64_t>(
          std::ceil(plan->n_control * (1 + plan->ratio * plan->treatment_arms)));
      break;
    }
    case Solve::kMde: {
      Result<stats::MdePlan> mde = stats::SolveMde(*plan);
      if (!mde.ok()) return mde.status();
      lines.push_back({"n_control", "Control users", Cell::Number(plan->n_control, 0)});
      lines.push_back({"power", "Power", Cell::Percent(plan->power)});
      lines.push_back({"effect_size", "Standardized effect", Cell::Number(mde->effect_size, 5)});
      lines.push_back({"mde_absolute", "Minimum detectable effect (absolute)",
                       proportion ? Cell::Percent(mde->absolute) : Cell::Number(mde->absolute, 4)});
      lines.push_back(
          {"mde_relative", "Minimum detectable effect (relative)", Cell::Percent(mde->relative)});
      n_total = static_cast<int64_t>(
          std::ceil(plan->n_control * (1 + plan->ratio * plan->treatment_arms)));
      break;
    }
  }
  if (args.daily_traffic && n_total) {
    Result<int64_t> days =
        stats::ExpectedDurationDays(*n_total, *args.daily_traffic, args.traffic_share);
    if (!days.ok()) return days.status();
    lines.push_back({"duration_days", "Expected duration (days)", Cell::Integer(*days)});
  }
  View view;
  view.columns = {{"field", "Plan", Align::kLeft}, {"value", "Value"}};
  view.rows = lines.size();
  const bool labels = args.format == OutputFormat::kTable;
  view.row = [&lines, labels](size_t row, std::vector<Cell>& cells) {
    cells = {Cell::Text(labels ? lines[row].label : lines[row].key), lines[row].value};
  };
  std::string out;
  switch (args.format) {
    case OutputFormat::kTable:
      out = RenderTable(view);
      break;
    case OutputFormat::kJson: {
      JsonDocument json;
      for (const Line& line : lines) json.Set(line.key, line.value.Json());
      out = json.Render();
      break;
    }
    case OutputFormat::kCsv:
      out = RenderCsv(view);
      break;
  }
  PrintOut(outcome, out);
  return Status::Ok();
}

}  // namespace

void RegisterExperimentCommands(CLI::App& app, CommandOutcome& outcome) {
  CLI::App* experiment = app.add_subcommand(
      "experiment",
      "A/B tests: plan (sample size, power or minimum detectable effect) and analyze (lifts, "
      "intervals, corrections, guardrails, sample-ratio check, verdicts)");
  experiment->require_subcommand(1);
  auto args = std::make_shared<PlanArgs>();
  CLI::App* plan = experiment->add_subcommand(
      "plan",
      "Users per arm (--solve n, default), power (--solve power --n N) or the minimum detectable "
      "effect (--solve mde --n N) of an A/B test, as statsmodels computes them: conversion rates "
      "with Cohen's h (NormalIndPower), means with Cohen's d (TTestIndPower). Means take "
      "--baseline and --std-dev, or --data FILE --metric NAME to estimate both from a usage "
      "log, a transactions file or a per-user CSV. Example: growthlens experiment plan "
      "--baseline 0.10 --effect 0.01 (14,745 per arm at alpha 0.05, power 0.8, two-sided).");
  plan->add_option("--metric", args->metric,
                   "proportion (default) or mean; with --data, the per-user metric to estimate: "
                   "events or active_days (usage logs), revenue, orders or aov (transactions), "
                   "monetary, frequency or recency (both), or a column of a per-user CSV")
      ->option_text("proportion|mean|NAME");
  plan->add_option("--solve", args->solve, "n (default), power or mde")->option_text("n|power|mde");
  plan->add_option("--baseline", args->baseline, "Control conversion rate (0-1) or mean");
  plan->add_option("--std-dev", args->std_dev, "Standard deviation of the metric (--metric mean)");
  plan->add_option("--data", args->data.input,
                   "Estimate the baseline (mean) and standard deviation of --metric from this "
                   "file: a usage log or transactions file (loaded and cleaned as ingest does), "
                   "or a CSV with one row per user (a 0/1 column plans a conversion rate)")
      ->check(CLI::ExistingFile);
  plan->add_flag("--quiet", args->data.quiet, "No loading progress on stderr (--data)");
  AddIngestOptions(*plan, args->data.flags);
  plan->add_option("--effect", args->effect,
                   "Absolute effect: treatment - control (0.01 = +1 point)");
  plan->add_option("--relative-effect", args->relative_effect,
                   "Effect as a fraction of the baseline (0.1 = +10%)");
  plan->add_option("--n", args->n_control, "Users in control (--solve power or mde)");
  plan->add_option("--alpha", args->alpha, "Significance level (default 0.05)");
  plan->add_option("--power", args->power, "Power (default 0.8)");
  plan->add_option("--alternative", args->alternative,
                   "two-sided (default), larger (treatment larger) or smaller")
      ->option_text("two-sided|larger|smaller");
  plan->add_option("--ratio", args->ratio,
                   "Users per treatment arm / users in control (default 1)");
  plan->add_option("--arms", args->arms,
                   "Treatment arms besides control (default 1); each is "
                   "compared with control at --alpha")
      ->check(WholeNumberIn(1, 100));
  plan->add_option("--daily-traffic", args->daily_traffic,
                   "Eligible users a day, for the expected duration");
  plan->add_option("--traffic-share", args->traffic_share,
                   "Share of eligible users that enter the test (default 1)");
  AddFormatOption(*plan, args->format);
  plan->callback([args, &outcome] {
    const Status status = RunPlan(*args, outcome);
    if (!status.ok()) ReportFailure("experiment plan", status, outcome);
  });
  AddExperimentAnalyzeCommand(*experiment, outcome);
  AddExperimentSimulateCommand(*experiment, outcome);
}

}  // namespace growthlens::cli
