#include "app/clickhouse_predictions.h"

#include <utility>

#include "app/clickhouse_aggregates.h"
#include "app/clickhouse_churn.h"
#include "app/persona_cache.h"
#include "metrics/analysis.h"
#include "ml/segmentation.h"

namespace growthlens::app {

Result<ClickHousePredictions> ComputeClickHousePredictions(
    const warehouse::ClickHouseEndpoint& endpoint, const StoredKindChoice& choice,
    const PredictionInputs& inputs, ProgressFn progress) {
  Result<std::shared_ptr<ClickHouseChurnData>> churn =
      ClickHouseChurnData::Open(endpoint, choice, progress);
  if (!churn.ok()) return churn.status();
  StoredKindChoice same_kind = choice;
  same_kind.asked = (*churn)->kind();
  Result<PushedDownData> pushed = LoadClickHouseAggregates(endpoint, same_kind, progress);
  if (!pushed.ok()) return pushed.status();
  const Dataset& rows = pushed->data->dataset;  // one row per user, codes of the RFM table
  const RfmTable& rfm = pushed->analysis->rfm;
  Result<UserPersonas> personas = ComputeUserPersonas(rows, rfm, inputs.stop);
  if (!personas.ok()) return personas.status();

  PredictionSource source;
  source.tables = (*churn)->Tables();
  source.join = [&, churn = *churn](Predictions& predictions) -> Status {
    // As JoinSegments: the RFM segment and persona of every scored user, found by id.
    const std::shared_ptr<const Dataset> scored = churn->Users();
    std::vector<int32_t> segment_of(rows.users().size(), -1);
    for (size_t row = 0; row < rfm.size(); ++row)
      segment_of[rfm.user[row]] = static_cast<int32_t>(rfm.segment[row]);
    if (personas->model)
      for (const ml::Persona& persona : personas->model->personas)
        predictions.persona_names.push_back(persona.name);
    for (const uint32_t user : predictions.scores.table.users) {
      const std::string_view id = scored->users()[user];
      const std::optional<uint32_t> code = rows.users().Find(id);
      predictions.user_ids.emplace_back(id);
      predictions.segment.push_back(code ? segment_of[*code] : -1);
      predictions.persona.push_back(code ? personas->of_user[*code] : -1);
    }
    return Status::Ok();
  };
  Result<Predictions> predictions = ComputePredictions(std::move(source), inputs);
  if (!predictions.ok()) return predictions.status();
  return ClickHousePredictions{std::move(pushed->data), std::move(predictions).value()};
}

}  // namespace growthlens::app
