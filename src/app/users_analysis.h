#pragma once
// users: who is behind a number. The users (or customers) of an RFM segment, a persona or a
// cohort cell, most valuable first, a page at a time (csv: all of them, for export), or one
// user's detail: their RFM scores and segment, persona, cohort and day-by-day timeline. RFM
// segments and cohorts follow from / to as rfm and cohorts do; personas are the data's persona
// model (the four tiers, as `segment` computes them, of all the data).

#include "app/analysis_registry.h"

namespace growthlens::app {

AnalysisEntry UsersAnalysis();

/// GET /api/v1/users/export: every user of the list as a CSV file to save.
RouteVariant UsersExportRoute();

}  // namespace growthlens::app
