#include "warehouse/clickhouse_revenue.h"

#include <fmt/format.h>

#include "warehouse/clickhouse_schema.h"
#include "warehouse/clickhouse_tsv.h"

namespace growthlens::warehouse {

namespace {

const char* KeySql(RevenueKey key) {
  switch (key) {
    case RevenueKey::kMonth:
      return "toUInt16(toStartOfMonth(toDate(time)))";
    case RevenueKey::kCountry:
      return "toString(country)";
    case RevenueKey::kMonthOfYear:
      return "toMonth(time)";
    case RevenueKey::kWeekday:
      return "toDayOfWeek(time) - 1";
    case RevenueKey::kHour:
      break;
  }
  return "toHour(time)";
}

}  // namespace

Result<std::vector<RevenueRow>> QueryRevenueBy(ClickHouseClient& client, RevenueKey key,
                                               const DayWindow& window) {
  const std::string sql = fmt::format(
      "SELECT {} AS revenue_key, sum(quantity * price), uniqExact(invoice), "
      "uniqExactIf(customer, customer != '') FROM {} WHERE {} GROUP BY revenue_key "
      "ORDER BY revenue_key FORMAT TabSeparated",
      KeySql(key), kTransactionsTable, WindowCondition(DataKind::kTransactions, window));
  std::vector<RevenueRow> rows;
  const Status answered = client.QueryLines(sql, [&](std::string_view line) -> Status {
    const std::vector<std::string_view> fields = TsvFields(line);
    GROWTHLENS_RETURN_IF_ERROR(ExpectTsvFields(fields, 4, "a revenue row"));
    RevenueRow row;
    if (key == RevenueKey::kCountry)
      row.name = UnescapeTsv(fields[0]);
    else
      GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[0], row.key, "a revenue key"));
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[1], row.revenue, "a revenue"));
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[2], row.orders, "orders"));
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[3], row.customers, "customers"));
    rows.push_back(std::move(row));
    return Status::Ok();
  });
  if (!answered.ok()) return answered;
  return rows;
}

Result<std::vector<ItemRow>> QueryItemRevenue(ClickHouseClient& client, const DayWindow& window) {
  const std::string sql = fmt::format(
      "SELECT stock_code, description, sum(quantity * price), "
      "sum(toInt64(quantity) * toInt64(round(price * 1000000))), sum(toInt64(quantity)), "
      "toUInt32(min(time)) FROM {} WHERE {} GROUP BY stock_code, description FORMAT "
      "TabSeparated",
      kTransactionsTable, WindowCondition(DataKind::kTransactions, window));
  std::vector<ItemRow> rows;
  const Status answered = client.QueryLines(sql, [&](std::string_view line) -> Status {
    const std::vector<std::string_view> fields = TsvFields(line);
    GROWTHLENS_RETURN_IF_ERROR(ExpectTsvFields(fields, 6, "an item's revenue"));
    ItemRow row;
    row.stock_code = UnescapeTsv(fields[0]);
    row.description = UnescapeTsv(fields[1]);
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[2], row.revenue, "an item's revenue"));
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[3], row.revenue_micros, "an item's revenue"));
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[4], row.quantity, "an item's quantity"));
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[5], row.first_sale, "an item's first sale"));
    rows.push_back(std::move(row));
    return Status::Ok();
  });
  if (!answered.ok()) return answered;
  return rows;
}

}  // namespace growthlens::warehouse
