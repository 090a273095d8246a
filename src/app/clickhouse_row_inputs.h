#pragma once
// The analyses of a ClickHouse workspace that read rows of their own, cut in ClickHouse to what
// they need (one row per user), instead of the per-user aggregates: paths
// (app/clickhouse_paths_input.h) and cohorts by behaviour (`--start-event`/`--return-event`:
// each user's first start day and return days, warehouse/clickhouse_behaviour.h, as a usage log
// of those rows and two rows without a user on the data's first and last day, which the
// periods span). The analysis then runs on these rows as on the embedded workspace. The CLI and
// the server ask ReadsOwnRows first, then load with LoadClickHouseOwnRows.
//
//   if (ReadsOwnRows("paths", params)) pushed = LoadClickHouseOwnRows(endpoint, choice, "paths",
//   params);

#include <string_view>

#include "app/clickhouse_aggregates.h"
#include "app/data_source.h"
#include "app/param_spec.h"
#include "core/status.h"
#include "warehouse/clickhouse_url.h"

namespace growthlens::app {

/// Whether `analysis` with `params` (canonical) reads rows of its own from ClickHouse.
bool ReadsOwnRows(std::string_view analysis, const ParamText& params);

/// Those rows, of the usage or event log `choice` picks (paths: the event log).
Result<PushedDownData> LoadClickHouseOwnRows(const warehouse::ClickHouseEndpoint& endpoint,
                                             const StoredKindChoice& choice,
                                             std::string_view analysis, const ParamText& params,
                                             ProgressFn progress = nullptr);

}  // namespace growthlens::app
