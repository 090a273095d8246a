#pragma once
// The rows an analysis of a ClickHouse workspace keeps, pushed down as a WHERE: a date window
// (clickhouse_rollups.h, DayWindow) and, for usage, the features kept; and what a window's
// analyses need of the rows outside it: each user's first day of all time (cohorts and the
// new/returning split count a user who started before the window in their true, earlier
// cohort, as metrics/rows_before.h's RowsInWindow does) and every feature's name (so that a
// feature filter names features of the whole data, as the embedded workspace does).
//
//   UsageRows rows{window, {"search", "export"}};
//   Result<FeatureUsage> usage = QueryFeatureUsage(client, kind, rows);  // clickhouse_series.h

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/data_kind.h"
#include "core/date.h"
#include "core/status.h"
#include "warehouse/clickhouse_client.h"
#include "warehouse/clickhouse_rollups.h"

namespace growthlens::warehouse {

/// The rows of a usage or event log the usage aggregates read.
struct UsageRows {
  DayWindow window;
  std::vector<std::string> features;  // names (events: event names); empty = every feature
};

/// The condition keeping `rows` of `kind`'s table, for a WHERE ("1" when it keeps them all).
std::string UsageRowsCondition(DataKind kind, const UsageRows& rows);

/// Each user with a row inside `window` (users without an id left out), with their first day
/// over all of their rows, one user at a time as they arrive.
Status QueryUserStarts(ClickHouseClient& client, DataKind kind, const DayWindow& window,
                       const std::function<Status(std::string_view user, Day first)>& on_user);

/// The names of every feature (events: event) of a usage or event log's table.
Result<std::vector<std::string>> QueryFeatureNames(ClickHouseClient& client, DataKind kind);

}  // namespace growthlens::warehouse
