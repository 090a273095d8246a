#pragma once
// The shop's calendar over a generation period: how busy each day is (month and weekday
// seasonality, closed on Saturdays and over Christmas), days drawn in proportion to that, and
// every date of the period pre-formatted for the line writer.

#include <optional>
#include <vector>

#include "core/date.h"
#include "synth/random.h"

namespace growthlens::synth {

/// Read-only after construction; shared by the generator threads.
class TradingCalendar {
 public:
  /// The calendar of [start, end]; start <= end.
  TradingCalendar(Day start, Day end);

  /// Relative sales on a day (retail_model.h): month x weekday, zero when the shop is shut.
  static double SalesWeight(Day day);

  /// Whether any day of the period trades.
  bool HasTradingDay() const { return sales_cdf_.back() > 0.0; }

  /// A day in [first, last] (within the period) drawn in proportion to its sales; `first`
  /// when no day of the range trades.
  Day DrawSaleDay(Day first, Day last, Random& rng) const {
    return DrawDay(sales_cdf_, first, last, rng);
  }

  /// The day a new customer first buys: sales weight times a growth trend over the period.
  Day DrawAcquisitionDay(Random& rng) const { return DrawDay(acquisition_cdf_, start_, end_, rng); }

  /// Whether some day of [first, last] trades.
  bool TradesWithin(Day first, Day last) const {
    return sales_cdf_[Index(last) + 1] > sales_cdf_[Index(first)];
  }

  /// The first trading day on or after `day` within the period.
  std::optional<Day> NextTradingDay(Day day) const;

  /// "YYYY-MM-DD" of a day of the period: 10 characters, not terminated.
  const char* DateText(Day day) const { return dates_.data() + Index(day) * kDateWidth; }

  static constexpr size_t kDateWidth = 10;

 private:
  size_t Index(Day day) const { return static_cast<size_t>(day - start_); }
  Day DrawDay(const std::vector<double>& cdf, Day first, Day last, Random& rng) const;

  Day start_;
  Day end_;
  std::vector<double> sales_cdf_;        // running sums of SalesWeight, from start_
  std::vector<double> acquisition_cdf_;  // the same with growth: when new customers arrive
  std::vector<int32_t> next_trading_;    // per day: index of the first trading day >= it, or -1
  std::vector<char> dates_;              // "YYYY-MM-DD" per day of the period
};

}  // namespace growthlens::synth
