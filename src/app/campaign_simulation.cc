#include "app/campaign_simulation.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "app/persona_count.h"
#include "app/table_view.h"
#include "core/number_format.h"
#include "metrics/rfm.h"
#include "metrics/rows_before.h"
#include "ml/kmeans.h"
#include "ml/segmentation.h"
#include "ml/user_groups.h"

namespace growthlens::app {

namespace {

std::string CampaignNames() {
  std::vector<std::string_view> names;
  for (const CampaignPreset& preset : CampaignPresets()) names.push_back(preset.name);
  return fmt::format("{}", fmt::join(names, ", "));
}

std::string OutcomeMetricNames(DataKind kind) {
  std::vector<std::string_view> names;
  for (const OutcomeMetricInfo& info : OutcomeMetrics())
    if (info.kind == kind) names.push_back(info.name);
  return fmt::format("{}", fmt::join(names, ", "));
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

void Progress(const RunContext& context, const std::string& note) {
  if (context.progress) context.progress(note);
}

/// The segments of the pre-period: RFM as of the window's first day, or the dataset's persona
/// model (the one Overview and the report show: fitted on all the data with the defaults, four
/// tiers unless `k`) with each user placed by their pre-period behaviour (nearest centre), so
/// that "Dormant Users" means the same everywhere. `k_used` gets the model's k.
Result<std::vector<ml::UserGroup>> BuildGroups(const CampaignSimulationParams& params,
                                               const Dataset& dataset, const Dataset& before,
                                               const RfmTable& rfm, RunContext& context,
                                               size_t& k_used) {
  if (params.segments == "rfm") return ml::RfmGroups(rfm);
  ml::SegmentationOptions options;
  GROWTHLENS_RETURN_IF_ERROR(ApplyPersonaCount("k", params.k, context.naming, options));
  options.advise = false;
  options.threads = context.threads;
  const RfmTable all_rfm = ComputeRfm(dataset, RfmOptions());
  Progress(context,
           fmt::format("the persona model of {} {}, then {} users of the pre-period placed in it",
                       WithThousands(all_rfm.size()), ByKind(dataset.kind(), "users", "customers"),
                       WithThousands(rfm.size())));
  const std::string where = GivenText("segments", context.naming, "personas");
  Result<ml::Segmentation> model = ml::SegmentUsers(dataset, all_rfm, options);
  if (!model.ok()) return model.status().WithContext(where);
  k_used = model->k;
  Result<ml::FeatureMatrix> x = ml::FeaturesForModel(before, rfm, model->feature_names);
  if (!x.ok()) return x.status().WithContext(where);
  Result<ml::FeatureMatrix> scaled = model->transform.Apply(*x);
  if (!scaled.ok()) return scaled.status().WithContext(where);
  Result<ml::Assignment> placed = ml::AssignToCentres(*scaled, model->centres, options.threads);
  if (!placed.ok()) return placed.status().WithContext(where);
  model->labels = std::move(placed->labels);
  return ml::PersonaGroups(rfm, *model);
}

/// The groups to simulate on: the one named by `segment`, or every group of `min_users` users
/// (the others go to `skipped`).
Result<std::vector<size_t>> ChooseGroups(const CampaignSimulationParams& params, Naming naming,
                                         const std::vector<ml::UserGroup>& groups,
                                         std::vector<SkippedSegment>& skipped) {
  const bool rfm = params.segments == "rfm";
  const std::string min_users = GivenText("min-users", naming, std::to_string(params.min_users));
  std::vector<size_t> chosen;
  const size_t least = static_cast<size_t>(params.min_users);
  if (!params.segment.empty()) {
    Result<size_t> group = ml::FindGroup(groups, params.segment);
    if (!group.ok())
      return group.status().WithContext(fmt::format(
          "{} (of the {} segments{})", ShownName("segment", naming), rfm ? "RFM" : "persona",
          !rfm                     ? ""
          : naming == Naming::kCli ? "; --segments personas for the personas"
                                   : "; segments=personas for the personas"));
    const size_t users = groups[*group].users.size();
    if (users < least)
      return Status(ErrorCode::kDataError,
                    fmt::format("{} '{}': {} has {} users in the pre-period, fewer than "
                                "{}; pick a larger segment or lower {}",
                                ShownName("segment", naming), params.segment, groups[*group].name,
                                users, min_users, ShownName("min-users", naming)));
    chosen.push_back(*group);
    return chosen;
  }
  for (size_t group = 0; group < groups.size(); ++group) {
    if (groups[group].users.size() >= least) {
      chosen.push_back(group);
    } else {
      skipped.push_back({groups[group].name, groups[group].users.size()});
    }
  }
  if (chosen.empty())
    return Status(ErrorCode::kDataError,
                  fmt::format("no segment has {} users in the pre-period", min_users));
  return chosen;
}

stats::SimulationOptions EngineOptions(const CampaignSimulationParams& params,
                                       const RunContext& context) {
  stats::SimulationOptions options;
  options.treatment_share = params.split;
  options.runs = static_cast<size_t>(params.runs);
  options.alpha = params.alpha;
  options.target_power = params.power;
  options.seed = params.seed;
  options.threads = context.threads;
  options.stop = context.stop;
  return options;
}

/// Every chosen campaign on every chosen group, ranked. In the matrix a campaign whose effect
/// a segment cannot have is listed apart; alone it is an error.
Status SimulateCells(const CampaignSimulationParams& params, RunContext& context,
                     const std::vector<ml::UserGroup>& groups, const std::vector<size_t>& chosen,
                     const WindowOutcomes& outcomes, std::optional<OutcomeMetric> metric_override,
                     CampaignMatrix& out) {
  std::vector<const CampaignPreset*> campaigns;
  if (!params.campaign.empty()) {
    campaigns.push_back(FindCampaign(params.campaign));
  } else {
    for (const CampaignPreset& preset : CampaignPresets()) campaigns.push_back(&preset);
  }
  Progress(context, fmt::format("{} campaign(s) on {} segment(s), {} runs each", campaigns.size(),
                                chosen.size(), params.runs));
  const stats::SimulationOptions options = EngineOptions(params, context);
  const bool single = chosen.size() == 1 && campaigns.size() == 1;
  const bool with_guardrail = ByKind(out.kind, false, true);
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
      goal.effect = params.effect ? stats::AssumedEffect{*params.effect, params.relative}
                                  : stats::AssumedEffect{preset.effect, preset.relative};
      const stats::RatioGuardrail aov{"AOV", revenue, orders,
                                      params.guardrail_effect.value_or(preset.aov_effect),
                                      params.margin};
      Result<stats::CampaignSimulation> simulation =
          stats::SimulateCampaign(goal, with_guardrail ? &aov : nullptr, options);
      if (!simulation.ok()) {
        const Status status = simulation.status().WithContext(fmt::format(
            "{} on {}{}", preset.name, group.name,
            params.effect ? fmt::format(" ({})", GivenText("effect", context.naming,
                                                           fmt::format("{}", *params.effect)))
                          : std::string()));
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
  RankCampaignCells(out.cells, order);
  return Status::Ok();
}

}  // namespace

Status CheckCampaignSimulation(const CampaignSimulationParams& params, Naming naming) {
  const auto invalid = [](std::string message) {
    return Status(ErrorCode::kInvalidArgument, std::move(message));
  };
  const auto shown = [naming](std::string_view name) { return ShownName(name, naming); };
  const auto number = [](double value) { return fmt::format("{}", value); };
  if (params.all && (!params.segment.empty() || !params.campaign.empty()))
    return invalid(fmt::format("{}: runs every campaign on every segment; leave out {} and {}",
                               shown("all"), shown("segment"), shown("campaign")));
  if (!params.campaign.empty() && FindCampaign(params.campaign) == nullptr)
    return BadValue("campaign", naming, params.campaign,
                    fmt::format("expected one of {}", CampaignNames()));
  if (params.campaign.empty()) {
    for (const auto& [given, name] :
         {std::pair{!params.metric.empty(), "metric"},
          std::pair{params.effect.has_value(), "effect"},
          std::pair{params.guardrail_effect.has_value(), "guardrail-effect"}})
      if (given)
        return invalid(fmt::format("{}: needs {} (every campaign has its own default)", shown(name),
                                   shown("campaign")));
  }
  if (params.relative && !params.effect)
    return invalid(fmt::format("{}: needs {}", shown("relative"), shown("effect")));
  if (params.effect && params.relative && !(*params.effect > -1.0))
    return invalid(fmt::format("{} {}: expected above -1 (-100%)",
                               GivenText("effect", naming, number(*params.effect)),
                               naming == Naming::kCli ? "--relative" : "(relative)"));
  if (params.guardrail_effect && !(*params.guardrail_effect > -1.0))
    return BadGiven("guardrail-effect", naming, number(*params.guardrail_effect),
                    "expected a relative change above -1 (-100%)");
  if (!(params.margin >= 0.0 && params.margin < 1.0))
    return BadGiven("margin", naming, number(params.margin), "expected between 0 and 1");
  if (!(params.split > 0.0 && params.split < 1.0))
    return BadGiven("split", naming, number(params.split),
                    "expected the treatment share, between 0 and 1 (exclusive)");
  if (!(params.alpha > 0.0 && params.alpha < 1.0))
    return BadGiven("alpha", naming, number(params.alpha), "expected between 0 and 1");
  if (!(params.power > 0.0 && params.power < 1.0))
    return BadGiven("power", naming, number(params.power), "expected between 0 and 1");
  ml::SegmentationOptions k_check;
  return ApplyPersonaCount("k", params.k, naming, k_check);
}

void RankCampaignCells(std::vector<SimulatedCell>& cells,
                       const std::vector<std::pair<size_t, size_t>>& order) {
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

Result<CampaignMatrix> SimulateCampaigns(const Dataset& dataset,
                                         const CampaignSimulationParams& params,
                                         RunContext& context) {
  GROWTHLENS_RETURN_IF_ERROR(CheckCampaignSimulation(params, context.naming));
  CampaignMatrix matrix;
  matrix.kind = dataset.kind();
  std::optional<OutcomeMetric> metric_override;
  if (!params.metric.empty()) {
    metric_override = FindOutcomeMetric(params.metric, matrix.kind);
    if (!metric_override)
      return BadValue("metric", context.naming, params.metric,
                      fmt::format("for a {} expected one of {}",
                                  ByKind(matrix.kind, "usage log", "transactions file"),
                                  OutcomeMetricNames(matrix.kind)));
  }
  Result<OutcomeWindow> window = LastDaysWindow(dataset, static_cast<int>(params.window_days));
  if (!window.ok())
    return window.status().WithContext(
        GivenText("window-days", context.naming, std::to_string(params.window_days)));
  matrix.window = *window;

  // Segments from the pre-period only; outcomes from the window.
  const Dataset before = RowsBefore(dataset, window->first);
  const RfmTable rfm = ComputeRfm(before, RfmOptions{window->first, RfmTies::kFirstOccurrence});
  matrix.pre_period_users = rfm.size();
  Result<std::vector<ml::UserGroup>> groups =
      BuildGroups(params, dataset, before, rfm, context, matrix.personas_k);
  if (!groups.ok()) return groups.status();
  Result<std::vector<size_t>> chosen =
      ChooseGroups(params, context.naming, *groups, matrix.skipped);
  if (!chosen.ok()) return chosen.status();
  const WindowOutcomes outcomes = ComputeWindowOutcomes(dataset, *window);
  GROWTHLENS_RETURN_IF_ERROR(
      SimulateCells(params, context, *groups, *chosen, outcomes, metric_override, matrix));
  return matrix;
}

}  // namespace growthlens::app
