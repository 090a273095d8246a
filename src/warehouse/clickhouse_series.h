#pragma once
// The usage and activity aggregates of a ClickHouse workspace beyond the per-user totals
// (clickhouse_rollups.h), each a GROUP BY in ClickHouse whose answer is small:
//  - per feature: events, distinct users, distinct (user, day) pairs (the feature report);
//  - per (feature, period): events and distinct users (the feature series, by day, week or
//    month);
//  - per user: the distinct active days (one row per user, an array), from which GrowthLens
//    builds the same ActivityGrid the rows give (cohorts, lifecycle, stickiness);
//  - transactions: revenue per (cohort period, period), the cohort being the period of the
//    customer's first purchase;
//  - per day: the users active that day, in the 7 and in the 30 days ending it (the KPI trend),
//    and for transactions the day's revenue and orders.
// Distinct counts are uniqExact (exact, as the embedded engine counts).
//
//   Result<FeatureUsage> usage = QueryFeatureUsage(client, DataKind::kUsage);

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/data_kind.h"
#include "core/date.h"
#include "core/status.h"
#include "warehouse/clickhouse_client.h"
#include "warehouse/clickhouse_filters.h"

namespace growthlens::warehouse {

/// The buckets of a series or cohort: days, Monday-weeks or calendar months.
enum class SeriesBucket : uint8_t { kDay, kWeek, kMonth };

struct FeatureUsageRow {
  std::string feature;
  int64_t events = 0;
  uint64_t users = 0;      // distinct users
  uint64_t user_days = 0;  // distinct (user, day): the sum over users of their days of use
};

struct FeatureUsage {
  uint64_t active_users = 0;  // distinct users with rows
  std::vector<FeatureUsageRow> features;
};

/// One cell of a feature series: the bucket named by its first day.
struct FeatureSeriesCell {
  std::string feature;
  Day bucket_first_day = 0;
  int64_t events = 0;
  uint64_t users = 0;
};

/// A usage or event log's totals per feature (event name for event logs) over `rows`.
Result<FeatureUsage> QueryFeatureUsage(ClickHouseClient& client, DataKind kind,
                                       const UsageRows& rows = {});

/// A usage or event log's events and distinct users per (feature, bucket) over `rows`.
Result<std::vector<FeatureSeriesCell>> QueryFeatureSeries(ClickHouseClient& client, DataKind kind,
                                                          SeriesBucket bucket,
                                                          const UsageRows& rows = {});

/// Each user's distinct active days inside `window` (ascending), one user at a time as they
/// arrive (users without an id, or without a day in the window, are left out, as the grid of
/// the rows leaves them out).
Status QueryUserActiveDays(
    ClickHouseClient& client, DataKind kind,
    const std::function<Status(std::string_view user, std::span<const Day> days)>& on_user,
    const DayWindow& window = {});

/// Transactions: revenue (sum of quantity x price, Float64) per (first day of the customer's
/// cohort bucket, first day of the bucket of the purchase), customers with an id only; the
/// purchases inside `window`, the cohort that of the customer's first purchase of all time.
struct CohortRevenueCell {
  Day cohort_first_day = 0;
  Day bucket_first_day = 0;
  double revenue = 0;
};
Result<std::vector<CohortRevenueCell>> QueryCohortRevenue(ClickHouseClient& client,
                                                          SeriesBucket bucket,
                                                          const DayWindow& window = {});

/// One day of the KPI trend (metrics/kpi_trend.h computes the same from the rows).
struct DayActivity {
  Day day = 0;
  uint64_t daily = 0;    // distinct users with a row that day (users with an id)
  uint64_t weekly = 0;   // ... in the 7 days ending that day
  uint64_t monthly = 0;  // ... in the 30 days ending that day
  double revenue = 0;    // transactions: sum of quantity x price of the day's rows
  uint64_t orders = 0;   // transactions: distinct orders (invoice, customer, time, country)
};

/// The days of [first, last] with activity, ascending (the others are all zero). The trailing
/// windows count active days before `first`. One GROUP BY over the distinct (user, day) pairs,
/// each spread over the 30 days it counts for; transactions add one over the day's rows.
Result<std::vector<DayActivity>> QueryDailyActivity(ClickHouseClient& client, DataKind kind,
                                                    Day first, Day last);

}  // namespace growthlens::warehouse
