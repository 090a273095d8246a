#pragma once
// The aggregates GrowthLens asks of a ClickHouse workspace instead of reading its rows: one row
// per user (first and last active day, frequency, monetary value), streamed as TSV, and the
// totals of the whole data (rows, days, user-days, user-weeks, user-months). The analyses (RFM,
// KPIs, personas) are computed from these in GrowthLens exactly as from the rows
// (app/clickhouse_aggregates.h).
//
//   Result<UserTotals> users = QueryUserTotals(client, DataKind::kUsage);

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/data_kind.h"
#include "core/date.h"
#include "core/dictionary.h"
#include "core/status.h"
#include "warehouse/clickhouse_client.h"

namespace growthlens::warehouse {

/// One entry per user with rows (customers without an id are left out, as RFM leaves them).
/// Usage logs and event logs: frequency = distinct active days, monetary = events.
/// Transactions: frequency = distinct invoices, monetary = sum of quantity x price.
struct UserTotals {
  StringDictionary users;  // codes in the order the server sent them
  std::vector<Day> first_day, last_day;
  std::vector<int64_t> frequency;
  std::vector<double> monetary;
  /// Usage logs: events as an exact integer (monetary is this as a double).
  std::vector<int64_t> events;
  /// Usage logs: each user's events per feature (what personas' top features are made of), as
  /// entries feature_offsets[u] .. feature_offsets[u + 1] of feature_code / feature_events.
  StringDictionary features;
  std::vector<size_t> feature_offsets{0};
  std::vector<uint32_t> feature_code;
  std::vector<int64_t> feature_events;
};

/// The totals of one kind's whole table.
struct KindTotals {
  Day first_day = 0, last_day = 0;
  uint64_t rows = 0;
  int64_t events = 0;       // usage logs
  uint64_t user_days = 0;   // distinct (user, day)
  uint64_t user_weeks = 0;  // distinct (user, Monday-week)
  uint64_t user_months = 0;
  double revenue = 0;   // transactions
  uint64_t orders = 0;  // distinct invoices
  uint64_t users = 0;   // distinct users (customers with an id)
};

/// An inclusive window of days (an unset end is open), pushed down as a condition on the rows'
/// day (transactions: the day of the purchase's time), so every aggregate reads only its rows.
struct DayWindow {
  std::optional<Day> from;
  std::optional<Day> to;
  bool open() const { return !from && !to; }
};

/// The condition keeping `kind`'s rows inside `window`, for a WHERE ("1" when open). Dates are
/// compared as Date literals ('2024-02-01'), which every ClickHouse release reads, so the
/// table's ordering key still prunes parts.
std::string WindowCondition(DataKind kind, const DayWindow& window);

/// The table that holds `kind` ("usage", "events", "transactions").
const char* TableOf(DataKind kind);
/// The column naming what a row did: `feature` (usage logs), `event` (event logs).
const char* FeatureColumnOf(DataKind kind);

/// How many rows each kind's table holds, in DataKind order of usage, events, transactions.
Result<std::vector<std::pair<DataKind, uint64_t>>> StoredRowCounts(ClickHouseClient& client);

/// The kinds whose table holds rows, in the same order.
Result<std::vector<DataKind>> StoredKinds(ClickHouseClient& client);

/// The totals of the rows inside `window` (open: all of them).
Result<UserTotals> QueryUserTotals(ClickHouseClient& client, DataKind kind,
                                   const DayWindow& window = {});
Result<KindTotals> QueryKindTotals(ClickHouseClient& client, DataKind kind,
                                   const DayWindow& window = {});

}  // namespace growthlens::warehouse
