#include "warehouse/clickhouse_series.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "warehouse/clickhouse_rollups.h"
#include "warehouse/clickhouse_tsv.h"

namespace growthlens::warehouse {

namespace {

/// The first day of `day`'s bucket, as SQL over a Date.
std::string BucketSql(SeriesBucket bucket, std::string_view day) {
  switch (bucket) {
    case SeriesBucket::kDay:
      return std::string(day);
    case SeriesBucket::kWeek:
      return fmt::format("toMonday({})", day);
    case SeriesBucket::kMonth:
      break;
  }
  return fmt::format("toStartOfMonth({})", day);
}

Status ParseDay(std::string_view text, Day& day, std::string_view what) {
  uint16_t days = 0;  // toUInt16 of a Date: days since 1970
  GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(text, days, what));
  day = days;
  return Status::Ok();
}

}  // namespace

Result<FeatureUsage> QueryFeatureUsage(ClickHouseClient& client, DataKind kind,
                                       const UsageRows& rows) {
  FeatureUsage usage;
  const std::string where = UsageRowsCondition(kind, rows);
  Result<std::string> users = client.Query(fmt::format(
      "SELECT uniqExact(user) FROM {} WHERE {} FORMAT TabSeparated", TableOf(kind), where));
  if (!users.ok()) return users.status();
  GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(std::string_view(*users).substr(0, users->find('\n')),
                                            usage.active_users, "the active users"));
  const std::string sql = fmt::format(
      "SELECT toString({1}) AS name, sum(toInt64(events)), uniqExact(user), uniqExact(user, day) "
      "FROM {0} WHERE {2} GROUP BY name FORMAT TabSeparated",
      TableOf(kind), FeatureColumnOf(kind), where);
  const Status answered = client.QueryLines(sql, [&](std::string_view line) -> Status {
    const std::vector<std::string_view> fields = TsvFields(line);
    GROWTHLENS_RETURN_IF_ERROR(ExpectTsvFields(fields, 4, "a feature's totals"));
    FeatureUsageRow row;
    row.feature = UnescapeTsv(fields[0]);
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[1], row.events, "a feature's events"));
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[2], row.users, "a feature's users"));
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[3], row.user_days, "a feature's user-days"));
    usage.features.push_back(std::move(row));
    return Status::Ok();
  });
  if (!answered.ok()) return answered;
  return usage;
}

Result<std::vector<FeatureSeriesCell>> QueryFeatureSeries(ClickHouseClient& client, DataKind kind,
                                                          SeriesBucket bucket,
                                                          const UsageRows& rows) {
  const std::string sql = fmt::format(
      "SELECT toString({1}) AS name, toUInt16({2}) AS bucket, sum(toInt64(events)), "
      "uniqExact(user) FROM {0} WHERE {3} GROUP BY name, bucket FORMAT TabSeparated",
      TableOf(kind), FeatureColumnOf(kind), BucketSql(bucket, "day"),
      UsageRowsCondition(kind, rows));
  std::vector<FeatureSeriesCell> cells;
  const Status answered = client.QueryLines(sql, [&](std::string_view line) -> Status {
    const std::vector<std::string_view> fields = TsvFields(line);
    GROWTHLENS_RETURN_IF_ERROR(ExpectTsvFields(fields, 4, "a feature's period"));
    FeatureSeriesCell cell;
    cell.feature = UnescapeTsv(fields[0]);
    GROWTHLENS_RETURN_IF_ERROR(ParseDay(fields[1], cell.bucket_first_day, "a period"));
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[2], cell.events, "a period's events"));
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[3], cell.users, "a period's users"));
    cells.push_back(std::move(cell));
    return Status::Ok();
  });
  if (!answered.ok()) return answered;
  return cells;
}

Status QueryUserActiveDays(
    ClickHouseClient& client, DataKind kind,
    const std::function<Status(std::string_view user, std::span<const Day> days)>& on_user,
    const DayWindow& window) {
  const bool transactions = kind == DataKind::kTransactions;
  const std::string where = WindowCondition(kind, window);
  const std::string sql =
      transactions ? fmt::format(
                         "SELECT customer, arraySort(groupUniqArray(toUInt16(toDate(time)))) FROM "
                         "{} WHERE customer != '' AND {} GROUP BY customer FORMAT TabSeparated",
                         TableOf(kind), where)
                   : fmt::format(
                         "SELECT user, arraySort(groupUniqArray(toUInt16(day))) FROM {} WHERE "
                         "user != '' AND {} GROUP BY user FORMAT TabSeparated",
                         TableOf(kind), where);
  std::vector<uint16_t> raw;
  std::vector<Day> days;
  return client.QueryLines(sql, [&](std::string_view line) -> Status {
    const std::vector<std::string_view> fields = TsvFields(line);
    GROWTHLENS_RETURN_IF_ERROR(ExpectTsvFields(fields, 2, "a user's active days"));
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumberArray(fields[1], raw, "a user's active days"));
    days.assign(raw.begin(), raw.end());  // toUInt16 of a Date: days since 1970
    return on_user(UnescapeTsv(fields[0]), days);
  });
}

