#pragma once
// The from / to parameters of the analyses that look at a period (kpis, usage, lifecycle,
// revenue, rfm, cohorts): two inclusive YYYY-MM-DD days, each optional.

#include <optional>
#include <string>

#include "app/analysis_params.h"
#include "app/date_window.h"
#include "core/status.h"

namespace growthlens::app {

ParamSpec FromParamSpec();
ParamSpec ToParamSpec();

/// The window of `from` and `to`, or an error when from is after to ("--from 2025-03-01 is after
/// --to 2025-02-01: the window would be empty").
Result<DateWindow> CheckedWindow(std::optional<Day> from, std::optional<Day> to, Naming naming);

/// The window check of a parameter struct with `from` and `to` (TypedAnalysis::check).
template <typename P>
Status CheckWindowParams(const P& params, Naming naming) {
  return CheckedWindow(params.from, params.to, naming).status();
}

}  // namespace growthlens::app
