#pragma once
// rfm: recency, frequency and monetary value per user (or customer), their 1-5 scores and the
// named segments of docs/ANALYTICS.md, as a segment summary, one row per user, or the populated
// cells of the 5x5x5 score grid.

#include "app/analysis_registry.h"

namespace growthlens::app {

AnalysisEntry RfmAnalysis();

}  // namespace growthlens::app
