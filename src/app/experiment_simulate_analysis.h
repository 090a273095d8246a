#pragma once
// experiment/simulate: which campaigns are worth running on which segments, each an A/B test
// simulated on the segment's real users (app/campaign_simulation.h).

#include "app/analysis_registry.h"

namespace growthlens::app {

AnalysisEntry ExperimentSimulateAnalysis();

}  // namespace growthlens::app
