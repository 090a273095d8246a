#pragma once
// The CLV of a ClickHouse workspace's transactions: ClickHouse sums each customer's purchases of
// one day (GROUP BY customer, day; one row per customer with the days and totals as arrays), and
// GrowthLens turns them into a transaction log of one line per (customer, day) holding that
// day's total, on which the clv analysis runs unchanged: the purchase history merges a day's
// purchases into one, so it reads the same frequency, recency, age and values (the day totals
// added in ClickHouse's order, to a relative 1e-9 of the file's).
//
//   Result<LoadedData> data = LoadClickHouseClvData(endpoint, choice, progress);

#include "app/data_source.h"
#include "core/status.h"
#include "warehouse/clickhouse_url.h"

namespace growthlens::app {

Result<LoadedData> LoadClickHouseClvData(const warehouse::ClickHouseEndpoint& endpoint,
                                         const StoredKindChoice& choice,
                                         ProgressFn progress = nullptr);

}  // namespace growthlens::app
