#pragma once
// Cluster quality scores, each equal to its scikit-learn 1.2 namesake (golden-tested to 1e-9
// relative). Labels may be any integers; they are re-encoded 0..L-1 first, as scikit-learn does.
// The silhouette lives in silhouette.h.
//
//   Result<double> db = DaviesBouldinScore(x, fit->labels);     // lower is better, >= 0
//   Result<double> ch = CalinskiHarabaszScore(x, fit->labels);  // higher is better
//   Result<double> ari = AdjustedRandScore(run_a.labels, run_b.labels);  // 1 = same partition

#include <cstdint>
#include <span>

#include "core/status.h"
#include "ml/feature_matrix.h"

namespace growthlens::ml {

/// sklearn.metrics.davies_bouldin_score: mean over clusters of the largest
/// (s_i + s_j) / d(c_i, c_j), s = mean distance of a cluster's rows to its centroid. 0 when
/// every s or every centroid distance is within 1e-8 of 0 (numpy.allclose, as scikit-learn).
/// Errors: label count != rows, fewer than 2 or more than rows - 1 clusters, non-finite x.
Result<double> DaviesBouldinScore(const FeatureMatrix& x, std::span<const int32_t> labels);

/// sklearn.metrics.calinski_harabasz_score: [B / (L - 1)] / [W / (n - L)] with B the
/// between-cluster and W the within-cluster dispersion; 1 when W is 0. Same errors.
Result<double> CalinskiHarabaszScore(const FeatureMatrix& x, std::span<const int32_t> labels);

/// Sum of squared distances of each row to its cluster's centre (KMeans' inertia_; with the
/// cluster means as centres, the within-cluster dispersion W). Errors: a label outside
/// 0..centres.rows()-1, shape mismatches, non-finite values.
Result<double> Inertia(const FeatureMatrix& x, std::span<const int32_t> labels,
                       const FeatureMatrix& centres, unsigned threads = 0);

/// sklearn.metrics.adjusted_rand_score: agreement of two partitions of the same rows, 1 when
/// identical up to renaming, about 0 for independent ones; pair counts in exact integers.
/// Used for the stability of KMeans across seeds. Errors: lengths differ.
Result<double> AdjustedRandScore(std::span<const int32_t> labels_true,
                                 std::span<const int32_t> labels_pred);

}  // namespace growthlens::ml
