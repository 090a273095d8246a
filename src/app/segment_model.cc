#include "app/segment_model.h"

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "app/date_window.h"
#include "app/json_text.h"
#include "io/atomic_file.h"

namespace growthlens::app {

namespace {

using ModelJson = nlohmann::ordered_json;

ModelJson PersonaJson(const ml::Persona& persona, const Dataset& dataset) {
  ModelJson out = {{"id", persona.id},
                   {"name", persona.name},
                   {"description", persona.description},
                   {"action", persona.action},
                   {"users", persona.users},
                   {"share", persona.share},
                   {"value_score", persona.value_score},
                   {"mean_recency", persona.mean_recency},
                   {"mean_frequency", persona.mean_frequency},
                   {"mean_monetary", persona.mean_monetary},
                   {"median_recency", persona.median_recency},
                   {"median_frequency", persona.median_frequency},
                   {"median_monetary", persona.median_monetary},
                   {"monetary_share", persona.monetary_share},
                   {"small", persona.small}};
  ModelJson top = ModelJson::array();
  for (const ml::FeatureUse& use : persona.top_features)
    top.push_back({{"feature", std::string(dataset.As<UsageLog>()->features[use.feature])},
                   {"share", use.share}});
  out["top_features"] = std::move(top);
  return out;
}

/// Reads `key` of `object` as T, or an error naming the field.
template <typename T>
Result<T> Field(const ModelJson& object, const char* key, const std::string& path) {
  if (!object.is_object() || !object.contains(key))
    return Status(ErrorCode::kParseError,
                  fmt::format("{}: model field '{}' is missing", path, key));
  try {
    return object.at(key).get<T>();
  } catch (const ModelJson::exception& error) {
    return Status(
        ErrorCode::kParseError,
        fmt::format("{}: model field '{}' has the wrong type ({})", path, key, error.what()));
  }
}

}  // namespace

SegmentModel MakeSegmentModel(const Dataset& dataset, const RfmTable& rfm,
                              const ml::Segmentation& segmentation, const std::string& source,
                              const Analysis* whole) {
  SegmentModel model;
  model.kind = dataset.kind();
  model.source = source;
  model.reference_day = FormatDate(rfm.reference_day);
  if (const std::optional<DayRange> days = DaysWithRows(dataset, whole)) {
    model.first_day = FormatDate(days->first);
    model.last_day = FormatDate(days->last);
  }
  model.training_users = rfm.size();
  model.segmentation = segmentation;
  return model;
}

namespace {

ModelJson SegmentModelJson(const SegmentModel& model, const Dataset& dataset) {
  const ml::Segmentation& segmentation = model.segmentation;
  ModelJson centres = ModelJson::array();
  for (size_t row = 0; row < segmentation.centres.rows(); ++row) {
    const auto centre = segmentation.centres.row(row);
    centres.push_back(std::vector<double>(centre.begin(), centre.end()));
  }
  ModelJson personas = ModelJson::array();
  for (const ml::Persona& persona : segmentation.personas)
    personas.push_back(PersonaJson(persona, dataset));
  ModelJson sweep = ModelJson::array();
  for (const ml::KSweepRow& row : segmentation.sweep.rows) {
    ModelJson entry = {{"k", row.k},
                       {"inertia", row.inertia},
                       {"silhouette", row.silhouette},
                       {"silhouette_rows", row.silhouette_rows},
                       {"silhouette_exact", row.silhouette_exact},
                       {"davies_bouldin", row.davies_bouldin},
                       {"calinski_harabasz", row.calinski_harabasz},
                       {"n_iter", row.n_iter}};
    if (row.stability_ari) entry["stability_ari"] = *row.stability_ari;
    sweep.push_back(std::move(entry));
  }
  return {{"format", kSegmentModelFormat},
          {"version", kSegmentModelVersion},
          {"kind", DataKindName(model.kind)},
          {"features", segmentation.feature_names},
          {"transform",
           {{"log1p", segmentation.transform.log1p},
            {"mean", segmentation.transform.mean},
            {"scale", segmentation.transform.scale}}},
          {"centres", std::move(centres)},
          {"personas", std::move(personas)},
          {"training",
           {{"source", model.source},
            {"users", model.training_users},
            {"reference_day", model.reference_day},
            // The personas are of all the training data: pages label them "all time".
            {"window",
             {{"from", model.first_day.empty() ? ModelJson(nullptr) : ModelJson(model.first_day)},
              {"to", model.last_day.empty() ? ModelJson(nullptr) : ModelJson(model.last_day)},
              {"all_time", true}}},
            {"k", segmentation.k},
            {"k_choice", ml::KChoiceName(segmentation.k_choice)},
            {"k_from_silhouette", segmentation.k_from_silhouette},
            {"best_silhouette_k", segmentation.sweep.rows.empty()
                                      ? ModelJson(nullptr)
                                      : ModelJson(segmentation.sweep.best_k)},
            {"advice", segmentation.advice},
            {"small_persona_share", ml::kSmallPersonaShare},
            {"inertia", segmentation.inertia},
            {"silhouette", segmentation.silhouette},
            {"silhouette_rows", segmentation.silhouette_rows},
            {"sweep", std::move(sweep)}}}};
}

}  // namespace

std::string SegmentModelText(const SegmentModel& model, const Dataset& dataset) {
  return JsonText(SegmentModelJson(model, dataset), 1) + "\n";
}

Result<SegmentModel> ParseSegmentModel(const std::string& text, const std::string& path) {
  const ModelJson doc = ModelJson::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded())
    return Status(ErrorCode::kParseError, fmt::format("{}: not a JSON model file", path));
  Result<std::string> format = Field<std::string>(doc, "format", path);
  if (!format.ok()) return format.status();
  if (*format != kSegmentModelFormat)
    return Status(ErrorCode::kParseError,
                  fmt::format("{}: format '{}' is not a segmentation model ('{}')", path, *format,
                              kSegmentModelFormat));
  Result<int> version = Field<int>(doc, "version", path);
  if (!version.ok()) return version.status();
  if (*version > kSegmentModelVersion || *version < 1)
    return Status(ErrorCode::kParseError,
                  fmt::format("{}: model version {} cannot be read by this growthlens, which "
                              "reads versions 1 to {}; retrain it or upgrade growthlens",
                              path, *version, kSegmentModelVersion));
  SegmentModel model;
  model.version = *version;
  Result<std::string> kind = Field<std::string>(doc, "kind", path);
  if (!kind.ok()) return kind.status();
  const std::optional<DataKind> named = DataKindFromName(*kind);
  if (!named)
    return Status(ErrorCode::kParseError,
                  fmt::format("{}: model field 'kind' is '{}', not usage, events or transactions",
                              path, *kind));
  model.kind = *named;
  ml::Segmentation& segmentation = model.segmentation;
  segmentation.kind = model.kind;
  Result<std::vector<std::string>> features =
      Field<std::vector<std::string>>(doc, "features", path);
  if (!features.ok()) return features.status();
  segmentation.feature_names = *features;
  const size_t cols = features->size();
  if (!doc.contains("transform"))
    return Status(ErrorCode::kParseError,
                  fmt::format("{}: model field 'transform' is missing", path));
  Result<bool> log1p = Field<bool>(doc["transform"], "log1p", path);
  Result<std::vector<double>> mean = Field<std::vector<double>>(doc["transform"], "mean", path);
  Result<std::vector<double>> scale = Field<std::vector<double>>(doc["transform"], "scale", path);
  if (!log1p.ok()) return log1p.status();
  if (!mean.ok()) return mean.status();
  if (!scale.ok()) return scale.status();
  if (mean->size() != cols || scale->size() != cols)
    return Status(ErrorCode::kParseError,
                  fmt::format("{}: transform has {} means and {} scales for {} features", path,
                              mean->size(), scale->size(), cols));
  segmentation.transform.log1p = *log1p;
  segmentation.transform.mean = *mean;
  segmentation.transform.scale = *scale;
  Result<std::vector<std::vector<double>>> centres =
      Field<std::vector<std::vector<double>>>(doc, "centres", path);
  if (!centres.ok()) return centres.status();
  if (centres->empty())
    return Status(ErrorCode::kParseError, fmt::format("{}: the model has no centres", path));
  segmentation.centres = ml::FeatureMatrix(centres->size(), cols);
  for (size_t row = 0; row < centres->size(); ++row) {
    if ((*centres)[row].size() != cols)
      return Status(ErrorCode::kParseError,
                    fmt::format("{}: centre {} has {} values for {} features", path, row,
                                (*centres)[row].size(), cols));
    for (size_t col = 0; col < cols; ++col) segmentation.centres(row, col) = (*centres)[row][col];
  }
  segmentation.k = centres->size();
  if (!doc.contains("personas") || !doc["personas"].is_array() ||
      doc["personas"].size() != centres->size())
    return Status(ErrorCode::kParseError,
                  fmt::format("{}: expected one persona per centre ({})", path, centres->size()));
  for (const ModelJson& entry : doc["personas"]) {
    ml::Persona persona;
    Result<std::string> name = Field<std::string>(entry, "name", path);
    if (!name.ok()) return name.status();
    persona.id = segmentation.personas.size();
    persona.name = *name;
    persona.description = entry.value("description", "");
    persona.action = entry.value("action", "");
    persona.users = entry.value("users", uint64_t{0});
    persona.share = entry.value("share", 0.0);
    persona.small = entry.value("small", false);
    segmentation.personas.push_back(std::move(persona));
  }
  if (doc.contains("training") && doc["training"].is_object()) {
    const ModelJson& training = doc["training"];
    model.source = training.value("source", "");
    model.training_users = training.value("users", uint64_t{0});
    model.reference_day = training.value("reference_day", "");
    if (training.contains("window") && training["window"].is_object()) {
      const ModelJson& window = training["window"];
      if (window.contains("from") && window["from"].is_string()) model.first_day = window["from"];
      if (window.contains("to") && window["to"].is_string()) model.last_day = window["to"];
    }
    segmentation.inertia = training.value("inertia", 0.0);
    segmentation.silhouette = training.value("silhouette", 0.0);
    segmentation.k_from_silhouette = training.value("k_from_silhouette", false);
    // Version 1 files before the four-tier default: k was the best silhouette or given.
    const std::string choice = training.value("k_choice", "");
    segmentation.k_choice = choice == ml::KChoiceName(ml::KChoice::kFourTiers)
                                ? ml::KChoice::kFourTiers
                            : segmentation.k_from_silhouette ? ml::KChoice::kBestSilhouette
                                                             : ml::KChoice::kGiven;
    segmentation.advice = training.value("advice", "");
  }
  return model;
}

Status WriteSegmentModel(const std::string& path, const SegmentModel& model,
                         const Dataset& dataset) {
  return WriteFileAtomically(path, SegmentModelText(model, dataset));
}

Result<SegmentModel> ReadSegmentModel(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::kIoError, fmt::format("{}: cannot open the model file", path));
  std::stringstream text;
  text << in.rdbuf();
  return ParseSegmentModel(text.str(), path);
}

}  // namespace growthlens::app
