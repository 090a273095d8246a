#pragma once
// The policy that varies between KMeans algorithms: how rows get their nearest centre each
// iteration. The iteration loop (kmeans_run.h) is shared; it calls
//   step.BeginIteration(centres, table, shifts)  once per iteration, before any row, with how
//                                                far each centre moved since the previous call
//                                                (empty on the first call);
//   step.AssignRows(rows, labels)                concurrently on disjoint row ranges; writes
//                                                the labels and returns how many changed.
// or, for a step that reads ChunkLanes (Lloyd's),
//   step.AssignGroup(group, labels, sums)        concurrently on disjoint lane groups; writes
//                                                the labels, adds the group's chunks' cluster
//                                                sums when `sums` is given, and returns how
//                                                many labels changed.
// Any step must produce exactly the labels of CentreTable's argmin (Lloyd's), so the policy
// changes the speed, never the result.

#include <concepts>
#include <cstdint>
#include <span>

#include "ml/centre_table.h"
#include "ml/cluster_sums.h"
#include "ml/feature_matrix.h"
#include "ml/row_chunks.h"

namespace growthlens::ml {

template <typename Step>
concept AssignmentStep = requires(Step step, const FeatureMatrix& centres, const CentreTable& table,
                                  std::span<const double> shifts, RowRange rows,
                                  std::span<int32_t> labels) {
  step.BeginIteration(centres, table, shifts);
  { step.AssignRows(rows, labels) } -> std::same_as<size_t>;
};

template <typename Step>
concept GroupAssignmentStep = requires(Step step, const FeatureMatrix& centres,
                                       const CentreTable& table, std::span<const double> shifts,
                                       size_t group, std::span<int32_t> labels,
                                       ChunkedClusterSums* sums) {
  step.BeginIteration(centres, table, shifts);
  { step.AssignGroup(group, labels, sums) } -> std::same_as<size_t>;
};

}  // namespace growthlens::ml
