#pragma once
// The kind of data a test expects a Dataset to hold: UsageOf(dataset).usage.user, for example.
// A Dataset of another kind throws, which fails the test with the message below.

#include <stdexcept>

#include "core/dataset.h"

namespace growthlens {

template <typename Log>
const Log& KindOf(const Dataset& dataset) {
  const Log* log = dataset.As<Log>();
  if (log == nullptr)
    throw std::logic_error(std::string("the test expected ") + DataKindName(Log().kind()) +
                           " data, the dataset holds " + DataKindName(dataset.kind()));
  return *log;
}
template <typename Log>
Log& KindOf(Dataset& dataset) {
  const Dataset& held = dataset;
  KindOf<Log>(held);
  return *dataset.As<Log>();
}

inline const UsageLog& UsageOf(const Dataset& dataset) {
  return KindOf<UsageLog>(dataset);
}
inline UsageLog& UsageOf(Dataset& dataset) {
  return KindOf<UsageLog>(dataset);
}
inline const TransactionLog& TransactionsOf(const Dataset& dataset) {
  return KindOf<TransactionLog>(dataset);
}
inline TransactionLog& TransactionsOf(Dataset& dataset) {
  return KindOf<TransactionLog>(dataset);
}

/// Row accessors over any kind (one visit per call: for tests, not for loops over millions).
inline uint32_t UserOfRow(const Dataset& dataset, size_t row) {
  return dataset.Visit([row](const auto& log) { return growthlens::UserOfRow(log, row); });
}
inline Day DayOfRow(const Dataset& dataset, size_t row) {
  return dataset.Visit([row](const auto& log) { return growthlens::DayOfRow(log, row); });
}

}  // namespace growthlens
