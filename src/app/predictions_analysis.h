#pragma once
// predictions: who will churn and what each customer is worth, as the dashboard's Predictions
// page shows it. A churn model (the workspace's saved one when it fits, else trained on the data),
// both models' quality, drivers, the risk distribution and every current user's probability, band
// and drivers; for transactions joined with each customer's CLV into an action list of the
// valuable customers most at risk, and CLV and churn by RFM segment, persona and country; the
// findings in words. The server computes it once per held file (PredictionsCache).

#include "app/analysis_registry.h"

namespace growthlens::app {

AnalysisEntry PredictionsAnalysis();

/// predictions/export: the scored users (with the filters of the users view) as a CSV file.
RouteVariant PredictionsExportRoute();

}  // namespace growthlens::app
