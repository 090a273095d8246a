#include "stats/verdict.h"

#include <fmt/format.h>

namespace growthlens::stats {
namespace {

constexpr double kPercent = 100.0;

std::string Interval(const LiftEstimate& relative) {
  return fmt::format("{:+.2f}% (CI {:+.2f}% to {:+.2f}%)", relative.estimate * kPercent,
                     relative.ci_low * kPercent, relative.ci_high * kPercent);
}

}  // namespace

const char* DecisionName(Decision decision) {
  switch (decision) {
    case Decision::kShip:
      return "ship";
    case Decision::kDontShip:
      return "don't ship";
    case Decision::kInconclusive:
      return "inconclusive";
  }
  return "inconclusive";
}

MetricVerdict JudgeGoal(const MetricSpec& spec, const LiftEstimate& relative, double adjusted_p,
                        std::optional<double> interval_alpha) {
  MetricVerdict out{spec.name, /*guardrail=*/false, Decision::kInconclusive, ""};
  const bool good = spec.higher_is_better ? relative.estimate > 0.0 : relative.estimate < 0.0;
  // An interval at the corrected level says so: it is wider than the usual 1 - alpha one.
  std::string interval = Interval(relative);
  if (interval_alpha && *interval_alpha != spec.alpha)
    interval =
        fmt::format("{:+.2f}% ({:.4g}% CI, corrected like the p-value: {:+.2f}% to {:+.2f}%)",
                    relative.estimate * kPercent, (1.0 - *interval_alpha) * kPercent,
                    relative.ci_low * kPercent, relative.ci_high * kPercent);
  if (adjusted_p < spec.alpha) {
    out.decision = good ? Decision::kShip : Decision::kDontShip;
    out.reason = fmt::format("{} {} significantly: {}, adjusted p = {:.3g} < {}", spec.name,
                             good ? "improved" : "got worse", interval, adjusted_p, spec.alpha);
  } else {
    out.reason = fmt::format("{}: no significant difference, {}, adjusted p = {:.3g} >= {}",
                             spec.name, interval, adjusted_p, spec.alpha);
  }
  return out;
}

MetricVerdict JudgeGuardrail(const MetricSpec& spec, const LiftEstimate& relative) {
  MetricVerdict out{spec.name, /*guardrail=*/true, Decision::kInconclusive, ""};
  // Orient so that positive is good.
  const double worst = spec.higher_is_better ? relative.ci_low : -relative.ci_high;
  const double best = spec.higher_is_better ? relative.ci_high : -relative.ci_low;
  const double margin = spec.non_inferiority_margin;
  if (worst > -margin) {
    out.decision = Decision::kShip;
    out.reason = fmt::format("guardrail {} holds: {}, no worse than the {:.2f}% margin", spec.name,
                             Interval(relative), margin * kPercent);
  } else if (best < -margin) {
    out.decision = Decision::kDontShip;
    out.reason = fmt::format("guardrail {} fails: {}, worse than the {:.2f}% margin", spec.name,
                             Interval(relative), margin * kPercent);
  } else {
    out.reason = fmt::format(
        "guardrail {} unclear: {} straddles the non-inferiority bound of {:+.2f}%", spec.name,
        Interval(relative), (spec.higher_is_better ? -margin : margin) * kPercent);
  }
  return out;
}

ExperimentVerdict JudgeExperiment(const SrmResult& srm, std::span<const MetricVerdict> goals,
                                  std::span<const MetricVerdict> guardrails) {
  if (srm.mismatch) return {Decision::kDontShip, srm.message};
  for (const MetricVerdict& guardrail : guardrails) {
    if (guardrail.decision == Decision::kDontShip) return {Decision::kDontShip, guardrail.reason};
  }
  for (const MetricVerdict& goal : goals) {
    if (goal.decision == Decision::kDontShip) return {Decision::kDontShip, goal.reason};
  }
  const MetricVerdict* winner = nullptr;
  for (const MetricVerdict& goal : goals) {
    if (goal.decision == Decision::kShip) {
      winner = &goal;
      break;
    }
  }
  if (winner == nullptr) {
    return {Decision::kInconclusive, "no goal metric moved significantly"};
  }
  for (const MetricVerdict& guardrail : guardrails) {
    if (guardrail.decision != Decision::kShip) {
      return {Decision::kInconclusive, fmt::format("{}; but {}", winner->reason, guardrail.reason)};
    }
  }
  return {Decision::kShip, winner->reason};
}

}  // namespace growthlens::stats
