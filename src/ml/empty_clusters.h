#pragma once
// What KMeans does with clusters that end an assignment with no rows (scikit-learn's
// _relocate_empty_clusters_dense): the empty clusters, in increasing id, take the rows farthest
// from their assigned (old) centre, farthest first (ties: lower row index first). Each such row
// moves its contribution from its own cluster's sums and count to the empty cluster's, whose
// centre becomes that row. Labels are left alone: the next assignment settles them.

#include <cstdint>
#include <span>

#include "ml/cluster_sums.h"
#include "ml/feature_matrix.h"

namespace growthlens::ml {

/// Returns how many clusters were empty (0 when none, the usual case: nothing is computed).
size_t RelocateEmptyClusters(const FeatureMatrix& x, const FeatureMatrix& old_centres,
                             std::span<const int32_t> labels, ClusterTotals& totals,
                             unsigned threads);

}  // namespace growthlens::ml
