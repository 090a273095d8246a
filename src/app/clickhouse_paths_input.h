#pragma once
// The rows the paths analysis reads from a ClickHouse workspace (issue 22): ClickHouse sorts
// each user's events, removes the excluded ones and cuts them to the path's reach, one row per
// user (warehouse/clickhouse_paths.h); the paths analysis then runs on them as on the embedded
// workspace (the session gap, collapsed repeats, counts, shares, Sankey). With them comes an
// Analysis holding only the whole table's first and last day (KPIs' from/to), which the
// result's `window` reads instead of the rows' days.
//
//   Result<PushedDownData> rows = LoadClickHousePathsData(endpoint, choice, params, progress);

#include "app/clickhouse_aggregates.h"
#include "app/data_source.h"
#include "app/param_spec.h"
#include "core/status.h"
#include "warehouse/clickhouse_url.h"

namespace growthlens::app {

/// The path rows of the event log `choice` picks (a usage log: no rows, which paths refuse).
Result<PushedDownData> LoadClickHousePathsData(const warehouse::ClickHouseEndpoint& endpoint,
                                               const StoredKindChoice& choice,
                                               const ParamText& params,
                                               ProgressFn progress = nullptr);

}  // namespace growthlens::app
