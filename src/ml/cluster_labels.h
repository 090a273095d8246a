#pragma once
// Cluster labels re-encoded as 0..L-1 in increasing order of the original values (as
// scikit-learn's LabelEncoder), with the size of each cluster: what every cluster quality
// metric starts from.

#include <cstdint>
#include <span>
#include <vector>

#include "core/status.h"

namespace growthlens::ml {

struct DenseLabels {
  std::vector<int32_t> codes;  // per row, 0..clusters()-1
  std::vector<int64_t> sizes;  // rows per code
  size_t clusters() const { return sizes.size(); }
};

DenseLabels EncodeLabels(std::span<const int32_t> labels);

/// The checks scikit-learn makes before a clustering score: `labels` has one value per row and
/// there are between 2 and rows - 1 distinct labels.
Status CheckClusterLabels(size_t rows, std::span<const int32_t> labels, size_t clusters,
                          const char* metric);

}  // namespace growthlens::ml
