#pragma once
// funnel: users reaching each of a list of steps in order within a window (ClickHouse's
// windowFunnel and its modes), conversion, drop-off and time to convert, with breakdowns, a
// trend by period of entry and the users who dropped off at a step. Definitions in
// docs/ANALYTICS.md ("Funnels").

#include <string>
#include <string_view>
#include <vector>

#include "app/analysis_registry.h"
#include "core/usage_log.h"
#include "metrics/funnel.h"

namespace growthlens::app {

AnalysisEntry FunnelAnalysis();

/// GET /api/v1/funnel/export: the funnel as CSV, or with dropoff-users (default 1) the users
/// who stopped at that step, as a file to save (spreadsheet-safe).
RouteVariant FunnelExportRoute();

/// The items of --steps or --exclude: comma-separated, commas inside [...] belong to the item.
std::vector<std::string> SplitFunnelConditions(std::string_view text);

/// "14d", "12h", "90m", "3600s", "2w" as milliseconds; an error names `param` and the limits.
Result<int64_t> ParseFunnelWindow(std::string_view text, Naming naming);

/// A step or exclusion as the user writes it: "EVENT" or "EVENT[PROPERTY=VALUE]", resolved in
/// `log`; an error names `param`, the text and what the data holds.
Result<FunnelCondition> ParseFunnelCondition(std::string_view text, const UsageLog& log,
                                             std::string_view param, Naming naming);

}  // namespace growthlens::app
