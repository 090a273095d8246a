#pragma once
// Transactions (e-commerce order lines), 16 bytes per row: order, item, quantity, price. An
// "order" is one distinct (invoice, customer, timestamp, country) and an "item" one distinct
// (stock code, description): both repeat over many lines, so they live in small side tables
// instead of on every row, and prices (a few thousand distinct values) are dictionary-coded so
// sums stay exact doubles.

#include <cstdint>
#include <vector>

#include "core/column.h"
#include "core/data_kind.h"
#include "core/date.h"
#include "core/dictionary.h"

namespace growthlens {

struct TransactionColumns {
  Column<uint32_t> order;    // index into TransactionLog::orders
  Column<uint32_t> item;     // index into TransactionLog::items
  Column<int32_t> quantity;  // negative for returns
  Column<uint32_t> price;    // code into TransactionLog::prices
};

/// One row per distinct (invoice, customer, timestamp, country).
struct OrderTable {
  std::vector<uint32_t> invoice;   // code into TransactionLog::invoices
  std::vector<uint32_t> customer;  // code into TransactionLog::users, or kNullCode when missing
  std::vector<Timestamp> time;
  std::vector<uint16_t> country;  // code into TransactionLog::countries
  uint32_t size() const { return static_cast<uint32_t>(invoice.size()); }
};

/// One row per distinct (stock code, description).
struct ItemTable {
  std::vector<uint32_t> stock_code;   // code into TransactionLog::stock_codes
  std::vector<uint32_t> description;  // code into TransactionLog::descriptions
  /// 1 for a line that is not a product (postage, fees, adjustments: prep/non_products.h):
  /// counted in revenue, left out of product rankings. Empty means every item is a product.
  std::vector<uint8_t> non_product;
  uint32_t size() const { return static_cast<uint32_t>(stock_code.size()); }
  bool IsProduct(uint32_t item) const { return item >= non_product.size() || !non_product[item]; }
};

struct TransactionLog {
  static constexpr bool kHasRevenue = true;  // rows carry amounts (quantity x price)

  StringDictionary users;        // CustomerID
  std::vector<Day> user_signup;  // per user code: kNoDay (transactions give no signup)
  StringDictionary invoices;
  StringDictionary stock_codes;
  StringDictionary descriptions;
  StringDictionary countries;
  std::vector<double> prices;
  TransactionColumns transactions;
  OrderTable orders;
  ItemTable items;

  DataKind kind() const { return DataKind::kTransactions; }
  size_t rows() const { return transactions.order.size(); }
  /// Quantity x unit price of a row (TotalAmount).
  double AmountOfRow(size_t row) const {
    return static_cast<double>(transactions.quantity[row]) * prices[transactions.price[row]];
  }
  DatasetMemory Memory() const;
  void ShrinkToFit();
};

/// The customer of a row, kNullCode when the line has none.
inline uint32_t UserOfRow(const TransactionLog& log, size_t row) {
  return log.orders.customer[log.transactions.order[row]];
}
inline Day DayOfRow(const TransactionLog& log, size_t row) {
  return DayOf(log.orders.time[log.transactions.order[row]]);
}

}  // namespace growthlens
