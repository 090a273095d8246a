#include "warehouse/clickhouse_rollups.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <string_view>

#include "warehouse/clickhouse_schema.h"
#include "warehouse/clickhouse_tsv.h"

namespace growthlens::warehouse {

namespace {

bool IsTransactions(DataKind kind) {
  return kind == DataKind::kTransactions;
}

/// The column or expression of a row's day.
const char* DayColumnOf(DataKind kind) {
  return IsTransactions(kind) ? "toDate(time)" : "day";
}

}  // namespace

std::string WindowCondition(DataKind kind, const DayWindow& window) {
  // A Date holds days 0 .. 65535 since 1970: a bound outside keeps every row or none.
  constexpr Day kLastDate = 65535;
  std::vector<std::string> conditions;
  if (window.from && *window.from > kLastDate) return "0";
  if (window.to && *window.to < 0) return "0";
  if (window.from && *window.from > 0)
    conditions.push_back(
        fmt::format("{} >= toDate('{}')", DayColumnOf(kind), FormatDate(*window.from)));
  if (window.to && *window.to < kLastDate)
    conditions.push_back(
        fmt::format("{} <= toDate('{}')", DayColumnOf(kind), FormatDate(*window.to)));
  if (conditions.empty()) return "1";
  return conditions.size() == 1 ? conditions[0]
                                : fmt::format("{} AND {}", conditions[0], conditions[1]);
}

const char* TableOf(DataKind kind) {
  switch (kind) {
    case DataKind::kUsage:
      return kUsageTable;
    case DataKind::kEvents:
      return kEventsTable;
    case DataKind::kTransactions:
      break;
  }
  return kTransactionsTable;
}

const char* FeatureColumnOf(DataKind kind) {
  return kind == DataKind::kEvents ? "event" : "feature";
}

Result<std::vector<std::pair<DataKind, uint64_t>>> StoredRowCounts(ClickHouseClient& client) {
  std::vector<std::pair<DataKind, uint64_t>> counts;
  for (const DataKind kind : {DataKind::kUsage, DataKind::kEvents, DataKind::kTransactions}) {
    Result<std::string> answer = client.Query(fmt::format("SELECT count() FROM {}", TableOf(kind)));
    if (!answer.ok()) return answer.status();
    uint64_t rows = 0;
    GROWTHLENS_RETURN_IF_ERROR(
        ParseTsvNumber(std::string_view(*answer).substr(0, answer->find('\n')), rows, "a count"));
    counts.emplace_back(kind, rows);
  }
  return counts;
}

Result<std::vector<DataKind>> StoredKinds(ClickHouseClient& client) {
  Result<std::vector<std::pair<DataKind, uint64_t>>> counts = StoredRowCounts(client);
  if (!counts.ok()) return counts.status();
  std::vector<DataKind> stored;
  for (const auto& [kind, rows] : *counts)
    if (rows > 0) stored.push_back(kind);
  return stored;
}

Result<UserTotals> QueryUserTotals(ClickHouseClient& client, DataKind kind,
                                   const DayWindow& window) {
  const std::string where = WindowCondition(kind, window);
  // Days as numbers since 1970 (toUInt16 of a Date), money summed as Float64.
  const std::string sql =
      IsTransactions(kind)
          ? fmt::format(
                "SELECT customer, toUInt16(min(toDate(time))), toUInt16(max(toDate(time))), "
                "uniqExact(invoice), sum(quantity * price), 0 FROM {} WHERE customer != '' "
                "AND {} GROUP BY customer FORMAT TabSeparated",
                TableOf(kind), where)
          : fmt::format(
                // 18.16's sumMap takes no String keys: the features per user are a second
                // aggregation, joined by user (the right side holds one row per user).
                "SELECT user, first_active, last_active, active_days, 0, user_events, "
                "feature_names, feature_counts FROM ("
                "SELECT user, toUInt16(min(day)) AS first_active, "
                "toUInt16(max(day)) AS last_active, uniqExact(day) AS active_days, "
                "sum(toInt64(events)) AS user_events FROM {0} WHERE {2} GROUP BY user) "
                "ANY LEFT JOIN ("
                "SELECT user, groupArray(feature_name) AS feature_names, "
                "groupArray(feature_events) AS feature_counts FROM ("
                "SELECT user, toString({1}) AS feature_name, "
                "sum(toInt64(events)) AS feature_events FROM {0} WHERE {2} "
                "GROUP BY user, feature_name) GROUP BY user) USING user FORMAT TabSeparated",
                TableOf(kind), FeatureColumnOf(kind), where);
  UserTotals totals;
  const auto add_user = [&](std::string_view line) -> Status {
    const std::vector<std::string_view> fields = TsvFields(line);
    GROWTHLENS_RETURN_IF_ERROR(
        ExpectTsvFields(fields, IsTransactions(kind) ? 6 : 8, "a user's totals"));
    uint16_t first = 0, last = 0;
    int64_t frequency = 0, events = 0;
    double monetary = 0;
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[1], first, "a first day"));
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[2], last, "a last day"));
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[3], frequency, "a frequency"));
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[4], monetary, "a monetary value"));
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[5], events, "an event count"));
    totals.users.Intern(UnescapeTsv(fields[0]));
    totals.first_day.push_back(first);
    totals.last_day.push_back(last);
    totals.frequency.push_back(frequency);
    if (IsTransactions(kind)) {
      totals.monetary.push_back(monetary);
    } else {
      totals.events.push_back(events);
      totals.monetary.push_back(static_cast<double>(events));
      Result<std::vector<std::string>> names = TsvArrayItems(fields[6]);
      if (!names.ok()) return names.status();
      Result<std::vector<std::string>> counts = TsvArrayItems(fields[7]);
      if (!counts.ok()) return counts.status();
      if (names->size() != counts->size())
        return Status(ErrorCode::kParseError,
                      "ClickHouse answered a feature map of unequal arrays");
      for (size_t idx = 0; idx < names->size(); ++idx) {
        int64_t count = 0;
        GROWTHLENS_RETURN_IF_ERROR(
            ParseTsvNumber(std::string_view((*counts)[idx]), count, "a feature's events"));
        totals.feature_code.push_back(totals.features.Intern((*names)[idx]));
        totals.feature_events.push_back(count);
      }
      totals.feature_offsets.push_back(totals.feature_code.size());
    }
    return Status::Ok();
  };
  GROWTHLENS_RETURN_IF_ERROR(client.QueryLines(sql, add_user));
  return totals;
}

