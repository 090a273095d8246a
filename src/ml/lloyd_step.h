#pragma once
// Lloyd's assignment: every row scored against every centre, every iteration. Rows are read
// from ChunkLanes, eight chunks at a time, and each group's pass also adds its rows to their
// chunks' cluster sums (the update step's input): one pass over the data per iteration, the
// sums bit for bit those of ChunkedClusterSums::Accumulate chunk by chunk.

#include <cstdint>
#include <span>

#include "ml/centre_table.h"
#include "ml/chunk_lanes.h"
#include "ml/cluster_sums.h"
#include "ml/lane_centres.h"

namespace growthlens::ml {

class LloydStep {
 public:
  explicit LloydStep(const ChunkLanes& lanes) : lanes_(&lanes) {}

  /// Takes the iteration's centres, before any group is assigned.
  void BeginIteration(const CentreTable& table) { centres_ = LaneCentres(table); }
  /// Labels of the rows of lane group `group` (CentreTable's argmin, first index on ties) and,
  /// when `sums` is given, the cluster sums of the group's chunks; returns how many labels
  /// changed. Groups may be assigned concurrently.
  size_t AssignGroup(size_t group, std::span<int32_t> labels, ChunkedClusterSums* sums) const;

 private:
  const ChunkLanes* lanes_;
  LaneCentres centres_;
};

}  // namespace growthlens::ml
