#include "ml/empty_clusters.h"

#include <algorithm>
#include <numeric>
#include <vector>

#include "core/parallel.h"
#include "ml/centred_rows.h"
#include "ml/row_chunks.h"

namespace growthlens::ml {

size_t RelocateEmptyClusters(const FeatureMatrix& x, const FeatureMatrix& old_centres,
                             std::span<const int32_t> labels, ClusterTotals& totals,
                             unsigned threads) {
  std::vector<size_t> empty;
  for (size_t cluster = 0; cluster < totals.counts.size(); ++cluster) {
    if (totals.counts[cluster] == 0) empty.push_back(cluster);
  }
  if (empty.empty()) return 0;

  const size_t dims = x.cols();
  std::vector<double> distance(x.rows());
  const RowChunks chunks(x.rows());
  ParallelFor(chunks.count(), threads, [&](size_t chunk_idx) {
    const RowRange range = chunks[chunk_idx];
    for (size_t row_idx = range.begin; row_idx < range.end; ++row_idx) {
      distance[row_idx] =
          SquaredDistance(x.row(row_idx).data(), old_centres.row(labels[row_idx]).data(), dims);
    }
  });
  std::vector<size_t> order(x.rows());
  std::iota(order.begin(), order.end(), size_t{0});
  const auto farther = [&](size_t a, size_t b) {
    return distance[a] != distance[b] ? distance[a] > distance[b] : a < b;
  };
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(empty.size()),
                    order.end(), farther);

  for (size_t empty_idx = 0; empty_idx < empty.size(); ++empty_idx) {
    const size_t row_idx = order[empty_idx];
    const size_t new_cluster = empty[empty_idx];
    const size_t old_cluster = static_cast<size_t>(labels[row_idx]);
    const std::span<const double> row = x.row(row_idx);
    for (size_t dim = 0; dim < dims; ++dim) {
      totals.sums(old_cluster, dim) -= row[dim];
      totals.sums(new_cluster, dim) = row[dim];
    }
    totals.counts[new_cluster] = 1;
    totals.counts[old_cluster] -= 1;
  }
  return empty.size();
}

}  // namespace growthlens::ml
