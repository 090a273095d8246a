#pragma once
// One user's rows of a ClickHouse workspace, for the users list's detail of one user (its
// day-by-day timeline): the rows of that user only (`WHERE user = ...`, which the tables'
// ORDER BY (user, ...) key finds without a scan), in time order, events of the same moment by
// name (ClickHouse does not keep the file's row order).
//
//   Result<std::vector<UserRow>> rows = QueryOneUserRows(client, DataKind::kUsage, "u42");

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/data_kind.h"
#include "core/date.h"
#include "core/status.h"
#include "warehouse/clickhouse_client.h"

namespace growthlens::warehouse {

/// A usage or event log's row (feature = the event's name), or a transaction line (feature
/// unused; invoice, country, stock code, description, quantity, price, time set).
struct UserRow {
  Day day = 0;
  int32_t ms_of_day = 0;
  std::string feature;
  int32_t events = 0;
  std::string invoice, country, stock_code, description;
  int32_t quantity = 0;
  double price = 0;
  int64_t time = 0;  // transactions: seconds since 1970 (UTC)
};

/// The rows of `user` in `kind`'s table (none when the user has none).
Result<std::vector<UserRow>> QueryOneUserRows(ClickHouseClient& client, DataKind kind,
                                              std::string_view user);

/// Event logs: each user's first day of any of `events` (the names an ingest reads as a signup),
/// one user at a time as they arrive; users without one are left out.
Status QueryFirstDaysOf(ClickHouseClient& client, const std::vector<std::string>& events,
                        const std::function<Status(std::string_view user, Day day)>& on_user);

}  // namespace growthlens::warehouse
