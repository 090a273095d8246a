#pragma once
// What users save in a workspace besides data: dashboard views (a page and its filters),
// experiment analyses (the result of POST /api/v1/experiment/analyze, kept to re-open) and
// persona and churn models. Each is a JSON document, named per kind; saving a name again replaces
// it. Workspace::Save, ListSaved, FindSaved and DeleteSaved (saved_items.cc) read and write them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace growthlens::store {

enum class SavedKind { kView, kExperiment, kPersonaModel, kChurnModel };

/// "view", "experiment", "persona_model", "churn_model": as the API and the table name them.
const char* SavedKindName(SavedKind kind);
std::optional<SavedKind> SavedKindFromName(std::string_view name);

/// A name is 1 to kMaxSavedName characters, none of them a control character.
inline constexpr size_t kMaxSavedName = 100;
bool IsSavedName(std::string_view name);

struct SavedItem {
  std::string name;
  std::string saved_at;  // UTC, "2026-12-06 14:03:11"
  uint64_t bytes = 0;    // of the body
  std::string body;      // the JSON document (empty in lists)
};

}  // namespace growthlens::store
