#include "warehouse/clickhouse_filters.h"

#include <fmt/format.h>

#include "warehouse/clickhouse_tsv.h"

namespace growthlens::warehouse {

std::string UsageRowsCondition(DataKind kind, const UsageRows& rows) {
  const std::string window = WindowCondition(kind, rows.window);
  if (rows.features.empty()) return window;
  std::string names;
  for (const std::string& name : rows.features)
    names += fmt::format("{}{}", names.empty() ? "" : ",", SqlString(name));
  return fmt::format("({}) AND toString({}) IN ({})", window, FeatureColumnOf(kind), names);
}

Status QueryUserStarts(ClickHouseClient& client, DataKind kind, const DayWindow& window,
                       const std::function<Status(std::string_view user, Day first)>& on_user) {
  const bool transactions = kind == DataKind::kTransactions;
  const char* user = transactions ? "customer" : "user";
  const char* day = transactions ? "toDate(time)" : "day";
  const std::string sql = fmt::format(
      "SELECT {0}, toUInt16(min({1})) FROM {2} WHERE {0} != '' GROUP BY {0} "
      "HAVING countIf({3}) > 0 FORMAT TabSeparated",
      user, day, TableOf(kind), WindowCondition(kind, window));
  return client.QueryLines(sql, [&](std::string_view line) -> Status {
    const std::vector<std::string_view> fields = TsvFields(line);
    GROWTHLENS_RETURN_IF_ERROR(ExpectTsvFields(fields, 2, "a user's first day"));
    uint16_t first = 0;  // toUInt16 of a Date: days since 1970
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[1], first, "a user's first day"));
    return on_user(UnescapeTsv(fields[0]), Day{first});
  });
}

Result<std::vector<std::string>> QueryFeatureNames(ClickHouseClient& client, DataKind kind) {
  std::vector<std::string> names;
  const Status answered =
      client.QueryLines(fmt::format("SELECT DISTINCT toString({}) FROM {} FORMAT TabSeparated",
                                    FeatureColumnOf(kind), TableOf(kind)),
                        [&](std::string_view line) -> Status {
                          names.push_back(UnescapeTsv(line));
                          return Status::Ok();
                        });
  if (!answered.ok()) return answered;
  return names;
}

}  // namespace growthlens::warehouse
