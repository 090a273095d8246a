#pragma once
// Which campaigns are worth running on which segments (`growthlens experiment simulate`,
// GET /api/v1/experiment/simulate). Users are segmented on the data before an outcome window (the
// last `window-days` days): RFM segments, or the dataset's KMeans personas; their outcome is what
// they did in the window. Each (segment, campaign) is an A/B test simulated `runs` times on the
// segment's real users with the campaign's assumed effect (stats/simulation.h), judged, and the
// cells ranked: testable first, then by power achieved, then by the users needed over the users
// there are.
//
//   CampaignSimulationParams params;  // bound from the analysis's specs
//   Result<CampaignMatrix> matrix = SimulateCampaigns(dataset, params, context);

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/analysis_registry.h"
#include "core/dataset.h"
#include "core/status.h"
#include "metrics/campaign_presets.h"
#include "metrics/window_outcomes.h"
#include "stats/simulation.h"
#include "stats/simulation_verdict.h"

namespace growthlens::app {

/// Simulated experiments per cell at most: a request above it gets 400.
inline constexpr int64_t kMaxSimulationRuns = 100'000;
/// The cells listed first as the best bets, however few are powered.
inline constexpr size_t kCampaignRecommendations = 5;

/// The parameters of a simulation (their specs: app/experiment_simulate_analysis.cc).
struct CampaignSimulationParams {
  std::string segments;  ///< rfm or personas
  std::string segment;   ///< "" = every segment with `min_users`
  std::string campaign;  ///< "" = every campaign
  bool all = false;
  std::string metric;  ///< "" = the campaign's
  std::optional<double> effect;
  bool relative = false;
  std::optional<double> guardrail_effect;
  double margin = 0.02;
  int64_t window_days = 30;
  double split = 0.5;
  int64_t runs = 1000;
  double alpha = 0.05;
  double power = 0.8;
  uint64_t seed = 0;
  int64_t min_users = 100;
  std::string k;  ///< the persona model: "" the four tiers, "auto", or a number
};

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

/// A segment left out: fewer users than `min_users`.
struct SkippedSegment {
  std::string segment;
  size_t users = 0;
};

/// A (segment, campaign) of the matrix whose assumed effect the segment cannot have.
struct NotSimulated {
  std::string segment;
  std::string campaign;
  std::string metric;
  size_t users = 0;
  std::string reason;
};

/// What was simulated and what was left out, with the window and segments it rests on.
struct CampaignMatrix {
  DataKind kind = DataKind::kUsage;
  OutcomeWindow window;
  size_t pre_period_users = 0;
  size_t personas_k = 0;             ///< the persona model's k (segments = personas)
  std::vector<SimulatedCell> cells;  ///< ranked
  std::vector<SkippedSegment> skipped;
  std::vector<NotSimulated> not_simulated;
};

/// What the parameters alone can tell (combinations, ranges), before the data is read.
Status CheckCampaignSimulation(const CampaignSimulationParams& params, Naming naming);

/// Every chosen campaign on every chosen segment of `dataset`, ranked. Progress notes go to
/// `context.progress`; `context.stop` ends the work between cells.
Result<CampaignMatrix> SimulateCampaigns(const Dataset& dataset,
                                         const CampaignSimulationParams& params,
                                         RunContext& context);

/// Ranks `cells` (in segment, campaign order given by `order`) and numbers them from 1.
void RankCampaignCells(std::vector<SimulatedCell>& cells,
                       const std::vector<std::pair<size_t, size_t>>& order);

}  // namespace growthlens::app
