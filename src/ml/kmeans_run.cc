#include "ml/kmeans_run.h"

#include <numeric>
#include <utility>

#include "core/parallel.h"
#include "ml/cluster_sums.h"
#include "ml/empty_clusters.h"
#include "ml/lloyd_step.h"
#include "ml/row_chunks.h"

namespace growthlens::ml {

RunOutcome RunKMeans(const CentredRows& rows, FeatureMatrix initial_centres,
                     const RunSettings& settings) {
  const FeatureMatrix& x = rows.x;
  FeatureMatrix centres = std::move(initial_centres);
  const RowChunks chunks(x.rows());
  ChunkedClusterSums partial_sums(chunks.count(), centres.rows(), x.cols());
  ClusterTotals totals;
  std::vector<double> shifts;  // empty: the first iteration has no previous centres
  LloydStep step(rows.lanes);

  RunOutcome outcome;
  outcome.labels.assign(x.rows(), -1);  // never a label, so iteration 0 cannot look converged
  // One assignment of every row (with the cluster sums when `sum`); returns the labels changed.
  std::vector<size_t> changed(rows.lanes.groups());
  const auto assign = [&](bool sum) {
    ParallelFor(changed.size(), settings.threads, [&](size_t group) {
      changed[group] = step.AssignGroup(group, outcome.labels, sum ? &partial_sums : nullptr);
    });
    return std::accumulate(changed.begin(), changed.end(), size_t{0});
  };
  bool strict = false;
  for (size_t iteration = 0; iteration < settings.max_iter; ++iteration) {
    step.BeginIteration(CentreTable(centres));
    const size_t changed_labels = assign(/*sum=*/true);
    partial_sums.Merge(totals, settings.threads);
    outcome.empty_cluster_relocations +=
        RelocateEmptyClusters(x, centres, outcome.labels, totals, settings.threads);
    FeatureMatrix new_centres = AverageCentres(totals);
    const double shift_total = CentreShifts(centres, new_centres, shifts);
    centres = std::move(new_centres);
    outcome.n_iter = iteration + 1;

    if (changed_labels == 0) {
      strict = true;
      break;
    }
    if (shift_total <= settings.absolute_tol) {
      outcome.converged = true;
      break;
    }
  }
  outcome.converged = outcome.converged || strict;
  if (!strict) {
    // Labels from the last assignment belong to the previous centres: relabel (no update).
    step.BeginIteration(CentreTable(centres));
    assign(/*sum=*/false);
  }
  outcome.inertia = InertiaOf(x, centres, outcome.labels, settings.threads);
  outcome.centres = std::move(centres);
  return outcome;
}

}  // namespace growthlens::ml
