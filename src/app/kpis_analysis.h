#pragma once
// kpis: the headline KPIs of a usage log or a transactions file over a period (the whole data
// unless from / to), as a metric / value card, or one row per day (view=trend). Definitions in
// docs/ANALYTICS.md.

#include "app/analysis_registry.h"

namespace growthlens::app {

AnalysisEntry KpisAnalysis();

}  // namespace growthlens::app
