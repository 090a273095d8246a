#pragma once
// Greedy k-means++ seeding, as scikit-learn 1.2's _kmeans_plusplus: the first centre is a
// uniformly drawn row; each next one is the best of n_local_trials = 2 + floor(ln k) candidate
// rows, each drawn with probability proportional to its squared distance to the closest centre
// so far, "best" meaning the lowest potential (sum over rows of the squared distance to the
// closest centre) once the candidate is added.
//
// The draws come from our std::mt19937_64, not numpy's RandomState, so the chosen rows differ
// from scikit-learn's for the same seed; the procedure is the same. The sampling follows
// numpy.searchsorted(cumsum(closest), u * potential) (first row whose running sum reaches the
// draw, clipped to the last row), with the running sum taken chunk by chunk so it is the same
// on any thread count.

#include <cstddef>
#include <random>
#include <span>
#include <vector>

#include "ml/chunk_lanes.h"
#include "ml/feature_matrix.h"

namespace growthlens::ml {

/// Row indices of the k seeds, in the order chosen. Needs 1 <= k <= x.rows();
/// row_norms2[i] = ||x_i||^2. Squared distances are computed as scikit-learn does,
/// max(0, ||x||^2 + ||c||^2 - 2 x.c) (x is centred by the caller, as in KMeans).
std::vector<size_t> GreedyKMeansPlusPlus(const FeatureMatrix& x, std::span<const double> row_norms2,
                                         size_t k, std::mt19937_64& rng, unsigned threads);
/// The same seeds from `lanes` = ChunkLanes(x, row_norms2), built once for several seedings.
std::vector<size_t> GreedyKMeansPlusPlus(const FeatureMatrix& x, const ChunkLanes& lanes, size_t k,
                                         std::mt19937_64& rng, unsigned threads);

/// scikit-learn's default number of candidates per centre: 2 + int(ln k).
size_t LocalTrialsFor(size_t k);

}  // namespace growthlens::ml
