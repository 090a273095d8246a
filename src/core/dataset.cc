#include "core/dataset.h"

namespace growthlens {

namespace {
template <typename T>
size_t BytesOf(const std::vector<T>& column) {
  return column.capacity() * sizeof(T);
}
}  // namespace

const char* DataKindName(DataKind kind) {
  return kind == DataKind::kUsage ? "usage" : "transactions";
}

DatasetMemory Dataset::Memory() const {
  DatasetMemory memory;
  memory.row_columns = BytesOf(usage.user) + BytesOf(usage.day) + BytesOf(usage.feature) +
                       BytesOf(usage.events) + BytesOf(transactions.order) +
                       BytesOf(transactions.item) + BytesOf(transactions.quantity) +
                       BytesOf(transactions.price);
  memory.side_tables = BytesOf(user_signup) + BytesOf(prices) + BytesOf(orders.invoice) +
                       BytesOf(orders.customer) + BytesOf(orders.time) + BytesOf(orders.country) +
                       BytesOf(items.stock_code) + BytesOf(items.description);
  memory.dictionaries = users.MemoryBytes() + features.MemoryBytes() + invoices.MemoryBytes() +
                        stock_codes.MemoryBytes() + descriptions.MemoryBytes() +
                        countries.MemoryBytes();
  return memory;
}

void Dataset::ShrinkToFit() {
  for (auto* column : {&usage.user, &usage.events, &transactions.order, &transactions.item,
                       &transactions.price, &orders.invoice, &orders.customer})
    column->shrink_to_fit();
  usage.day.shrink_to_fit();
  usage.feature.shrink_to_fit();
  transactions.quantity.shrink_to_fit();
  user_signup.shrink_to_fit();
  prices.shrink_to_fit();
  orders.time.shrink_to_fit();
  orders.country.shrink_to_fit();
  items.stock_code.shrink_to_fit();
  items.description.shrink_to_fit();
}

}  // namespace growthlens
