#include "metrics/rows_before.h"

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

void CopyUsageRows(const Dataset& dataset, Day day, Dataset& out) {
  const UsageColumns& rows = dataset.usage;
  size_t kept = 0;
  for (size_t row = 0; row < rows.day.size(); ++row) kept += rows.day[row] < day ? 1 : 0;
  UsageColumns& to = out.usage;
  to.user.reserve(kept);
  to.day.reserve(kept);
  to.feature.reserve(kept);
  to.events.reserve(kept);
  for (size_t row = 0; row < rows.day.size(); ++row) {
    if (rows.day[row] >= day) continue;
    to.user.push_back(rows.user[row]);
    to.day.push_back(rows.day[row]);
    to.feature.push_back(rows.feature[row]);
    to.events.push_back(rows.events[row]);
  }
}

void CopyTransactionRows(const Dataset& dataset, Day day, Dataset& out) {
  const OrderTable& orders = dataset.orders;
  std::vector<uint32_t> new_index(orders.size(), kNullCode);
  for (uint32_t order = 0; order < orders.size(); ++order) {
    if (DayOf(orders.time[order]) >= day) continue;
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

}  // namespace

Dataset RowsBefore(const Dataset& dataset, Day day) {
  Dataset out = CopyDictionaries(dataset);
  if (dataset.kind() == DataKind::kUsage) {
    CopyUsageRows(dataset, day, out);
  } else {
    CopyTransactionRows(dataset, day, out);
  }
  out.ShrinkToFit();
  return out;
}

}  // namespace growthlens
