#pragma once
// The aggregates GrowthLens asks of a ClickHouse workspace instead of reading its rows: one row
// per user (first and last active day, frequency, monetary value), streamed as TSV, and the
// totals of the whole data (rows, days, user-days, user-weeks, user-months). The analyses (RFM,
// KPIs, personas) are computed from these in GrowthLens exactly as from the rows
// (app/clickhouse_aggregates.h).
//
//   Result<UserTotals> users = QueryUserTotals(client, DataKind::kUsage);

#include <cstdint>
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
};

/// The table that holds `kind` ("usage", "events", "transactions").
const char* TableOf(DataKind kind);
/// The column naming what a row did: `feature` (usage logs), `event` (event logs).
const char* FeatureColumnOf(DataKind kind);

/// How many rows each kind's table holds, in DataKind order of usage, events, transactions.
Result<std::vector<std::pair<DataKind, uint64_t>>> StoredRowCounts(ClickHouseClient& client);

/// The kinds whose table holds rows, in the same order.
Result<std::vector<DataKind>> StoredKinds(ClickHouseClient& client);

Result<UserTotals> QueryUserTotals(ClickHouseClient& client, DataKind kind);
Result<KindTotals> QueryKindTotals(ClickHouseClient& client, DataKind kind);

}  // namespace growthlens::warehouse
