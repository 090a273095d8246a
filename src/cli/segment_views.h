#pragma once
// Views of a segmentation, shared by the segment, train, evaluate and predict commands, analyze
// and the server: the k sweep, the persona interpretation table and users with their persona.

#include <string_view>

#include "cli/analysis_view.h"
#include "core/dataset.h"
#include "metrics/rfm.h"
#include "ml/segmentation.h"

namespace growthlens::cli {

/// k, inertia, silhouette (and rows it used), Davies-Bouldin, Calinski-Harabasz, stability,
/// and which k has the best silhouette and which one the personas use.
View KSweepView(const ml::KSweepResult& sweep, size_t used_k);
/// One row per persona: name, users, share, mean and median R/F/M, value share, top features,
/// description and action. Refers to `segmentation` and `dataset`.
View PersonasView(const ml::Segmentation& segmentation, const Dataset& dataset);
/// id, recency, frequency, monetary, persona id and name, one row per RfmTable row.
View UserPersonasView(const RfmTable& rfm, std::span<const int32_t> labels,
                      const ml::Segmentation& segmentation, const Dataset& dataset);

/// --k: "" (default) the four tiers, "auto" the best silhouette, a number given.
Status ApplyKOption(std::string_view text, ml::SegmentationOptions& options);

}  // namespace growthlens::cli
