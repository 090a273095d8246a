#pragma once
// The rows a funnel reads from a ClickHouse workspace (issue 22): ClickHouse selects, per user
// who did a step or excluded event, those events' times as arrays (warehouse/clickhouse_funnels.h;
// every event of those users for strict_order); the funnel analysis then runs on them as on the
// embedded workspace, so its numbers (levels, times to convert, trend, cohort months, drop-off
// users) are the same. What needs more than these rows (breakdowns by RFM segment, persona or an
// event property, which ClickHouse does not store) is refused by CheckFunnelPushedDown.
//
//   GROWTHLENS_RETURN_IF_ERROR(CheckFunnelPushedDown(params));
//   Result<LoadedData> data = LoadClickHouseFunnelData(endpoint, choice, params, progress);

#include "app/data_source.h"
#include "app/param_spec.h"
#include "core/status.h"
#include "warehouse/clickhouse_url.h"

namespace growthlens::app {

/// Whether the funnel with `params` (canonical) runs on a ClickHouse workspace; else an error
/// naming the parameter and what runs.
Status CheckFunnelPushedDown(const ParamText& params);

/// The funnel's rows of the event log (else the usage log) `choice` picks.
Result<LoadedData> LoadClickHouseFunnelData(const warehouse::ClickHouseEndpoint& endpoint,
                                            const StoredKindChoice& choice, const ParamText& params,
                                            ProgressFn progress = nullptr);

}  // namespace growthlens::app
