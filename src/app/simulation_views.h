#pragma once
// The views of `growthlens experiment simulate`: one ranked row per (segment, campaign) for
// tables and CSV, the detail of one simulation in words, and the JSON document whose shape
// docs/ANALYTICS.md ("Campaign simulation") describes (the dashboard's
// /api/v1/experiment/simulate returns it as it is).
//
//   Result<CampaignMatrix> matrix = SimulateCampaigns(dataset, params, context);
//   std::string csv = RenderCsv(SimulationResultsView(matrix->cells));

#include <string>
#include <string_view>
#include <vector>

#include "app/campaign_simulation.h"
#include "app/table_view.h"

namespace growthlens::app {

/// Ranked rows: segment, campaign, metric, users, baseline, assumed and estimated lift with its
/// interval, power achieved and analytic, users needed, guardrail, decision and reason.
View SimulationResultsView(const std::vector<SimulatedCell>& cells);

/// The same rows for the terminal, narrower: the interval and the guardrail shares as text.
View SimulationTableView(const std::vector<SimulatedCell>& cells);

/// One simulation in words, a line per number, for the terminal.
std::string SimulatedCellText(const SimulatedCell& cell, double alpha);

/// The document of docs/ANALYTICS.md ("Campaign simulation"), for the data named `input`.
std::string SimulationJson(const CampaignMatrix& matrix, const CampaignSimulationParams& params,
                           std::string_view input);

/// The terminal's report: the setting, then one cell in words or the ranked table with the best
/// bets, and what was not simulated or skipped.
std::string SimulationText(const CampaignMatrix& matrix, const CampaignSimulationParams& params,
                           std::string_view input);

}  // namespace growthlens::app
