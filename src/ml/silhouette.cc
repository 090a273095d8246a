#include "ml/silhouette.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <random>
#include <string>

#include "core/parallel.h"
#include "ml/cluster_labels.h"
#include "ml/distance_sums.h"
#include "ml/seeded_draws.h"

namespace growthlens::ml {

namespace {

// A row block's partial sums stay small; a column tile of 2,048 points x 8 dims (128 KB) stays
// in L2 while all the block's rows pass over it.
constexpr size_t kBlockRows = 64;
constexpr size_t kTileColumns = 2048;
constexpr size_t kPadding = 8;  // readable zero slots past the last point (ColumnMajorPoints)

// Rows ordered by cluster, stored column-major.
struct SortedPoints {
  std::vector<size_t> order;          // sorted position -> original row
  std::vector<size_t> cluster_begin;  // sorted position of each cluster's first row; + end
  std::vector<int32_t> sorted_codes;  // cluster of each sorted position
  std::vector<double> coords;         // [dim][position], padded
  ColumnMajorPoints points;
};

SortedPoints SortByCluster(const FeatureMatrix& x, const DenseLabels& dense) {
  SortedPoints sorted;
  const size_t rows = x.rows();
  sorted.cluster_begin.assign(dense.clusters() + 1, 0);
  for (size_t code = 0; code < dense.clusters(); ++code)
    sorted.cluster_begin[code + 1] =
        sorted.cluster_begin[code] + static_cast<size_t>(dense.sizes[code]);
  std::vector<size_t> next(sorted.cluster_begin.begin(), sorted.cluster_begin.end() - 1);
  sorted.order.resize(rows);
  sorted.sorted_codes.resize(rows);
  for (size_t row_idx = 0; row_idx < rows; ++row_idx) {
    const size_t code = static_cast<size_t>(dense.codes[row_idx]);
    sorted.sorted_codes[next[code]] = static_cast<int32_t>(code);
    sorted.order[next[code]++] = row_idx;
  }
  const size_t stride = rows + kPadding;
  sorted.coords.assign(x.cols() * stride, 0.0);
  for (size_t position = 0; position < rows; ++position) {
    const std::span<const double> row = x.row(sorted.order[position]);
    for (size_t dim = 0; dim < x.cols(); ++dim) sorted.coords[dim * stride + position] = row[dim];
  }
  sorted.points = ColumnMajorPoints{sorted.coords.data(), stride, x.cols()};
  return sorted;
}

// s for one row from its distance sums per cluster (scikit-learn's _silhouette_reduce and the
// nan_to_num of silhouette_samples: a row alone in its cluster, or with a = b = 0, gets 0).
double SilhouetteOf(std::span<const double> cluster_sums, size_t own,
                    std::span<const int64_t> sizes) {
  if (sizes[own] <= 1) return 0.0;
  const double intra = cluster_sums[own] / static_cast<double>(sizes[own] - 1);
  double inter = std::numeric_limits<double>::infinity();
  for (size_t code = 0; code < sizes.size(); ++code) {
    if (code != own) inter = std::min(inter, cluster_sums[code] / static_cast<double>(sizes[code]));
  }
  const double larger = std::max(intra, inter);
  return larger == 0.0 ? 0.0 : (inter - intra) / larger;
}

// All per-row silhouettes, in the original row order.
std::vector<double> ExactSilhouettes(const FeatureMatrix& x, const DenseLabels& dense,
                                     unsigned threads) {
  const SortedPoints sorted = SortByCluster(x, dense);
  const size_t rows = x.rows();
  const size_t dims = x.cols();
  const size_t clusters = dense.clusters();
  const DistanceSumsFn kernel = BestDistanceSums();
  std::vector<double> silhouettes(rows);
  const size_t blocks = (rows + kBlockRows - 1) / kBlockRows;
  ParallelFor(blocks, threads, [&](size_t block_idx) {
    const size_t block_begin = block_idx * kBlockRows;
    const size_t block_rows = std::min(kBlockRows, rows - block_begin);
    const size_t groups = (block_rows + kDistanceSumRows - 1) / kDistanceSumRows;
    // The block's rows, row-major, in groups of four (the last group repeats its last row).
    std::vector<double> row_values(groups * kDistanceSumRows * dims);
    for (size_t slot = 0; slot < groups * kDistanceSumRows; ++slot) {
      const size_t position = block_begin + std::min(slot, block_rows - 1);
      for (size_t dim = 0; dim < dims; ++dim)
        row_values[slot * dims + dim] = sorted.coords[dim * sorted.points.stride + position];
    }
    std::vector<double> sums(groups * kDistanceSumRows * clusters, 0.0);
    for (size_t tile_begin = 0; tile_begin < rows; tile_begin += kTileColumns) {
      const size_t tile_end = std::min(rows, tile_begin + kTileColumns);
      for (size_t group = 0; group < groups; ++group) {
        const double* group_rows = row_values.data() + group * kDistanceSumRows * dims;
        // Pieces of the tile that belong to one cluster each.
        size_t piece_begin = tile_begin;
        while (piece_begin < tile_end) {
          const size_t code = static_cast<size_t>(sorted.sorted_codes[piece_begin]);
          const size_t piece_end = std::min(tile_end, sorted.cluster_begin[code + 1]);
          double piece_sums[kDistanceSumRows] = {0, 0, 0, 0};
          kernel(sorted.points, piece_begin, piece_end, group_rows, piece_sums);
          for (size_t slot = 0; slot < kDistanceSumRows; ++slot)
            sums[(group * kDistanceSumRows + slot) * clusters + code] += piece_sums[slot];
          piece_begin = piece_end;
        }
      }
    }
    for (size_t offset = 0; offset < block_rows; ++offset) {
      const size_t position = block_begin + offset;
      silhouettes[sorted.order[position]] =
          SilhouetteOf(std::span<const double>(sums).subspan(offset * clusters, clusters),
                       static_cast<size_t>(sorted.sorted_codes[position]), dense.sizes);
    }
  });
  return silhouettes;
}

}  // namespace

Result<std::vector<double>> SilhouetteSamples(const FeatureMatrix& x,
                                              std::span<const int32_t> labels, unsigned threads) {
  GROWTHLENS_RETURN_IF_ERROR(x.CheckFinite().WithContext("silhouette"));
  const DenseLabels dense = EncodeLabels(labels);
  GROWTHLENS_RETURN_IF_ERROR(CheckClusterLabels(x.rows(), labels, dense.clusters(), "silhouette"));
  return ExactSilhouettes(x, dense, threads);
}

Result<double> SilhouetteScore(const FeatureMatrix& x, std::span<const int32_t> labels,
                               unsigned threads) {
  Result<std::vector<double>> samples = SilhouetteSamples(x, labels, threads);
  if (!samples.ok()) return samples.status();
  // Row order, one thread: the same sum whatever the thread count.
  double total = 0;
  for (const double value : *samples) total += value;
  return total / static_cast<double>(samples->size());
}

Result<SampledSilhouette> SampledSilhouetteScore(const FeatureMatrix& x,
                                                 std::span<const int32_t> labels,
                                                 size_t sample_size, uint64_t seed,
                                                 unsigned threads) {
  if (labels.size() != x.rows()) {
    return Status(ErrorCode::kInvalidArgument, "silhouette: " + std::to_string(labels.size()) +
                                                   " labels for " + std::to_string(x.rows()) +
                                                   " rows");
  }
  if (sample_size >= x.rows()) {
    Result<double> score = SilhouetteScore(x, labels, threads);
    if (!score.ok()) return score.status();
    return SampledSilhouette{*score, x.rows(), true};
  }
  std::mt19937_64 rng(seed);
  std::vector<size_t> rows(x.rows());
  std::iota(rows.begin(), rows.end(), size_t{0});
  for (size_t draw = 0; draw < sample_size; ++draw)
    std::swap(rows[draw], rows[draw + UniformIndex(rng, rows.size() - draw)]);
  rows.resize(sample_size);
  std::sort(rows.begin(), rows.end());  // memory order; the score does not depend on it
  std::vector<int32_t> sample_labels(sample_size);
  for (size_t idx = 0; idx < sample_size; ++idx) sample_labels[idx] = labels[rows[idx]];
  Result<double> score = SilhouetteScore(x.SelectRows(rows), sample_labels, threads);
  if (!score.ok()) return score.status().WithContext("sample of " + std::to_string(sample_size));
  return SampledSilhouette{*score, sample_size, false};
}

}  // namespace growthlens::ml
