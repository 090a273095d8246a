#pragma once
// Which tables a workspace stores for each kind of data, and which named columns each table's
// blocks carry. A column added to a log is one line here: blocks written before it lack the
// column and read it as the default given here (a column no block has stays empty).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/column.h"
#include "core/data_kind.h"
#include "core/date.h"
#include "core/transaction_log.h"
#include "core/usage_log.h"
#include "store/stored_table.h"

namespace growthlens::store {

namespace tables {
inline constexpr std::string_view kUsageRows = "usage.rows";
inline constexpr std::string_view kUsageUsers = "usage.users";
inline constexpr std::string_view kUsageFeatures = "usage.features";
inline constexpr std::string_view kUsageSignup = "usage.signup";

// An event log is stored like a usage log, in tables of its own (a workspace may hold both);
// its rows add ms_of_day, and its count column is absent when the source had none.
inline constexpr std::string_view kEventRows = "events.rows";
inline constexpr std::string_view kEventUsers = "events.users";
inline constexpr std::string_view kEventNames = "events.names";
inline constexpr std::string_view kEventSignup = "events.signup";
// Event properties: their names (a property's code is its index), one dictionary table of
// values per property ("events.property.3"; "" is code 0, not set), and one column of value
// codes per property in the rows blocks ("property.3"; blocks written before the property
// existed read 0).
inline constexpr std::string_view kEventPropertyNames = "events.property_names";
inline constexpr std::string_view kEventPropertyValuesPrefix = "events.property.";

inline constexpr std::string_view kTransactionRows = "transactions.rows";
inline constexpr std::string_view kTransactionOrders = "transactions.orders";
inline constexpr std::string_view kTransactionItems = "transactions.items";
inline constexpr std::string_view kTransactionPrices = "transactions.prices";
inline constexpr std::string_view kTransactionUsers = "transactions.users";
inline constexpr std::string_view kInvoices = "transactions.invoices";
inline constexpr std::string_view kStockCodes = "transactions.stock_codes";
inline constexpr std::string_view kDescriptions = "transactions.descriptions";
inline constexpr std::string_view kCountries = "transactions.countries";
}  // namespace tables

/// Signup days as stored: one entry per user whose signup a load gave or moved earlier; the
/// earliest entry of a user wins.
struct SignupEntries {
  Column<uint32_t> user;
  Column<Day> day;
};

/// The prices side table as columns.
struct PriceColumns {
  std::vector<double> price;
};

inline std::string EventPropertyValuesTable(size_t property) {
  return std::string(tables::kEventPropertyValuesPrefix) + std::to_string(property);
}

/// An event log's rows as stored: the usage columns, then one code column per property.
template <typename Usage>
struct StoredEventRows {
  Usage& usage;  // UsageColumns, maybe const
  std::vector<Column<uint32_t>> properties;
  std::vector<std::string> names;  // "property.<index>", one per entry of `properties`
};
inline std::vector<std::string> PropertyColumnNames(size_t count) {
  std::vector<std::string> names;
  for (size_t property = 0; property < count; ++property)
    names.push_back("property." + std::to_string(property));
  return names;
}

/// The tables of a kind held in a UsageLog (usage or events).
struct UsageTables {
  std::string_view rows, users, features, signup;
};
inline UsageTables UsageTablesOf(DataKind kind) {
  if (kind == DataKind::kEvents)
    return {tables::kEventRows, tables::kEventUsers, tables::kEventNames, tables::kEventSignup};
  return {tables::kUsageRows, tables::kUsageUsers, tables::kUsageFeatures, tables::kUsageSignup};
}

// Each ForEach...Column calls fn(name, column, default_value) for every column of a table, in
// block order; `Columns` may be const.
template <typename Columns, typename Fn>
void ForEachUsageRowColumn(Columns& columns, Fn&& fn) {
  fn("user", columns.user, uint32_t{0});
  fn("day", columns.day, Day{0});
  fn("feature", columns.feature, uint16_t{0});
  fn("events", columns.events, int32_t{1});        // absent in event logs without counts
  fn("ms_of_day", columns.ms_of_day, int32_t{0});  // absent in usage logs
}

/// Event rows store day and ms_of_day as one column "time" (ms since 1970, delta planes): 0.35 byte
/// an event less. Blocks written before have the two columns, and still read.
inline constexpr JointTime kEventTime{"time", "day", "ms_of_day"};
template <typename Rows, typename Fn>
void ForEachEventRowColumn(Rows& rows, Fn&& fn) {
  ForEachUsageRowColumn(rows.usage, fn);
  for (size_t property = 0; property < rows.properties.size(); ++property)
    fn(std::string_view(rows.names[property]), rows.properties[property], uint32_t{0});
}

template <typename Columns, typename Fn>
void ForEachSignupColumn(Columns& columns, Fn&& fn) {
  fn("user", columns.user, uint32_t{0});
  fn("day", columns.day, Day{0});
}

template <typename Columns, typename Fn>
void ForEachTransactionRowColumn(Columns& columns, Fn&& fn) {
  fn("order", columns.order, uint32_t{0});
  fn("item", columns.item, uint32_t{0});
  fn("quantity", columns.quantity, int32_t{0});
  fn("price", columns.price, uint32_t{0});
}

template <typename Columns, typename Fn>
void ForEachOrderColumn(Columns& columns, Fn&& fn) {
  fn("invoice", columns.invoice, uint32_t{0});
  fn("customer", columns.customer, kNullCode);
  fn("time", columns.time, Timestamp{0});
  fn("country", columns.country, uint16_t{0});
}

template <typename Columns, typename Fn>
void ForEachItemColumn(Columns& columns, Fn&& fn) {
  fn("stock_code", columns.stock_code, uint32_t{0});
  fn("description", columns.description, uint32_t{0});
  fn("non_product", columns.non_product, uint8_t{0});
}

template <typename Columns, typename Fn>
void ForEachPriceColumn(Columns& columns, Fn&& fn) {
  fn("price", columns.price, 0.0);
}

}  // namespace growthlens::store
