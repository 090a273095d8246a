#pragma once
// experiment/plan: users per arm, power, or the minimum detectable effect of an A/B test, each
// from the other two, for conversion rates (Cohen's h, statsmodels NormalIndPower) and means
// (Cohen's d, TTestIndPower), with the expected duration from daily traffic. The baseline and
// standard deviation are given, or estimated from data (app/metric_estimate.h): the loaded data
// when `metric` names a per-user metric, or (the CLI's --data) a CSV with one row per user.

#include "app/analysis_registry.h"

namespace growthlens::app {

AnalysisEntry ExperimentPlanAnalysis();

}  // namespace growthlens::app
