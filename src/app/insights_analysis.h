#pragma once
// insights: the findings of the whole analysis in plain words, each with the number it rests on
// (rules in docs/ANALYTICS.md, "Insights").

#include <vector>

#include "app/analysis_registry.h"
#include "app/table_view.h"
#include "metrics/insights.h"

namespace growthlens::app {

AnalysisEntry InsightsAnalysis();

/// key, title, text, value: one row per insight. Refers to `insights`.
View InsightsView(const std::vector<Insight>& insights);

}  // namespace growthlens::app
