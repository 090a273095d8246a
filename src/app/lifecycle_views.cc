#include "app/lifecycle_views.h"

namespace growthlens::app {

namespace {
constexpr int kQuickRatioDecimals = 2;
}  // namespace

View LifecyclePeriodsView(const Lifecycle& lifecycle) {
  View view;
  view.columns = {
      {"period", lifecycle.period == CohortPeriod::kWeek ? "Week" : "Month", Align::kLeft},
      {"days_in_data", "Days in data"},
      {"days", "of"},
      {"active", "Active"},
      {"new", "New"},
      {"returning", "Returning"},
      {"resurrecting", "Resurrecting"},
      {"dormant", "Dormant"},
      {"quick_ratio", "Quick ratio"}};
  view.rows = lifecycle.periods.size();
  view.row = [&lifecycle](size_t row, std::vector<Cell>& cells) {
    const LifecyclePeriods& periods = lifecycle.periods;
    const std::optional<double> quick_ratio = periods.QuickRatio(row);
    cells = {Cell::Text(CohortBucketLabel(periods.bucket[row], lifecycle.period)),
             Cell::Integer(periods.days_in_data[row]),
             Cell::Integer(periods.days[row]),
             Cell::Integer(static_cast<int64_t>(periods.Active(row))),
             Cell::Integer(static_cast<int64_t>(periods.new_users[row])),
             Cell::Integer(static_cast<int64_t>(periods.returning[row])),
             Cell::Integer(static_cast<int64_t>(periods.resurrecting[row])),
             Cell::Integer(static_cast<int64_t>(periods.dormant[row])),
             quick_ratio ? Cell::Number(*quick_ratio, kQuickRatioDecimals) : Cell::Empty()};
  };
  return view;
}

View StickinessHistogramView(const StickinessHistogram& histogram) {
  View view;
  view.columns = {{"active_days", "Active days"},
                  {"user_weeks", "User-weeks"},
                  {"share", "Share"},
                  {"share_at_least", "Share with at least"}};
  view.rows = kDaysPerWeek;
  view.row = [&histogram](size_t row, std::vector<Cell>& cells) {
    uint64_t at_least = 0;
    for (size_t days_idx = row; days_idx < kDaysPerWeek; ++days_idx)
      at_least += histogram.user_weeks[days_idx];
    const uint64_t total = histogram.Total();
    cells = {Cell::Integer(static_cast<int64_t>(row) + 1),
             Cell::Integer(static_cast<int64_t>(histogram.user_weeks[row])),
             Cell::Percent(histogram.Share(static_cast<int>(row) + 1)),
             Cell::Percent(
                 total == 0 ? 0.0 : static_cast<double>(at_least) / static_cast<double>(total))};
  };
  return view;
}

/// "2011-12 (9 of 31 days)" for each period the data starts or ends inside, or "".
}  // namespace growthlens::app
