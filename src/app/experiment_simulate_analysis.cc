#include "app/experiment_simulate_analysis.h"

#include <cstdint>
#include <string>

#include "app/campaign_simulation.h"
#include "app/persona_count.h"
#include "app/simulation_views.h"
#include "app/table_view.h"

namespace growthlens::app {

namespace {

/// The matrix with the parameters and the data's name its reports show.
struct SimulationReport {
  CampaignSimulationParams params;
  std::string input;
  CampaignMatrix matrix;
};

Result<SimulationReport> RunSimulation(const CleanedData& data,
                                       const CampaignSimulationParams& params,
                                       RunContext& context) {
  Result<CampaignMatrix> matrix = SimulateCampaigns(data.dataset, params, context);
  if (!matrix.ok()) return matrix.status();
  return SimulationReport{params, context.source, std::move(matrix).value()};
}

std::string SimulationReportJson(const SimulationReport& report) {
  return SimulationJson(report.matrix, report.params, report.input);
}

std::string SimulationReportCsv(const SimulationReport& report) {
  return RenderCsv(SimulationResultsView(report.matrix.cells));
}

std::string SimulationReportText(const SimulationReport& report) {
  return SimulationText(report.matrix, report.params, report.input);
}

}  // namespace

AnalysisEntry ExperimentSimulateAnalysis() {
  ParamSpec window_days = IntParam("window-days", 30, 1, 36'600,
                                   "Outcome window: the last N days of the data (default 30); "
                                   "segments come from the days before it");
  window_days.value_text = "INT:0..";
  ParamSpec runs = IntParam("runs", 1000, 1, kMaxSimulationRuns,
                            "Simulated experiments per cell (default 1000)");
  runs.value_text = "UINT:0..";
  ParamSpec seed = IntParam("seed", 0, 0, 0,
                            "Seed of the splits and effects (default 0); the persona model is "
                            "the dataset's own");
  seed.max.reset();  // every uint64 seed; no bound (as a double it would not be exact)
  seed.value_text = "UINT:0..18446744073709551615";
  ParamSpec min_users = IntParam("min-users", 100, 4, 100'000'000,
                                 "Smallest segment simulated (default 100); smaller ones are "
                                 "listed as skipped");
  min_users.value_text = "UINT:1..100000000";
  ParamSpec k = WithCliHelp(
      StringParam("k",
                  "With segments=personas: the dataset's persona model, as analyze fits it: auto "
                  "= the best silhouette, or a number (default: the four tiers, k = 4)"),
      "--segments personas: the dataset's persona model, as analyze fits it: auto = the best "
      "silhouette, or a number (default: the four tiers, k = 4)");
  k.value_text = "auto|N";
  k.max_length = 8;
  ParamSpec segments = WithCliHelp(
      EnumParam("segments", "rfm", {"rfm", "personas"},
                "rfm (default): the 11 RFM segments; personas: the dataset's KMeans personas (k)"),
      "rfm (default): the 11 RFM segments; personas: the dataset's KMeans personas (--k)");
  segments.value_text = "rfm|personas";
  return MakeEntry(
      AnalysisInfo(
          "experiment/simulate", DataNeed::kAny,
          "Which campaigns are worth running on which segments: each campaign an A/B test "
          "simulated on a segment's real users, ranked",
          "Which campaigns are worth running on which segments: users are segmented on the data "
          "before the last --window-days days (RFM segments, or KMeans personas), their outcome "
          "is what they did in that window, and each campaign is an A/B test simulated --runs "
          "times on a segment's real users with an assumed effect: estimated lift with its "
          "interval, power achieved (share of runs that find the effect), the planner's power "
          "and sample size, the AOV guardrail (transactions) and a verdict. With --segment and "
          "--campaign one simulation in detail; otherwise the campaigns on the segments (all of "
          "them unless one is given) of at least --min-users users, ranked in one table. "
          "Campaigns: reactivation-discount, push-notification, homepage-personalisation, "
          "recommendation-banner (defaults in docs/ANALYTICS.md, 'Campaign simulation')."),
      TypedAnalysis<CampaignSimulationParams, SimulationReport>{
          {
              {segments, &CampaignSimulationParams::segments},
              {WithValueText(
                   StringParam(
                       "segment",
                       "Segment to simulate on, e.g. 'At Risk', 'cant-lose-them', 'Dormant' (case "
                       "and punctuation ignored; a unique prefix will do). Default: every segment"),
                   "TEXT"),
               &CampaignSimulationParams::segment},
              {WithValueText(
                   StringParam(
                       "campaign",
                       "reactivation-discount, push-notification, homepage-personalisation or "
                       "recommendation-banner. Default: every campaign"),
                   "TEXT"),
               &CampaignSimulationParams::campaign},
              {WithCliHelp(BoolParam("all",
                                     "Every campaign on every segment of min-users users (the "
                                     "default when segment and campaign are not given)"),
                           "Every campaign on every segment of --min-users users (the default "
                           "when --segment and --campaign are not given)"),
               &CampaignSimulationParams::all},
              {WithCliHelp(
                   StringParam(
                       "metric",
                       "Outcome instead of the campaign's: usage logs active, active_days, events; "
                       "transactions repeat_purchase, orders, revenue (needs campaign)"),
                   "Outcome instead of the campaign's: usage logs active, active_days, events; "
                   "transactions repeat_purchase, orders, revenue (needs --campaign)"),
               &CampaignSimulationParams::metric},
              {WithCliHelp(
                   WithValueText(
                       NumberParam("effect", std::nullopt, std::nullopt,
                                   "Assumed effect, absolute in the metric's unit (0.02 = +2 "
                                   "points for a rate), or relative with relative=true (0.1 = "
                                   "+10%). Default: the campaign's (needs campaign)"),
                       "FLOAT"),
                   "Assumed effect, absolute in the metric's unit (0.02 = +2 points for a rate), "
                   "or relative with --relative (0.1 = +10%). Default: the campaign's (needs "
                   "--campaign)"),
               &CampaignSimulationParams::effect},
              {WithCliHelp(BoolParam("relative", "effect is a fraction of the baseline"),
                           "--effect is a fraction of the baseline"),
               &CampaignSimulationParams::relative},
              {WithValueText(
                   NumberParam("guardrail-effect", -1, std::nullopt,
                               "Assumed relative change of the average order value in treatment "
                               "(transactions; default: -0.10 for reactivation-discount, else 0)"),
                   "FLOAT"),
               &CampaignSimulationParams::guardrail_effect},
              {WithValueText(
                   DoubleParam("margin", 0.02, 0, 1,
                               "Guardrail non-inferiority margin, relative (default 0.02 = 2%)"),
                   "FLOAT"),
               &CampaignSimulationParams::margin},
              {window_days, &CampaignSimulationParams::window_days},
              {WithValueText(
                   DoubleParam("split", 0.5, 0, 1, "Share of users treated (default 0.5)"),
                   "FLOAT"),
               &CampaignSimulationParams::split},
              {runs, &CampaignSimulationParams::runs},
              {WithValueText(
                   DoubleParam("alpha", 0.05, 0, 1, "Significance level, two-sided (default 0.05)"),
                   "FLOAT"),
               &CampaignSimulationParams::alpha},
              {WithValueText(
                   DoubleParam("power", 0.8, 0, 1, "Target power of the verdict (default 0.8)"),
                   "FLOAT"),
               &CampaignSimulationParams::power},
              {seed, &CampaignSimulationParams::seed},
              {min_users, &CampaignSimulationParams::min_users},
              {k, &CampaignSimulationParams::k},
          },
          CheckCampaignSimulation,
          RunSimulation,
          SimulationReportJson,
          SimulationReportCsv,
          SimulationReportText});
}

}  // namespace growthlens::app
