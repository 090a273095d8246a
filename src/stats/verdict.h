#pragma once
// A verdict in words per metric and for the experiment.
//   Goal metrics (tested for superiority, p-values adjusted together by Holm or BH):
//     ship          adjusted p < alpha and the lift goes the good way;
//     don't ship    adjusted p < alpha and the lift goes the bad way;
//     inconclusive  otherwise.
//   Guardrail metrics (non-inferiority, outside the correction): with a relative margin M
//   (0.02 = "may not get more than 2% worse") and the relative-lift interval [lo, hi] oriented
//   so that positive is good,
//     ship (passes) lo > -M;  don't ship (fails) hi < -M;  inconclusive otherwise.
//   For a one-sided test at alpha pass an interval at confidence 1 - 2 alpha.
//   Experiment: don't ship on a sample-ratio mismatch, a failing guardrail or a goal that got
//   significantly worse; ship when some goal ships and every guardrail passes; else
//   inconclusive. Each verdict carries its reason.
//
//   MetricVerdict v = JudgeGoal({.name = "conversion"}, comparison.relative, adjusted_p);

#include <optional>
#include <span>
#include <string>

#include "stats/frequentist.h"
#include "stats/srm.h"

namespace growthlens::stats {

enum class Decision { kShip, kDontShip, kInconclusive };

const char* DecisionName(Decision decision);  ///< "ship", "don't ship", "inconclusive"

struct MetricSpec {
  std::string name;
  bool higher_is_better = true;
  double alpha = 0.05;
  double non_inferiority_margin = 0.0;  ///< relative, guardrails only
};

struct MetricVerdict {
  std::string name;
  bool guardrail = false;
  Decision decision = Decision::kInconclusive;
  std::string reason;
};

/// `relative` gives the estimate and interval; adjusted_p is its p-value after correction.
/// `interval_alpha`: the level `relative`'s interval is at when a correction widened it
/// (AdjustedLevels), named in the reason.
MetricVerdict JudgeGoal(const MetricSpec& spec, const LiftEstimate& relative, double adjusted_p,
                        std::optional<double> interval_alpha = std::nullopt);
MetricVerdict JudgeGuardrail(const MetricSpec& spec, const LiftEstimate& relative);

struct ExperimentVerdict {
  Decision decision = Decision::kInconclusive;
  std::string reason;
};

ExperimentVerdict JudgeExperiment(const SrmResult& srm, std::span<const MetricVerdict> goals,
                                  std::span<const MetricVerdict> guardrails);

}  // namespace growthlens::stats
