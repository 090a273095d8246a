#pragma once
// revenue: revenue of a transactions file by month (with new vs returning customers), by
// country, by product with the Pareto headline, and by season (month of year, weekday, hour).
// Definitions in docs/ANALYTICS.md.

#include "app/analysis_registry.h"

namespace growthlens::app {

AnalysisEntry RevenueAnalysis();

}  // namespace growthlens::app
