#include "stats/simulation_verdict.h"

#include <cmath>

#include <fmt/format.h>

#include "core/number_format.h"

namespace growthlens::stats {

namespace {

std::string Count(double value) {
  return GroupedNumber(value, 0);
}

}  // namespace

const char* CampaignDecisionName(CampaignDecision decision) {
  switch (decision) {
    case CampaignDecision::kWorthRunning:
      return "worth running";
    case CampaignDecision::kUnderpowered:
      return "underpowered";
    case CampaignDecision::kNoEffect:
      return "no effect assumed";
    case CampaignDecision::kCannotTell:
      return "cannot tell";
  }
  return "cannot tell";
}

std::string EffectText(const GoalSimulation& goal) {
  if (goal.effect.relative) return fmt::format("{:+.1f}%", 100.0 * goal.effect_relative);
  std::string text = goal.kind == MetricKind::kProportion
                         ? fmt::format("{:+.2f} points", 100.0 * goal.effect_absolute)
                         : fmt::format("{:+.4g}", goal.effect_absolute);
  if (std::isfinite(goal.effect_relative))
    text += fmt::format(" ({:+.1f}%)", 100.0 * goal.effect_relative);
  return text;
}

CampaignVerdict JudgeCampaign(const GoalSimulation& goal, size_t users,
                              const SimulationOptions& options) {
  const std::string found =
      fmt::format("{} of {} simulated experiments", PercentText(goal.power_achieved),
                  Count(static_cast<double>(goal.runs)));
  if (goal.effect.value != 0.0 && goal.effect_absolute == 0.0)
    return {CampaignDecision::kCannotTell,
            "the baseline is 0 (nobody in the segment has this outcome in the window), so a "
            "relative effect changes nothing; assume an absolute one"};
  if (goal.untested_runs == goal.runs)
    return {CampaignDecision::kCannotTell,
            "every user of the segment has the same outcome in the window, so no test can tell "
            "the arms apart"};
  if (goal.effect_absolute == 0.0)
    return {CampaignDecision::kNoEffect,
            fmt::format("no effect assumed (an A/A test): {} rejected at alpha {}, the "
                        "false-positive rate",
                        found, options.alpha)};
  const std::string planner =
      goal.needed ? fmt::format("; the planner needs {} users ({} control, {} treatment)",
                                Count(static_cast<double>(goal.needed->n_total)),
                                Count(static_cast<double>(goal.needed->n_control)),
                                Count(static_cast<double>(goal.needed->n_per_treatment)))
                  : std::string();
  if (goal.power_achieved >= options.target_power)
    return {CampaignDecision::kWorthRunning,
            fmt::format("{} users find the assumed {} lift (p < {}) in {} (target {}){}",
                        Count(static_cast<double>(users)), EffectText(goal), options.alpha, found,
                        PercentText(options.target_power, 0), planner)};
  std::string reason =
      fmt::format("the assumed {} lift is found (p < {}) in only {} (target {})", EffectText(goal),
                  options.alpha, found, PercentText(options.target_power, 0));
  if (goal.needed)
    reason += fmt::format(": needs {} users in all ({} control, {} treatment; the segment has {})",
                          Count(static_cast<double>(goal.needed->n_total)),
                          Count(static_cast<double>(goal.needed->n_control)),
                          Count(static_cast<double>(goal.needed->n_per_treatment)),
                          Count(static_cast<double>(users)));
  if (goal.detectable && std::isfinite(goal.detectable->relative))
    reason += fmt::format("{} a lift of at least {:+.1f}% with these users",
                          goal.needed ? " or" : ": needs", 100.0 * goal.detectable->relative);
  return {CampaignDecision::kUnderpowered, reason};
}

const char* CampaignActionName(CampaignAction action) {
  switch (action) {
    case CampaignAction::kRunNow:
      return "run now";
    case CampaignAction::kWithinReach:
      return "within reach";
    case CampaignAction::kBigLiftsOnly:
      return "big lifts only";
    case CampaignAction::kNotTestable:
      return "not testable";
  }
  return "not testable";
}

CampaignAdvice AdviseCampaign(const GoalSimulation& goal, size_t users,
                              const SimulationOptions& options, const CampaignVerdict& verdict) {
  CampaignAdvice advice;
  if (goal.needed && users > 0)
    advice.needed_multiple = static_cast<double>(goal.needed->n_total) / static_cast<double>(users);
  if (verdict.decision == CampaignDecision::kCannotTell ||
      verdict.decision == CampaignDecision::kNoEffect) {
    advice.text = "Not testable as set up: " + verdict.reason + ".";
    return advice;
  }
  const std::string segment_users = Count(static_cast<double>(users));
  const std::string detects =
      goal.detectable && std::isfinite(goal.detectable->relative)
          ? fmt::format("{} users detect a lift of {:+.1f}% or more", segment_users,
                        100.0 * goal.detectable->relative)
          : fmt::format("{} users cannot detect a lift of any size", segment_users);
  if (goal.power_achieved >= options.target_power) {
    advice.action = CampaignAction::kRunNow;
    advice.text = fmt::format("Run it now: {} (assumed {}); {} of the simulated tests found it.",
                              detects, EffectText(goal), PercentText(goal.power_achieved, 0));
    return advice;
  }
  const std::string needs =
      advice.needed_multiple
          ? fmt::format("the assumed {} needs {} users, {:.1f} times the segment", EffectText(goal),
                        Count(static_cast<double>(goal.needed->n_total)), *advice.needed_multiple)
          : fmt::format("no number of users gives the assumed {} the target power",
                        EffectText(goal));
  if (advice.needed_multiple && *advice.needed_multiple <= kWithinReach) {
    advice.action = CampaignAction::kWithinReach;
    advice.text = fmt::format(
        "Within reach: {}; pool it with similar users or run it on a longer window. As it is, {}.",
        needs, detects);
    return advice;
  }
  advice.action = CampaignAction::kBigLiftsOnly;
  advice.text = fmt::format("Only for a big lift: {}; run it only if you expect that much ({}).",
                            detects, needs);
  return advice;
}

}  // namespace growthlens::stats
