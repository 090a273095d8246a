#include "app/analysis_registry.h"

#include <fmt/format.h>

#include <algorithm>

#include "app/clv_analysis.h"
#include "app/cohorts_analysis.h"
#include "app/experiment_analyze_analysis.h"
#include "app/experiment_plan_analysis.h"
#include "app/experiment_simulate_analysis.h"
#include "app/funnel_analysis.h"
#include "app/insights_analysis.h"
#include "app/kpis_analysis.h"
#include "app/lifecycle_analysis.h"
#include "app/paths_analysis.h"
#include "app/predictions_analysis.h"
#include "app/revenue_analysis.h"
#include "app/rfm_analysis.h"
#include "app/segment_analysis.h"
#include "app/usage_analysis.h"
#include "app/users_analysis.h"

namespace growthlens::app {

std::string_view DataNeedName(DataNeed need) {
  switch (need) {
    case DataNeed::kNone:
      return "none";
    case DataNeed::kAny:
      return "any";
    case DataNeed::kUsage:
      return "usage";
    case DataNeed::kTransactions:
      return "transactions";
    case DataNeed::kWhenAsked:
      return "optional";
    case DataNeed::kExperimentFile:
      return "experiment file";
  }
  return "any";
}

Status NoDataStatus(std::string_view analysis) {
  return Status(ErrorCode::kInvalidArgument, fmt::format("{}: no data to analyse", analysis));
}

AnalysisEntry AnalysisInfo(std::string name, DataNeed need, std::string summary, std::string help) {
  AnalysisEntry entry;
  entry.name = std::move(name);
  entry.need = need;
  entry.summary = std::move(summary);
  entry.help = std::move(help);
  return entry;
}

std::span<const AnalysisEntry> Analyses() {
  static const std::vector<AnalysisEntry> entries = {KpisAnalysis(),
                                                     UsageAnalysis(),
                                                     RfmAnalysis(),
                                                     SegmentAnalysis(),
                                                     RevenueAnalysis(),
                                                     ClvAnalysis(),
                                                     PredictionsAnalysis(),
                                                     CohortsAnalysis(),
                                                     PathsAnalysis(),
                                                     LifecycleAnalysis(),
                                                     FunnelAnalysis(),
                                                     InsightsAnalysis(),
                                                     UsersAnalysis(),
                                                     ExperimentPlanAnalysis(),
                                                     ExperimentSimulateAnalysis(),
                                                     ExperimentAnalyzeAnalysis()};
  return entries;
}

AnalysisEntry VariantOf(const AnalysisEntry& base, const RouteVariant& variant) {
  AnalysisEntry entry = base;
  entry.name = variant.path;
  entry.summary = variant.summary;
  entry.api_format = variant.format;
  entry.download_name = variant.download_name;
  for (ParamSpec& spec : entry.params) {
    const auto named = [&spec](const auto& param) { return param.first == spec.name; };
    if (const auto fixed = std::find_if(variant.fixed.begin(), variant.fixed.end(), named);
        fixed != variant.fixed.end()) {
      spec.default_value = fixed->second;
      spec.http = false;
    }
    if (const auto given = std::find_if(variant.defaults.begin(), variant.defaults.end(), named);
        given != variant.defaults.end())
      spec.default_value = given->second;
    if (std::find(variant.unset.begin(), variant.unset.end(), spec.name) != variant.unset.end())
      spec.http = false;
  }
  return entry;
}

std::span<const AnalysisEntry> ApiRoutes() {
  static const std::vector<AnalysisEntry> routes = [] {
    std::vector<AnalysisEntry> all(Analyses().begin(), Analyses().end());
    for (const auto& [base, variant] :
         {std::pair{"segment", SegmentUsersRoute()}, std::pair{"users", UsersExportRoute()},
          std::pair{"funnel", FunnelExportRoute()},
          std::pair{"predictions", PredictionsExportRoute()}})
      all.push_back(VariantOf(*FindAnalysis(base), variant));
    return all;
  }();
  return routes;
}

const AnalysisEntry* FindApiRoute(std::string_view path) {
  for (const AnalysisEntry& entry : ApiRoutes())
    if (entry.name == path) return &entry;
  return nullptr;
}

const AnalysisEntry* FindAnalysis(std::string_view name) {
  for (const AnalysisEntry& entry : Analyses())
    if (entry.name == name) return &entry;
  return nullptr;
}

const ParamSpec* FindParam(const AnalysisEntry& entry, std::string_view name) {
  const auto found = std::find_if(entry.params.begin(), entry.params.end(),
                                  [name](const ParamSpec& spec) { return spec.name == name; });
  return found == entry.params.end() ? nullptr : &*found;
}

}  // namespace growthlens::app
