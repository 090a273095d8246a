#pragma once
// The users list of a ClickHouse workspace (issue 22): the rows the `users` analysis reads,
// made from what ClickHouse aggregates per user. Its RFM and personas come from the pushed-down
// RFM table (app/clickhouse_aggregates.h); what it reads of rows (each user's first and last
// day, cohort, the periods a user was active in, the users of a feature) comes from stand-in
// rows: per user, one row on each distinct active day (`arraySort(groupUniqArray(day))`, one
// row per user over the wire) carrying no events, and the per-feature totals on the last day.
// The one user whose detail is asked (`id`) has their real rows instead (their timeline), read
// with `WHERE user = ...`. An event log's signup days (which make the cohorts) are each user's
// first signup event, `min(day)` in ClickHouse. Memory: users x active days, as the cohorts'
// activity grid.
//
//   GROWTHLENS_RETURN_IF_ERROR(ReplaceWithUsersRows(client, kind, totals, id, data->dataset));

#include <string_view>

#include "core/dataset.h"
#include "core/status.h"
#include "warehouse/clickhouse_client.h"
#include "warehouse/clickhouse_rollups.h"

namespace growthlens::app {

/// Replaces `dataset` (the per-user stand-in of `totals`, app/clickhouse_aggregates.h) with the
/// users list's rows; `id` (may be empty) is the user whose real rows are read. An event log's
/// signup days are each user's first `signup_event` ("": an event whose name reads as a signup).
Status ReplaceWithUsersRows(warehouse::ClickHouseClient& client, DataKind kind,
                            const warehouse::UserTotals& totals, std::string_view id,
                            std::string_view signup_event, Dataset& dataset);

}  // namespace growthlens::app
