#pragma once
// The Dataset: one columnar table of activity rows plus the dictionaries its codes point into.
// Every input maps onto it; strings are encoded once at ingest so analytics see integers only.
//
// Usage logs, 14 bytes per row: user, day, feature, events. Their columns have the types the
// reader stages rows in, so building the Dataset reuses the reader's memory.
// Transactions, 16 bytes per row: order, item, quantity, price. An "order" is one distinct
// (invoice, customer, timestamp, country) and an "item" one distinct (stock code, description):
// both repeat over many lines, so they live in small side tables instead of on every row, and
// prices (a few thousand distinct values) are dictionary-coded so sums stay exact doubles.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/column.h"
#include "core/date.h"
#include "core/dictionary.h"

namespace growthlens {

enum class DataKind : uint8_t { kUsage, kTransactions };
const char* DataKindName(DataKind kind);

/// Day meaning "unknown" (a usage log without signup dates, for example).
inline constexpr Day kNoDay = INT32_MIN;

struct UsageColumns {
  Column<uint32_t> user;     // code into Dataset::users
  Column<Day> day;           // the event's day
  Column<uint16_t> feature;  // code into Dataset::features
  Column<int32_t> events;    // events_count (> 0 unless non_positive_events is off)
};

struct TransactionColumns {
  Column<uint32_t> order;    // index into Dataset::orders
  Column<uint32_t> item;     // index into Dataset::items
  Column<int32_t> quantity;  // negative for returns
  Column<uint32_t> price;    // code into Dataset::prices
};

/// One row per distinct (invoice, customer, timestamp, country).
struct OrderTable {
  std::vector<uint32_t> invoice;   // code into Dataset::invoices
  std::vector<uint32_t> customer;  // code into Dataset::users, or kNullCode when missing
  std::vector<Timestamp> time;
  std::vector<uint16_t> country;  // code into Dataset::countries
  uint32_t size() const { return static_cast<uint32_t>(invoice.size()); }
};

/// One row per distinct (stock code, description).
struct ItemTable {
  std::vector<uint32_t> stock_code;   // code into Dataset::stock_codes
  std::vector<uint32_t> description;  // code into Dataset::descriptions
  /// 1 for a line that is not a product (postage, fees, adjustments: prep/non_products.h):
  /// counted in revenue, left out of product rankings. Empty means every item is a product.
  std::vector<uint8_t> non_product;
  uint32_t size() const { return static_cast<uint32_t>(stock_code.size()); }
  bool IsProduct(uint32_t item) const { return item >= non_product.size() || !non_product[item]; }
};

/// Memory held by a Dataset, split so that bytes per row can be reported honestly.
struct DatasetMemory {
  size_t row_columns = 0;   // the per-row columns
  size_t side_tables = 0;   // orders, items, prices, per-user signup
  size_t dictionaries = 0;  // string dictionaries
  double BytesPerRow(size_t rows) const {
    return rows == 0 ? 0.0 : static_cast<double>(row_columns) / static_cast<double>(rows);
  }
};

class Dataset {
 public:
  explicit Dataset(DataKind kind) : kind_(kind) {}

  DataKind kind() const { return kind_; }
  size_t rows() const {
    return kind_ == DataKind::kUsage ? usage.user.size() : transactions.order.size();
  }

  /// The user (or customer) of a row; kNullCode for a transaction without a customer.
  uint32_t UserOfRow(size_t row) const {
    return kind_ == DataKind::kUsage ? usage.user[row] : orders.customer[transactions.order[row]];
  }
  /// The day of a row.
  Day DayOfRow(size_t row) const {
    return kind_ == DataKind::kUsage ? usage.day[row] : DayOf(orders.time[transactions.order[row]]);
  }
  /// Quantity x unit price of a transaction row (TotalAmount).
  double AmountOfRow(size_t row) const {
    return static_cast<double>(transactions.quantity[row]) * prices[transactions.price[row]];
  }

  DatasetMemory Memory() const;
  /// Shrinks every vector to its size (after building).
  void ShrinkToFit();

  // Dictionaries shared by both kinds.
  StringDictionary users;        // user_id or CustomerID
  std::vector<Day> user_signup;  // per user code; kNoDay when not given (usage logs)
  StringDictionary features;     // usage logs

  // Transactions.
  StringDictionary invoices;
  StringDictionary stock_codes;
  StringDictionary descriptions;
  StringDictionary countries;
  std::vector<double> prices;

  UsageColumns usage;
  TransactionColumns transactions;
  OrderTable orders;
  ItemTable items;

 private:
  DataKind kind_;
};

}  // namespace growthlens
