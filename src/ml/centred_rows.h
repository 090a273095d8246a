#pragma once
// The rows KMeans works on: centred on their column means, as scikit-learn centres X before
// fitting. Distances do not change, but ||c||^2 - 2 x.c loses far less to cancellation when
// the data sit near the origin.

#include <vector>

#include "ml/chunk_lanes.h"
#include "ml/feature_matrix.h"
#include "ml/row_chunks.h"

namespace growthlens::ml {

struct CentredRows {
  FeatureMatrix x;                 // input minus `mean`
  std::vector<double> mean;        // per column
  std::vector<double> variance;    // per column, population (ddof 0), as numpy.var
  double mean_variance = 0;        // mean of `variance`: scales KMeans' tol
  std::vector<double> row_norms2;  // ||x_i||^2 of the centred rows
  ChunkLanes lanes;                // x and row_norms2 for the lane kernels (Lloyd, k-means++)

  /// Column statistics by fixed chunks merged in order: the same bits on any thread count.
  static CentredRows From(const FeatureMatrix& input, unsigned threads);
};

/// Sum of squared distances of every row to its labelled centre (direct differences, as
/// scikit-learn's _inertia_dense), by chunks merged in order.
double InertiaOf(const FeatureMatrix& x, const FeatureMatrix& centres,
                 const std::vector<int32_t>& labels, unsigned threads);

/// Squared Euclidean distance by direct differences.
inline double SquaredDistance(const double* a, const double* b, size_t dims) {
  double sum = 0;
  for (size_t dim = 0; dim < dims; ++dim) {
    const double diff = a[dim] - b[dim];
    sum += diff * diff;
  }
  return sum;
}

}  // namespace growthlens::ml
