#pragma once
// experiment/analyze: an A/B test from its own file (one row per user, or per-arm summary
// statistics; app/experiment_data.h), not from the loaded data. Per metric and treatment arm:
// means and variances, absolute and relative lift with intervals and p-values, CUPED,
// winsorisation, always-valid sequential intervals, corrected p-values, a Bayesian view,
// guardrails, the sample-ratio check and a verdict (app/experiment_report.h).

#include "app/analysis_registry.h"

namespace growthlens::app {

AnalysisEntry ExperimentAnalyzeAnalysis();

}  // namespace growthlens::app