Result<KindTotals> QueryKindTotals(ClickHouseClient& client, DataKind kind,
                                   const DayWindow& window) {
  const std::string day = DayColumnOf(kind);
  const std::string user = IsTransactions(kind) ? "customer" : "user";
  const std::string sql = fmt::format(
      "SELECT toUInt16(min({0})), toUInt16(max({0})), count(), {2}, "
      "uniqExact({1}, {0}), uniqExact({1}, toMonday({0})), uniqExact({1}, toStartOfMonth({0})), "
      "{3}, {4}, {6} FROM {5} WHERE {7} FORMAT TabSeparated",
      day, user, IsTransactions(kind) ? "0" : "sum(toInt64(events))",
      IsTransactions(kind) ? "sum(quantity * price)" : "0",
      IsTransactions(kind) ? "uniqExact(invoice)" : "0", TableOf(kind),
      IsTransactions(kind) ? "uniqExactIf(customer, customer != '')" : "uniqExact(user)",
      WindowCondition(kind, window));
  Result<std::string> answer = client.Query(sql);
  if (!answer.ok()) return answer.status();
  const std::vector<std::string_view> fields =
      TsvFields(std::string_view(*answer).substr(0, answer->find('\n')));
  GROWTHLENS_RETURN_IF_ERROR(ExpectTsvFields(fields, 10, "a table's totals"));
  KindTotals totals;
  uint16_t first = 0, last = 0;
  GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[0], first, "the first day"));
  GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[1], last, "the last day"));
  totals.first_day = first;
  totals.last_day = last;
  GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[2], totals.rows, "the rows"));
  GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[3], totals.events, "the events"));
  GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[4], totals.user_days, "the user-days"));
  GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[5], totals.user_weeks, "the user-weeks"));
  GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[6], totals.user_months, "the user-months"));
  GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[7], totals.revenue, "the revenue"));
  GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[8], totals.orders, "the orders"));
  GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[9], totals.users, "the users"));
  return totals;
}

}  // namespace growthlens::warehouse
