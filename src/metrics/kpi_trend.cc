#include "metrics/kpi_trend.h"

#include <algorithm>
#include <bit>

#include "core/compensated_sum.h"
#include "metrics/activity_grid.h"

namespace growthlens {

namespace {

/// Adds 1 to every day of `counts` (offsets from the trend's first day) covered by a user's
/// trailing window of `length` days after one of their active days. `active` lists the user's
/// active days as offsets from the grid's first day, ascending; the grid starts `lead` days
/// before the trend does.
void CoverTrailing(const std::vector<int64_t>& active, int64_t lead, int64_t length,
                   std::vector<int64_t>& diff) {
  const auto days = static_cast<int64_t>(diff.size()) - 1;
  int64_t covered_to = -1;  // first trend offset not yet covered for this user
  for (const int64_t grid_offset : active) {
    int64_t begin = std::max<int64_t>(grid_offset - lead, 0);
    const int64_t end = std::min<int64_t>(grid_offset - lead + length, days);
    begin = std::max(begin, covered_to);
    if (begin >= end) continue;
    ++diff[static_cast<size_t>(begin)];
    --diff[static_cast<size_t>(end)];
    covered_to = end;
  }
}

std::vector<uint64_t> Accumulate(const std::vector<int64_t>& diff) {
  std::vector<uint64_t> out(diff.size() - 1);
  int64_t running = 0;
  for (size_t day = 0; day < out.size(); ++day) {
    running += diff[day];
    out[day] = static_cast<uint64_t>(running);
  }
  return out;
}

}  // namespace

KpiTrend ComputeKpiTrend(const Dataset& dataset, Day first_day, Day last_day) {
  KpiTrend trend;
  trend.first_day = first_day;
  if (last_day < first_day) return trend;
  const auto days = static_cast<size_t>(last_day - first_day + 1);
  const int64_t lead = kMonthDays - 1;
  const ActivityGrid grid(dataset, first_day - static_cast<Day>(lead), last_day);

  std::vector<int64_t> daily(days + 1, 0), weekly(days + 1, 0), monthly(days + 1, 0);
  std::vector<int64_t> active;
  for (uint32_t user = 0; user < grid.users(); ++user) {
    active.clear();
    const std::span<const uint64_t> words = grid.UserWords(user);
    for (size_t word = 0; word < words.size(); ++word)
      for (uint64_t bits = words[word]; bits != 0; bits &= bits - 1)
        active.push_back(static_cast<int64_t>(word * 64 + std::countr_zero(bits)));
    if (active.empty()) continue;
    CoverTrailing(active, lead, 1, daily);
    CoverTrailing(active, lead, kWeekDays, weekly);
    CoverTrailing(active, lead, kMonthDays, monthly);
  }
  trend.daily_active = Accumulate(daily);
  trend.weekly_active = Accumulate(weekly);
  trend.monthly_active = Accumulate(monthly);

  if (const TransactionLog* transactions = dataset.As<TransactionLog>()) {
    const TransactionLog& log = *transactions;
    std::vector<CompensatedSum> revenue(days);
    for (size_t row = 0; row < log.rows(); ++row) {
      const Day day = DayOfRow(log, row);
      if (day < first_day || day > last_day) continue;
      revenue[static_cast<size_t>(day - first_day)].Add(log.AmountOfRow(row));
    }
    trend.revenue.reserve(days);
    for (const CompensatedSum& sum : revenue) trend.revenue.push_back(sum.Value());
    trend.orders.assign(days, 0);
    for (const Timestamp time : log.orders.time) {
      const Day day = DayOf(time);
      if (day >= first_day && day <= last_day) ++trend.orders[static_cast<size_t>(day - first_day)];
    }
  }
  return trend;
}

}  // namespace growthlens
