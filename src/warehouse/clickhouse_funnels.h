#pragma once
// What a funnel needs of a ClickHouse workspace's event log (or usage log), computed there: one
// row per user who did a listed event, with that user's first active day, signup day, and the
// times and names of their listed events as arrays (groupArrayIf), streamed as TSV. GrowthLens
// runs its own funnel (metrics/funnel.h) on these rows, so the numbers are those of the embedded
// workspace: ClickHouse's windowFunnel gives only each user's level, not the chain's times the
// funnel reports, and 18.16's windowFunnel has no modes (docs/CLICKHOUSE.md, "Funnels").
//
//   Result<StringDictionary> names = QueryEventNames(client, DataKind::kEvents);
//   Result<FunnelRows> rows = QueryFunnelRows(client, {.kind = DataKind::kEvents, ...}, *names);

#include <string>
#include <vector>

#include "core/data_kind.h"
#include "core/dictionary.h"
#include "core/status.h"
#include "core/usage_log.h"
#include "warehouse/clickhouse_client.h"

namespace growthlens::warehouse {

/// Every event name (feature name in a usage log) the table holds, in the server's order.
Result<StringDictionary> QueryEventNames(ClickHouseClient& client, DataKind kind);

struct FunnelRowsRequest {
  DataKind kind = DataKind::kEvents;  // kEvents or kUsage
  std::vector<std::string> listed;    // the events of the steps and exclusions
  /// strict_order: every event of the users who did a listed one, since any other event ends
  /// the search; else only the listed events cross the wire.
  bool every_event = false;
  /// Events whose earliest day is a user's signup (as the ingest of an event log reads it).
  std::vector<std::string> signup_events;
};

/// The users who did a listed event: their rows (features coded in `names`, grouped by user and
/// in time order, events at the same millisecond by name), and per user the day a cohort
/// starts: the signup day where the user has a signup event, else the first active day of any
/// event (kept in log.user_signup, which the funnel's cohort breakdown reads).
struct FunnelRows {
  UsageLog log;
  uint64_t events_read = 0;  // rows that crossed the wire
};

Result<FunnelRows> QueryFunnelRows(ClickHouseClient& client, const FunnelRowsRequest& request,
                                   const StringDictionary& names);

}  // namespace growthlens::warehouse
