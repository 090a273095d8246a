#include "ml/cluster_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/compensated_sum.h"
#include "ml/centred_rows.h"
#include "ml/cluster_labels.h"

namespace growthlens::ml {

namespace {

// numpy.allclose(values, 0) with its default atol.
constexpr double kAllCloseAbsolute = 1e-8;
// Dense contingency tables up to this many cells; a hash map beyond.
constexpr size_t kDenseContingencyCells = size_t{1} << 22;

__extension__ using Int128 = __int128;

struct Centroids {
  FeatureMatrix means;         // L x d
  std::vector<double> global;  // d
};

// Means with compensated sums, so they do not depend on row order more than rounding of the
// final division.
Centroids ComputeCentroids(const FeatureMatrix& x, const DenseLabels& dense) {
  const size_t dims = x.cols();
  std::vector<CompensatedSum> cluster_sums(dense.clusters() * dims);
  std::vector<CompensatedSum> global_sums(dims);
  for (size_t row_idx = 0; row_idx < x.rows(); ++row_idx) {
    const size_t code = static_cast<size_t>(dense.codes[row_idx]);
    const std::span<const double> row = x.row(row_idx);
    for (size_t dim = 0; dim < dims; ++dim) {
      cluster_sums[code * dims + dim].Add(row[dim]);
      global_sums[dim].Add(row[dim]);
    }
  }
  Centroids centroids{FeatureMatrix(dense.clusters(), dims), std::vector<double>(dims)};
  for (size_t code = 0; code < dense.clusters(); ++code) {
    for (size_t dim = 0; dim < dims; ++dim) {
      centroids.means(code, dim) =
          cluster_sums[code * dims + dim].Value() / static_cast<double>(dense.sizes[code]);
    }
  }
  for (size_t dim = 0; dim < dims; ++dim)
    centroids.global[dim] = global_sums[dim].Value() / static_cast<double>(x.rows());
  return centroids;
}

Result<DenseLabels> CheckedLabels(const FeatureMatrix& x, std::span<const int32_t> labels,
                                  const char* metric) {
  GROWTHLENS_RETURN_IF_ERROR(x.CheckFinite().WithContext(metric));
  DenseLabels dense = EncodeLabels(labels);
  GROWTHLENS_RETURN_IF_ERROR(CheckClusterLabels(x.rows(), labels, dense.clusters(), metric));
  return dense;
}

}  // namespace

Result<double> DaviesBouldinScore(const FeatureMatrix& x, std::span<const int32_t> labels) {
  Result<DenseLabels> dense = CheckedLabels(x, labels, "davies_bouldin");
  if (!dense.ok()) return dense.status();
  const size_t clusters = dense->clusters();
  const Centroids centroids = ComputeCentroids(x, *dense);

  std::vector<CompensatedSum> spread_sums(clusters);
  for (size_t row_idx = 0; row_idx < x.rows(); ++row_idx) {
    const size_t code = static_cast<size_t>(dense->codes[row_idx]);
    spread_sums[code].Add(std::sqrt(
        SquaredDistance(x.row(row_idx).data(), centroids.means.row(code).data(), x.cols())));
  }
  std::vector<double> spread(clusters);
  bool spreads_all_zero = true;
  for (size_t code = 0; code < clusters; ++code) {
    spread[code] = spread_sums[code].Value() / static_cast<double>(dense->sizes[code]);
    spreads_all_zero = spreads_all_zero && std::abs(spread[code]) <= kAllCloseAbsolute;
  }
  FeatureMatrix separation(clusters, clusters);
  bool centroids_all_zero = true;
  for (size_t first = 0; first < clusters; ++first) {
    for (size_t second = 0; second < clusters; ++second) {
      if (first == second) continue;
      separation(first, second) = std::sqrt(SquaredDistance(
          centroids.means.row(first).data(), centroids.means.row(second).data(), x.cols()));
      centroids_all_zero = centroids_all_zero && separation(first, second) <= kAllCloseAbsolute;
    }
  }
  if (spreads_all_zero || centroids_all_zero) return 0.0;

  double score_sum = 0;
  for (size_t first = 0; first < clusters; ++first) {
    double worst = 0;  // the diagonal term: 2 s / inf = 0
    for (size_t second = 0; second < clusters; ++second) {
      const double distance = separation(first, second);
      if (first == second || distance == 0) continue;  // scikit-learn: 0 distance -> inf
      worst = std::max(worst, (spread[first] + spread[second]) / distance);
    }
    score_sum += worst;
  }
  return score_sum / static_cast<double>(clusters);
}

Result<double> CalinskiHarabaszScore(const FeatureMatrix& x, std::span<const int32_t> labels) {
  Result<DenseLabels> dense = CheckedLabels(x, labels, "calinski_harabasz");
  if (!dense.ok()) return dense.status();
  const size_t clusters = dense->clusters();
  const Centroids centroids = ComputeCentroids(x, *dense);
  CompensatedSum between;
  for (size_t code = 0; code < clusters; ++code) {
    between.Add(
        static_cast<double>(dense->sizes[code]) *
        SquaredDistance(centroids.means.row(code).data(), centroids.global.data(), x.cols()));
  }
  CompensatedSum within;
  for (size_t row_idx = 0; row_idx < x.rows(); ++row_idx) {
    within.Add(SquaredDistance(
        x.row(row_idx).data(),
        centroids.means.row(static_cast<size_t>(dense->codes[row_idx])).data(), x.cols()));
  }
  if (within.Value() == 0.0) return 1.0;
  const double rows = static_cast<double>(x.rows());
  const double count = static_cast<double>(clusters);
  return between.Value() * (rows - count) / (within.Value() * (count - 1.0));
}

Result<double> Inertia(const FeatureMatrix& x, std::span<const int32_t> labels,
                       const FeatureMatrix& centres, unsigned threads) {
  GROWTHLENS_RETURN_IF_ERROR(x.CheckFinite().WithContext("inertia"));
  GROWTHLENS_RETURN_IF_ERROR(centres.CheckFinite().WithContext("inertia centres"));
  if (labels.size() != x.rows() || centres.cols() != x.cols()) {
    return Status(ErrorCode::kInvalidArgument,
                  "inertia: " + std::to_string(labels.size()) + " labels and centres of " +
                      std::to_string(centres.cols()) + " features for " + std::to_string(x.rows()) +
                      " rows of " + std::to_string(x.cols()));
  }
  for (size_t row_idx = 0; row_idx < labels.size(); ++row_idx) {
    if (labels[row_idx] < 0 || static_cast<size_t>(labels[row_idx]) >= centres.rows()) {
      return Status(ErrorCode::kInvalidArgument,
                    "inertia: row " + std::to_string(row_idx) + " has label " +
                        std::to_string(labels[row_idx]) + ", not a centre 0.." +
                        std::to_string(centres.rows()) + "-1");
    }
  }
  return InertiaOf(x, centres, std::vector<int32_t>(labels.begin(), labels.end()), threads);
}

Result<double> AdjustedRandScore(std::span<const int32_t> labels_true,
                                 std::span<const int32_t> labels_pred) {
  if (labels_true.size() != labels_pred.size()) {
    return Status(ErrorCode::kInvalidArgument,
                  "adjusted_rand: " + std::to_string(labels_true.size()) + " true labels, " +
                      std::to_string(labels_pred.size()) + " predicted");
  }
  const DenseLabels rows = EncodeLabels(labels_true);
  const DenseLabels cols = EncodeLabels(labels_pred);
  // Contingency cells n_ij; only their squares and their products with the margins matter.
  std::vector<int64_t> cells;
  if (rows.clusters() * cols.clusters() <= kDenseContingencyCells) {
    std::vector<int64_t> dense(rows.clusters() * cols.clusters(), 0);
    for (size_t idx = 0; idx < labels_true.size(); ++idx) {
      ++dense[static_cast<size_t>(rows.codes[idx]) * cols.clusters() +
              static_cast<size_t>(cols.codes[idx])];
    }
    cells = std::move(dense);
  } else {
    std::unordered_map<uint64_t, int64_t> sparse;
    for (size_t idx = 0; idx < labels_true.size(); ++idx) {
      ++sparse[(static_cast<uint64_t>(rows.codes[idx]) << 32) |
               static_cast<uint64_t>(cols.codes[idx])];
    }
    for (const auto& [key, count] : sparse) cells.push_back(count);
  }
  // sklearn's pair_confusion_matrix, in exact integers.
  Int128 sum_squares = 0;
  for (const int64_t cell : cells) sum_squares += Int128{cell} * cell;
  Int128 row_margin_squares = 0;  // sum_i a_i^2 = sum_ij n_ij a_i
  for (const int64_t size : rows.sizes) row_margin_squares += Int128{size} * size;
  Int128 col_margin_squares = 0;
  for (const int64_t size : cols.sizes) col_margin_squares += Int128{size} * size;
  const Int128 n = static_cast<Int128>(labels_true.size());
  const Int128 true_positive = sum_squares - n;
  const Int128 false_positive = col_margin_squares - sum_squares;
  const Int128 false_negative = row_margin_squares - sum_squares;
  const Int128 true_negative = n * n - false_positive - false_negative - sum_squares;
  if (false_negative == 0 && false_positive == 0) return 1.0;
  const Int128 numerator = 2 * (true_positive * true_negative - false_negative * false_positive);
  const Int128 denominator = (true_positive + false_negative) * (false_negative + true_negative) +
                             (true_positive + false_positive) * (false_positive + true_negative);
  return static_cast<double>(numerator) / static_cast<double>(denominator);
}

}  // namespace growthlens::ml
