#pragma once
// Persona models kept in a workspace (saved items of kind persona_model): the model file's JSON
// (app/segment_model.h) plus what it was fitted on there, the workspace's loads of the kind read
// (ids, sources, rows) and the rows and users of the data, so that a model re-applied months
// later still says which data made it.
//
//   GROWTHLENS_RETURN_IF_ERROR(SavePersonaModel("shop.glw", "q3", model, dataset).status());
//   Result<SegmentModel> model = LoadPersonaModel("shop.glw", "q3");

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "app/segment_model.h"
#include "core/dataset.h"
#include "core/status.h"
#include "store/saved_items.h"

namespace growthlens::store {
class Workspace;
}  // namespace growthlens::store

namespace growthlens::app {

/// Saves `model`, fitted on `dataset` (all the `dataset.kind()` data of the workspace at `path`),
/// under `name`, replacing a model of that name.
Result<store::SavedItem> SavePersonaModel(const std::string& path, const std::string& name,
                                          const SegmentModel& model, const Dataset& dataset);

/// The model saved under `name` in the workspace at `path`; a missing name is an error listing
/// the models that are saved there.
Result<SegmentModel> LoadPersonaModel(const std::string& path, const std::string& name);

/// A saved model as listings show it.
struct PersonaModelSummary {
  std::string name;
  std::string saved_at;
  std::string kind;  // of the data it was fitted on
  uint64_t k = 0;
  uint64_t users = 0;             // fitted on
  uint64_t rows = 0;              // of the data it was fitted on
  std::vector<int64_t> load_ids;  // the workspace's loads that data held
};

/// Every persona model saved in `workspace`, newest first.
Result<std::vector<PersonaModelSummary>> ListPersonaModels(store::Workspace& workspace);

/// {"name", "saved_at", "data_kind", "k", "users", "rows", "load_ids"}: a model in listings
/// (`workspace info --format json`, GET /api/v1/saved/persona_model).
nlohmann::ordered_json PersonaModelSummaryJson(const PersonaModelSummary& model);

}  // namespace growthlens::app
