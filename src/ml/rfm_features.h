#pragma once
// The RFM table as a feature matrix: columns recency (days), frequency, monetary, one row per
// user in the table's order (ascending id), ready for FeatureTransform and KMeans.

#include "metrics/rfm.h"
#include "ml/feature_matrix.h"

namespace growthlens::ml {

inline constexpr size_t kRfmFeatureCount = 3;  // recency, frequency, monetary

FeatureMatrix RfmFeatures(const RfmTable& rfm);

}  // namespace growthlens::ml
