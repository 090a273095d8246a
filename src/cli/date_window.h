#pragma once
// The --from / --to options of the analysis commands that look at a period (kpis, usage,
// lifecycle, revenue, rfm, cohorts): two
// inclusive YYYY-MM-DD days, each optional, checked into usage errors (exit 2) that name the
// option and the text given:
//
//   DateWindowArgs window_args;
//   AddDateWindowOptions(*command, window_args);
//   Result<DateWindow> window = ParseDateWindow(window_args);  // "--from '2024-13-01': ..."

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>

#include "core/dataset.h"
#include "core/status.h"

namespace growthlens::cli {

struct DateWindowArgs {
  std::string from;  // "" = from the first day in the data
  std::string to;    // "" = to the last day in the data
};

struct DateWindow {
  std::optional<Day> from;  // inclusive
  std::optional<Day> to;    // inclusive
};

void AddDateWindowOptions(CLI::App& command, DateWindowArgs& args);

/// Both days parsed, and --from not after --to.
Result<DateWindow> ParseDateWindow(const DateWindowArgs& args);

/// The first and last day with a row, or nullopt for an empty dataset.
struct DayRange {
  Day first = 0;
  Day last = 0;
};
std::optional<DayRange> DaysWithRows(const Dataset& dataset);

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

}  // namespace growthlens::cli
