#include "ml/chunk_lanes.h"

#include <algorithm>

#include "core/parallel.h"

namespace growthlens::ml {

ChunkLanes::ChunkLanes(const FeatureMatrix& x, std::span<const double> row_norms2, unsigned threads)
    : rows_(x.rows()),
      dims_(x.cols()),
      groups_((RowChunks(x.rows()).count() + kLaneChunks - 1) / kLaneChunks),
      packs_(groups_ * kRowsPerChunk * (x.cols() + 1)),
      lane_rows_(groups_) {
  const RowChunks chunks(rows_);
  // Group by group (a group's chunks share cache lines), each value stored alone.
  double* values = reinterpret_cast<double*>(packs_.data());
  ParallelFor(groups_, threads, [&](size_t group) {
    for (size_t lane = 0; lane < kLaneChunks; ++lane) {
      const size_t chunk_idx = group * kLaneChunks + lane;
      const RowRange range = chunk_idx < chunks.count() ? chunks[chunk_idx] : RowRange{};
      lane_rows_[group].lanes[lane] = static_cast<int64_t>(range.size());
      for (size_t row_idx = range.begin; row_idx < range.end; ++row_idx) {
        double* at = values +
                     (group * kRowsPerChunk + row_idx - range.begin) * (dims_ + 1) * kLaneChunks +
                     lane;
        const std::span<const double> row = x.row(row_idx);
        for (size_t dim = 0; dim < dims_; ++dim) at[dim * kLaneChunks] = row[dim];
        at[dims_ * kLaneChunks] = row_norms2[row_idx];
      }
    }
  });
}

size_t ChunkLanes::ChunksIn(size_t group) const {
  return std::min(kLaneChunks, RowChunks(rows_).count() - group * kLaneChunks);
}

}  // namespace growthlens::ml
