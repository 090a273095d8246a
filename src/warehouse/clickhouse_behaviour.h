#pragma once
// What cohorts by behaviour (`cohorts --start-event/--return-event`) need of a ClickHouse
// workspace's usage or event log, computed there (issue 22): per user who did the start event,
// the day of their first one (`minIf`) and the distinct days they did the return event
// (`arraySort(groupUniqArrayIf(day, ...))`), one row per user; and the table's first and last
// day, which the periods span. GrowthLens lays the cohorts out from these with its own
// ComputeBehaviourRetention (metrics/behaviour_retention.h), so every definition (left-censored
// cohorts, partial periods, on and on-or-after) is the embedded engine's.
//
//   GROWTHLENS_RETURN_IF_ERROR(QueryBehaviourDays(client, request, on_user));

#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "core/data_kind.h"
#include "core/date.h"
#include "core/status.h"
#include "warehouse/clickhouse_client.h"

namespace growthlens::warehouse {

struct BehaviourDaysRequest {
  DataKind kind = DataKind::kEvents;  // kEvents or kUsage
  std::string start_event;            // "": any event (the first active day)
  std::string return_event;           // "": any event (every active day)
};

/// Each user with a start event: its first day, and the days of the return event (ascending).
Status QueryBehaviourDays(ClickHouseClient& client, const BehaviourDaysRequest& request,
                          const std::function<Status(std::string_view user, Day first_start,
                                                     std::span<const Day> return_days)>& on_user);

/// The first and last day of `kind`'s table (a usage or event log).
struct DaySpan {
  Day first = 0, last = 0;
};
Result<DaySpan> QueryDaySpan(ClickHouseClient& client, DataKind kind);

}  // namespace growthlens::warehouse
