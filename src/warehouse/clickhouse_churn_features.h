#pragma once
// The per-user rollups a churn feature table is made of, computed by ClickHouse for one cutoff
// (usage and event logs): each user's distinct active days before the cutoff, events, distinct
// features and the events of each feature the model reads a share of, and whether the user was
// active in the horizon after the cutoff. One row per user of the table's population (active in
// the `active_within` days before the cutoff), streamed as TSV; GrowthLens fills the feature row
// from these with the embedded engine's code (ml::FillUsageChurnRow).
//
//   Result<ChurnRollups> rollups = QueryChurnRollups(client, request, users);

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/data_kind.h"
#include "core/date.h"
#include "core/dictionary.h"
#include "core/status.h"
#include "warehouse/clickhouse_client.h"

namespace growthlens::warehouse {

struct ChurnRollupRequest {
  DataKind kind = DataKind::kUsage;  // usage or event logs
  Day cutoff = 0;
  int32_t horizon = 30;
  int32_t active_within = 90;       // 0: every user with a row before the cutoff
  std::string active_feature;       // "" = any row is activity after the cutoff
  std::vector<std::string> shares;  // features whose events are summed per user
};

/// Per user (rows in the server's order, `ORDER BY user`): codes into the caller's dictionary.
struct ChurnRollups {
  std::vector<uint32_t> user;
  std::vector<size_t> day_offsets{0};  // days[day_offsets[i] .. day_offsets[i + 1]), ascending
  std::vector<Day> days;
  std::vector<int64_t> events;
  std::vector<int64_t> breadth;       // distinct features before the cutoff
  std::vector<int64_t> share_events;  // row-major, shares.size() per user
  std::vector<uint8_t> active_after;  // a row (of the active feature) in [cutoff, cutoff+horizon)
};

/// The rollups of the users in the table at `request.cutoff`; users are interned in `users`.
Result<ChurnRollups> QueryChurnRollups(ClickHouseClient& client, const ChurnRollupRequest& request,
                                       StringDictionary& users);

/// Every feature (event) with its events over the whole table, as (name, events).
Result<std::vector<std::pair<std::string, int64_t>>> QueryFeatureEvents(ClickHouseClient& client,
                                                                        DataKind kind);

}  // namespace growthlens::warehouse

namespace growthlens::warehouse {

/// Each customer's purchase days and each day's total (quantity x price summed by ClickHouse),
/// one row per customer with an id: what the CLV models read (metrics/purchase_history.h).
struct CustomerDays {
  StringDictionary customers;
  std::vector<size_t> offsets{0};  // days[offsets[c] .. offsets[c + 1]), ascending
  std::vector<Day> days;
  std::vector<double> totals;
};
Result<CustomerDays> QueryCustomerDays(ClickHouseClient& client);

}  // namespace growthlens::warehouse
