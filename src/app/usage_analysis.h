#pragma once
// usage: feature usage of a usage log (totals and adoption, a time series per period,
// engagement, the correlation matrix), optionally narrowed to a date window, a set of features
// and a set of users (ids, a file of ids on the CLI, RFM segments). The views are in
// usage_views.cc. Definitions in docs/ANALYTICS.md.

#include <memory>

#include "app/analysis_registry.h"

namespace growthlens::app {

AnalysisEntry UsageAnalysis();

/// The indexes the usage views read (RunContext::usage_index) for a usage or event log, with
/// the users grouped by RFM segment (default options; from `whole`, the load's analysis, when
/// given) and a last group for users without one. Null for transactions, or a log the layout
/// cannot hold.
std::shared_ptr<const UsageIndex> BuildUsageIndex(const CleanedData& data, const Analysis* whole);

}  // namespace growthlens::app
