#include "core/dataset.h"

namespace growthlens {

namespace {
template <typename Vector>
size_t BytesOf(const Vector& column) {
  return column.capacity() * sizeof(typename Vector::value_type);
}
// Row columns count their rows: capacity reserved past them is never written, so it takes
// address space but no memory.
template <typename Vector>
size_t RowBytesOf(const Vector& column) {
  return column.size() * sizeof(typename Vector::value_type);
}
}  // namespace

const char* DataKindName(DataKind kind) {
  switch (kind) {
    case DataKind::kUsage:
      return "usage";
    case DataKind::kTransactions:
      return "transactions";
    case DataKind::kEvents:
      return "events";
  }
  return "unknown";
}

std::optional<DataKind> DataKindFromName(std::string_view name) {
  for (const DataKind kind : kAllDataKinds)
    if (name == DataKindName(kind)) return kind;
  return std::nullopt;
}

DatasetMemory UsageLog::Memory() const {
  DatasetMemory memory;
  memory.row_columns = RowBytesOf(usage.user) + RowBytesOf(usage.day) + RowBytesOf(usage.feature) +
                       RowBytesOf(usage.events) + RowBytesOf(usage.ms_of_day) +
                       properties.RowBytes();
  memory.side_tables = BytesOf(user_signup);
  memory.dictionaries = users.MemoryBytes() + features.MemoryBytes() + properties.DictionaryBytes();
  return memory;
}

void UsageLog::ShrinkToFit() {
  // The columns are left alone: they are the reader's buffers, reserved with a few percent to
  // spare that were never touched (so never resident), and shrinking would copy 100+ MB.
  user_signup.shrink_to_fit();
}

DatasetMemory TransactionLog::Memory() const {
  DatasetMemory memory;
  memory.row_columns = RowBytesOf(transactions.order) + RowBytesOf(transactions.item) +
                       RowBytesOf(transactions.quantity) + RowBytesOf(transactions.price);
  memory.side_tables = BytesOf(user_signup) + BytesOf(prices) + BytesOf(orders.invoice) +
                       BytesOf(orders.customer) + BytesOf(orders.time) + BytesOf(orders.country) +
                       BytesOf(items.stock_code) + BytesOf(items.description) +
                       BytesOf(items.non_product);
  memory.dictionaries = users.MemoryBytes() + invoices.MemoryBytes() + stock_codes.MemoryBytes() +
                        descriptions.MemoryBytes() + countries.MemoryBytes();
  return memory;
}

void TransactionLog::ShrinkToFit() {
  auto shrink = [](auto&... columns) { (columns.shrink_to_fit(), ...); };
  shrink(transactions.order, transactions.item, transactions.quantity, transactions.price);
  shrink(user_signup, prices, orders.invoice, orders.customer, orders.time, orders.country);
  shrink(items.stock_code, items.description, items.non_product);
}

}  // namespace growthlens
