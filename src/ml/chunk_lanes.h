#pragma once
// ChunkLanes: KMeans' rows laid out so that one SIMD register holds the same position of
// kLaneChunks consecutive row chunks (row_chunks.h). Lane j of position i of group g is row i
// of chunk g * kLaneChunks + j. A kernel that walks a group's positions in order adds each
// chunk's rows, in row order, within that chunk's own lane: per-chunk sums come out bit for
// bit as a scalar pass over each chunk computes them (so results still do not depend on the
// thread count), while each instruction serves eight chunks. Used by Lloyd's assignment with
// its cluster sums (lloyd_step) and by the k-means++ potentials (kmeans_plusplus).
//
//   const ChunkLanes lanes(rows.x, rows.row_norms2);
//   for (size_t position = 0; position < kRowsPerChunk; ++position) {
//     const LanePack* at = lanes.At(group, position);  // dims() coordinates, then ||x||^2
//     ...
//   }

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "ml/feature_matrix.h"
#include "ml/row_chunks.h"

namespace growthlens::ml {

inline constexpr size_t kLaneChunks = 8;

/// Eight doubles handled as one value (GCC vector extension): one AVX-512 register, two AVX
/// or four SSE2 registers. may_alias so packs can be read as doubles.
using Lanes = double __attribute__((vector_size(64), __may_alias__));
/// Lane indices, counts and comparison masks beside Lanes.
using LaneInts = int64_t __attribute__((vector_size(64), __may_alias__));

/// Wrappers so packs can live in std::vector with their natural alignment (attributes on
/// template arguments are dropped) and be passed around without vector-typed arguments or
/// returns (whose ABI depends on the target).
struct alignas(64) LanePack {
  Lanes lanes;
};
struct alignas(64) LaneIntPack {
  LaneInts lanes;
};

class ChunkLanes {
 public:
  ChunkLanes() = default;
  /// `row_norms2`: ||x_i||^2 of every row of `x`, copied as given (kernels must not recompute
  /// them: the scores would round differently from the other kernels'). Chunks are copied on
  /// `threads` threads (0 = all cores).
  ChunkLanes(const FeatureMatrix& x, std::span<const double> row_norms2, unsigned threads = 1);

  size_t rows() const { return rows_; }
  size_t dims() const { return dims_; }
  /// Groups of kLaneChunks chunks; the last may hold fewer chunks.
  size_t groups() const { return groups_; }
  /// Chunks in group `group` (kLaneChunks but for the last group).
  size_t ChunksIn(size_t group) const;
  /// The packs of one position of a group: dims() coordinates, then the squared norms. Lanes
  /// past the end of the rows hold zeros.
  const LanePack* At(size_t group, size_t position) const {
    return packs_.data() + (group * kRowsPerChunk + position) * (dims_ + 1);
  }
  /// Rows in each lane's chunk (0 for lanes past the last chunk): position p of lane j holds
  /// a row exactly when p < LaneRows(group)[j].
  const LaneIntPack& LaneRows(size_t group) const { return lane_rows_[group]; }

  /// The row at (group, position, lane).
  static size_t RowOf(size_t group, size_t position, size_t lane) {
    return (group * kLaneChunks + lane) * kRowsPerChunk + position;
  }

 private:
  size_t rows_ = 0;
  size_t dims_ = 0;
  size_t groups_ = 0;
  std::vector<LanePack> packs_;         // [group][position][dim, then the norm]
  std::vector<LaneIntPack> lane_rows_;  // [group]
};

}  // namespace growthlens::ml
