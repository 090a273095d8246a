#include "app/saved_persona_model.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <optional>

#include "app/json_text.h"
#include "store/workspace.h"

namespace growthlens::app {

namespace {

constexpr store::SavedKind kModelKind = store::SavedKind::kPersonaModel;

/// "'a', 'b'" of the saved models, or "none".
std::string SavedNames(store::Workspace& workspace) {
  Result<std::vector<store::SavedItem>> items = workspace.ListSaved(kModelKind);
  if (!items.ok() || items->empty()) return "none";
  std::string names;
  for (const store::SavedItem& item : *items)
    names += fmt::format("{}'{}'", names.empty() ? "" : ", ", item.name);
  return names;
}

}  // namespace

Result<store::SavedItem> SavePersonaModel(const std::string& path, const std::string& name,
                                          const SegmentModel& model, const Dataset& dataset) {
  if (!store::IsSavedName(name))
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("--save-model: a name of 1 to {} characters without control "
                              "characters",
                              store::kMaxSavedName));
  Result<store::Workspace> workspace = store::Workspace::Open(path, store::OpenMode::kExisting);
  if (!workspace.ok()) return workspace.status();
  Result<store::WorkspaceInfo> info = workspace->Info();
  if (!info.ok()) return info.status();
  nlohmann::ordered_json loads = nlohmann::ordered_json::array();
  for (const store::StoredLoad& load : info->loads) {
    if (load.kind != dataset.kind()) continue;
    loads.push_back({{"id", load.id},
                     {"source", load.record.source_name},
                     {"loaded_at", load.loaded_at},
                     {"rows_kept", load.rows_kept},
                     {"rows_added", load.rows_added}});
  }
  nlohmann::ordered_json body = nlohmann::ordered_json::parse(SegmentModelText(model, dataset));
  body["training"]["workspace"] = {{"kind", DataKindName(dataset.kind())},
                                   {"rows", dataset.rows()},
                                   {"users", dataset.users().size()},
                                   {"loads", std::move(loads)}};
  return workspace->Save(kModelKind, name, JsonText(body, 1) + "\n");
}

Result<SegmentModel> LoadPersonaModel(const std::string& path, const std::string& name) {
  Result<store::Workspace> workspace = store::Workspace::Open(path, store::OpenMode::kExisting);
  if (!workspace.ok()) return workspace.status();
  Result<std::optional<store::SavedItem>> found = workspace->FindSaved(kModelKind, name);
  if (!found.ok()) return found.status();
  if (!found->has_value())
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("--saved-model {}: workspace {} has no persona model of that name "
                              "(saved: {}; growthlens segment --workspace W --save-model NAME "
                              "saves one)",
                              name, path, SavedNames(*workspace)));
  return ParseSegmentModel((*found)->body, fmt::format("{} (saved model '{}')", path, name));
}

Result<std::vector<PersonaModelSummary>> ListPersonaModels(store::Workspace& workspace) {
  Result<std::vector<store::SavedItem>> items = workspace.ListSaved(kModelKind);
  if (!items.ok()) return items.status();
  std::vector<PersonaModelSummary> models;
  for (const store::SavedItem& item : *items) {
    Result<std::optional<store::SavedItem>> found = workspace.FindSaved(kModelKind, item.name);
    if (!found.ok()) return found.status();
    if (!found->has_value()) continue;  // deleted meanwhile
    PersonaModelSummary summary;
    summary.name = item.name;
    summary.saved_at = item.saved_at;
    const nlohmann::json doc =
        nlohmann::json::parse((*found)->body, nullptr, /*allow_exceptions=*/false);
    if (doc.is_object()) {
      summary.kind = doc.value("kind", "");
      if (doc.contains("centres") && doc["centres"].is_array()) summary.k = doc["centres"].size();
      const nlohmann::json training = doc.value("training", nlohmann::json::object());
      summary.users = training.value("users", uint64_t{0});
      const nlohmann::json stored = training.value("workspace", nlohmann::json::object());
      summary.rows = stored.value("rows", uint64_t{0});
      for (const nlohmann::json& load : stored.value("loads", nlohmann::json::array()))
        if (load.is_object()) summary.load_ids.push_back(load.value("id", int64_t{0}));
    }
    models.push_back(std::move(summary));
  }
  return models;
}

nlohmann::ordered_json PersonaModelSummaryJson(const PersonaModelSummary& model) {
  return {{"name", model.name},        {"saved_at", model.saved_at},
          {"data_kind", model.kind},   {"k", model.k},
          {"users", model.users},      {"rows", model.rows},
          {"load_ids", model.load_ids}};
}

}  // namespace growthlens::app
