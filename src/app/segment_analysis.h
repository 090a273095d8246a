#pragma once
// segment: KMeans personas on RFM (optionally plus feature-usage shares) in one go: the k sweep,
// the personas with their interpretation, users with their persona and the model; the CLI also
// writes them as files. train: the same fit, writing the model only (the CLI's `growthlens
// train`, not an API route).

#include "app/analysis_registry.h"

namespace growthlens::app {

AnalysisEntry SegmentAnalysis();
AnalysisEntry TrainAnalysis();

/// GET /api/v1/segment/users: segment's users view, a random sample of 3000 by default (the
/// RFM page's 3D scatter).
RouteVariant SegmentUsersRoute();

}  // namespace growthlens::app
