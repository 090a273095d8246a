#include "ml/lloyd_step.h"

#include <cstring>
#include <utility>
#include <vector>

#include "core/target_clones.h"

namespace growthlens::ml {

namespace {

// Accumulators for up to this many (cluster, dim) pairs live on the stack.
constexpr size_t kStackSums = 128;
// Row widths whose sums are kept in registers (others go through memory).
constexpr size_t kMaxRegisterDims = 8;

// Selections are written as bit masks (GCC expands vector ?: into per-lane branches here).
// Adding a masked-out lane adds +0.0, which leaves a sum unchanged: sums start at +0.0 and
// IEEE addition never makes -0.0 from it.

// The sums and counts of centres first .. first + kCentres - 1 over a group, position by
// position, so each chunk's rows are added in row order within its own lane. Several centres
// per pass keep several independent additions in flight. kDims > 0: the row width, the sums
// kept in registers; 0: any width, the sums in `sums` (zeroed by the caller).
template <size_t kDims, size_t kCentres>
[[gnu::always_inline]] inline void SumCentres(const ChunkLanes& lanes, size_t group,
                                              const LaneIntPack* nearest, size_t first,
                                              LanePack* sums, LaneIntPack* counts) {
  const size_t dims = kDims > 0 ? kDims : lanes.dims();
  Lanes registers[kCentres][kDims > 0 ? kDims : 1] = {};
  LaneInts members[kCentres] = {};
  for (size_t position = 0; position < kRowsPerChunk; ++position) {
    const LanePack* at = lanes.At(group, position);
    for (size_t centre = 0; centre < kCentres; ++centre) {
      const LaneInts member = nearest[position].lanes == static_cast<int64_t>(first + centre);
      members[centre] -= member;  // a member's mask is -1
      for (size_t dim = 0; dim < dims; ++dim) {
        const Lanes value = (Lanes)((LaneInts)at[dim].lanes & member);
        if constexpr (kDims > 0) {
          registers[centre][dim] += value;
        } else {
          sums[(first + centre) * dims + dim].lanes += value;
        }
      }
    }
  }
  for (size_t centre = 0; centre < kCentres; ++centre) {
    if constexpr (kDims > 0)
      for (size_t dim = 0; dim < kDims; ++dim)
        sums[(first + centre) * kDims + dim].lanes = registers[centre][dim];
    counts[first + centre].lanes = members[centre];
  }
}

// A group's labels (the nearest centre of each lane's row: a running minimum over the centres,
// replaced only by a strictly lower score, so the first index wins ties as in CentreTable's
// argmin), written with the changes counted; then with `sums` each lane's (cluster, dim) sums
// and cluster counts, centre by centre. kDims > 0: the row width, known at compile time.
template <size_t kDims>
[[gnu::always_inline]] inline size_t AssignGroupOf(const ChunkLanes& lanes, size_t group,
                                                   const LaneCentres& centres, int32_t* labels,
                                                   LanePack* sums, LaneIntPack* counts) {
  const size_t k = centres.k;
  const size_t dims = kDims > 0 ? kDims : centres.dims;
  const LaneInts lane_rows = lanes.LaneRows(group).lanes;
  LaneIntPack nearest_at[kRowsPerChunk];  // -1 in lanes without a row
  for (size_t position = 0; position < kRowsPerChunk; ++position) {
    const LanePack* at = lanes.At(group, position);
    Lanes best;
    LaneScore(at, centres, 0, dims, best);
    LaneInts nearest = {};
    for (size_t centre = 1; centre < k; ++centre) {
      Lanes score;
      LaneScore(at, centres, centre, dims, score);
      const LaneInts better = score < best;
      best = (Lanes)(((LaneInts)score & better) | ((LaneInts)best & ~better));
      nearest = (nearest & ~better) | (better & static_cast<int64_t>(centre));
    }
    const LaneInts valid = LaneInts{} + static_cast<int64_t>(position) < lane_rows;
    nearest_at[position].lanes = nearest | ~valid;
  }
  // Labels chunk by chunk, in row order.
  size_t changed = 0;
  const auto* nearest_values = reinterpret_cast<const int64_t*>(nearest_at);
  for (size_t lane = 0; lane < lanes.ChunksIn(group); ++lane) {
    int32_t* chunk_labels = labels + ChunkLanes::RowOf(group, 0, lane);
    const auto rows = static_cast<size_t>(lane_rows[lane]);
    for (size_t position = 0; position < rows; ++position) {
      const auto fresh = static_cast<int32_t>(nearest_values[position * kLaneChunks + lane]);
      changed += chunk_labels[position] != fresh ? 1 : 0;
      chunk_labels[position] = fresh;
    }
  }
  if (sums != nullptr) {
    size_t first = 0;
    for (; first + 4 <= k; first += 4)
      SumCentres<kDims, 4>(lanes, group, nearest_at, first, sums, counts);
    for (; first + 2 <= k; first += 2)
      SumCentres<kDims, 2>(lanes, group, nearest_at, first, sums, counts);
    if (first < k) SumCentres<kDims, 1>(lanes, group, nearest_at, first, sums, counts);
  }
  return changed;
}

template <size_t... kDims>
[[gnu::always_inline]] inline size_t AssignGroupDispatch(std::index_sequence<kDims...>,
                                                         const ChunkLanes& lanes, size_t group,
                                                         const LaneCentres& centres,
                                                         int32_t* labels, LanePack* sums,
                                                         LaneIntPack* counts) {
  size_t changed = 0;
  const bool done =
      ((centres.dims == kDims + 1 &&
        (changed = AssignGroupOf<kDims + 1>(lanes, group, centres, labels, sums, counts), true)) ||
       ...);
  return done ? changed : AssignGroupOf<0>(lanes, group, centres, labels, sums, counts);
}

// Compiled for AVX-512, AVX2 + FMA and the baseline; the loader picks one per CPU, whose
// multiply-adds round as CentreTable's clone for the same CPU does.
GROWTHLENS_TARGET_CLONES("arch=x86-64-v4", "arch=x86-64-v3", "default")
size_t AssignGroupKernel(const ChunkLanes& lanes, size_t group, const LaneCentres& centres,
                         int32_t* labels, LanePack* sums, LaneIntPack* counts) {
  return AssignGroupDispatch(std::make_index_sequence<kMaxRegisterDims>(), lanes, group, centres,
                             labels, sums, counts);
}

}  // namespace

size_t LloydStep::AssignGroup(size_t group, std::span<int32_t> labels,
                              ChunkedClusterSums* sums) const {
  const size_t k = centres_.k;
  const size_t dims = centres_.dims;
  if (sums == nullptr)
    return AssignGroupKernel(*lanes_, group, centres_, labels.data(), nullptr, nullptr);
  LanePack stack_sums[kStackSums];
  std::vector<LanePack> heap_sums(k * dims > kStackSums ? k * dims : 0);
  LanePack* lane_sums = k * dims > kStackSums ? heap_sums.data() : stack_sums;
  std::fill(lane_sums, lane_sums + k * dims, LanePack{});
  std::vector<LaneIntPack> lane_counts(k, LaneIntPack{});
  const size_t changed =
      AssignGroupKernel(*lanes_, group, centres_, labels.data(), lane_sums, lane_counts.data());
  for (size_t lane = 0; lane < lanes_->ChunksIn(group); ++lane) {
    const size_t chunk_idx = group * kLaneChunks + lane;
    const std::span<double> chunk_sums = sums->Sums(chunk_idx);
    const std::span<int64_t> chunk_counts = sums->Counts(chunk_idx);
    for (size_t cluster = 0; cluster < k; ++cluster) {
      chunk_counts[cluster] = lane_counts[cluster].lanes[lane];
      for (size_t dim = 0; dim < dims; ++dim)
        chunk_sums[cluster * dims + dim] = lane_sums[cluster * dims + dim].lanes[lane];
    }
  }
  return changed;
}

}  // namespace growthlens::ml
