#pragma once
// The predictions (churn model, scores, RFM segments and personas per user) of a ClickHouse
// workspace's usage or event log: the churn feature tables from per-user rollups
// (app/clickhouse_churn.h), the RFM table and the personas from the pushed-down per-user totals
// (app/clickhouse_aggregates.h, KMeans as `segment` runs it there), joined by user id; then
// ComputePredictions as on a workspace file. No saved models (a ClickHouse workspace keeps
// none). Transactions are refused with ClickHouseChurnData's message.
//
//   Result<ClickHousePredictions> p = ComputeClickHousePredictions(endpoint, choice, inputs);

#include <memory>

#include "app/data_source.h"
#include "app/predictions_model.h"
#include "core/status.h"
#include "warehouse/clickhouse_url.h"

namespace growthlens::app {

struct ClickHousePredictions {
  LoadedData users;  // one row per user (the pushed-down stand-in rows), for the run's input
  Predictions predictions;
};

Result<ClickHousePredictions> ComputeClickHousePredictions(
    const warehouse::ClickHouseEndpoint& endpoint, const StoredKindChoice& choice,
    const PredictionInputs& inputs, ProgressFn progress = nullptr);

}  // namespace growthlens::app
