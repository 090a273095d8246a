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

#include <memory>
#include <optional>
#include <string>

#include "app/date_window.h"
#include "core/dataset.h"
#include "core/status.h"

namespace growthlens::cli {

struct DateWindowArgs {
  std::string from;  // "" = from the first day in the data
  std::string to;    // "" = to the last day in the data
};

void AddDateWindowOptions(CLI::App& command, DateWindowArgs& args);

/// Both days parsed, and --from not after --to.
Result<app::DateWindow> ParseDateWindow(const DateWindowArgs& args);

}  // namespace growthlens::cli