Result<std::vector<DayActivity>> QueryDailyActivity(ClickHouseClient& client, DataKind kind,
                                                    Day first, Day last) {
  constexpr int kTrailingDays = 30;  // the longest window, MAU's (metrics/kpi_trend.h)
  std::map<Day, DayActivity> days;
  if (last < first) return std::vector<DayActivity>();
  const bool transactions = kind == DataKind::kTransactions;
  // Each user's active days, ascending; each active day then counts on the days from it to the
  // user's next active day (at most 30): there the user's last activity is that day, so a user
  // is counted once per day without a set of users. Shift 0 is that day's DAU, under 7 the
  // WAU and under 30 the MAU of the day `shift` days after it: counts of rows, whose memory
  // is a few counters per day, not sets of users.
  const std::string active = fmt::format(
      "SELECT toUInt32(day + shift) AS d, countIf(shift = 0), countIf(shift < 7), count() "
      "FROM (SELECT toUInt32(days[i]) AS day, if(i < length(days), toUInt32(days[i + 1]), "
      "toUInt32(days[i]) + {0}) AS next_day FROM (SELECT {1} AS u, "
      "arraySort(groupUniqArray(toUInt16({2}))) AS days FROM {3} WHERE {1} != '' AND {4} "
      "GROUP BY u) ARRAY JOIN arrayEnumerate(days) AS i) ARRAY JOIN range({0}) AS shift "
      "WHERE shift < next_day - day AND d >= {5} AND d <= {6} GROUP BY d ORDER BY d "
      "FORMAT TabSeparated",
      kTrailingDays, transactions ? "customer" : "user", transactions ? "toDate(time)" : "day",
      TableOf(kind), WindowCondition(kind, DayWindow{first - (kTrailingDays - 1), last}), first,
      last);
  const Status counted = client.QueryLines(active, [&](std::string_view line) -> Status {
    const std::vector<std::string_view> fields = TsvFields(line);
    GROWTHLENS_RETURN_IF_ERROR(ExpectTsvFields(fields, 4, "a day's active users"));
    uint32_t day = 0;
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[0], day, "a day"));
    DayActivity& row = days[static_cast<Day>(day)];
    row.day = static_cast<Day>(day);
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[1], row.daily, "a day's active users"));
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[2], row.weekly, "a week's active users"));
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[3], row.monthly, "a month's active users"));
    return Status::Ok();
  });
  if (!counted.ok()) return counted;
  if (transactions) {
    // Every row, with or without a customer, as the day's revenue and orders count them; an
    // order is what the embedded log keys one by (prep/transaction_builder.h).
    const std::string sales = fmt::format(
        "SELECT toUInt16(toDate(time)) AS d, sum(quantity * price), "
        "uniqExact(invoice, customer, time, country) FROM {} WHERE {} GROUP BY d ORDER BY d "
        "FORMAT TabSeparated",
        TableOf(kind), WindowCondition(kind, DayWindow{first, last}));
    const Status summed = client.QueryLines(sales, [&](std::string_view line) -> Status {
      const std::vector<std::string_view> fields = TsvFields(line);
      GROWTHLENS_RETURN_IF_ERROR(ExpectTsvFields(fields, 3, "a day's sales"));
      Day day = 0;
      GROWTHLENS_RETURN_IF_ERROR(ParseDay(fields[0], day, "a day"));
      DayActivity& row = days[day];
      row.day = day;
      GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[1], row.revenue, "a day's revenue"));
      GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[2], row.orders, "a day's orders"));
      return Status::Ok();
    });
    if (!summed.ok()) return summed;
  }
  std::vector<DayActivity> out;
  out.reserve(days.size());
  for (auto& [day, row] : days) out.push_back(row);
  return out;
}

Result<std::vector<CohortRevenueCell>> QueryCohortRevenue(ClickHouseClient& client,
                                                          SeriesBucket bucket,
                                                          const DayWindow& window) {
  // The join runs over two subqueries, so on a Distributed table each side is one distributed
  // query (a join of a Distributed table with a distributed subquery is refused by default).
  // ALL, not ANY: the right side has one row per customer, and since ClickHouse 20 ANY INNER
  // keeps one row per key of the left side too (one period per customer).
  const std::string sql = fmt::format(
      "SELECT toUInt16({2}) AS cohort, toUInt16(bucket) AS period, sum(amount) FROM ("
      "SELECT customer, {1} AS bucket, sum(quantity * price) AS amount FROM {0} "
      "WHERE customer != '' AND {3} GROUP BY customer, bucket) "
      "ALL INNER JOIN (SELECT customer, min(toDate(time)) AS first_day FROM {0} "
      "WHERE customer != '' GROUP BY customer) USING customer "
      "GROUP BY cohort, period FORMAT TabSeparated",
      TableOf(DataKind::kTransactions), BucketSql(bucket, "toDate(time)"),
      BucketSql(bucket, "first_day"), WindowCondition(DataKind::kTransactions, window));
  std::vector<CohortRevenueCell> cells;
  const Status answered = client.QueryLines(sql, [&](std::string_view line) -> Status {
    const std::vector<std::string_view> fields = TsvFields(line);
    GROWTHLENS_RETURN_IF_ERROR(ExpectTsvFields(fields, 3, "a cohort's revenue"));
    CohortRevenueCell cell;
    GROWTHLENS_RETURN_IF_ERROR(ParseDay(fields[0], cell.cohort_first_day, "a cohort"));
    GROWTHLENS_RETURN_IF_ERROR(ParseDay(fields[1], cell.bucket_first_day, "a period"));
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[2], cell.revenue, "a cohort's revenue"));
    cells.push_back(cell);
    return Status::Ok();
  });
  if (!answered.ok()) return answered;
  return cells;
}

}  // namespace growthlens::warehouse
