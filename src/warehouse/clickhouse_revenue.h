#pragma once
// The revenue tables of a ClickHouse workspace's transactions, each one GROUP BY in ClickHouse:
// revenue (sum of quantity x price, Float64), distinct invoices and distinct customers (ids
// only) per key: the purchase's month, its country, its month of the year, weekday or hour
// (UTC, as the column's time zone); and the revenue per item (stock code and description).
//
//   Result<std::vector<RevenueRow>> months = QueryRevenueBy(client, RevenueKey::kMonth);

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "warehouse/clickhouse_client.h"
#include "warehouse/clickhouse_rollups.h"

namespace growthlens::warehouse {

enum class RevenueKey : uint8_t {
  kMonth,        // key: the month's first day, days since 1970
  kCountry,      // name: the country
  kMonthOfYear,  // key: 1-12
  kWeekday,      // key: 0 = Monday
  kHour,         // key: 0-23
};

struct RevenueRow {
  int64_t key = 0;
  std::string name;
  double revenue = 0;
  uint64_t orders = 0;     // distinct invoices
  uint64_t customers = 0;  // distinct customers with an id
};

/// The rows per key of the purchases inside `window` (open: all of them).
Result<std::vector<RevenueRow>> QueryRevenueBy(ClickHouseClient& client, RevenueKey key,
                                               const DayWindow& window = {});

/// One distinct (stock code, description) of the lines inside `window`: what the products'
/// Pareto curve is made of (metrics/revenue.h ParetoOfItems), one row per item of the catalogue.
struct ItemRow {
  std::string stock_code;
  std::string description;     // empty when the lines have none
  double revenue = 0;          // sum(): 18.16's sumKahan fails across shards
  int64_t revenue_micros = 0;  // quantity x the price rounded to millionths, summed exactly
  int64_t quantity = 0;
  int64_t first_sale = 0;  // the earliest line's time, seconds since 1970 (UTC)
};
Result<std::vector<ItemRow>> QueryItemRevenue(ClickHouseClient& client,
                                              const DayWindow& window = {});

}  // namespace growthlens::warehouse
