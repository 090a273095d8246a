#pragma once
// What the paths analysis needs of a ClickHouse workspace's event log, computed there (issue
// 22): per user, the events in time order (`arraySort(groupArray((day, ms, code)))`, ties by
// name), the excluded ones removed, cut to the path's reach: from the user's first start event
// (or first event) the next `steps` events, or the `steps` events before the first end event.
// One row per user crosses the wire, at most steps + 1 events long (with repeats collapsed, all
// the events from the anchor on, since a repeat does not count as a step); a user without a path
// sends one event, so that they are still counted. GrowthLens walks these rows with its own
// paths (metrics/paths.h): the session gap and collapsed repeats, the counts and the Sankey.
//
//   Result<PathRows> rows = QueryPathRows(client, request);

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/usage_log.h"
#include "warehouse/clickhouse_client.h"
#include "warehouse/clickhouse_rollups.h"

namespace growthlens::warehouse {

enum class PathRowsAnchor { kFirstEvent, kStart, kEnd };

struct PathRowsRequest {
  DayWindow window;
  PathRowsAnchor anchor = PathRowsAnchor::kFirstEvent;
  std::string anchor_event;           // kStart, kEnd: the event's name
  std::vector<std::string> excluded;  // event names left out
  size_t steps = 4;                   // events after (before) the anchor
  bool whole_tail = false;            // every event from the anchor on (collapsed repeats)
};

struct PathRows {
  UsageLog log;  // event grain; features: every event name of the table, in name order
  uint64_t events_read = 0;
  Day first_day = 0, last_day = 0;  // of the whole table
};

/// The path rows of the `events` table.
Result<PathRows> QueryPathRows(ClickHouseClient& client, const PathRowsRequest& request);

}  // namespace growthlens::warehouse
