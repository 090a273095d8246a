#pragma once
// The --from / --to options of the analysis commands that look at a period (kpis, usage): two
// inclusive YYYY-MM-DD days, each optional, checked into usage errors (exit 2) that name the
// option and the text given:
//
//   DateWindowArgs window_args;
//   AddDateWindowOptions(*command, window_args);
//   Result<DateWindow> window = ParseDateWindow(window_args);  // "--from '2024-13-01': ..."

#include <CLI/CLI.hpp>

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

}  // namespace growthlens::cli
