#include "synth/trading_calendar.h"

#include <algorithm>
#include <cmath>

#include "synth/retail_model.h"

namespace growthlens::synth {

TradingCalendar::TradingCalendar(Day start, Day end) : start_(start), end_(end) {
  const auto days = static_cast<size_t>(end_ - start_ + 1);
  sales_cdf_.assign(days + 1, 0.0);
  acquisition_cdf_.assign(days + 1, 0.0);
  next_trading_.assign(days + 1, -1);
  dates_.resize(days * kDateWidth);
  for (size_t day_idx = 0; day_idx < days; ++day_idx) {
    const Day day = start_ + static_cast<Day>(day_idx);
    const double weight = SalesWeight(day);
    const double growth =
        std::pow(kAcquisitionGrowth, static_cast<double>(day_idx) / static_cast<double>(days));
    sales_cdf_[day_idx + 1] = sales_cdf_[day_idx] + weight;
    acquisition_cdf_[day_idx + 1] = acquisition_cdf_[day_idx] + weight * growth;
    WriteDate(day, dates_.data() + day_idx * kDateWidth);
  }
  for (size_t day_idx = days; day_idx-- > 0;) {
    next_trading_[day_idx] = sales_cdf_[day_idx + 1] > sales_cdf_[day_idx]
                                 ? static_cast<int32_t>(day_idx)
                                 : next_trading_[day_idx + 1];
  }
}

double TradingCalendar::SalesWeight(Day day) {
  const CivilDate date = CivilFromDays(day);
  if ((date.month == 12 && date.day >= kClosedFromDecemberDay) ||
      (date.month == 1 && date.day <= kClosedUntilJanuaryDay)) {
    return 0.0;
  }
  return kMonthSales[static_cast<size_t>(date.month - 1)] *
         kWeekdaySales[static_cast<size_t>(WeekdayOf(day))];
}

std::optional<Day> TradingCalendar::NextTradingDay(Day day) const {
  if (day < start_ || day > end_) return std::nullopt;
  const int32_t index = next_trading_[Index(day)];
  if (index < 0) return std::nullopt;
  return start_ + index;
}

Day TradingCalendar::DrawDay(const std::vector<double>& cdf, Day first, Day last,
                             Random& rng) const {
  // Inverse transform on the running sums: find where a uniform point of the range's weight
  // falls.
  const double low = cdf[Index(first)];
  const double high = cdf[Index(last) + 1];
  if (!(high > low)) return first;
  const double target = low + rng.Uniform() * (high - low);
  const auto begin = cdf.begin() + static_cast<std::ptrdiff_t>(Index(first));
  const auto end = cdf.begin() + static_cast<std::ptrdiff_t>(Index(last) + 1);
  const auto day_idx = static_cast<Day>(std::upper_bound(begin, end, target) - cdf.begin()) - 1;
  return std::clamp(start_ + day_idx, first, last);
}

}  // namespace growthlens::synth
