#include "metrics/rows_before.h"

#include <climits>

namespace growthlens {

namespace {

/// The log's rows whose day lies in [first, last], with its dictionaries and side tables.
UsageLog RowsBetween(const UsageLog& log, Day first, Day last) {
  UsageLog out;
  out.grain = log.grain;
  out.users = log.users;
  out.user_signup = log.user_signup;
  out.features = log.features;
  const UsageColumns& rows = log.usage;
  size_t kept = 0;
  const auto inside = [first, last](Day day) { return day >= first && day <= last; };
  for (size_t row = 0; row < rows.day.size(); ++row) kept += inside(rows.day[row]) ? 1 : 0;
  UsageColumns& to = out.usage;
  to.user.reserve(kept);
  to.day.reserve(kept);
  to.feature.reserve(kept);
  // Optional columns (counts, times of day) stay empty when the log has none.
  const bool counts = !rows.events.empty(), times = !rows.ms_of_day.empty();
  if (counts) to.events.reserve(kept);
  if (times) to.ms_of_day.reserve(kept);
  if (!log.properties.empty()) {
    std::vector<uint8_t> keep(rows.day.size());
    for (size_t row = 0; row < keep.size(); ++row) keep[row] = inside(rows.day[row]) ? 1 : 0;
    out.properties = log.properties;
    out.properties.KeepRows(keep);
  }
  for (size_t row = 0; row < rows.day.size(); ++row) {
    if (!inside(rows.day[row])) continue;
    to.user.push_back(rows.user[row]);
    to.day.push_back(rows.day[row]);
    to.feature.push_back(rows.feature[row]);
    if (counts) to.events.push_back(rows.events[row]);
    if (times) to.ms_of_day.push_back(rows.ms_of_day[row]);
  }
  return out;
}

TransactionLog RowsBetween(const TransactionLog& log, Day first, Day last) {
  TransactionLog out;
  out.users = log.users;
  out.user_signup = log.user_signup;
  out.invoices = log.invoices;
  out.stock_codes = log.stock_codes;
  out.descriptions = log.descriptions;
  out.countries = log.countries;
  out.prices = log.prices;
  out.items = log.items;
  const OrderTable& orders = log.orders;
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
  const TransactionColumns& rows = log.transactions;
  TransactionColumns& to = out.transactions;
  for (size_t row = 0; row < rows.order.size(); ++row) {
    const uint32_t order = new_index[rows.order[row]];
    if (order == kNullCode) continue;
    to.order.push_back(order);
    to.item.push_back(rows.item[row]);
    to.quantity.push_back(rows.quantity[row]);
    to.price.push_back(rows.price[row]);
  }
  return out;
}

/// Only the window's invoices: summaries count the invoice dictionary as the orders.
void KeepUsedInvoices(const TransactionLog& log, TransactionLog& out) {
  StringDictionary invoices;
  for (uint32_t& invoice : out.orders.invoice) invoice = invoices.Intern(log.invoices[invoice]);
  out.invoices = std::move(invoices);
}
void KeepUsedInvoices(const UsageLog&, UsageLog&) {}

/// A user's start is their signup, else their first activity in the whole data: a customer who
/// first bought before the window is a returning customer in it, of an earlier cohort.
template <typename Log>
void StartsFromWholeData(const Log& log, Log& out) {
  out.user_signup.resize(log.users.size(), kNoDay);
  for (size_t row = 0; row < log.rows(); ++row) {
    const uint32_t user = UserOfRow(log, row);
    if (user == kNullCode) continue;
    const Day day = DayOfRow(log, row);
    const bool given = user < log.user_signup.size() && log.user_signup[user] != kNoDay;
    if (!given && (out.user_signup[user] == kNoDay || day < out.user_signup[user]))
      out.user_signup[user] = day;
  }
}

}  // namespace

Dataset RowsBefore(const Dataset& dataset, Day day) {
  return dataset.Visit([day](const auto& log) {
    Dataset out(RowsBetween(log, INT32_MIN, day - 1));
    out.ShrinkToFit();
    return out;
  });
}

Dataset RowsInWindow(const Dataset& dataset, Day first, Day last) {
  return dataset.Visit([first, last](const auto& log) {
    auto out = RowsBetween(log, first, last);
    KeepUsedInvoices(log, out);
    StartsFromWholeData(log, out);
    out.ShrinkToFit();
    return Dataset(std::move(out));
  });
}

}  // namespace growthlens
