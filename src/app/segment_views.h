#pragma once
// Views of a segmentation, shared by the segment, train, evaluate and predict commands, analyze
// and the server: the k sweep, the persona interpretation table and users with their persona.

#include <cstdint>
#include <span>
#include <string_view>

#include "app/param_spec.h"
#include "app/table_view.h"
#include "core/dataset.h"
#include "core/status.h"
#include "metrics/rfm.h"

namespace growthlens::ml {  // ml/segmentation.h, kept out of this header
struct KSweepResult;
struct Segmentation;
struct SegmentationOptions;
}  // namespace growthlens::ml

namespace growthlens::app {

/// k, inertia, silhouette (and rows it used), Davies-Bouldin, Calinski-Harabasz, stability,
/// and which k has the best silhouette and which one the personas use.
View KSweepView(const ml::KSweepResult& sweep, size_t used_k);
/// One row per persona: name, users, share, mean and median R/F/M, value share, top features,
/// description and action. Refers to `segmentation` and `dataset`.
View PersonasView(const ml::Segmentation& segmentation, const Dataset& dataset);
/// id, recency, frequency, monetary, persona id and name, one row per RfmTable row.
View UserPersonasView(const RfmTable& rfm, std::span<const int32_t> labels,
                      const ml::Segmentation& segmentation, const Dataset& dataset);

}  // namespace growthlens::app
