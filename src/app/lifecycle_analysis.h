#pragma once
// lifecycle: growth accounting per week or month (new, returning, resurrecting and dormant
// users, active users and the quick ratio) and the weekly stickiness histogram.
// Definitions in docs/ANALYTICS.md.

#include "app/analysis_registry.h"

namespace growthlens::app {

AnalysisEntry LifecycleAnalysis();

}  // namespace growthlens::app
