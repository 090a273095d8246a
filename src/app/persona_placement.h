#pragma once
// Users placed in the personas of a stored model without refitting it: their RFM, the model's
// features and transform, then the nearest centre. `growthlens predict` / `evaluate` and the
// server's saved persona models (GET /api/v1/saved/persona_model/apply) place users this way.
//
//   Result<PersonaPlacement> placed = PlaceInPersonas(dataset, model, {}, 0, "usage_log.csv");
//   View counts = PersonaCountsView(std::make_shared<PersonaPlacement>(*placed), model);

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/segment_model.h"
#include "app/table_view.h"
#include "core/dataset.h"
#include "core/status.h"
#include "metrics/rfm.h"
#include "ml/feature_matrix.h"

namespace growthlens::app {

struct PersonaPlacement {
  RfmTable rfm;
  ml::FeatureMatrix scaled;     // the model's features, transformed as in training
  std::vector<int32_t> labels;  // persona per RFM row
  double inertia = 0;
};

/// The users of `dataset` (named `data_name` in messages) placed in `model`'s personas; recency
/// counts to `reference_day` (default: the day after the data's last). Data of the other family
/// (transactions for a usage model), without users, or with features the model was not fitted
/// on is refused, saying why.
Result<PersonaPlacement> PlaceInPersonas(const Dataset& dataset, const SegmentModel& model,
                                         std::optional<Day> reference_day, unsigned threads,
                                         const std::string& data_name);

/// Users per persona of `placed`, with the share each persona had in training.
View PersonaCountsView(std::shared_ptr<const PersonaPlacement> placed,
                       std::shared_ptr<const SegmentModel> model);

}  // namespace growthlens::app
