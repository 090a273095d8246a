#include "app/api_meta.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "app/analysis_registry.h"
#include "app/json_text.h"
#include "metrics/campaign_presets.h"
#include "metrics/per_user_metric.h"
#include "metrics/rfm.h"
#include "metrics/window_outcomes.h"
#include "ml/segmentation.h"
#include "stats/simulation_verdict.h"
#include "stats/verdict.h"

namespace growthlens::app {

namespace {

using Json = nlohmann::ordered_json;

/// A bound as JSON: a whole number when it is one.
Json BoundJson(const std::optional<double>& bound) {
  if (!bound) return nullptr;
  if (*bound == static_cast<double>(static_cast<int64_t>(*bound)))
    return static_cast<int64_t>(*bound);
  return *bound;
}

Json ParamJson(const ParamSpec& spec) {
  Json param;
  param["name"] = spec.name;
  param["type"] = ParamTypeName(spec.type);
  param["default"] = spec.default_value.empty() ? Json(nullptr) : Json(spec.default_value);
  param["min"] = BoundJson(spec.min);
  param["max"] = BoundJson(spec.max);
  param["values"] = spec.allowed;
  if (spec.type == ParamType::kString || spec.type == ParamType::kList)
    param["max_length"] = spec.max_length;
  param["help"] = spec.help;
  return param;
}

/// The persona model's tier names for a kind of data, most valuable first.
Json PersonaTierJson(DataKind kind) {
  Json names = Json::array();
  for (const char* name : ml::PersonaTierNames(kind)) names.push_back(name);
  return names;
}

/// A value and what the pages show for it: {"value": "dont_ship", "label": "don't ship"}.
Json Labelled(std::string_view value, std::string_view label) {
  return Json{{"value", value}, {"label", label}};
}

Json EnumsJson() {
  Json enums;
  Json campaigns = Json::array();
  for (const CampaignPreset& preset : CampaignPresets())
    campaigns.push_back(Json{{"name", preset.name},
                             {"label", preset.label},
                             {"alias", preset.alias.empty() ? Json(nullptr) : Json(preset.alias)},
                             {"treatment", preset.treatment}});
  enums["campaigns"] = campaigns;
  enums["persona_tiers"] = Json{{"usage", PersonaTierJson(DataKind::kUsage)},
                                {"transactions", PersonaTierJson(DataKind::kTransactions)}};
  Json rfm = Json::array();
  for (size_t segment = 0; segment < kRfmSegmentCount; ++segment)
    rfm.push_back(RfmSegmentName(static_cast<RfmSegment>(segment)));
  enums["rfm_segments"] = rfm;
  // What experiment analyze reports as its decision (the text), and the campaign simulator's.
  enums["verdicts"] =
      Json::array({Labelled("ship", stats::DecisionName(stats::Decision::kShip)),
                   Labelled("dont_ship", stats::DecisionName(stats::Decision::kDontShip)),
                   Labelled("inconclusive", stats::DecisionName(stats::Decision::kInconclusive))});
  Json campaign_verdicts = Json::array();
  for (const stats::CampaignDecision decision :
       {stats::CampaignDecision::kWorthRunning, stats::CampaignDecision::kUnderpowered,
        stats::CampaignDecision::kNoEffect, stats::CampaignDecision::kCannotTell})
    campaign_verdicts.push_back(stats::CampaignDecisionName(decision));
  enums["campaign_verdicts"] = campaign_verdicts;
  Json campaign_actions = Json::array();
  for (const stats::CampaignAction action :
       {stats::CampaignAction::kRunNow, stats::CampaignAction::kWithinReach,
        stats::CampaignAction::kBigLiftsOnly, stats::CampaignAction::kNotTestable})
    campaign_actions.push_back(stats::CampaignActionName(action));
  enums["campaign_actions"] = campaign_actions;
  // What experiment/plan takes as its metric: a kind, or a per-user metric of the loaded data.
  enums["metric_kinds"] =
      Json::array({Labelled("proportion", "conversion rate"), Labelled("mean", "mean")});
  Json per_user = Json::object();
  Json outcomes = Json::object();
  for (const DataKind kind : {DataKind::kUsage, DataKind::kTransactions}) {
    Json names = Json::array();
    for (const std::string_view name : PerUserMetricNames(kind)) names.push_back(name);
    per_user[DataKindName(kind)] = names;
    Json kind_outcomes = Json::array();
    for (const OutcomeMetricInfo& info : OutcomeMetrics())
      if (info.kind == kind)
        kind_outcomes.push_back(Json{{"name", info.name},
                                     {"type", info.rate ? "rate" : "mean"},
                                     {"description", info.description}});
    outcomes[DataKindName(kind)] = kind_outcomes;
  }
  enums["per_user_metrics"] = per_user;
  enums["outcome_metrics"] = outcomes;
  return enums;
}

/// What the reference says an analysis reads.
std::string DataNeedText(DataNeed need) {
  switch (need) {
    case DataNeed::kWhenAsked:
      return "the loaded data when `metric` names a per-user metric (then also `dataset`), else "
             "none";
    case DataNeed::kExperimentFile:
      return "the request's body, the experiment's CSV (raw, or the multipart field `file`; "
             "`name` names it in messages); no loaded data";
    default:
      break;
  }
  return std::string(DataNeedName(need));
}

/// "1..100", "card, trend" or "".
std::string AllowedText(const ParamSpec& spec) {
  if (!spec.allowed.empty()) return fmt::format("{}", fmt::join(spec.allowed, ", "));
  if (spec.min || spec.max) {
    const Json min = BoundJson(spec.min), max = BoundJson(spec.max);
    return fmt::format("{}..{}", min.is_null() ? "" : min.dump(), max.is_null() ? "" : max.dump());
  }
  return "";
}

/// A Markdown table cell: no line breaks, pipes escaped.
std::string CellText(std::string_view text) {
  std::string cell;
  for (const char c : text) {
    if (c == '|') {
      cell += "\\|";
    } else if (c == '\n') {
      cell += ' ';
    } else {
      cell += c;
    }
  }
  return cell;
}

}  // namespace

std::string MetaJson() {
  Json body;
  body["version"] = "0.1.0";
  Json analyses = Json::array();
  for (const AnalysisEntry& entry : ApiRoutes()) {
    Json analysis;
    analysis["name"] = entry.name;
    analysis["route"] = "/api/v1/" + entry.name;
    analysis["method"] = entry.need == DataNeed::kExperimentFile ? "POST" : "GET";
    analysis["summary"] = entry.summary;
    analysis["data"] = DataNeedName(entry.need);
    analysis["format"] = entry.api_format == OutputFormat::kCsv ? "csv" : "json";
    Json params = Json::array();
    for (const ParamSpec& spec : entry.params)
      if (spec.http) params.push_back(ParamJson(spec));
    analysis["params"] = params;
    analyses.push_back(analysis);
  }
  body["analyses"] = analyses;
  body["enums"] = EnumsJson();
  return JsonText(body) + "\n";
}

std::string ApiReferenceMarkdown() {
  std::string text =
      "Generated from the analyses' parameter specs (src/app/); `GET /api/v1/meta` gives the "
      "same as JSON. Every analysis that reads the loaded data also takes `dataset` (usage, "
      "events or transactions). A value out of "
      "its range or set gets 400 naming the parameter and its limit; parameters not listed get "
      "400.\n";
  for (const AnalysisEntry& entry : ApiRoutes()) {
    text += fmt::format("\n#### `{} /api/v1/{}`\n\n{}. Data: {}.{}\n\n",
                        entry.need == DataNeed::kExperimentFile ? "POST" : "GET", entry.name,
                        entry.summary, DataNeedText(entry.need),
                        entry.download_name.empty()
                            ? ""
                            : fmt::format(" Answers with CSV (`text/csv`), a file to save named "
                                          "`{}`.",
                                          entry.download_name));
    text += "| parameter | type | default | allowed | meaning |\n|---|---|---|---|---|\n";
    for (const ParamSpec& spec : entry.params) {
      if (!spec.http) continue;
      text += fmt::format("| `{}` | {} | {} | {} | {} |\n", spec.name, ParamTypeName(spec.type),
                          spec.default_value.empty() ? "" : "`" + spec.default_value + "`",
                          CellText(AllowedText(spec)), CellText(spec.help));
    }
  }
  return text;
}

Result<std::string> WithApiReference(std::string_view document) {
  const size_t begin = document.find(kApiReferenceBegin);
  const size_t end = document.find(kApiReferenceEnd);
  if (begin == std::string_view::npos || end == std::string_view::npos || end < begin)
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("the document has no generated section between '{}' and '{}'",
                              kApiReferenceBegin, kApiReferenceEnd));
  return std::string(document.substr(0, begin + kApiReferenceBegin.size())) + "\n" +
         ApiReferenceMarkdown() + std::string(document.substr(end));
}

}  // namespace growthlens::app
