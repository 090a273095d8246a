#include "ml/cluster_sums.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/parallel.h"
#include "core/target_clones.h"
#include "ml/centred_rows.h"

namespace growthlens::ml {

namespace {

// Below this many additions a parallel merge costs more in thread start-up than it saves.
constexpr size_t kParallelMergeAdds = size_t{1} << 20;

// Four doubles as one value (GCC vector extension): one AVX register, two SSE2 registers.
using Pack4 = double __attribute__((vector_size(32)));

// kDims > 0: the row length known at compile time, added four doubles at a time when it is a
// multiple of four (written out: the compiler does not vectorise the scalar loop, as it cannot
// rule out that the sums overlap the rows).
template <size_t kDims>
[[gnu::always_inline]] inline void AddRowsOf(const double* rows, size_t count, size_t dims,
                                             const int32_t* labels, double* sums, int64_t* counts) {
  const size_t width = kDims > 0 ? kDims : dims;
  for (size_t row_idx = 0; row_idx < count; ++row_idx) {
    const size_t label = static_cast<size_t>(labels[row_idx]);
    const double* row = rows + row_idx * width;
    double* target = sums + label * width;
    if constexpr (kDims > 0 && kDims % 4 == 0) {
      for (size_t dim = 0; dim < kDims; dim += 4) {
        Pack4 total;
        Pack4 value;
        std::memcpy(&total, target + dim, sizeof(Pack4));
        std::memcpy(&value, row + dim, sizeof(Pack4));
        total += value;
        std::memcpy(target + dim, &total, sizeof(Pack4));
      }
    } else {
      for (size_t dim = 0; dim < width; ++dim) target[dim] += row[dim];
    }
    ++counts[label];
  }
}

// Additions only, so the AVX2 clone and the baseline give the same bits.
GROWTHLENS_TARGET_CLONES("arch=x86-64-v3", "default")
void AddRows(const double* rows, size_t count, size_t dims, const int32_t* labels, double* sums,
             int64_t* counts) {
  switch (dims) {  // the usual feature counts: RFM (3), RFM plus a few features, 8
    case 2:
      return AddRowsOf<2>(rows, count, dims, labels, sums, counts);
    case 3:
      return AddRowsOf<3>(rows, count, dims, labels, sums, counts);
    case 4:
      return AddRowsOf<4>(rows, count, dims, labels, sums, counts);
    case 5:
      return AddRowsOf<5>(rows, count, dims, labels, sums, counts);
    case 6:
      return AddRowsOf<6>(rows, count, dims, labels, sums, counts);
    case 8:
      return AddRowsOf<8>(rows, count, dims, labels, sums, counts);
    default:
      return AddRowsOf<0>(rows, count, dims, labels, sums, counts);
  }
}

}  // namespace

ChunkedClusterSums::ChunkedClusterSums(size_t chunks, size_t k, size_t dims)
    : chunks_(chunks), k_(k), dims_(dims), sums_(chunks * k * dims), counts_(chunks * k) {}

void ChunkedClusterSums::Accumulate(size_t chunk_idx, const FeatureMatrix& x, RowRange range,
                                    std::span<const int32_t> labels) {
  double* sums = sums_.data() + chunk_idx * k_ * dims_;
  int64_t* counts = counts_.data() + chunk_idx * k_;
  std::fill(sums, sums + k_ * dims_, 0.0);
  std::fill(counts, counts + k_, 0);
  AddRows(x.values().data() + range.begin * dims_, range.size(), dims_, labels.data() + range.begin,
          sums, counts);
}

void ChunkedClusterSums::Merge(ClusterTotals& totals, unsigned threads) const {
  totals.sums = FeatureMatrix(k_, dims_);
  totals.counts.assign(k_, 0);
  // Each cluster is summed over chunks in chunk order, whichever thread does it.
  auto merge_cluster = [&](size_t cluster) {
    std::span<double> target = totals.sums.row(cluster);
    int64_t count = 0;
    for (size_t chunk_idx = 0; chunk_idx < chunks_; ++chunk_idx) {
      const double* source = sums_.data() + (chunk_idx * k_ + cluster) * dims_;
      for (size_t dim = 0; dim < dims_; ++dim) target[dim] += source[dim];
      count += counts_[chunk_idx * k_ + cluster];
    }
    totals.counts[cluster] = count;
  };
  const bool parallel = chunks_ * k_ * dims_ >= kParallelMergeAdds;
  ParallelFor(k_, parallel ? threads : 1u, merge_cluster);
}

FeatureMatrix AverageCentres(const ClusterTotals& totals) {
  FeatureMatrix centres = totals.sums;
  for (size_t cluster = 0; cluster < centres.rows(); ++cluster) {
    if (totals.counts[cluster] <= 0) continue;
    const double alpha = 1.0 / static_cast<double>(totals.counts[cluster]);
    for (double& value : centres.row(cluster)) value *= alpha;
  }
  return centres;
}

double CentreShifts(const FeatureMatrix& old_centres, const FeatureMatrix& new_centres,
                    std::vector<double>& shifts) {
  shifts.resize(old_centres.rows());
  double total = 0;
  for (size_t cluster = 0; cluster < old_centres.rows(); ++cluster) {
    const double squared = SquaredDistance(old_centres.row(cluster).data(),
                                           new_centres.row(cluster).data(), old_centres.cols());
    shifts[cluster] = std::sqrt(squared);
    total += shifts[cluster] * shifts[cluster];
  }
  return total;
}

}  // namespace growthlens::ml
