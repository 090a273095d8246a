#pragma once
// The KPIs as lines over time, for the trend charts: per day of a period, the users active that
// day (DAU), in the 7 days ending that day (WAU) and in the 30 days ending that day (MAU), and
// for transactions the revenue and orders of the day. The trailing windows look back before
// the period's first day when the data has rows there, so the first days are not read low.

#include <cstdint>
#include <vector>

#include "core/dataset.h"

namespace growthlens {

inline constexpr int kWeekDays = 7;
inline constexpr int kMonthDays = 30;

struct KpiTrend {
  Day first_day = 0;                     // days[0]
  std::vector<uint64_t> daily_active;    // DAU per day of [first_day, first_day + size)
  std::vector<uint64_t> weekly_active;   // distinct users active in the 7 days ending each day
  std::vector<uint64_t> monthly_active;  // ... in the 30 days ending each day
  std::vector<double> revenue;           // transactions: Quantity x UnitPrice of the day's rows
  std::vector<uint64_t> orders;          // transactions: orders placed that day
  size_t size() const { return daily_active.size(); }
};

/// The trend over [first_day, last_day] (empty when last_day < first_day).
KpiTrend ComputeKpiTrend(const Dataset& dataset, Day first_day, Day last_day);

}  // namespace growthlens
