#include "metrics/rows_before.h"

#include <climits>

namespace growthlens {

namespace {

Dataset CopyDictionaries(const Dataset& dataset) {
  Dataset out(dataset.kind());
  out.users = dataset.users;
  out.user_signup = dataset.user_signup;
  out.features = dataset.features;
  out.invoices = dataset.invoices;
  out.stock_codes = dataset.stock_codes;
  out.descriptions = dataset.descriptions;
  out.countries = dataset.countries;
  out.prices = dataset.prices;
  out.items = dataset.items;
  return out;
}

/// Rows whose day lies in [first, last].
void CopyUsageRows(const Dataset& dataset, Day first, Day last, Dataset& out) {
  const UsageColumns& rows = dataset.usage;
  size_t kept = 0;
  const auto inside = [first, last](Day day) { return day >= first && day <= last; };
  for (size_t row = 0; row < rows.day.size(); ++row) kept += inside(rows.day[row]) ? 1 : 0;
  UsageColumns& to = out.usage;
  to.user.reserve(kept);
  to.day.reserve(kept);
  to.feature.reserve(kept);
  to.events.reserve(kept);
  for (size_t row = 0; row < rows.day.size(); ++row) {
    if (!inside(rows.day[row])) continue;
    to.user.push_back(rows.user[row]);
    to.day.push_back(rows.day[row]);
    to.feature.push_back(rows.feature[row]);
    to.events.push_back(rows.events[row]);
  }
}

void CopyTransactionRows(const Dataset& dataset, Day first, Day last, Dataset& out) {
  const OrderTable& orders = dataset.orders;
  std::vector<uint32_t> new_index(orders.size(), kNullCode);
  for (uint32_t order = 0; order < orders.size(); ++order) {
    const Day day = DayOf(orders.time[order]);
    if (day < first || day > last) continue;
    new_index[order] = out.orders.size();
    out.orders.invoice.push_back(orders.invoice[order]);
    out.orders.customer.push_back(orders.customer[order]);
    out.orders.time.push_back(orders.time[order]);
    out.orders.country.push_back(orders.country[order]);
  }
  const TransactionColumns& rows = dataset.transactions;
  TransactionColumns& to = out.transactions;
  for (size_t row = 0; row < rows.order.size(); ++row) {
    const uint32_t order = new_index[rows.order[row]];
    if (order == kNullCode) continue;
    to.order.push_back(order);
    to.item.push_back(rows.item[row]);
    to.quantity.push_back(rows.quantity[row]);
    to.price.push_back(rows.price[row]);
  }
}

Dataset RowsBetween(const Dataset& dataset, Day first, Day last) {
  Dataset out = CopyDictionaries(dataset);
  if (dataset.kind() == DataKind::kUsage) {
    CopyUsageRows(dataset, first, last, out);
  } else {
    CopyTransactionRows(dataset, first, last, out);
  }
  out.ShrinkToFit();
  return out;
}

}  // namespace

Dataset RowsBefore(const Dataset& dataset, Day day) {
  return RowsBetween(dataset, INT32_MIN, day - 1);
}

Dataset RowsInWindow(const Dataset& dataset, Day first, Day last) {
  Dataset out = RowsBetween(dataset, first, last);
  // Only the window's invoices: summaries count the invoice dictionary as the orders.
  if (dataset.kind() == DataKind::kTransactions) {
    StringDictionary invoices;
    for (uint32_t& invoice : out.orders.invoice)
      invoice = invoices.Intern(dataset.invoices[invoice]);
    out.invoices = std::move(invoices);
  }
  // A user's start is their signup, else their first activity in the whole data: a customer who
  // first bought before the window is a returning customer in it, of an earlier cohort.
  out.user_signup.resize(dataset.users.size(), kNoDay);
  for (size_t row = 0; row < dataset.rows(); ++row) {
    const uint32_t user = dataset.UserOfRow(row);
    if (user == kNullCode) continue;
    const Day day = dataset.DayOfRow(row);
    const bool given = user < dataset.user_signup.size() && dataset.user_signup[user] != kNoDay;
    if (!given && (out.user_signup[user] == kNoDay || day < out.user_signup[user]))
      out.user_signup[user] = day;
  }
  return out;
}

}  // namespace growthlens
