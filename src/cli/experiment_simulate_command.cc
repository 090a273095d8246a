// growthlens experiment simulate FILE: which campaigns are worth running on which segments.
// Users are segmented on the data before an outcome window (the last --window-days days); their
// outcome is what they did in the window. Each (segment, campaign) is an A/B test simulated
// --runs times on the segment's real users with the campaign's assumed effect (stats/
// simulation.h): the estimated lift of one run with its interval, the power achieved, the
// planner's power and sample size, the AOV guardrail for transactions, and a verdict. One
// segment and campaign give the detail; otherwise every pair is ranked in one table.

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/analysis_view.h"
#include "cli/command.h"
#include "cli/option_bounds.h"
#include "cli/segment_views.h"
#include "cli/simulation_views.h"
#include "core/number_format.h"
#include "metrics/campaign_presets.h"
#include "metrics/rfm.h"
#include "metrics/rows_before.h"
#include "metrics/window_outcomes.h"
#include "ml/kmeans.h"
#include "ml/segmentation.h"
#include "ml/user_groups.h"
#include "stats/simulation.h"
#include "stats/simulation_verdict.h"

namespace growthlens::cli {

namespace {

constexpr std::string_view kSimulateCommand = "experiment simulate";
constexpr size_t kMaxRuns = kMaxSimulationRuns;
// The best bets listed first, however few are powered.
constexpr size_t kRecommendations = 5;

enum class SegmentScheme { kRfm, kPersonas };

struct SimulateArgs {
  AnalysisInput input;
  std::string segments = "rfm";
  std::string segment;   // "" = every segment with --min-users
  std::string campaign;  // "" = every campaign
  bool all = false;
  std::string metric;  // "" = the campaign's
  std::optional<double> effect;
  bool relative = false;
  std::optional<double> guardrail_effect;
  double margin = 0.02;
  int window_days = 30;
  double split = 0.5;
  size_t runs = 1000;
  double alpha = 0.05;
  double power = 0.8;
  uint64_t seed = 0;
  size_t min_users = 100;
  std::string k;         // the dataset's persona model: "" the four tiers, "auto", or a number
  std::stop_token stop;  // the server's client left
};

std::string CampaignNames() {
  std::vector<std::string_view> names;
  for (const CampaignPreset& preset : CampaignPresets()) names.push_back(preset.name);
  return fmt::format("{}", fmt::join(names, ", "));
}

std::string MetricNames(DataKind kind) {
  std::vector<std::string_view> names;
  for (const OutcomeMetricInfo& info : OutcomeMetrics())
    if (info.kind == kind) names.push_back(info.name);
  return fmt::format("{}", fmt::join(names, ", "));
}

/// Everything that can be checked before the file is read.
Status CheckArgs(const SimulateArgs& args) {
  if (args.all && (!args.segment.empty() || !args.campaign.empty()))
    return Invalid(
        "--all: runs every campaign on every segment; leave out --segment and --campaign");
  if (!args.campaign.empty() && FindCampaign(args.campaign) == nullptr)
    return Invalid(
        fmt::format("--campaign '{}': expected one of {}", args.campaign, CampaignNames()));
  if (args.campaign.empty()) {
    for (const auto& [given, option] :
         {std::pair{!args.metric.empty(), "--metric"},
          std::pair{args.effect.has_value(), "--effect"},
          std::pair{args.guardrail_effect.has_value(), "--guardrail-effect"}})
      if (given)
        return Invalid(
            fmt::format("{}: needs --campaign (every campaign has its own default)", option));
  }
  if (args.relative && !args.effect) return Invalid("--relative: needs --effect");
  if (args.effect && !std::isfinite(*args.effect))
    return Invalid(fmt::format("--effect {}: expected a finite number", *args.effect));
  if (args.effect && args.relative && !(*args.effect > -1.0))
    return Invalid(fmt::format("--effect {} --relative: expected above -1 (-100%)", *args.effect));
  if (args.guardrail_effect &&
      !(*args.guardrail_effect > -1.0 && std::isfinite(*args.guardrail_effect)))
    return Invalid(fmt::format("--guardrail-effect {}: expected a relative change above -1 (-100%)",
                               *args.guardrail_effect));
  if (!(args.margin >= 0.0 && args.margin < 1.0))
    return Invalid(fmt::format("--margin {}: expected between 0 and 1", args.margin));
  if (args.window_days < 1)
    return Invalid(fmt::format("--window-days {}: expected at least 1 day", args.window_days));
  if (!(args.split > 0.0 && args.split < 1.0))
    return Invalid(fmt::format(
        "--split {}: expected the treatment share, between 0 and 1 (exclusive)", args.split));
  if (args.runs < 1 || args.runs > kMaxRuns)
    return Invalid(fmt::format("--runs {}: expected 1 to {}", args.runs, kMaxRuns));
  if (!(args.alpha > 0.0 && args.alpha < 1.0))
    return Invalid(fmt::format("--alpha {}: expected between 0 and 1", args.alpha));
  if (!(args.power > 0.0 && args.power < 1.0))
    return Invalid(fmt::format("--power {}: expected between 0 and 1", args.power));
  if (args.min_users < 4)
    return Invalid(fmt::format("--min-users {}: expected at least 4", args.min_users));
  ml::SegmentationOptions k_check;
  GROWTHLENS_RETURN_IF_ERROR(ApplyKOption(args.k, k_check));
  return Status::Ok();
}

/// The hypothesis of one cell in words.
std::string Hypothesis(const CampaignPreset& preset, const OutcomeMetricInfo& metric,
                       const std::string& segment, const stats::GoalSimulation& goal) {
  const auto value = [&](double v) {
    return metric.rate ? PercentText(v, 2) : GroupedNumber(v, 3);
  };
  return fmt::format("{} on {}: {} moves the {} from {} to {}, {}; H0: it changes nothing",
                     preset.name, segment, preset.treatment, metric.description,
                     value(goal.baseline), value(goal.baseline + goal.effect_absolute),
                     stats::EffectText(goal));
}

/// Rank: testable cells first, then power achieved, then the users needed for the target over
/// the users there are (smaller = closer to powered), then the order of segments and campaigns.
void Rank(std::vector<SimulatedCell>& cells, const std::vector<std::pair<size_t, size_t>>& order) {
  std::vector<size_t> index(cells.size());
  for (size_t idx = 0; idx < index.size(); ++idx) index[idx] = idx;
  const auto need = [&](size_t idx) {
    const stats::GoalSimulation& goal = cells[idx].simulation.goal;
    return goal.needed ? static_cast<double>(goal.needed->n_total) /
                             static_cast<double>(cells[idx].simulation.users)
                       : std::numeric_limits<double>::infinity();
  };
  std::stable_sort(index.begin(), index.end(), [&](size_t a, size_t b) {
    // Testable cells before the others, whatever power an A/A run shows.
    const bool testable_a = cells[a].advice.action != stats::CampaignAction::kNotTestable;
    const bool testable_b = cells[b].advice.action != stats::CampaignAction::kNotTestable;
    if (testable_a != testable_b) return testable_a;
    const double power_a = cells[a].simulation.goal.power_achieved;
    const double power_b = cells[b].simulation.goal.power_achieved;
    if (power_a != power_b) return power_a > power_b;
    if (need(a) != need(b)) return need(a) < need(b);
    return order[a] < order[b];
  });
  std::vector<SimulatedCell> ranked;
  ranked.reserve(cells.size());
  for (size_t idx : index) ranked.push_back(std::move(cells[idx]));
  for (size_t idx = 0; idx < ranked.size(); ++idx) ranked[idx].rank = idx + 1;
  cells = std::move(ranked);
}

struct Skipped {
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
struct Simulation {
  DataKind kind = DataKind::kUsage;
  OutcomeWindow window;
  size_t pre_period_users = 0;
  size_t personas_k = 0;             ///< the persona model's k (--segments personas)
  std::vector<SimulatedCell> cells;  ///< ranked
  std::vector<Skipped> skipped;
  std::vector<NotSimulated> not_simulated;
};

/// The segments of the pre-period: RFM as of the window's first day, or the dataset's persona
/// model (the one Overview and the report show: fitted on all the data with the defaults, four
/// tiers unless --k) with each user placed by their pre-period behaviour (nearest centre), so
/// that "Dormant Users" means the same everywhere. `k_used` gets the model's k.
Result<std::vector<ml::UserGroup>> BuildGroups(const SimulateArgs& args, SegmentScheme scheme,
                                               const Dataset& dataset, const Dataset& before,
                                               const RfmTable& rfm, size_t& k_used) {
  if (scheme == SegmentScheme::kRfm) return ml::RfmGroups(rfm);
  ml::SegmentationOptions options;
  GROWTHLENS_RETURN_IF_ERROR(ApplyKOption(args.k, options));
  options.advise = false;
  options.threads = args.input.flags.options.read.threads;
  const RfmTable all_rfm = ComputeRfm(dataset, RfmOptions());
  if (!args.input.quiet)
    fmt::print(stderr,
               "growthlens {}: the persona model of {} {}, then {} users of the pre-period placed "
               "in it\n",
               kSimulateCommand, WithThousands(all_rfm.size()),
               dataset.kind() == DataKind::kUsage ? "users" : "customers",
               WithThousands(rfm.size()));
  Result<ml::Segmentation> model = ml::SegmentUsers(dataset, all_rfm, options);
  if (!model.ok()) return model.status().WithContext("--segments personas");
  k_used = model->k;
  Result<ml::FeatureMatrix> x = ml::FeaturesForModel(before, rfm, model->feature_names);
  if (!x.ok()) return x.status().WithContext("--segments personas");
  Result<ml::FeatureMatrix> scaled = model->transform.Apply(*x);
  if (!scaled.ok()) return scaled.status().WithContext("--segments personas");
  Result<ml::Assignment> placed = ml::AssignToCentres(*scaled, model->centres, options.threads);
  if (!placed.ok()) return placed.status().WithContext("--segments personas");
  model->labels = std::move(placed->labels);
  return ml::PersonaGroups(rfm, *model);
}

/// The groups to simulate on: the one named by --segment, or every group of --min-users users
/// (the others go to `skipped`).
Result<std::vector<size_t>> ChooseGroups(const SimulateArgs& args, SegmentScheme scheme,
                                         const std::vector<ml::UserGroup>& groups,
                                         std::vector<Skipped>& skipped) {
  std::vector<size_t> chosen;
  if (!args.segment.empty()) {
    Result<size_t> group = ml::FindGroup(groups, args.segment);
    if (!group.ok())
      return group.status().WithContext(fmt::format(
          "--segment (of the {} segments{})", scheme == SegmentScheme::kRfm ? "RFM" : "persona",
          scheme == SegmentScheme::kRfm ? "; --segments personas for the personas" : ""));
    const size_t users = groups[*group].users.size();
    if (users < args.min_users)
      return Status(ErrorCode::kDataError,
                    fmt::format("--segment '{}': {} has {} users in the pre-period, fewer than "
                                "--min-users {}; pick a larger segment or lower --min-users",
                                args.segment, groups[*group].name, users, args.min_users));
    chosen.push_back(*group);
    return chosen;
  }
  for (size_t group = 0; group < groups.size(); ++group) {
    if (groups[group].users.size() >= args.min_users) {
      chosen.push_back(group);
    } else {
      skipped.push_back({groups[group].name, groups[group].users.size()});
    }
  }
  if (chosen.empty())
    return Status(
        ErrorCode::kDataError,
        fmt::format("no segment has --min-users {} users in the pre-period", args.min_users));
  return chosen;
}

stats::SimulationOptions EngineOptions(const SimulateArgs& args) {
  stats::SimulationOptions options;
  options.treatment_share = args.split;
  options.runs = args.runs;
  options.alpha = args.alpha;
  options.target_power = args.power;
  options.seed = args.seed;
  options.threads = args.input.flags.options.read.threads;
  options.stop = args.stop;
  return options;
}

/// Every chosen campaign on every chosen group, ranked. In the matrix a campaign whose effect
/// a segment cannot have is listed apart; alone it is an error.
Status SimulateCells(const SimulateArgs& args, const std::vector<ml::UserGroup>& groups,
                     const std::vector<size_t>& chosen, const WindowOutcomes& outcomes,
                     std::optional<OutcomeMetric> metric_override, Simulation& out) {
  std::vector<const CampaignPreset*> campaigns;
  if (!args.campaign.empty()) {
    campaigns.push_back(FindCampaign(args.campaign));
  } else {
    for (const CampaignPreset& preset : CampaignPresets()) campaigns.push_back(&preset);
  }
  if (!args.input.quiet)
    fmt::print(stderr, "growthlens {}: {} campaign(s) on {} segment(s), {} runs each\n",
               kSimulateCommand, campaigns.size(), chosen.size(), args.runs);
  const stats::SimulationOptions options = EngineOptions(args);
  const bool single = chosen.size() == 1 && campaigns.size() == 1;
  const bool with_guardrail = out.kind == DataKind::kTransactions;
  std::vector<std::pair<size_t, size_t>> order;
  for (size_t group_idx = 0; group_idx < chosen.size(); ++group_idx) {
    const ml::UserGroup& group = groups[chosen[group_idx]];
    std::vector<double> revenue, orders;
    if (with_guardrail) {
      revenue = OutcomeValues(outcomes, OutcomeMetric::kRevenue, group.users);
      orders = OutcomeValues(outcomes, OutcomeMetric::kOrders, group.users);
    }
    for (size_t campaign_idx = 0; campaign_idx < campaigns.size(); ++campaign_idx) {
      const CampaignPreset& preset = *campaigns[campaign_idx];
      SimulatedCell cell;
      cell.segment = group.name;
      cell.campaign = &preset;
      cell.metric = metric_override.value_or(preset.MetricFor(out.kind));
      const OutcomeMetricInfo& info = InfoOf(cell.metric);
      const std::vector<double> values = OutcomeValues(outcomes, cell.metric, group.users);
      stats::GoalOutcomes goal;
      goal.kind = info.rate ? stats::MetricKind::kProportion : stats::MetricKind::kMean;
      goal.outcomes = values;
      goal.effect = args.effect ? stats::AssumedEffect{*args.effect, args.relative}
                                : stats::AssumedEffect{preset.effect, preset.relative};
      const stats::RatioGuardrail aov{
          "AOV", revenue, orders, args.guardrail_effect.value_or(preset.aov_effect), args.margin};
      Result<stats::CampaignSimulation> simulation =
          stats::SimulateCampaign(goal, with_guardrail ? &aov : nullptr, options);
      if (!simulation.ok()) {
        const Status status = simulation.status().WithContext(
            fmt::format("{} on {}{}", preset.name, group.name,
                        args.effect ? fmt::format(" (--effect {})", *args.effect) : std::string()));
        // An effect this segment cannot have (+10% on a rate of 95%): the matrix lists it.
        if (status.code() != ErrorCode::kDataError || single) return status;
        out.not_simulated.push_back({group.name, std::string(preset.name), std::string(info.name),
                                     group.users.size(), simulation.status().message()});
        continue;
      }
      cell.simulation = std::move(simulation).value();
      cell.verdict = stats::JudgeCampaign(cell.simulation.goal, cell.simulation.users, options);
      cell.advice =
          stats::AdviseCampaign(cell.simulation.goal, cell.simulation.users, options, cell.verdict);
      cell.hypothesis = Hypothesis(preset, info, group.name, cell.simulation.goal);
      out.cells.push_back(std::move(cell));
      order.emplace_back(group_idx, campaign_idx);
    }
  }
  Rank(out.cells, order);
  return Status::Ok();
}

std::string TableText(const SimulateArgs& args, const Simulation& simulation) {
  const OutcomeWindow& window = simulation.window;
  std::string out = fmt::format(
      "Campaign simulation on {} ({}): {} as of {} from the pre-period {} .. {}; outcomes in "
      "the window {} .. {} ({} days)\n{} runs a cell, {} treated, alpha {}, target power {}, "
      "seed {}\n\n",
      args.input.input, DataKindName(simulation.kind),
      args.segments == "rfm" ? "RFM segments" : "personas", FormatDate(window.first),
      FormatDate(window.data_first), FormatDate(window.first - 1), FormatDate(window.first),
      FormatDate(window.last), window.days, GroupedNumber(static_cast<double>(args.runs), 0),
      PercentText(args.split, 0), args.alpha, PercentText(args.power, 0), args.seed);
  if (simulation.cells.size() == 1) {
    out += fmt::format("Hypothesis: {}\n\n", simulation.cells.front().hypothesis);
    out += SimulatedCellText(simulation.cells.front(), args.alpha);
  } else {
    out += RenderTable(SimulationTableView(simulation.cells));
    out +=
        "\nRun 1 lift: the relative lift estimated in the first simulated experiment, with its "
        "interval. Power: the share of the runs that found the lift; Analytic: the planner's; "
        "Needs: users in all for the target power (the planner); Detects: the smallest lift the "
        "segment's users detect at the target power. AOV: the share of runs where the guardrail "
        "holds / fails.\n\nBest bets:\n";
    for (size_t idx = 0; idx < simulation.cells.size() && idx < kRecommendations; ++idx) {
      const SimulatedCell& cell = simulation.cells[idx];
      if (cell.advice.action == stats::CampaignAction::kNotTestable) break;
      out += fmt::format("  {}. {} on {}: {}\n", cell.rank, cell.campaign->name, cell.segment,
                         cell.advice.text);
    }
  }
  for (const NotSimulated& entry : simulation.not_simulated)
    out += fmt::format("Not simulated: {} on {} ({}): {}\n", entry.campaign, entry.segment,
                       entry.metric, entry.reason);
  if (!simulation.skipped.empty()) {
    std::vector<std::string> names;
    for (const Skipped& entry : simulation.skipped)
      names.push_back(fmt::format("{} ({})", entry.segment, entry.users));
    out +=
        fmt::format("Skipped, fewer than {} users: {}\n", args.min_users, fmt::join(names, ", "));
  }
  return out;
}

/// Cells per action: {"run now": 2, "within reach": 5, ...}.
nlohmann::ordered_json SummaryJson(const std::vector<SimulatedCell>& cells) {
  nlohmann::ordered_json summary = nlohmann::ordered_json::object();
  for (const stats::CampaignAction action :
       {stats::CampaignAction::kRunNow, stats::CampaignAction::kWithinReach,
        stats::CampaignAction::kBigLiftsOnly, stats::CampaignAction::kNotTestable})
    summary[stats::CampaignActionName(action)] =
        std::count_if(cells.begin(), cells.end(),
                      [action](const SimulatedCell& cell) { return cell.advice.action == action; });
  return summary;
}

/// The document of docs/ANALYTICS.md ("Campaign simulation", JSON).
std::string SimulationJsonText(const SimulateArgs& args, const Simulation& simulation) {
  using Json = nlohmann::ordered_json;
  const OutcomeWindow& window = simulation.window;
  JsonDocument json;
  json.Set("view", "campaign_simulation");
  json.Set("format_version", 1);
  json.Set("input", args.input.input);
  json.Set("kind", DataKindName(simulation.kind));
  json.Set("segments", args.segments);
  json.Set("window", {{"days", window.days},
                      {"first", FormatDate(window.first)},
                      {"last", FormatDate(window.last)},
                      {"pre_period_first", FormatDate(window.data_first)},
                      {"pre_period_last", FormatDate(window.first - 1)},
                      {"reference_date", FormatDate(window.first)}});
  json.Set("settings", {{"split", args.split},
                        {"runs", args.runs},
                        {"alpha", args.alpha},
                        {"target_power", args.power},
                        {"seed", args.seed},
                        {"min_users", args.min_users},
                        {"guardrail_margin", args.margin},
                        {"personas_k", args.segments == "personas" ? Json(simulation.personas_k)
                                                                   : Json(nullptr)}});
  json.Set("pre_period_users", simulation.pre_period_users);
  std::vector<Json> skipped;
  for (const Skipped& entry : simulation.skipped)
    skipped.push_back({{"segment", entry.segment}, {"users", entry.users}});
  json.SetList("skipped_segments", skipped);
  std::vector<Json> not_simulated;
  for (const NotSimulated& entry : simulation.not_simulated)
    not_simulated.push_back({{"segment", entry.segment},
                             {"campaign", entry.campaign},
                             {"metric", entry.metric},
                             {"users", entry.users},
                             {"reason", entry.reason}});
  json.SetList("not_simulated", not_simulated);
  json.Set("summary", SummaryJson(simulation.cells));
  std::vector<Json> recommendations;
  for (size_t idx = 0; idx < simulation.cells.size() && idx < kRecommendations; ++idx) {
    const SimulatedCell& cell = simulation.cells[idx];
    if (cell.advice.action == stats::CampaignAction::kNotTestable) break;
    recommendations.push_back({{"rank", cell.rank},
                               {"segment", cell.segment},
                               {"campaign", cell.campaign->name},
                               {"action", stats::CampaignActionName(cell.advice.action)},
                               {"text", cell.advice.text}});
  }
  json.SetList("recommendations", recommendations);
  std::vector<Json> results;
  for (const SimulatedCell& cell : simulation.cells) results.push_back(SimulatedCellJson(cell));
  json.SetList("results", results);
  return json.Render();
}

Status RunSimulate(SimulateArgs& args, CommandOutcome& outcome) {
  GROWTHLENS_RETURN_IF_ERROR(CheckArgs(args));
  args.stop = outcome.stop;
  Result<SegmentScheme> scheme = ParseChoice<SegmentScheme>(
      "--segments", args.segments,
      {{"rfm", SegmentScheme::kRfm}, {"personas", SegmentScheme::kPersonas}});
  if (!scheme.ok()) return scheme.status();
  Result<LoadedData> cleaned = LoadForAnalysis(kSimulateCommand, args.input, outcome);
  if (!cleaned.ok()) return cleaned.status();
  const Dataset& dataset = (*cleaned)->dataset;

  Simulation simulation;
  simulation.kind = dataset.kind();
  std::optional<OutcomeMetric> metric_override;
  if (!args.metric.empty()) {
    metric_override = FindOutcomeMetric(args.metric, simulation.kind);
    if (!metric_override)
      return Invalid(
          fmt::format("--metric '{}': for a {} expected one of {}", args.metric,
                      simulation.kind == DataKind::kUsage ? "usage log" : "transactions file",
                      MetricNames(simulation.kind)));
  }
  Result<OutcomeWindow> window = LastDaysWindow(dataset, args.window_days);
  if (!window.ok())
    return window.status().WithContext(fmt::format("--window-days {}", args.window_days));
  simulation.window = *window;

  // Segments from the pre-period only; outcomes from the window.
  const Dataset before = RowsBefore(dataset, window->first);
  const RfmTable rfm = ComputeRfm(before, RfmOptions{window->first, RfmTies::kFirstOccurrence});
  simulation.pre_period_users = rfm.size();
  Result<std::vector<ml::UserGroup>> groups =
      BuildGroups(args, *scheme, dataset, before, rfm, simulation.personas_k);
  if (!groups.ok()) return groups.status();
  Result<std::vector<size_t>> chosen = ChooseGroups(args, *scheme, *groups, simulation.skipped);
  if (!chosen.ok()) return chosen.status();
  const WindowOutcomes outcomes = ComputeWindowOutcomes(dataset, *window);
  GROWTHLENS_RETURN_IF_ERROR(
      SimulateCells(args, *groups, *chosen, outcomes, metric_override, simulation));

  switch (args.input.format) {
    case OutputFormat::kTable:
      PrintOut(outcome, TableText(args, simulation));
      break;
    case OutputFormat::kJson:
      PrintOut(outcome, SimulationJsonText(args, simulation));
      break;
    case OutputFormat::kCsv:
      PrintOut(outcome, RenderCsv(SimulationResultsView(simulation.cells)));
      break;
  }
  return Status::Ok();
}

}  // namespace

void AddExperimentSimulateCommand(CLI::App& experiment, CommandOutcome& outcome) {
  auto args = std::make_shared<SimulateArgs>();
  CLI::App* simulate = experiment.add_subcommand(
      "simulate",
      "Which campaigns are worth running on which segments: users are segmented on the data "
      "before the last --window-days days (RFM segments, or KMeans personas), their outcome is "
      "what they did in that window, and each campaign is an A/B test simulated --runs times on "
      "a segment's real users with an assumed effect: estimated lift with its interval, power "
      "achieved (share of runs that find the effect), the planner's power and sample size, the "
      "AOV guardrail (transactions) and a verdict. With --segment and --campaign one simulation "
      "in detail; otherwise the campaigns on the segments (all of them unless one is given) "
      "of at least --min-users users, ranked in one table. "
      "Campaigns: reactivation-discount, push-notification, homepage-personalisation, "
      "recommendation-banner (defaults in docs/ANALYTICS.md, 'Campaign simulation').");
  AddAnalysisInput(*simulate, args->input, outcome);
  simulate
      ->add_option("--segments", args->segments,
                   "rfm (default): the 11 RFM segments; personas: the dataset's KMeans personas "
                   "(--k)")
      ->option_text("rfm|personas");
  simulate->add_option("--segment", args->segment,
                       "Segment to simulate on, e.g. 'At Risk', 'cant-lose-them', 'Dormant' (case "
                       "and punctuation ignored; a unique prefix will do). Default: every segment");
  simulate->add_option("--campaign", args->campaign,
                       "reactivation-discount, push-notification, homepage-personalisation or "
                       "recommendation-banner. Default: every campaign");
  simulate->add_flag("--all", args->all,
                     "Every campaign on every segment of --min-users users (the default when "
                     "--segment and --campaign are not given)");
  simulate->add_option("--metric", args->metric,
                       "Outcome instead of the campaign's: usage logs active, active_days, events; "
                       "transactions repeat_purchase, orders, revenue (needs --campaign)");
  simulate->add_option("--effect", args->effect,
                       "Assumed effect, absolute in the metric's unit (0.02 = +2 points for a "
                       "rate), or relative with --relative (0.1 = +10%). Default: the campaign's "
                       "(needs --campaign)");
  simulate->add_flag("--relative", args->relative, "--effect is a fraction of the baseline");
  simulate->add_option("--guardrail-effect", args->guardrail_effect,
                       "Assumed relative change of the average order value in treatment "
                       "(transactions; default: -0.10 for reactivation-discount, else 0)");
  simulate->add_option("--margin", args->margin,
                       "Guardrail non-inferiority margin, relative (default 0.02 = 2%)");
  simulate
      ->add_option("--window-days", args->window_days,
                   "Outcome window: the last N days of the data (default 30); segments come "
                   "from the days before it")
      ->check(WholeNumber());
  simulate->add_option("--split", args->split, "Share of users treated (default 0.5)");
  simulate->add_option("--runs", args->runs, "Simulated experiments per cell (default 1000)")
      ->check(WholeNumber());
  simulate->add_option("--alpha", args->alpha, "Significance level, two-sided (default 0.05)");
  simulate->add_option("--power", args->power, "Target power of the verdict (default 0.8)");
  simulate
      ->add_option(
          "--seed", args->seed,
          "Seed of the splits and effects (default 0); the persona model is the dataset's own")
      ->check(WholeNumberIn(0, kMaxSeed));
  simulate
      ->add_option("--min-users", args->min_users,
                   "Smallest segment simulated (default 100); smaller ones are listed as skipped")
      ->check(WholeNumberIn(1, kMaxGeneratedRows));
  simulate
      ->add_option("--k", args->k,
                   "--segments personas: the dataset's persona model, as analyze fits it: auto "
                   "= the best silhouette, or a number (default: the four tiers, k = 4)")
      ->option_text("auto|N")
      ->check(PersonaCount());
  simulate->callback([args, &outcome] {
    const Status status = RunSimulate(*args, outcome);
    if (!status.ok()) ReportFailure(std::string(kSimulateCommand), status, outcome);
  });
}

}  // namespace growthlens::cli
