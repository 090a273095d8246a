#include "store/user_erasure.h"

#include <optional>
#include <vector>

#include <fmt/format.h>

namespace growthlens::store {

namespace {

/// The users without `erased`, and each old code's new code (kNullCode for the erased one).
std::vector<uint32_t> DropUser(const StringDictionary& users, uint32_t erased,
                               StringDictionary& kept) {
  std::vector<uint32_t> codes(users.size(), kNullCode);
  kept.Reserve(users.size());
  for (uint32_t code = 0; code < users.size(); ++code)
    if (code != erased) codes[code] = kept.Intern(users[code]);
  return codes;
}

std::vector<Day> DropSignup(const std::vector<Day>& signup, uint32_t erased) {
  std::vector<Day> kept;
  for (uint32_t code = 0; code < signup.size(); ++code)
    if (code != erased) kept.push_back(signup[code]);
  return kept;
}

Erasure Erase(const UsageLog& log, uint32_t erased) {
  UsageLog out;
  out.grain = log.grain;
  const std::vector<uint32_t> codes = DropUser(log.users, erased, out.users);
  out.user_signup = DropSignup(log.user_signup, erased);
  out.features = log.features;
  const bool has_events = !log.usage.events.empty();
  const bool has_times = !log.usage.ms_of_day.empty();
  std::vector<uint8_t> keep(log.rows());
  for (size_t row = 0; row < log.rows(); ++row) keep[row] = log.usage.user[row] != erased ? 1 : 0;
  out.properties = log.properties;
  out.properties.KeepRows(keep);
  for (size_t row = 0; row < log.rows(); ++row) {
    if (!keep[row]) continue;
    out.usage.user.push_back(codes[log.usage.user[row]]);
    out.usage.day.push_back(log.usage.day[row]);
    out.usage.feature.push_back(log.usage.feature[row]);
    if (has_events) out.usage.events.push_back(log.usage.events[row]);
    if (has_times) out.usage.ms_of_day.push_back(log.usage.ms_of_day[row]);
  }
  const uint64_t erased_rows = log.rows() - out.rows();
  return {Dataset(std::move(out)), erased_rows};
}

Erasure Erase(const TransactionLog& log, uint32_t erased) {
  TransactionLog out = log;
  out.users = StringDictionary();
  const std::vector<uint32_t> codes = DropUser(log.users, erased, out.users);
  out.user_signup = DropSignup(log.user_signup, erased);
  out.orders = OrderTable{};
  std::vector<uint32_t> orders(log.orders.size(), kNullCode);
  for (uint32_t order = 0; order < log.orders.size(); ++order) {
    const uint32_t customer = log.orders.customer[order];
    if (customer == erased) continue;
    orders[order] = out.orders.size();
    out.orders.invoice.push_back(log.orders.invoice[order]);
    out.orders.customer.push_back(customer == kNullCode ? kNullCode : codes[customer]);
    out.orders.time.push_back(log.orders.time[order]);
    out.orders.country.push_back(log.orders.country[order]);
  }
  out.transactions = TransactionColumns{};
  const TransactionColumns& in = log.transactions;
  for (size_t row = 0; row < log.rows(); ++row) {
    const uint32_t order = orders[in.order[row]];
    if (order == kNullCode) continue;
    out.transactions.order.push_back(order);
    out.transactions.item.push_back(in.item[row]);
    out.transactions.quantity.push_back(in.quantity[row]);
    out.transactions.price.push_back(in.price[row]);
  }
  const uint64_t erased_rows = log.rows() - out.rows();
  return {Dataset(std::move(out)), erased_rows};
}

}  // namespace

Result<Erasure> EraseUser(const Dataset& data, std::string_view user_id) {
  const std::optional<uint32_t> code = data.users().Find(user_id);
  if (!code)
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("the workspace holds no {} with id '{}'",
                              ByKind(data.kind(), "user", "customer"), user_id));
  return data.Visit([&](const auto& log) { return Erase(log, *code); });
}

}  // namespace growthlens::store
