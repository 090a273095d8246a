#pragma once
// The period an analysis covers: an optional inclusive first and last day, the days that have
// rows, and the `window` field of every analysis document, so that a page can say whether a
// number follows its date filter or is "all time".

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/dataset.h"

namespace growthlens {
struct Analysis;  // metrics/analysis.h
}  // namespace growthlens

namespace growthlens::app {

struct DateWindow {
  std::optional<Day> from;  // inclusive
  std::optional<Day> to;    // inclusive
};

/// The first and last day with a row, or nullopt for an empty dataset.
struct DayRange {
  Day first = 0;
  Day last = 0;
};

/// A held analysis computed over a date window rather than all time (a ClickHouse workspace
/// pushes a run's window down, app/clickhouse_aggregates.h): the window, and the days with rows
/// of the whole data, which the held analysis's KPIs no longer span.
struct HeldWindow {
  DateWindow window;
  DayRange data;
  /// The first and last day with rows inside the window (none: it holds no rows).
  std::optional<DayRange> rows;
  /// usage: the features its results keep (names, sorted, once each; empty: all).
  std::vector<std::string> features;
};

/// Whether `held` (with `held_window` when it covers a window) answers a run over `asked`: all
/// time for all time, or the very window it was computed over.
bool HeldAnalysisCovers(const Analysis* held, const std::optional<HeldWindow>& held_window,
                        const DateWindow& asked);
std::optional<DayRange> DaysWithRows(const Dataset& dataset);
/// The same, from `whole` (the load's analysis of `dataset`, whose KPIs span exactly those days)
/// when given: no pass over the rows.
std::optional<DayRange> DaysWithRows(const Dataset& dataset, const Analysis* whole);
/// The same, from `held_window` when the held analysis covers a window.
std::optional<DayRange> DaysWithRows(const Dataset& dataset, const Analysis* whole,
                                     const std::optional<HeldWindow>& held_window);

/// Which days a result covers, for the `window` field of every analysis document, so that a
/// page can say whether a number follows its date filter or is "all time":
/// {"from": "2025-10-01", "to": "2025-12-31", "all_time": false}. `asked` is clamped to the
/// data; all_time when it covers every day with rows (or nothing was asked). Null days for an
/// empty dataset.
nlohmann::ordered_json WindowJson(const std::optional<DayRange>& data, const DateWindow& asked);
/// The rows of `dataset` inside `window` (metrics/rows_before.h, RowsInWindow: users keep their
/// true start), or null when the window is open at both ends and the whole data is analysed.
/// An analysis of a period runs on `*windowed` if set, else on `dataset`.
std::shared_ptr<const Dataset> RowsOfWindow(const Dataset& dataset, const DateWindow& window);

/// The whole data: what analyses without a date filter cover.
nlohmann::ordered_json AllTimeJson(const Dataset& dataset);

}  // namespace growthlens::app
