#pragma once
// The Dataset: one columnar table of activity rows plus the dictionaries its codes point into,
// as one of the kinds GrowthLens reads (core/usage_log.h, core/transaction_log.h). Every input
// maps onto one kind; strings are encoded once at ingest so analytics see integers only.
//
// Code that works on every kind visits the dataset; a new kind is a new alternative, and every
// visit that does not handle it stops compiling:
//
//   const size_t customers = dataset.Visit(Overloaded{
//       [](const UsageLog& log) { return log.users.size(); },
//       [](const TransactionLog& log) { return CountCustomers(log); }});
//
// Code written once for all kinds uses a generic lambda over the kinds' common members and the
// free functions UserOfRow / DayOfRow.

#include <cstdint>
#include <utility>
#include <variant>
#include <vector>

#include "core/data_kind.h"
#include "core/transaction_log.h"
#include "core/usage_log.h"

namespace growthlens {

/// Lambdas overloaded into one visitor.
template <typename... Handlers>
struct Overloaded : Handlers... {
  using Handlers::operator()...;
};
template <typename... Handlers>
Overloaded(Handlers...) -> Overloaded<Handlers...>;

class Dataset {
 public:
  using Kinds = std::variant<UsageLog, TransactionLog>;

  Dataset() = default;                                     // an empty usage log
  Dataset(UsageLog log) : kinds_(std::move(log)) {}        // NOLINT: implicit by design
  Dataset(TransactionLog log) : kinds_(std::move(log)) {}  // NOLINT: implicit by design

  template <typename Visitor>
  decltype(auto) Visit(Visitor&& visitor) const {
    return std::visit(std::forward<Visitor>(visitor), kinds_);
  }
  template <typename Visitor>
  decltype(auto) Visit(Visitor&& visitor) {
    return std::visit(std::forward<Visitor>(visitor), kinds_);
  }

  /// The data as kind Log, or null when it is another kind.
  template <typename Log>
  const Log* As() const {
    return std::get_if<Log>(&kinds_);
  }
  template <typename Log>
  Log* As() {
    return std::get_if<Log>(&kinds_);
  }

  DataKind kind() const {
    return Visit([](const auto& log) { return log.kind(); });
  }
  /// True when rows carry amounts (revenue analyses apply).
  bool HasRevenue() const {
    return Visit([](const auto& log) { return std::decay_t<decltype(log)>::kHasRevenue; });
  }
  size_t rows() const {
    return Visit([](const auto& log) { return log.rows(); });
  }
  /// The users (customers) every kind has.
  const StringDictionary& users() const {
    return Visit([](const auto& log) -> const StringDictionary& { return log.users; });
  }
  /// Per user code: the signup day, kNoDay when not given.
  const std::vector<Day>& user_signup() const {
    return Visit([](const auto& log) -> const std::vector<Day>& { return log.user_signup; });
  }

  DatasetMemory Memory() const {
    return Visit([](const auto& log) { return log.Memory(); });
  }
  /// Shrinks every side table to its size (after building).
  void ShrinkToFit() {
    Visit([](auto& log) { log.ShrinkToFit(); });
  }

 private:
  Kinds kinds_;
};

}  // namespace growthlens
