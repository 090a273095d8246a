#include "ml/rfm_features.h"

namespace growthlens::ml {

FeatureMatrix RfmFeatures(const RfmTable& rfm) {
  FeatureMatrix features(rfm.size(), kRfmFeatureCount);
  for (size_t row_idx = 0; row_idx < rfm.size(); ++row_idx) {
    features(row_idx, 0) = static_cast<double>(rfm.recency[row_idx]);
    features(row_idx, 1) = static_cast<double>(rfm.frequency[row_idx]);
    features(row_idx, 2) = rfm.monetary[row_idx];
  }
  return features;
}

}  // namespace growthlens::ml
