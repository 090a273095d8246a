#include "metrics/window_outcomes.h"

#include <algorithm>
#include <array>
#include <unordered_set>

#include <fmt/format.h>

#include "core/compensated_sum.h"
#include "core/name_key.h"
#include "metrics/activity_grid.h"

namespace growthlens {

namespace {

constexpr std::array<OutcomeMetricInfo, 6> kMetrics = {{
    {OutcomeMetric::kActive, "active", DataKind::kUsage, true,
     "share of users active at least once in the window"},
    {OutcomeMetric::kActiveDays, "active_days", DataKind::kUsage, false,
     "active days per user in the window"},
    {OutcomeMetric::kEvents, "events", DataKind::kUsage, false, "events per user in the window"},
    {OutcomeMetric::kRepeatPurchase, "repeat_purchase", DataKind::kTransactions, true,
     "share of customers who order again in the window"},
    {OutcomeMetric::kOrders, "orders", DataKind::kTransactions, false,
     "orders per customer in the window"},
    {OutcomeMetric::kRevenue, "revenue", DataKind::kTransactions, false,
     "revenue per customer in the window"},
}};

WindowOutcomes TransactionOutcomes(const TransactionLog& dataset, const OutcomeWindow& window) {
  WindowOutcomes out;
  const size_t users = dataset.users.size();
  const OrderTable& orders = dataset.orders;
  std::vector<uint8_t> in_window(orders.size(), 0);
  std::unordered_set<uint64_t> seen;
  out.orders.assign(users, 0);
  for (uint32_t order = 0; order < orders.size(); ++order) {
    const Day day = DayOf(orders.time[order]);
    const uint32_t customer = orders.customer[order];
    if (day < window.first || day > window.last || customer == kNullCode) continue;
    in_window[order] = 1;
    if (seen.insert((uint64_t{customer} << 32) | orders.invoice[order]).second)
      ++out.orders[customer];
  }
  std::vector<CompensatedSum> revenue(users);
  const TransactionColumns& rows = dataset.transactions;
  for (size_t row = 0; row < rows.order.size(); ++row)
    if (in_window[rows.order[row]])
      revenue[orders.customer[rows.order[row]]].Add(dataset.AmountOfRow(row));
  out.revenue.resize(users);
  for (uint32_t user = 0; user < users; ++user) out.revenue[user] = revenue[user].Value();
  return out;
}

}  // namespace

Result<OutcomeWindow> LastDaysWindow(const Dataset& dataset, int days) {
  if (days < 1)
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("window of {} days: expected at least 1 day", days));
  if (dataset.rows() == 0) return Status(ErrorCode::kDataError, "no rows to simulate on");
  Day first = INT32_MAX, last = INT32_MIN;
  dataset.Visit([&first, &last](const auto& log) {
    for (size_t row = 0; row < log.rows(); ++row) {
      const Day day = DayOfRow(log, row);
      first = std::min(first, day);
      last = std::max(last, day);
    }
  });
  OutcomeWindow window{first, last - days + 1, last, days};
  const int64_t covered = int64_t{last} - first + 1;
  if (window.first <= first)
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("window of {} days: the data cover {} days ({} .. {}), so no "
                              "pre-period would be left to segment users on; expected at most {}",
                              days, covered, FormatDate(first), FormatDate(last), covered - 1));
  return window;
}

WindowOutcomes ComputeWindowOutcomes(const Dataset& dataset, const OutcomeWindow& window) {
  return dataset.Visit(
      Overloaded{[&](const UsageLog& log) {
                   WindowOutcomes out;
                   const size_t users = log.users.size();
                   const ActivityGrid grid(dataset, window.first, window.last);
                   out.active_days.resize(users);
                   for (uint32_t user = 0; user < users; ++user)
                     out.active_days[user] = static_cast<int32_t>(grid.ActiveDays(user));
                   out.events.assign(users, 0);
                   const UsageColumns& rows = log.usage;
                   const RowCounts counts(rows);
                   for (size_t row = 0; row < rows.day.size(); ++row)
                     if (rows.day[row] >= window.first && rows.day[row] <= window.last)
                       out.events[rows.user[row]] += counts[row];
                   return out;
                 },
                 [&](const TransactionLog& log) { return TransactionOutcomes(log, window); }});
}

std::span<const OutcomeMetricInfo> OutcomeMetrics() {
  return kMetrics;
}

const OutcomeMetricInfo& InfoOf(OutcomeMetric metric) {
  return kMetrics[static_cast<size_t>(metric)];
}

std::optional<OutcomeMetric> FindOutcomeMetric(std::string_view name, DataKind kind) {
  const std::string key = NameKey(name);
  for (const OutcomeMetricInfo& info : kMetrics)
    if (info.kind == kind && NameKey(info.name) == key) return info.metric;
  return std::nullopt;
}

std::vector<double> OutcomeValues(const WindowOutcomes& outcomes, OutcomeMetric metric,
                                  std::span<const uint32_t> users) {
  std::vector<double> values;
  values.reserve(users.size());
  for (const uint32_t user : users) {
    switch (metric) {
      case OutcomeMetric::kActive:
        values.push_back(outcomes.active_days[user] > 0 ? 1.0 : 0.0);
        break;
      case OutcomeMetric::kActiveDays:
        values.push_back(outcomes.active_days[user]);
        break;
      case OutcomeMetric::kEvents:
        values.push_back(static_cast<double>(outcomes.events[user]));
        break;
      case OutcomeMetric::kRepeatPurchase:
        values.push_back(outcomes.orders[user] > 0 ? 1.0 : 0.0);
        break;
      case OutcomeMetric::kOrders:
        values.push_back(outcomes.orders[user]);
        break;
      case OutcomeMetric::kRevenue:
        values.push_back(outcomes.revenue[user]);
        break;
    }
  }
  return values;
}

}  // namespace growthlens
