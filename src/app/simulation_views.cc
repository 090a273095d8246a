#include "app/simulation_views.h"

#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "app/json_text.h"
#include "core/number_format.h"

namespace growthlens::app {

namespace {

using Json = nlohmann::ordered_json;

constexpr double kPercent = 100.0;

Json FiniteOrNull(double value) {
  return std::isfinite(value) ? Json(value) : Json(nullptr);
}

bool IsRateCell(const SimulatedCell& cell) {
  return InfoOf(cell.metric).rate;
}

/// A value of the metric: a share for rates, a number otherwise.
Cell CellOfMetric(const SimulatedCell& cell, double value) {
  if (!std::isfinite(value)) return Cell::Empty();
  return IsRateCell(cell) ? Cell::Percent(value) : Cell::Number(value, 3);
}

Cell CellOfShare(double value) {
  return std::isfinite(value) ? Cell::Percent(value) : Cell::Empty();
}

/// "23.4%" for rates, "12.345" otherwise.
std::string TextOfMetric(const SimulatedCell& cell, double value) {
  if (!std::isfinite(value)) return "-";
  return IsRateCell(cell) ? PercentText(value, 2) : GroupedNumber(value, 3);
}

/// Absolute differences: percentage points for rates.
std::string TextOfDifference(const SimulatedCell& cell, double value) {
  if (!std::isfinite(value)) return "-";
  return IsRateCell(cell) ? fmt::format("{:+.2f} points", kPercent * value)
                          : fmt::format("{:+.4g}", value);
}

std::string SignedPercentText(double share) {
  return std::isfinite(share) ? fmt::format("{:+.2f}%", kPercent * share) : "-";
}

double GuardrailShare(const stats::GuardrailSimulation& guardrail, size_t count) {
  const size_t runs = guardrail.holds + guardrail.fails + guardrail.unclear + guardrail.untested;
  return runs == 0 ? std::nan("") : static_cast<double>(count) / static_cast<double>(runs);
}

Json LiftJson(const stats::LiftEstimate& lift) {
  return {{"estimate", FiniteOrNull(lift.estimate)},
          {"ci_low", FiniteOrNull(lift.ci_low)},
          {"ci_high", FiniteOrNull(lift.ci_high)},
          {"p_value", FiniteOrNull(lift.p_value)}};
}

Json DrawJson(const stats::SimulatedDraw& draw) {
  Json out = {{"n_control", static_cast<int64_t>(draw.control.n)},
              {"n_treatment", static_cast<int64_t>(draw.treatment.n)},
              {"mean_control", FiniteOrNull(draw.control.mean)},
              {"mean_treatment", FiniteOrNull(draw.treatment.mean)}};
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
              {"baseline", FiniteOrNull(guardrail.baseline)},
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
              {"holds_share", FiniteOrNull(GuardrailShare(guardrail, guardrail.holds))},
              {"fails_share", FiniteOrNull(GuardrailShare(guardrail, guardrail.fails))},
              {"unclear_share", FiniteOrNull(GuardrailShare(guardrail, guardrail.unclear))},
              {"untested_runs", guardrail.untested}};
  return out;
}

std::string GuardrailText(const stats::GuardrailSimulation& guardrail) {
  std::string text = fmt::format(
      "AOV {} per order ({} customers with orders), assumed change {}, margin {}: holds in {}, "
      "fails in {}, unclear in {} of the runs",
      GroupedNumber(guardrail.baseline, 2),
      GroupedNumber(static_cast<double>(guardrail.contributing_users), 0),
      SignedPercentText(guardrail.effect), PercentText(guardrail.margin, 1),
      PercentText(GuardrailShare(guardrail, guardrail.holds)),
      PercentText(GuardrailShare(guardrail, guardrail.fails)),
      PercentText(GuardrailShare(guardrail, guardrail.unclear)));
  if (guardrail.verdict) text += fmt::format("; run 1: {}", guardrail.verdict->reason);
  return text;
}

/// One result as the JSON "results" item.
Json SimulatedCellJson(const SimulatedCell& cell) {
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
      {"baseline", FiniteOrNull(goal.baseline)},
      {"std_dev", FiniteOrNull(goal.std_dev)},
      {"effect",
       {{"value", goal.effect.value},
        {"relative", goal.effect.relative},
        {"absolute_lift", FiniteOrNull(goal.effect_absolute)},
        {"relative_lift", FiniteOrNull(goal.effect_relative)},
        {"conversion_probability",
         metric.rate ? FiniteOrNull(goal.conversion_probability) : nullptr}}},
      {"draw", DrawJson(goal.draw)},
      {"runs", goal.runs},
      {"rejections", goal.rejections},
      {"untested_runs", goal.untested_runs},
      {"power_achieved", goal.power_achieved},
      {"power_standard_error", goal.power_standard_error},
      {"mean_estimated_relative_lift", FiniteOrNull(goal.mean_relative_lift)},
      {"analytic_power", goal.analytic_power ? Json(*goal.analytic_power) : Json(nullptr)},
      {"needed", goal.needed ? Json({{"control", goal.needed->n_control},
                                     {"treatment", goal.needed->n_per_treatment},
                                     {"total", goal.needed->n_total}})
                             : Json(nullptr)},
      {"detectable_relative_lift",
       goal.detectable ? FiniteOrNull(goal.detectable->relative) : Json(nullptr)},
      {"detectable_absolute_lift",
       goal.detectable ? FiniteOrNull(goal.detectable->absolute) : Json(nullptr)},
      {"needed_multiple",
       cell.advice.needed_multiple ? FiniteOrNull(*cell.advice.needed_multiple) : Json(nullptr)},
      {"guardrail",
       cell.simulation.guardrail ? GuardrailJson(*cell.simulation.guardrail) : Json(nullptr)},
      {"decision", stats::CampaignDecisionName(cell.verdict.decision)},
      {"reason", cell.verdict.reason},
      {"advice",
       {{"action", stats::CampaignActionName(cell.advice.action)}, {"text", cell.advice.text}}}};
  return out;
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
      return comparison ? CellOfShare(comparison->relative.*field) : Cell::Empty();
    };
    const auto& guardrail = cell.simulation.guardrail;
    out = {
        Cell::Integer(static_cast<int64_t>(cell.rank)),
        Cell::Text(cell.segment),
        Cell::Text(std::string(cell.campaign->name)),
        Cell::Text(std::string(InfoOf(cell.metric).name)),
        Cell::Integer(static_cast<int64_t>(cell.simulation.users)),
        CellOfMetric(cell, goal.baseline),
        Cell::Text(stats::EffectText(goal)),
        Cell::Number(goal.effect_absolute, 4),
        CellOfShare(goal.effect_relative),
        relative(&stats::LiftEstimate::estimate),
        relative(&stats::LiftEstimate::ci_low),
        relative(&stats::LiftEstimate::ci_high),
        comparison ? Cell::Number(comparison->absolute.p_value, 4) : Cell::Empty(),
        Cell::Percent(goal.power_achieved),
        Cell::Percent(goal.power_standard_error),
        goal.analytic_power ? Cell::Percent(*goal.analytic_power) : Cell::Empty(),
        goal.needed ? Cell::Integer(goal.needed->n_total) : Cell::Empty(),
        cell.advice.needed_multiple ? Cell::Number(*cell.advice.needed_multiple, 2) : Cell::Empty(),
        goal.detectable ? CellOfShare(goal.detectable->relative) : Cell::Empty(),
        goal.detectable ? Cell::Number(goal.detectable->absolute, 4) : Cell::Empty(),
        guardrail ? CellOfShare(GuardrailShare(*guardrail, guardrail->holds)) : Cell::Empty(),
        guardrail ? CellOfShare(GuardrailShare(*guardrail, guardrail->fails)) : Cell::Empty(),
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
        CellOfMetric(cell, goal.baseline),
        Cell::Text(stats::EffectText(goal)),
        comparison ? CellOfShare(comparison->relative.estimate) : Cell::Empty(),
        comparison && std::isfinite(comparison->relative.estimate)
            ? Cell::Text(fmt::format("{:+.1f}% .. {:+.1f}%", kPercent * comparison->relative.ci_low,
                                     kPercent * comparison->relative.ci_high))
            : Cell::Empty(),
        Cell::Percent(goal.power_achieved),
        goal.analytic_power ? Cell::Percent(*goal.analytic_power) : Cell::Empty(),
        goal.needed ? Cell::Integer(goal.needed->n_total) : Cell::Empty(),
        goal.detectable && std::isfinite(goal.detectable->relative)
            ? Cell::Text(SignedPercentText(goal.detectable->relative) + "+")
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

std::string SimulatedCellText(const SimulatedCell& cell, double alpha) {
  const stats::GoalSimulation& goal = cell.simulation.goal;
  const OutcomeMetricInfo& metric = InfoOf(cell.metric);
  const int confidence = static_cast<int>(std::lround(kPercent * (1.0 - alpha)));
  std::vector<std::pair<std::string, std::string>> lines;
  lines.reserve(16);  // also keeps GCC 12 from a false -Warray-bounds on the first emplace_back
  lines.emplace_back("Users in the segment",
                     GroupedNumber(static_cast<double>(cell.simulation.users), 0));
  lines.emplace_back("Metric", fmt::format("{}: {} ({})", metric.name, metric.description,
                                           metric.rate ? "a rate, z-test" : "a mean, Welch t"));
  lines.emplace_back("Baseline", metric.rate ? TextOfMetric(cell, goal.baseline)
                                             : fmt::format("{} (standard deviation {})",
                                                           TextOfMetric(cell, goal.baseline),
                                                           GroupedNumber(goal.std_dev, 3)));
  std::string assumed = stats::EffectText(goal);
  if (goal.effect.relative)
    assumed += fmt::format(" ({})", TextOfDifference(cell, goal.effect_absolute));
  if (metric.rate && goal.conversion_probability > 0.0)
    assumed += fmt::format(
        "; each treated user {} with probability {}",
        goal.effect_absolute >= 0.0 ? "without the outcome gets it" : "with the outcome loses it",
        PercentText(goal.conversion_probability, 2));
  lines.emplace_back("Assumed effect", assumed);
  const stats::SimulatedDraw& draw = goal.draw;
  lines.emplace_back("Run 1: control", fmt::format("{} users, {}", GroupedNumber(draw.control.n, 0),
                                                   TextOfMetric(cell, draw.control.mean)));
  lines.emplace_back("Run 1: treatment",
                     fmt::format("{} users, {}", GroupedNumber(draw.treatment.n, 0),
                                 TextOfMetric(cell, draw.treatment.mean)));
  if (draw.comparison) {
    const stats::LiftEstimate& a = draw.comparison->absolute;
    const stats::LiftEstimate& r = draw.comparison->relative;
    lines.emplace_back(
        "Run 1: absolute lift",
        fmt::format("{} ({}% CI {} to {}), p = {:.4g}", TextOfDifference(cell, a.estimate),
                    confidence, TextOfDifference(cell, a.ci_low), TextOfDifference(cell, a.ci_high),
                    a.p_value));
    lines.emplace_back(
        "Run 1: relative lift",
        fmt::format("{} ({}% CI {} to {}), p = {:.4g}", SignedPercentText(r.estimate), confidence,
                    SignedPercentText(r.ci_low), SignedPercentText(r.ci_high), r.p_value));
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
                     fmt::format("{} over the runs", SignedPercentText(goal.mean_relative_lift)));
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
                         ? fmt::format("{} or more", SignedPercentText(goal.detectable->relative))
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

namespace {

/// Cells per action: {"run now": 2, "within reach": 5, ...}.
Json ActionSummaryJson(const std::vector<SimulatedCell>& cells) {
  Json summary = Json::object();
  for (const stats::CampaignAction action :
       {stats::CampaignAction::kRunNow, stats::CampaignAction::kWithinReach,
        stats::CampaignAction::kBigLiftsOnly, stats::CampaignAction::kNotTestable})
    summary[stats::CampaignActionName(action)] =
        std::count_if(cells.begin(), cells.end(),
                      [action](const SimulatedCell& cell) { return cell.advice.action == action; });
  return summary;
}

}  // namespace

std::string SimulationJson(const CampaignMatrix& matrix, const CampaignSimulationParams& params,
                           std::string_view input) {
  const OutcomeWindow& window = matrix.window;
  JsonDocument json;
  json.Set("view", "campaign_simulation");
  json.Set("format_version", 1);
  json.Set("input", input);
  json.Set("kind", DataKindName(matrix.kind));
  json.Set("segments", params.segments);
  json.Set("window", {{"days", window.days},
                      {"first", FormatDate(window.first)},
                      {"last", FormatDate(window.last)},
                      {"pre_period_first", FormatDate(window.data_first)},
                      {"pre_period_last", FormatDate(window.first - 1)},
                      {"reference_date", FormatDate(window.first)}});
  json.Set("settings", {{"split", params.split},
                        {"runs", static_cast<size_t>(params.runs)},
                        {"alpha", params.alpha},
                        {"target_power", params.power},
                        {"seed", params.seed},
                        {"min_users", static_cast<size_t>(params.min_users)},
                        {"guardrail_margin", params.margin},
                        {"personas_k",
                         params.segments == "personas" ? Json(matrix.personas_k) : Json(nullptr)}});
  json.Set("pre_period_users", matrix.pre_period_users);
  std::vector<Json> skipped;
  for (const SkippedSegment& entry : matrix.skipped)
    skipped.push_back({{"segment", entry.segment}, {"users", entry.users}});
  json.SetList("skipped_segments", skipped);
  std::vector<Json> not_simulated;
  for (const NotSimulated& entry : matrix.not_simulated)
    not_simulated.push_back({{"segment", entry.segment},
                             {"campaign", entry.campaign},
                             {"metric", entry.metric},
                             {"users", entry.users},
                             {"reason", entry.reason}});
  json.SetList("not_simulated", not_simulated);
  json.Set("summary", ActionSummaryJson(matrix.cells));
  std::vector<Json> recommendations;
  for (size_t idx = 0; idx < matrix.cells.size() && idx < kCampaignRecommendations; ++idx) {
    const SimulatedCell& cell = matrix.cells[idx];
    if (cell.advice.action == stats::CampaignAction::kNotTestable) break;
    recommendations.push_back({{"rank", cell.rank},
                               {"segment", cell.segment},
                               {"campaign", cell.campaign->name},
                               {"action", stats::CampaignActionName(cell.advice.action)},
                               {"text", cell.advice.text}});
  }
  json.SetList("recommendations", recommendations);
  std::vector<Json> results;
  for (const SimulatedCell& cell : matrix.cells) results.push_back(SimulatedCellJson(cell));
  json.SetList("results", results);
  return json.Render();
}

std::string SimulationText(const CampaignMatrix& matrix, const CampaignSimulationParams& params,
                           std::string_view input) {
  const OutcomeWindow& window = matrix.window;
  std::string out = fmt::format(
      "Campaign simulation on {} ({}): {} as of {} from the pre-period {} .. {}; outcomes in "
      "the window {} .. {} ({} days)\n{} runs a cell, {} treated, alpha {}, target power {}, "
      "seed {}\n\n",
      input, DataKindName(matrix.kind), params.segments == "rfm" ? "RFM segments" : "personas",
      FormatDate(window.first), FormatDate(window.data_first), FormatDate(window.first - 1),
      FormatDate(window.first), FormatDate(window.last), window.days,
      GroupedNumber(static_cast<double>(params.runs), 0), PercentText(params.split, 0),
      params.alpha, PercentText(params.power, 0), params.seed);
  if (matrix.cells.size() == 1) {
    out += fmt::format("Hypothesis: {}\n\n", matrix.cells.front().hypothesis);
    out += SimulatedCellText(matrix.cells.front(), params.alpha);
  } else {
    out += RenderTable(SimulationTableView(matrix.cells));
    out +=
        "\nRun 1 lift: the relative lift estimated in the first simulated experiment, with its "
        "interval. Power: the share of the runs that found the lift; Analytic: the planner's; "
        "Needs: users in all for the target power (the planner); Detects: the smallest lift the "
        "segment's users detect at the target power. AOV: the share of runs where the guardrail "
        "holds / fails.\n\nBest bets:\n";
    for (size_t idx = 0; idx < matrix.cells.size() && idx < kCampaignRecommendations; ++idx) {
      const SimulatedCell& cell = matrix.cells[idx];
      if (cell.advice.action == stats::CampaignAction::kNotTestable) break;
      out += fmt::format("  {}. {} on {}: {}\n", cell.rank, cell.campaign->name, cell.segment,
                         cell.advice.text);
    }
  }
  for (const NotSimulated& entry : matrix.not_simulated)
    out += fmt::format("Not simulated: {} on {} ({}): {}\n", entry.campaign, entry.segment,
                       entry.metric, entry.reason);
  if (!matrix.skipped.empty()) {
    std::vector<std::string> names;
    for (const SkippedSegment& entry : matrix.skipped)
      names.push_back(fmt::format("{} ({})", entry.segment, entry.users));
    out +=
        fmt::format("Skipped, fewer than {} users: {}\n", params.min_users, fmt::join(names, ", "));
  }
  return out;
}

}  // namespace growthlens::app
