#include "warehouse/clickhouse_user_rows.h"

#include <fmt/format.h>

#include "warehouse/clickhouse_rollups.h"
#include "warehouse/clickhouse_tsv.h"

namespace growthlens::warehouse {

Result<std::vector<UserRow>> QueryOneUserRows(ClickHouseClient& client, DataKind kind,
                                              std::string_view user) {
  const bool transactions = kind == DataKind::kTransactions;
  const std::string sql =
      transactions
          ? fmt::format(
                "SELECT toUInt32(time), invoice, toString(country), stock_code, description, "
                "quantity, price FROM {} WHERE customer = {} ORDER BY time, invoice, stock_code "
                "FORMAT TabSeparated",
                TableOf(kind), SqlString(user))
          : fmt::format(
                "SELECT toUInt16(day), {0}, toString({1}), events FROM {2} WHERE user = {3} "
                "ORDER BY day, {0}, toString({1}) FORMAT TabSeparated",
                kind == DataKind::kEvents ? "ms_of_day" : "toUInt32(0)", FeatureColumnOf(kind),
                TableOf(kind), SqlString(user));
  std::vector<UserRow> rows;
  const auto on_line = [&](std::string_view line) -> Status {
    const std::vector<std::string_view> fields = TsvFields(line);
    UserRow row;
    if (transactions) {
      GROWTHLENS_RETURN_IF_ERROR(ExpectTsvFields(fields, 7, "a customer's transaction"));
      uint32_t seconds = 0;
      GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[0], seconds, "a purchase's time"));
      row.time = seconds;
      row.day = DayOf(Timestamp{seconds});
      row.invoice = UnescapeTsv(fields[1]);
      row.country = UnescapeTsv(fields[2]);
      row.stock_code = UnescapeTsv(fields[3]);
      row.description = UnescapeTsv(fields[4]);
      GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[5], row.quantity, "a quantity"));
      GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[6], row.price, "a price"));
    } else {
      GROWTHLENS_RETURN_IF_ERROR(ExpectTsvFields(fields, 4, "a user's row"));
      uint16_t day = 0;
      uint32_t ms = 0;
      GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[0], day, "a day"));
      GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[1], ms, "a time of day"));
      row.day = Day{day};
      row.ms_of_day = static_cast<int32_t>(ms);
      row.feature = UnescapeTsv(fields[2]);
      GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[3], row.events, "a count of events"));
    }
    rows.push_back(std::move(row));
    return Status::Ok();
  };
  GROWTHLENS_RETURN_IF_ERROR(client.QueryLines(sql, on_line, [&] { rows.clear(); }));
  return rows;
}

Status QueryFirstDaysOf(ClickHouseClient& client, const std::vector<std::string>& events,
                        const std::function<Status(std::string_view user, Day day)>& on_user) {
  if (events.empty()) return Status::Ok();
  std::string names = "[";
  for (const std::string& name : events) names += (names.size() > 1 ? "," : "") + SqlString(name);
  names += "]";
  return client.QueryLines(
      fmt::format("SELECT user, toUInt16(min(day)) FROM {} WHERE user != '' AND has({}, "
                  "toString(event)) GROUP BY user FORMAT TabSeparated",
                  TableOf(DataKind::kEvents), names),
      [&](std::string_view line) -> Status {
        const std::vector<std::string_view> fields = TsvFields(line);
        GROWTHLENS_RETURN_IF_ERROR(ExpectTsvFields(fields, 2, "a user's signup day"));
        uint16_t day = 0;
        GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[1], day, "a signup day"));
        return on_user(UnescapeTsv(fields[0]), Day{day});
      });
}

}  // namespace growthlens::warehouse
