#include "app/experiment_plan_analysis.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "app/metric_estimate.h"
#include "app/table_view.h"
#include "stats/power.h"

namespace growthlens::app {

namespace {

struct PlanParams {
  std::string metric;  ///< proportion, mean, or a per-user metric to estimate from the data
  std::string solve;   ///< n, power or mde
  std::string alternative;
  std::optional<double> baseline;
  std::optional<double> std_dev;
  std::optional<double> effect;
  std::optional<double> relative_effect;
  std::optional<double> n_control;
  double alpha = 0.05;
  double power = 0.8;
  double ratio = 1.0;
  int64_t arms = 1;
  std::optional<double> daily_traffic;
  double traffic_share = 1.0;
};

enum class Solve { kSampleSize, kPower, kMde };

/// One line of the plan: its JSON/CSV key, its label in a table, and its value.
struct PlanLine {
  std::string key;
  std::string label;
  Cell value;
};

struct PlanResult {
  std::vector<PlanLine> lines;
};

bool EstimatesFromData(const std::string& metric) {
  return metric != "proportion" && metric != "mean";
}

/// How messages name the data a metric is estimated from: --data, or the loaded data.
std::string DataName(Naming naming) {
  return naming == Naming::kCli ? "--data" : "the data";
}

Status InvalidPlan(std::string message) {
  return Status(ErrorCode::kInvalidArgument, std::move(message));
}

/// The metric estimated from what `input` holds: the loaded data, or a per-user CSV.
Result<std::optional<MetricEstimate>> EstimateFromInput(const RunInput& input,
                                                        const PlanParams& params,
                                                        const RunContext& context) {
  if (input.data == nullptr && !input.file) return std::optional<MetricEstimate>();
  if (!EstimatesFromData(params.metric))
    return InvalidPlan(fmt::format(
        "{}: name the per-user metric to estimate with {} (events, active_days; revenue, orders, "
        "aov; or a column of a per-user CSV), not '{}'",
        DataName(context.naming), ShownName("metric", context.naming), params.metric));
  Result<MetricEstimate> estimate =
      input.data != nullptr
          ? EstimateFromData(*input.data, params.metric, context.naming)
          : EstimateFromPerUserCsv(input.file->text, input.file->name, params.metric,
                                   context.threads, context.naming);
  if (!estimate.ok()) return estimate.status();
  return std::optional<MetricEstimate>(std::move(estimate).value());
}

/// The statistical plan; with an estimate the metric kind, baseline and standard deviation come
/// from it.
Result<stats::PowerPlan> BuildPlan(const PlanParams& params, Naming naming,
                                   const std::optional<MetricEstimate>& estimate) {
  const auto shown = [naming](std::string_view name) { return ShownName(name, naming); };
  stats::PowerPlan plan;
  if (estimate) {
    plan.metric = estimate->proportion ? stats::MetricKind::kProportion : stats::MetricKind::kMean;
  } else if (params.metric == "proportion" || params.metric == "mean") {
    plan.metric =
        params.metric == "mean" ? stats::MetricKind::kMean : stats::MetricKind::kProportion;
  } else {
    return InvalidPlan(fmt::format(
        "{} '{}': expected proportion or mean, or a per-user metric with {}", shown("metric"),
        params.metric, naming == Naming::kCli ? "--data FILE" : "data loaded"));
  }
  plan.alternative = params.alternative == "larger"    ? stats::Alternative::kLarger
                     : params.alternative == "smaller" ? stats::Alternative::kSmaller
                                                       : stats::Alternative::kTwoSided;
  if (estimate && (params.baseline || params.std_dev))
    return InvalidPlan(
        fmt::format("{} estimates the baseline and the standard deviation: leave out {} and {}",
                    DataName(naming), shown("baseline"), shown("std-dev")));
  if (!params.baseline && !estimate)
    return InvalidPlan(fmt::format("{}: required (control conversion rate or mean){}",
                                   shown("baseline"),
                                   naming == Naming::kCli ? ", or --data FILE" : ""));
  plan.baseline = estimate ? estimate->mean : *params.baseline;
  if (plan.metric == stats::MetricKind::kProportion && !(plan.baseline > 0 && plan.baseline < 1))
    return InvalidPlan(fmt::format("{} {}: a conversion rate between 0 and 1 (exclusive)",
                                   estimate ? "the estimated rate" : shown("baseline"),
                                   plan.baseline));
  if (plan.metric == stats::MetricKind::kMean) {
    if (estimate) {
      if (!(estimate->std_dev > 0))
        return Status(ErrorCode::kDataError,
                      fmt::format("{}: metric '{}' is the same ({}) for every user; its "
                                  "standard deviation is 0",
                                  DataName(naming), estimate->metric, estimate->mean));
      plan.std_dev = estimate->std_dev;
    } else {
      if (!params.std_dev || !(*params.std_dev > 0))
        return InvalidPlan(fmt::format("{}: required for {}, a positive standard deviation",
                                       shown("std-dev"), GivenText("metric", naming, "mean")));
      plan.std_dev = *params.std_dev;
    }
  }
  const Solve solve = params.solve == "power" ? Solve::kPower
                      : params.solve == "mde" ? Solve::kMde
                                              : Solve::kSampleSize;
  if (solve != Solve::kMde) {
    if (params.effect.has_value() == params.relative_effect.has_value())
      return InvalidPlan(fmt::format(
          "give exactly one of {} (absolute, treatment - control) and {} (a fraction of the "
          "baseline, 0.1 = +10%)",
          shown("effect"), shown("relative-effect")));
    plan.relative_effect = params.relative_effect.has_value();
    plan.effect = params.effect ? *params.effect : *params.relative_effect;
  }
  if (solve != Solve::kSampleSize) {
    if (!params.n_control || !(*params.n_control >= 2))
      return InvalidPlan(fmt::format("{}: required with {} or mde, the users in control (>= 2)",
                                     shown("n"), GivenText("solve", naming, "power")));
    plan.n_control = *params.n_control;
  }
  if (!(params.alpha > 0 && params.alpha < 1))
    return BadGiven("alpha", naming, fmt::format("{}", params.alpha), "expected between 0 and 1");
  if (!(params.power > 0 && params.power < 1))
    return BadGiven("power", naming, fmt::format("{}", params.power), "expected between 0 and 1");
  if (!(params.ratio > 0))
    return BadGiven("ratio", naming, fmt::format("{}", params.ratio), "expected > 0");
  plan.alpha = params.alpha;
  plan.power = params.power;
  plan.ratio = params.ratio;
  plan.treatment_arms = static_cast<int>(params.arms);
  return plan;
}

Cell EffectCell(const stats::PowerPlan& plan, bool proportion) {
  return plan.relative_effect || proportion ? Cell::Percent(plan.effect)
                                            : Cell::Number(plan.effect, 4);
}

const char* EffectLabel(const stats::PowerPlan& plan) {
  return plan.relative_effect ? "Effect (relative)" : "Effect (absolute)";
}

Result<PlanResult> RunPlan(const RunInput& input, const PlanParams& params, RunContext& context) {
  Result<std::optional<MetricEstimate>> estimated = EstimateFromInput(input, params, context);
  if (!estimated.ok()) return estimated.status();
  const std::optional<MetricEstimate>& estimate = *estimated;
  Result<stats::PowerPlan> plan = BuildPlan(params, context.naming, estimate);
  if (!plan.ok()) return plan.status();
  const bool proportion = plan->metric == stats::MetricKind::kProportion;
  std::vector<PlanLine> lines = {
      {"metric", "Metric",
       Cell::Text(proportion ? "conversion rate (Cohen's h)" : "mean (Cohen's d)")}};
  if (estimate) {
    lines.push_back({"data", "Estimated from",
                     Cell::Text(fmt::format("{} ({})", context.source, estimate->source))});
    lines.push_back({"data_metric", "Per-user metric",
                     Cell::Text(fmt::format("{}: {}", estimate->metric, estimate->definition))});
    lines.push_back({"data_users", "Users in the data", Cell::Integer(estimate->users)});
    lines.push_back({"data_mean", "Mean per user", Cell::Number(estimate->mean, 4)});
    lines.push_back(
        {"data_std_dev", "Standard deviation per user", Cell::Number(estimate->std_dev, 4)});
  }
  lines.push_back({"baseline", "Baseline",
                   proportion ? Cell::Percent(plan->baseline) : Cell::Number(plan->baseline, 4)});
  if (!proportion)
    lines.push_back({"std_dev", "Standard deviation", Cell::Number(plan->std_dev, 4)});
  lines.insert(lines.end(),
               {{"alpha", "Alpha", Cell::Number(plan->alpha, 4)},
                {"alternative", "Alternative", Cell::Text(params.alternative)},
                {"ratio", "Allocation ratio (treatment / control)", Cell::Number(plan->ratio, 3)},
                {"treatment_arms", "Treatment arms", Cell::Integer(plan->treatment_arms)}});
  std::optional<int64_t> n_total;
  const auto total_of_control = [&plan] {
    return static_cast<int64_t>(
        std::ceil(plan->n_control * (1 + plan->ratio * plan->treatment_arms)));
  };
  if (params.solve == "power") {
    Result<double> power = stats::SolvePower(*plan);
    if (!power.ok()) return power.status();
    lines.push_back({"n_control", "Control users", Cell::Number(plan->n_control, 0)});
    lines.push_back({"effect", EffectLabel(*plan), EffectCell(*plan, proportion)});
    lines.push_back({"power", "Power", Cell::Percent(*power)});
    n_total = total_of_control();
  } else if (params.solve == "mde") {
    Result<stats::MdePlan> mde = stats::SolveMde(*plan);
    if (!mde.ok()) return mde.status();
    lines.push_back({"n_control", "Control users", Cell::Number(plan->n_control, 0)});
    lines.push_back({"power", "Power", Cell::Percent(plan->power)});
    lines.push_back({"effect_size", "Standardized effect", Cell::Number(mde->effect_size, 5)});
    lines.push_back({"mde_absolute", "Minimum detectable effect (absolute)",
                     proportion ? Cell::Percent(mde->absolute) : Cell::Number(mde->absolute, 4)});
    lines.push_back(
        {"mde_relative", "Minimum detectable effect (relative)", Cell::Percent(mde->relative)});
    n_total = total_of_control();
  } else {
    Result<stats::SampleSizePlan> size = stats::PlanSampleSize(*plan);
    if (!size.ok()) return size.status();
    lines.push_back({"power", "Power", Cell::Percent(plan->power)});
    lines.push_back({"effect", EffectLabel(*plan), EffectCell(*plan, proportion)});
    lines.push_back({"effect_size", "Standardized effect", Cell::Number(size->effect_size, 5)});
    lines.push_back(
        {"n_control_exact", "Control users (exact)", Cell::Number(size->n_control_exact, 2)});
    lines.push_back({"n_control", "Control users", Cell::Integer(size->n_control)});
    lines.push_back(
        {"n_per_treatment", "Users per treatment arm", Cell::Integer(size->n_per_treatment)});
    lines.push_back({"n_total", "Users in all", Cell::Integer(size->n_total)});
    n_total = size->n_total;
  }
  if (params.daily_traffic && n_total) {
    Result<int64_t> days =
        stats::ExpectedDurationDays(*n_total, *params.daily_traffic, params.traffic_share);
    if (!days.ok()) return days.status();
    lines.push_back({"duration_days", "Expected duration (days)", Cell::Integer(*days)});
  }
  return PlanResult{std::move(lines)};
}

/// The plan as rows of (field, value): labels for people, keys for files.
View PlanView(const PlanResult& result, bool labels) {
  View view;
  view.columns = {{"field", "Plan", Align::kLeft}, {"value", "Value"}};
  view.rows = result.lines.size();
  view.row = [&result, labels](size_t row, std::vector<Cell>& cells) {
    const PlanLine& line = result.lines[row];
    cells = {Cell::Text(labels ? line.label : line.key), line.value};
  };
  return view;
}

std::string PlanJson(const PlanResult& result) {
  JsonDocument json;
  for (const PlanLine& line : result.lines) json.Set(line.key, line.value.Json());
  return json.Render();
}

std::string PlanCsv(const PlanResult& result) {
  return RenderCsv(PlanView(result, /*labels=*/false));
}

std::string PlanTable(const PlanResult& result) {
  return RenderTable(PlanView(result, /*labels=*/true));
}

ParamSpec PlanNumber(std::string name, std::string help) {
  return WithValueText(NumberParam(std::move(name), std::nullopt, std::nullopt, std::move(help)),
                       "FLOAT");
}

}  // namespace

AnalysisEntry ExperimentPlanAnalysis() {
  AnalysisEntry info = AnalysisInfo(
      "experiment/plan", DataNeed::kWhenAsked,
      "Users per arm, power or the minimum detectable effect of an A/B test; the baseline "
      "estimated from the data when metric names a per-user metric",
      "Users per arm (--solve n, default), power (--solve power --n N) or the minimum detectable "
      "effect (--solve mde --n N) of an A/B test, as statsmodels computes them: conversion rates "
      "with Cohen's h (NormalIndPower), means with Cohen's d (TTestIndPower). Means take "
      "--baseline and --std-dev, or --data FILE --metric NAME to estimate both from a usage "
      "log, a transactions file or a per-user CSV. Example: growthlens experiment plan "
      "--baseline 0.10 --effect 0.01 (14,745 per arm at alpha 0.05, power 0.8, two-sided).");
  info.reads_data = [](const ParamText& params) {
    for (const auto& param : params)
      if (param.first == "metric") return EstimatesFromData(param.second);
    return false;
  };
  info.input_help =
      "Estimate the baseline (mean) and standard deviation of --metric from this file: a usage "
      "log or transactions file (loaded and cleaned as ingest does), or a CSV with one row per "
      "user (a 0/1 column plans a conversion rate)";
  info.cli_input_before = "effect";
  ParamSpec metric = WithValueText(
      WithCliHelp(
          StringParam("metric",
                      "proportion (default) or mean; or the per-user metric of the loaded data to "
                      "estimate the baseline and standard deviation from: events or active_days "
                      "(usage logs), revenue, orders or aov (transactions), monetary, frequency "
                      "or recency (both)"),
          "proportion (default) or mean; with --data, the per-user metric to estimate: events or "
          "active_days (usage logs), revenue, orders or aov (transactions), monetary, frequency "
          "or recency (both), or a column of a per-user CSV"),
      "proportion|mean|NAME");
  metric.default_value = "proportion";
  ParamSpec ratio =
      WithValueText(NumberParam("ratio", 0, std::nullopt,
                                "Users per treatment arm / users in control (default 1)"),
                    "FLOAT");
  ratio.default_value = "1";
  ParamSpec traffic_share = WithValueText(
      NumberParam("traffic-share", 0, 1, "Share of eligible users that enter the test (default 1)"),
      "FLOAT");
  traffic_share.default_value = "1";
  ParamSpec solve = WithValueText(
      EnumParam("solve", "n", {"n", "power", "mde"}, "n (default), power or mde"), "n|power|mde");
  ParamSpec alternative =
      WithValueText(EnumParam("alternative", "two-sided", {"two-sided", "larger", "smaller"},
                              "two-sided (default), larger (treatment larger) or smaller"),
                    "two-sided|larger|smaller");
  return MakeEntry(
      std::move(info),
      TypedAnalysis<PlanParams, PlanResult, RunInput>{
          {
              {metric, &PlanParams::metric},
              {solve, &PlanParams::solve},
              {PlanNumber("baseline", "Control conversion rate (0-1) or mean"),
               &PlanParams::baseline},
              {WithCliHelp(PlanNumber("std-dev", "Standard deviation of the metric (metric=mean)"),
                           "Standard deviation of the metric (--metric mean)"),
               &PlanParams::std_dev},
              {PlanNumber("effect", "Absolute effect: treatment - control (0.01 = +1 point)"),
               &PlanParams::effect},
              {PlanNumber("relative-effect", "Effect as a fraction of the baseline (0.1 = +10%)"),
               &PlanParams::relative_effect},
              {WithCliHelp(PlanNumber("n", "Users in control (solve=power or mde)"),
                           "Users in control (--solve power or mde)"),
               &PlanParams::n_control},
              {WithValueText(DoubleParam("alpha", 0.05, 0, 1, "Significance level (default 0.05)"),
                             "FLOAT"),
               &PlanParams::alpha},
              {WithValueText(DoubleParam("power", 0.8, 0, 1, "Power (default 0.8)"), "FLOAT"),
               &PlanParams::power},
              {alternative, &PlanParams::alternative},
              {ratio, &PlanParams::ratio},
              {WithValueText(
                   WithCliHelp(IntParam("arms", 1, 1, 100,
                                        "Treatment arms besides control (default 1); each is "
                                        "compared with control at alpha"),
                               "Treatment arms besides control (default 1); each is compared "
                               "with control at --alpha"),
                   "INT:1..100"),
               &PlanParams::arms},
              {PlanNumber("daily-traffic", "Eligible users a day, for the expected duration"),
               &PlanParams::daily_traffic},
              {traffic_share, &PlanParams::traffic_share},
          },
          nullptr,
          RunPlan,
          PlanJson,
          PlanCsv,
          PlanTable});
}

}  // namespace growthlens::app
