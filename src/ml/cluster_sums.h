#pragma once
// The update step's aggregation state: per-cluster sums of member rows and member counts, one
// partial per fixed row chunk, merged in chunk order (bit-identical on any thread count), then
// finalised into new centres.

#include <cstdint>
#include <span>
#include <vector>

#include "ml/feature_matrix.h"
#include "ml/row_chunks.h"

namespace growthlens::ml {

struct ClusterTotals {
  FeatureMatrix sums;           // k x d
  std::vector<int64_t> counts;  // k
};

class ChunkedClusterSums {
 public:
  ChunkedClusterSums(size_t chunks, size_t k, size_t dims);

  /// Resets chunk `chunk_idx`'s partial and adds the rows of `range` under their labels.
  /// Chunks may be accumulated concurrently.
  void Accumulate(size_t chunk_idx, const FeatureMatrix& x, RowRange range,
                  std::span<const int32_t> labels);

  /// Chunk `chunk_idx`'s partial, [cluster][dim] and [cluster], for writers that compute it
  /// whole (Lloyd's pass over ChunkLanes).
  std::span<double> Sums(size_t chunk_idx) {
    return {sums_.data() + chunk_idx * k_ * dims_, k_ * dims_};
  }
  std::span<int64_t> Counts(size_t chunk_idx) { return {counts_.data() + chunk_idx * k_, k_}; }

  /// Sums of all chunk partials in chunk order.
  void Merge(ClusterTotals& totals, unsigned threads) const;

 private:
  size_t chunks_;
  size_t k_;
  size_t dims_;
  std::vector<double> sums_;     // [chunk][cluster][dim]
  std::vector<int64_t> counts_;  // [chunk][cluster]
};

/// New centres: sums / counts, multiplying by 1 / count as scikit-learn's _average_centers
/// does; a cluster whose count is 0 keeps its sums (scikit-learn leaves them unscaled too).
FeatureMatrix AverageCentres(const ClusterTotals& totals);

/// shift[j] = ||new_j - old_j|| (Euclidean, direct differences); returns sum of shift^2.
double CentreShifts(const FeatureMatrix& old_centres, const FeatureMatrix& new_centres,
                    std::vector<double>& shifts);

}  // namespace growthlens::ml
