#pragma once
// The views of `growthlens experiment simulate`: one ranked row per (segment, campaign) for
// tables and CSV, the detail of one simulation in words, and the JSON document whose shape
// docs/ANALYTICS.md ("Campaign simulation") describes (the dashboard's
// /api/v1/experiment/simulate returns it as it is).
//
//   std::vector<SimulatedCell> cells = ...;  // ranked
//   PrintOut(RenderTable(SimulationResultsView(cells)));

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "cli/analysis_view.h"
#include "metrics/campaign_presets.h"
#include "metrics/window_outcomes.h"
#include "stats/simulation.h"
#include "stats/simulation_verdict.h"

namespace growthlens::cli {

/// One campaign simulated on one segment.
struct SimulatedCell {
  size_t rank = 0;  ///< 1 = most worth running
  std::string segment;
  const CampaignPreset* campaign = nullptr;
  OutcomeMetric metric = OutcomeMetric::kActive;
  std::string hypothesis;
  stats::CampaignSimulation simulation;
  stats::CampaignVerdict verdict;
  stats::CampaignAdvice advice;
};

/// Ranked rows: segment, campaign, metric, users, baseline, assumed and estimated lift with its
/// interval, power achieved and analytic, users needed, guardrail, decision and reason.
View SimulationResultsView(const std::vector<SimulatedCell>& cells);

/// The same rows for the terminal, narrower: the interval and the guardrail shares as text.
View SimulationTableView(const std::vector<SimulatedCell>& cells);

/// One result as the JSON "results" item.
nlohmann::ordered_json SimulatedCellJson(const SimulatedCell& cell);

/// One simulation in words, a line per number, for the terminal.
std::string SimulatedCellText(const SimulatedCell& cell, double alpha);

}  // namespace growthlens::cli
