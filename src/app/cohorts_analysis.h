#pragma once
// cohorts: cohort retention, per cohort of first activity (or signup) the share, count or
// revenue active in each later period, with the size-weighted average as the last row.
// Definitions in docs/ANALYTICS.md.

#include "app/analysis_registry.h"

namespace growthlens::app {

AnalysisEntry CohortsAnalysis();

}  // namespace growthlens::app
