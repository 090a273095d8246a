#pragma once
// paths: the most frequent sequences of events after a start event, before an end event, or from
// each user's first event, with users and shares, "other" below a minimum share, and the Sankey
// diagram's nodes and links. Definitions in docs/ANALYTICS.md ("Paths").

#include "app/analysis_registry.h"

namespace growthlens::app {

AnalysisEntry PathsAnalysis();

}  // namespace growthlens::app
