#include "app/churn_model.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "app/json_text.h"
#include "io/atomic_file.h"
#include "store/workspace.h"

namespace growthlens::app {

namespace {

using Json = nlohmann::ordered_json;

std::string DateText(Day day) {
  return day == kNoDay ? std::string() : FormatDate(day);
}

Json ScoresJson(const ml::BinaryScores& scores) {
  return {{"roc_auc", scores.roc_auc},   {"pr_auc", scores.pr_auc},        {"brier", scores.brier},
          {"log_loss", scores.log_loss}, {"churn_rate", scores.base_rate}, {"users", scores.rows}};
}

ml::BinaryScores ScoresFrom(const Json& json) {
  ml::BinaryScores scores;
  scores.roc_auc = json.at("roc_auc").get<double>();
  scores.pr_auc = json.at("pr_auc").get<double>();
  scores.brier = json.at("brier").get<double>();
  scores.log_loss = json.at("log_loss").get<double>();
  scores.base_rate = json.at("churn_rate").get<double>();
  scores.rows = json.at("users").get<size_t>();
  return scores;
}

ChurnModelReport ReportFrom(const Json& json, size_t features) {
  ChurnModelReport report;
  report.validation = ScoresFrom(json.at("validation"));
  for (const Json& row : json.at("deciles")) {
    ml::DecileRow decile;
    decile.decile = row.at("decile").get<int>();
    decile.rows = row.at("users").get<size_t>();
    decile.mean_predicted = row.at("mean_predicted").get<double>();
    decile.observed_rate = row.at("observed_churn_rate").get<double>();
    decile.lift = row.at("lift").get<double>();
    decile.cumulative_gain = row.at("cumulative_gain").get<double>();
    report.deciles.push_back(decile);
  }
  for (const Json& entry : json.at("importance"))
    report.importance.push_back(entry.at("mean_abs_contribution").get<double>());
  if (report.importance.size() != features)
    throw std::runtime_error("importance: one entry per feature expected");
  return report;
}

std::vector<double> Doubles(const Json& json, const char* field, size_t size) {
  std::vector<double> values = json.at(field).get<std::vector<double>>();
  if (values.size() != size)
    throw std::runtime_error(
        fmt::format("{}: {} values expected, {} found", field, size, values.size()));
  return values;
}

Day DateField(const Json& json, const char* field) {
  const std::optional<Day> day = ParseIsoDate(json.at(field).get<std::string>());
  if (!day) throw std::runtime_error(fmt::format("{}: expected a date YYYY-MM-DD", field));
  return *day;
}

}  // namespace

const char* ChurnModelTypeName(ChurnModelType type) {
  return type == ChurnModelType::kBoostedTrees ? "boosted_trees" : "logistic";
}

Json ChurnReportJson(const ChurnModelReport& report, const std::vector<std::string>& names) {
  Json deciles = Json::array();
  for (const ml::DecileRow& row : report.deciles)
    deciles.push_back({{"decile", row.decile},
                       {"users", row.rows},
                       {"mean_predicted", row.mean_predicted},
                       {"observed_churn_rate", row.observed_rate},
                       {"lift", row.lift},
                       {"cumulative_gain", row.cumulative_gain}});
  Json importance = Json::array();
  for (size_t col = 0; col < report.importance.size() && col < names.size(); ++col)
    importance.push_back(
        {{"feature", names[col]}, {"mean_abs_contribution", report.importance[col]}});
  return {{"validation", ScoresJson(report.validation)},
          {"deciles", std::move(deciles)},
          {"importance", std::move(importance)}};
}

Result<std::string> ChurnModelText(const ChurnModel& model) {
  if (!model.trees) return Status(ErrorCode::kInternal, "churn model: no trees to save");
  Result<std::string> trees = model.trees->ToJson();
  if (!trees.ok()) return trees.status();
  const std::vector<std::string> names = model.spec.Names();
  Json json = {
      {"format", kChurnModelFormat},
      {"version", model.version},
      {"source", model.source},
      {"kind", DataKindName(model.spec.kind)},
      {"features", names},
      {"feature_shares", model.spec.feature_shares},
      {"countries", model.spec.countries},
      {"horizon_days", model.settings.horizon},
      {"active_within_days", model.settings.active_within},
      {"active_feature", model.settings.active_feature},
      {"train_cutoff", DateText(model.train_cutoff)},
      {"validation_cutoff", DateText(model.validation_cutoff)},
      {"train_users", model.train_users},
      {"train_churn_rate", model.train_churn_rate},
      {"kept", ChurnModelTypeName(model.kept)},
  };
  Json logistic = ChurnReportJson(model.logistic_report, names);
  logistic["mean"] = model.logistic.mean;
  logistic["scale"] = model.logistic.scale;
  logistic["coef"] = model.logistic.coef;
  logistic["intercept"] = model.logistic.intercept;
  Json boosted = ChurnReportJson(model.trees_report, names);
  boosted["xgboost"] = Json::parse(*trees);
  json["models"] = {{"boosted_trees", std::move(boosted)}, {"logistic", std::move(logistic)}};
  return JsonText(json, 1) + "\n";
}

Result<ChurnModel> ParseChurnModel(const std::string& text, const std::string& origin) {
  try {
    const Json json = Json::parse(text);
    if (json.value("format", "") != kChurnModelFormat)
      return Status(ErrorCode::kParseError,
                    fmt::format("{}: not a churn model (expected \"format\": \"{}\"; 'growthlens "
                                "churn train --model-out FILE' writes one)",
                                origin, kChurnModelFormat));
    ChurnModel model;
    model.version = json.at("version").get<int>();
    if (model.version > kChurnModelVersion || model.version < 1)
      return Status(ErrorCode::kParseError,
                    fmt::format("{}: churn model version {}, this growthlens reads version {}",
                                origin, model.version, kChurnModelVersion));
    model.source = json.value("source", "");
    const std::optional<DataKind> kind = DataKindFromName(json.at("kind").get<std::string>());
    if (!kind) throw std::runtime_error("kind: expected usage, events or transactions");
    model.spec.kind = *kind;
    model.spec.feature_shares = json.at("feature_shares").get<std::vector<std::string>>();
    model.spec.countries = json.at("countries").get<std::vector<std::string>>();
    const std::vector<std::string> names = model.spec.Names();
    if (json.at("features").get<std::vector<std::string>>() != names)
      throw std::runtime_error("features: they do not follow from kind, shares and countries");
    model.settings.horizon = json.at("horizon_days").get<int32_t>();
    model.settings.active_within = json.at("active_within_days").get<int32_t>();
    model.settings.active_feature = json.at("active_feature").get<std::string>();
    model.train_cutoff = DateField(json, "train_cutoff");
    model.validation_cutoff = DateField(json, "validation_cutoff");
    model.train_users = json.at("train_users").get<size_t>();
    model.train_churn_rate = json.at("train_churn_rate").get<double>();
    const std::string kept = json.at("kept").get<std::string>();
    if (kept != "boosted_trees" && kept != "logistic")
      throw std::runtime_error("kept: expected boosted_trees or logistic");
    model.kept = kept == "logistic" ? ChurnModelType::kLogistic : ChurnModelType::kBoostedTrees;
    const Json& models = json.at("models");
    const Json& logistic = models.at("logistic");
    model.logistic.mean = Doubles(logistic, "mean", names.size());
    model.logistic.scale = Doubles(logistic, "scale", names.size());
    model.logistic.coef = Doubles(logistic, "coef", names.size());
    model.logistic.intercept = logistic.at("intercept").get<double>();
    model.logistic_report = ReportFrom(logistic, names.size());
    const Json& boosted = models.at("boosted_trees");
    model.trees_report = ReportFrom(boosted, names.size());
    Result<ml::BoostedTrees> trees = ml::BoostedTrees::FromJson(JsonText(boosted.at("xgboost")));
    if (!trees.ok()) return trees.status().WithContext(origin);
    model.trees.emplace(std::move(trees).value());
    return model;
  } catch (const std::exception& error) {
    return Status(ErrorCode::kParseError, fmt::format("{}: churn model: {}", origin, error.what()));
  }
}

Status WriteChurnModel(const std::string& path, const ChurnModel& model) {
  Result<std::string> text = ChurnModelText(model);
  if (!text.ok()) return text.status();
  return WriteFileAtomically(path, *text);
}

Result<ChurnModel> ReadChurnModel(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::kIoError, fmt::format("{}: cannot open the model file", path));
  std::stringstream text;
  text << in.rdbuf();
  return ParseChurnModel(text.str(), path);
}

