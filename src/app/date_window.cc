#include "app/date_window.h"

#include <algorithm>
#include <climits>
#include <nlohmann/json.hpp>

#include "metrics/analysis.h"
#include "metrics/rows_before.h"

namespace growthlens::app {

std::shared_ptr<const Dataset> RowsOfWindow(const Dataset& dataset, const DateWindow& window) {
  if (!window.from && !window.to) return nullptr;
  return std::make_shared<const Dataset>(
      RowsInWindow(dataset, window.from.value_or(INT32_MIN), window.to.value_or(INT32_MAX)));
}

std::optional<DayRange> DaysWithRows(const Dataset& dataset) {
  if (dataset.rows() == 0) return std::nullopt;
  return dataset.Visit([](const auto& log) {
    DayRange range{DayOfRow(log, 0), DayOfRow(log, 0)};
    for (size_t row = 1; row < log.rows(); ++row) {
      const Day day = DayOfRow(log, row);
      range.first = std::min(range.first, day);
      range.last = std::max(range.last, day);
    }
    return range;
  });
}

std::optional<DayRange> DaysWithRows(const Dataset& dataset, const Analysis* whole) {
  if (whole == nullptr || dataset.rows() == 0) return DaysWithRows(dataset);
  return DayRange{whole->kpis.from, whole->kpis.to};
}

std::optional<DayRange> DaysWithRows(const Dataset& dataset, const Analysis* whole,
                                     const std::optional<HeldWindow>& held_window) {
  if (held_window) return held_window->data;
  return DaysWithRows(dataset, whole);
}

bool HeldAnalysisCovers(const Analysis* held, const std::optional<HeldWindow>& held_window,
                        const DateWindow& asked) {
  if (held == nullptr) return false;
  if (!held_window) return !asked.from && !asked.to;
  return held_window->window.from == asked.from && held_window->window.to == asked.to;
}

nlohmann::ordered_json WindowJson(const std::optional<DayRange>& data, const DateWindow& asked) {
  if (!data) return {{"from", nullptr}, {"to", nullptr}, {"all_time", true}};
  const Day from = std::max(asked.from.value_or(data->first), data->first);
  const Day to = std::min(asked.to.value_or(data->last), data->last);
  return {{"from", FormatDate(from)},
          {"to", FormatDate(to)},
          {"all_time", from <= data->first && to >= data->last}};
}

nlohmann::ordered_json AllTimeJson(const Dataset& dataset) {
  return WindowJson(DaysWithRows(dataset), DateWindow{});
}

}  // namespace growthlens::app
