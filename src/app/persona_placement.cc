#include "app/persona_placement.h"

#include <fmt/format.h>

#include "ml/kmeans.h"
#include "ml/segmentation.h"

namespace growthlens::app {

Result<PersonaPlacement> PlaceInPersonas(const Dataset& dataset, const SegmentModel& model,
                                         std::optional<Day> reference_day, unsigned threads,
                                         const std::string& data_name) {
  // Usage logs and event logs have the same features: a model of one places users of the other.
  if (IsUsageKind(dataset.kind()) != IsUsageKind(model.kind))
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{} is a {} file but the model was fitted on {}", data_name,
                              DataKindName(dataset.kind()), DataKindName(model.kind)));
  PersonaPlacement placed;
  RfmOptions rfm_options;
  rfm_options.reference_day = reference_day;
  placed.rfm = ComputeRfm(dataset, rfm_options);
  if (placed.rfm.size() == 0)
    return Status(ErrorCode::kDataError, fmt::format("{}: no users to place", data_name));
  const ml::Segmentation& segmentation = model.segmentation;
  Result<ml::FeatureMatrix> x =
      ml::FeaturesForModel(dataset, placed.rfm, segmentation.feature_names);
  if (!x.ok()) return x.status().WithContext(data_name);
  Result<ml::FeatureMatrix> scaled = segmentation.transform.Apply(*x);
  if (!scaled.ok()) return scaled.status();
  placed.scaled = std::move(scaled).value();
  Result<ml::Assignment> assignment =
      ml::AssignToCentres(placed.scaled, segmentation.centres, threads);
  if (!assignment.ok()) return assignment.status();
  placed.labels = std::move(assignment->labels);
  placed.inertia = assignment->inertia;
  return placed;
}

View PersonaCountsView(std::shared_ptr<const PersonaPlacement> placed,
                       std::shared_ptr<const SegmentModel> model) {
  auto counts = std::make_shared<std::vector<uint64_t>>(model->segmentation.personas.size());
  for (const int32_t label : placed->labels) ++(*counts)[static_cast<size_t>(label)];
  View view;
  view.columns = {{"id", "#"},
                  {"persona", "Persona", Align::kLeft},
                  {"users", "Users"},
                  {"share", "Share"},
                  {"training_share", "Share in training"}};
  view.rows = counts->size();
  const double total = static_cast<double>(placed->labels.size());
  view.row = [model, counts, total](size_t row, std::vector<Cell>& cells) {
    const ml::Persona& persona = model->segmentation.personas[row];
    cells = {Cell::Integer(static_cast<int64_t>(row)), Cell::Text(persona.name),
             Cell::Integer(static_cast<int64_t>((*counts)[row])),
             Cell::Percent(static_cast<double>((*counts)[row]) / total),
             Cell::Percent(persona.share)};
  };
  return view;
}

}  // namespace growthlens::app