Status SaveChurnModel(const std::string& path, const std::string& name, const ChurnModel& model) {
  if (!store::IsSavedName(name))
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("--save-model: a name of 1 to {} characters without control "
                              "characters",
                              store::kMaxSavedName));
  Result<std::string> text = ChurnModelText(model);
  if (!text.ok()) return text.status();
  Result<store::Workspace> workspace = store::Workspace::Open(path, store::OpenMode::kExisting);
  if (!workspace.ok()) return workspace.status();
  return workspace->Save(store::SavedKind::kChurnModel, name, *text).status();
}

Result<ChurnModel> LoadChurnModel(const std::string& path, const std::string& name) {
  Result<store::Workspace> workspace = store::Workspace::Open(path, store::OpenMode::kExisting);
  if (!workspace.ok()) return workspace.status();
  Result<std::optional<store::SavedItem>> found =
      workspace->FindSaved(store::SavedKind::kChurnModel, name);
  if (!found.ok()) return found.status();
  if (!found->has_value())
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("--saved-model {}: workspace {} has no churn model of that name "
                              "('growthlens churn train --workspace W --save-model NAME' saves "
                              "one)",
                              name, path));
  return ParseChurnModel((*found)->body, fmt::format("{} (saved churn model '{}')", path, name));
}

Result<std::vector<ChurnModelSummary>> ListChurnModels(store::Workspace& workspace) {
  Result<std::vector<store::SavedItem>> items = workspace.ListSaved(store::SavedKind::kChurnModel);
  if (!items.ok()) return items.status();
  std::vector<ChurnModelSummary> models;
  for (const store::SavedItem& item : *items) {
    Result<std::optional<store::SavedItem>> found =
        workspace.FindSaved(store::SavedKind::kChurnModel, item.name);
    if (!found.ok()) return found.status();
    if (!found->has_value()) continue;  // deleted meanwhile
    ChurnModelSummary summary;
    summary.name = item.name;
    summary.saved_at = item.saved_at;
    try {
      const Json json = Json::parse((*found)->body);
      summary.kind = json.at("kind").get<std::string>();
      summary.kept = json.at("kept").get<std::string>();
      summary.train_cutoff = json.at("train_cutoff").get<std::string>();
      summary.validation_cutoff = json.at("validation_cutoff").get<std::string>();
      summary.train_users = json.at("train_users").get<uint64_t>();
      summary.validation_roc_auc =
          json.at("models").at(summary.kept).at("validation").at("roc_auc").get<double>();
    } catch (const std::exception& error) {
      return Status(ErrorCode::kParseError,
                    fmt::format("saved churn model '{}': {}", item.name, error.what()));
    }
    models.push_back(std::move(summary));
  }
  return models;
}

Json ChurnModelSummaryJson(const ChurnModelSummary& model) {
  return {{"name", model.name},
          {"saved_at", model.saved_at},
          {"data_kind", model.kind},
          {"kept", model.kept},
          {"train_cutoff", model.train_cutoff},
          {"validation_cutoff", model.validation_cutoff},
          {"train_users", model.train_users},
          {"validation_roc_auc", model.validation_roc_auc}};
}

}  // namespace growthlens::app
