#include "cli/simulation_views.h"

#include <cmath>

#include <fmt/format.h>

#include "core/number_format.h"

namespace growthlens::cli {

namespace {

using Json = nlohmann::ordered_json;

constexpr double kPercent = 100.0;

Json Number(double value) {
  return std::isfinite(value) ? Json(value) : Json(nullptr);
}

bool IsRate(const SimulatedCell& cell) {
  return InfoOf(cell.metric).rate;
}

/// A value of the metric: a share for rates, a number otherwise.
Cell MetricCell(const SimulatedCell& cell, double value) {
  if (!std::isfinite(value)) return Cell::Empty();
  return IsRate(cell) ? Cell::Percent(value) : Cell::Number(value, 3);
}

Cell ShareCell(double value) {
  return std::isfinite(value) ? Cell::Percent(value) : Cell::Empty();
}

/// "23.4%" for rates, "12.345" otherwise.
std::string MetricText(const SimulatedCell& cell, double value) {
  if (!std::isfinite(value)) return "-";
  return IsRate(cell) ? PercentText(value, 2) : GroupedNumber(value, 3);
}

/// Absolute differences: percentage points for rates.
std::string DifferenceText(const SimulatedCell& cell, double value) {
  if (!std::isfinite(value)) return "-";
  return IsRate(cell) ? fmt::format("{:+.2f} points", kPercent * value)
                      : fmt::format("{:+.4g}", value);
}

std::string SignedPercent(double share) {
  return std::isfinite(share) ? fmt::format("{:+.2f}%", kPercent * share) : "-";
}

double GuardrailShare(const stats::GuardrailSimulation& guardrail, size_t count) {
  const size_t runs = guardrail.holds + guardrail.fails + guardrail.unclear + guardrail.untested;
  return runs == 0 ? std::nan("") : static_cast<double>(count) / static_cast<double>(runs);
}

Json LiftJson(const stats::LiftEstimate& lift) {
  return {{"estimate", Number(lift.estimate)},
          {"ci_low", Number(lift.ci_low)},
          {"ci_high", Number(lift.ci_high)},
          {"p_value", Number(lift.p_value)}};
}

Json DrawJson(const stats::SimulatedDraw& draw) {
  Json out = {{"n_control", static_cast<int64_t>(draw.control.n)},
              {"n_treatment", static_cast<int64_t>(draw.treatment.n)},
              {"mean_control", Number(draw.control.mean)},
              {"mean_treatment", Number(draw.treatment.mean)}};
  if (draw.comparison) {
    out["absolute"] = LiftJson(draw.comparison->absolute);
    out["relative"] = LiftJson(draw.comparison->relative);
  } else {
    out["absolute"] = nullptr;
    out["relative"] = nullptr;
  }
  return out;
}

Json GuardrailJson(const stats::GuardrailSimulation& guardrail) {
  Json out = {{"metric", "aov"},
              {"description", "average order value: revenue / orders in the window"},
              {"baseline", Number(guardrail.baseline)},
              {"users_with_orders", guardrail.contributing_users},
              {"assumed_effect", guardrail.effect},
              {"margin", guardrail.margin},
              {"draw", DrawJson(guardrail.draw)},
              {"decision",
               guardrail.verdict
                   ? Json(guardrail.verdict->decision == stats::Decision::kShip       ? "holds"
                          : guardrail.verdict->decision == stats::Decision::kDontShip ? "fails"
                                                                                      : "unclear")
                   : Json(nullptr)},
              {"reason", guardrail.verdict ? Json(guardrail.verdict->reason) : Json(nullptr)},
              {"holds_share", Number(GuardrailShare(guardrail, guardrail.holds))},
              {"fails_share", Number(GuardrailShare(guardrail, guardrail.fails))},
              {"unclear_share", Number(GuardrailShare(guardrail, guardrail.unclear))},
              {"untested_runs", guardrail.untested}};
  return out;
}

std::string GuardrailText(const stats::GuardrailSimulation& guardrail) {
  std::string text = fmt::format(
      "AOV {} per order ({} customers with orders), assumed change {}, margin {}: holds in {}, "
      "fails in {}, unclear in {} of the runs",
      GroupedNumber(guardrail.baseline, 2),
      GroupedNumber(static_cast<double>(guardrail.contributing_users), 0),
      SignedPercent(guardrail.effect), PercentText(guardrail.margin, 1),
      PercentText(GuardrailShare(guardrail, guardrail.holds)),
      PercentText(GuardrailShare(guardrail, guardrail.fails)),
      PercentText(GuardrailShare(guardrail, guardrail.unclear)));
  if (guardrail.verdict) text += fmt::format("; run 1: {}", guardrail.verdict->reason);
  return text;
}

}  // namespace

View SimulationResultsView(const std::vector<SimulatedCell>& cells) {
  View view;
  view.columns = {{"rank", "#"},
                  {"segment", "Segment", Align::kLeft},
                  {"campaign", "Campaign", Align::kLeft},
                  {"metric", "Metric", Align::kLeft},
                  {"users", "Users"},
                  {"baseline", "Baseline"},
                  {"assumed", "Assumed", Align::kLeft},
                  {"assumed_absolute_lift", "Assumed (abs.)"},
                  {"assumed_relative_lift", "Assumed (rel.)"},
                  {"estimated_lift", "Estimated"},
                  {"ci_low", "CI low"},
                  {"ci_high", "CI high"},
                  {"p_value", "p"},
                  {"power_achieved", "Power"},
                  {"power_se", "+/-"},
                  {"analytic_power", "Analytic"},
                  {"needed_users", "Needs"},
                  {"needed_multiple", "x segment"},
                  {"detectable_relative_lift", "Detectable (rel.)"},
                  {"detectable_absolute_lift", "Detectable (abs.)"},
                  {"aov_holds", "AOV holds"},
                  {"aov_fails", "AOV fails"},
                  {"decision", "Verdict", Align::kLeft},
                  {"action", "Action", Align::kLeft},
                  {"reason", "Reason", Align::kLeft},
                  {"advice", "Advice", Align::kLeft}};
  view.rows = cells.size();
  view.row = [&cells](size_t row, std::vector<Cell>& out) {
    const SimulatedCell& cell = cells[row];
    const stats::GoalSimulation& goal = cell.simulation.goal;
    const std::optional<stats::Comparison>& comparison = goal.draw.comparison;
    const auto relative = [&](double stats::LiftEstimate::*field) {
      return comparison ? ShareCell(comparison->relative.*field) : Cell::Empty();
    };
    const auto& guardrail = cell.simulation.guardrail;
    out = {
        Cell::Integer(static_cast<int64_t>(cell.rank)),
        Cell::Text(cell.segment),
        Cell::Text(std::string(cell.campaign->name)),
        Cell::Text(std::string(InfoOf(cell.metric).name)),
        Cell::Integer(static_cast<int64_t>(cell.simulation.users)),
        MetricCell(cell, goal.baseline),
        Cell::Text(stats::EffectText(goal)),
        Cell::Number(goal.effect_absolute, 4),
        ShareCell(goal.effect_relative),
        relative(&stats::LiftEstimate::estimate),
        relative(&stats::LiftEstimate::ci_low),
        relative(&stats::LiftEstimate::ci_high),
        comparison ? Cell::Number(comparison->absolute.p_value, 4) : Cell::Empty(),
        Cell::Percent(goal.power_achieved),
        Cell::Percent(goal.power_standard_error),
        goal.analytic_power ? Cell::Percent(*goal.analytic_power) : Cell::Empty(),
        goal.needed ? Cell::Integer(goal.needed->n_total) : Cell::Empty(),
        cell.advice.needed_multiple ? Cell::Number(*cell.advice.needed_multiple, 2) : Cell::Empty(),
        goal.detectable ? ShareCell(goal.detectable->relative) : Cell::Empty(),
        goal.detectable ? Cell::Number(goal.detectable->absolute, 4) : Cell::Empty(),
        guardrail ? ShareCell(GuardrailShare(*guardrail, guardrail->holds)) : Cell::Empty(),
        guardrail ? ShareCell(GuardrailShare(*guardrail, guardrail->fails)) : Cell::Empty(),
        Cell::Text(stats::CampaignDecisionName(cell.verdict.decision)),
        Cell::Text(stats::CampaignActionName(cell.advice.action)),
        Cell::Text(cell.verdict.reason),
        Cell::Text(cell.advice.text)};
  };
  return view;
}

View SimulationTableView(const std::vector<SimulatedCell>& cells) {
  View view;
  view.columns = {{"rank", "#"},
                  {"segment", "Segment", Align::kLeft},
                  {"campaign", "Campaign", Align::kLeft},
                  {"metric", "Metric", Align::kLeft},
                  {"users", "Users"},
                  {"baseline", "Baseline"},
                  {"assumed", "Assumed", Align::kLeft},
                  {"estimated_lift", "Run 1 lift"},
                  {"ci", "Run 1 CI", Align::kLeft},
                  {"power_achieved", "Power"},
                  {"analytic_power", "Analytic"},
                  {"needed_users", "Needs"},
                  {"detectable", "Detects", Align::kLeft},
                  {"aov", "AOV holds/fails", Align::kLeft},
                  {"decision", "Verdict", Align::kLeft},
                  {"action", "Action", Align::kLeft}};
  view.rows = cells.size();
  view.row = [&cells](size_t row, std::vector<Cell>& out) {
    const SimulatedCell& cell = cells[row];
    const stats::GoalSimulation& goal = cell.simulation.goal;
    const std::optional<stats::Comparison>& comparison = goal.draw.comparison;
    const auto& guardrail = cell.simulation.guardrail;
    out = {
        Cell::Integer(static_cast<int64_t>(cell.rank)),
        Cell::Text(cell.segment),
        Cell::Text(std::string(cell.campaign->name)),
        Cell::Text(std::string(InfoOf(cell.metric).name)),
        Cell::Integer(static_cast<int64_t>(cell.simulation.users)),
        MetricCell(cell, goal.baseline),
        Cell::Text(stats::EffectText(goal)),
        comparison ? ShareCell(comparison->relative.estimate) : Cell::Empty(),
        comparison && std::isfinite(comparison->relative.estimate)
            ? Cell::Text(fmt::format("{:+.1f}% .. {:+.1f}%", kPercent * comparison->relative.ci_low,
                                     kPercent * comparison->relative.ci_high))
            : Cell::Empty(),
        Cell::Percent(goal.power_achieved),
        goal.analytic_power ? Cell::Percent(*goal.analytic_power) : Cell::Empty(),
        goal.needed ? Cell::Integer(goal.needed->n_total) : Cell::Empty(),
        goal.detectable && std::isfinite(goal.detectable->relative)
            ? Cell::Text(SignedPercent(goal.detectable->relative) + "+")
            : Cell::Empty(),
        guardrail ? Cell::Text(fmt::format(
                        "{} / {}", PercentText(GuardrailShare(*guardrail, guardrail->holds)),
                        PercentText(GuardrailShare(*guardrail, guardrail->fails))))
                  : Cell::Empty(),
        Cell::Text(stats::CampaignDecisionName(cell.verdict.decision)),
        Cell::Text(stats::CampaignActionName(cell.advice.action))};
  };
  return view;
}

nlohmann::ordered_json SimulatedCellJson(const SimulatedCell& cell) {
  const stats::GoalSimulation& goal = cell.simulation.goal;
  const OutcomeMetricInfo& metric = InfoOf(cell.metric);
  Json out = {
      {"rank", cell.rank},
      {"segment", cell.segment},
      {"campaign", cell.campaign->name},
      {"hypothesis", cell.hypothesis},
      {"metric",
       {{"name", metric.name},
        {"type", metric.rate ? "rate" : "mean"},
        {"description", metric.description}}},
      {"users", cell.simulation.users},
      {"baseline", Number(goal.baseline)},
      {"std_dev", Number(goal.std_dev)},
      {"effect",
       {{"value", goal.effect.value},
        {"relative", goal.effect.relative},
        {"absolute_lift", Number(goal.effect_absolute)},
        {"relative_lift", Number(goal.effect_relative)},
        {"conversion_probability", metric.rate ? Number(goal.conversion_probability) : nullptr}}},
      {"draw", DrawJson(goal.draw)},
      {"runs", goal.runs},
      {"rejections", goal.rejections},
      {"untested_runs", goal.untested_runs},
      {"power_achieved", goal.power_achieved},
      {"power_standard_error", goal.power_standard_error},
      {"mean_estimated_relative_lift", Number(goal.mean_relative_lift)},
      {"analytic_power", goal.analytic_power ? Json(*goal.analytic_power) : Json(nullptr)},
      {"needed", goal.needed ? Json({{"control", goal.needed->n_control},
                                     {"treatment", goal.needed->n_per_treatment},
                                     {"total", goal.needed->n_total}})
                             : Json(nullptr)},
      {"detectable_relative_lift",
       goal.detectable ? Number(goal.detectable->relative) : Json(nullptr)},
      {"detectable_absolute_lift",
       goal.detectable ? Number(goal.detectable->absolute) : Json(nullptr)},
      {"needed_multiple",
       cell.advice.needed_multiple ? Number(*cell.advice.needed_multiple) : Json(nullptr)},
      {"guardrail",
       cell.simulation.guardrail ? GuardrailJson(*cell.simulation.guardrail) : Json(nullptr)},
      {"decision", stats::CampaignDecisionName(cell.verdict.decision)},
      {"reason", cell.verdict.reason},
      {"advice",
       {{"action", stats::CampaignActionName(cell.advice.action)}, {"text", cell.advice.text}}}};
  return out;
}

std::string SimulatedCellText(const SimulatedCell& cell, double alpha) {
  const stats::GoalSimulation& goal = cell.simulation.goal;
  const OutcomeMetricInfo& metric = InfoOf(cell.metric);
  const int confidence = static_cast<int>(std::lround(kPercent * (1.0 - alpha)));
  std::vector<std::pair<std::string, std::string>> lines;
  lines.emplace_back("Users in the segment",
                     GroupedNumber(static_cast<double>(cell.simulation.users), 0));
  lines.emplace_back("Metric", fmt::format("{}: {} ({})", metric.name, metric.description,
                                           metric.rate ? "a rate, z-test" : "a mean, Welch t"));
  lines.emplace_back("Baseline", metric.rate ? MetricText(cell, goal.baseline)
                                             : fmt::format("{} (standard deviation {})",
                                                           MetricText(cell, goal.baseline),
                                                           GroupedNumber(goal.std_dev, 3)));
  std::string assumed = stats::EffectText(goal);
  if (goal.effect.relative)
    assumed += fmt::format(" ({})", DifferenceText(cell, goal.effect_absolute));
  if (metric.rate && goal.conversion_probability > 0.0)
    assumed += fmt::format(
        "; each treated user {} with probability {}",
        goal.effect_absolute >= 0.0 ? "without the outcome gets it" : "with the outcome loses it",
        PercentText(goal.conversion_probability, 2));
  lines.emplace_back("Assumed effect", assumed);
  const stats::SimulatedDraw& draw = goal.draw;
  lines.emplace_back("Run 1: control", fmt::format("{} users, {}", GroupedNumber(draw.control.n, 0),
                                                   MetricText(cell, draw.control.mean)));
  lines.emplace_back("Run 1: treatment",
                     fmt::format("{} users, {}", GroupedNumber(draw.treatment.n, 0),
                                 MetricText(cell, draw.treatment.mean)));
  if (draw.comparison) {
    const stats::LiftEstimate& a = draw.comparison->absolute;
    const stats::LiftEstimate& r = draw.comparison->relative;
    lines.emplace_back(
        "Run 1: absolute lift",
        fmt::format("{} ({}% CI {} to {}), p = {:.4g}", DifferenceText(cell, a.estimate),
                    confidence, DifferenceText(cell, a.ci_low), DifferenceText(cell, a.ci_high),
                    a.p_value));
    lines.emplace_back(
        "Run 1: relative lift",
        fmt::format("{} ({}% CI {} to {}), p = {:.4g}", SignedPercent(r.estimate), confidence,
                    SignedPercent(r.ci_low), SignedPercent(r.ci_high), r.p_value));
  } else {
    lines.emplace_back("Run 1: lift", "no test possible");
  }
  lines.emplace_back(
      "Power achieved",
      fmt::format("{} +/- {} ({} of {} runs rejected at alpha {}{})",
                  PercentText(goal.power_achieved), PercentText(goal.power_standard_error),
                  GroupedNumber(static_cast<double>(goal.rejections), 0),
                  GroupedNumber(static_cast<double>(goal.runs), 0), alpha,
                  goal.untested_runs > 0
                      ? fmt::format("; {} runs without a possible test", goal.untested_runs)
                      : std::string()));
  lines.emplace_back("Mean estimated lift",
                     fmt::format("{} over the runs", SignedPercent(goal.mean_relative_lift)));
  lines.emplace_back("Analytic power",
                     goal.analytic_power ? fmt::format("{} (the planner, statsmodels conventions)",
                                                       PercentText(*goal.analytic_power))
                                         : std::string("-"));
  lines.emplace_back(
      "Needed for the target",
      goal.needed ? fmt::format("{} users: {} control, {} treatment",
                                GroupedNumber(static_cast<double>(goal.needed->n_total), 0),
                                GroupedNumber(static_cast<double>(goal.needed->n_control), 0),
                                GroupedNumber(static_cast<double>(goal.needed->n_per_treatment), 0))
                  : std::string("-"));
  lines.emplace_back("Detectable with these users",
                     goal.detectable
                         ? fmt::format("{} or more", SignedPercent(goal.detectable->relative))
                         : std::string("-"));
  if (cell.simulation.guardrail)
    lines.emplace_back("Guardrail", GuardrailText(*cell.simulation.guardrail));
  lines.emplace_back("Verdict",
                     fmt::format("{}: {}", stats::CampaignDecisionName(cell.verdict.decision),
                                 cell.verdict.reason));
  lines.emplace_back("What to do", cell.advice.text);
  size_t width = 0;
  for (const auto& [label, text] : lines) width = std::max(width, label.size());
  std::string out;
  for (const auto& [label, text] : lines) out += fmt::format("{:<{}}  {}\n", label, width, text);
  return out;
}

}  // namespace growthlens::cli
