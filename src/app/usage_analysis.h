#pragma once
// usage: feature usage of a usage log (totals and adoption, a time series per period,
// engagement, the correlation matrix), optionally narrowed to a date window, a set of features
// and a set of users (ids, a file of ids on the CLI, RFM segments). The views are in
// usage_views.cc. Definitions in docs/ANALYTICS.md.

#include "app/analysis_registry.h"

namespace growthlens::app {

AnalysisEntry UsageAnalysis();

}  // namespace growthlens::app
