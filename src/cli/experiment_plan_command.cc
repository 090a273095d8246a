// growthlens experiment plan: users per arm, power, or the minimum detectable effect of an A/B
// test, each from the other two, for conversion rates (Cohen's h, statsmodels NormalIndPower)
// and means (Cohen's d, TTestIndPower), with the expected duration from daily traffic.

#include <fmt/format.h>

#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/analysis_view.h"
#include "cli/command.h"
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
};

Status Invalid(std::string message) {
  return Status(ErrorCode::kInvalidArgument, std::move(message));
}

Result<stats::PowerPlan> BuildPlan(const PlanArgs& args, Solve solve) {
  stats::PowerPlan plan;
  Result<stats::MetricKind> metric = ParseChoice<stats::MetricKind>(
      "--metric", args.metric,
      {{"proportion", stats::MetricKind::kProportion}, {"mean", stats::MetricKind::kMean}});
  if (!metric.ok()) return metric.status();
  plan.metric = *metric;
  Result<stats::Alternative> alternative =
      ParseChoice<stats::Alternative>("--alternative", args.alternative,
                                      {{"two-sided", stats::Alternative::kTwoSided},
                                       {"larger", stats::Alternative::kLarger},
                                       {"smaller", stats::Alternative::kSmaller}});
  if (!alternative.ok()) return alternative.status();
  plan.alternative = *alternative;
  if (!args.baseline) return Invalid("--baseline: required (control conversion rate or mean)");
  plan.baseline = *args.baseline;
  if (plan.metric == stats::MetricKind::kProportion && !(plan.baseline > 0 && plan.baseline < 1))
    return Invalid(
        fmt::format("--baseline {}: a conversion rate between 0 and 1 (exclusive)", plan.baseline));
  if (plan.metric == stats::MetricKind::kMean) {
    if (!args.std_dev || !(*args.std_dev > 0))
      return Invalid("--std-dev: required for --metric mean, a positive standard deviation");
    plan.std_dev = *args.std_dev;
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

Status RunPlan(const PlanArgs& args) {
  Result<Solve> solve = ParseChoice<Solve>(
      "--solve", args.solve,
      {{"n", Solve::kSampleSize}, {"power", Solve::kPower}, {"mde", Solve::kMde}});
  if (!solve.ok()) return solve.status();
  Result<stats::PowerPlan> plan = BuildPlan(args, *solve);
  if (!plan.ok()) return plan.status();
  const bool proportion = plan->metric == stats::MetricKind::kProportion;
  std::vector<Line> lines = {
      {"metric", "Metric",
       Cell::Text(proportion ? "conversion rate (Cohen's h)" : "mean (Cohen's d)")},
      {"baseline", "Baseline",
       proportion ? Cell::Percent(plan->baseline) : Cell::Number(plan->baseline, 4)},
      {"alpha", "Alpha", Cell::Number(plan->alpha, 4)},
      {"alternative", "Alternative", Cell::Text(args.alternative)},
      {"ratio", "Allocation ratio (treatment / control)", Cell::Number(plan->ratio, 3)},
      {"treatment_arms", "Treatment arms", Cell::Integer(plan->treatment_arms)}};
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
  switch (args.format) {
    case OutputFormat::kTable:
      PrintOut(RenderTable(view));
      break;
    case OutputFormat::kJson: {
      JsonDocument json;
      for (const Line& line : lines) json.Set(line.key, line.value.Json());
      PrintOut(json.Render());
      break;
    }
    case OutputFormat::kCsv:
      PrintOut(RenderCsv(view));
      break;
  }
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
      "with Cohen's h (NormalIndPower), means with Cohen's d (TTestIndPower). Example: "
      "growthlens experiment plan --baseline 0.10 --effect 0.01 (14,745 per arm at alpha 0.05, "
      "power 0.8, two-sided).");
  plan->add_option("--metric", args->metric, "proportion (default) or mean")
      ->option_text("proportion|mean");
  plan->add_option("--solve", args->solve, "n (default), power or mde")->option_text("n|power|mde");
  plan->add_option("--baseline", args->baseline, "Control conversion rate (0-1) or mean");
  plan->add_option("--std-dev", args->std_dev, "Standard deviation of the metric (--metric mean)");
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
                   "compared with control at --alpha");
  plan->add_option("--daily-traffic", args->daily_traffic,
                   "Eligible users a day, for the expected duration");
  plan->add_option("--traffic-share", args->traffic_share,
                   "Share of eligible users that enter the test (default 1)");
  AddFormatOption(*plan, args->format);
  plan->callback([args, &outcome] {
    const Status status = RunPlan(*args);
    if (!status.ok()) ReportFailure("experiment plan", status, outcome);
  });
  AddExperimentAnalyzeCommand(*experiment, outcome);
  AddExperimentSimulateCommand(*experiment, outcome);
}

}  // namespace growthlens::cli
