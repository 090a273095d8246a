#include "ml/kmeans.h"

#include <atomic>
#include <cmath>
#include <limits>
#include <random>
#include <string>

#include "core/parallel.h"
#include "ml/centre_table.h"
#include "ml/centred_rows.h"
#include "ml/kmeans_plusplus.h"
#include "ml/kmeans_run.h"
#include "ml/row_chunks.h"

namespace growthlens::ml {

namespace {

Status InvalidArgument(const std::string& message) {
  return Status(ErrorCode::kInvalidArgument, "kmeans: " + message);
}

Status CheckData(const FeatureMatrix& x) {
  if (x.rows() == 0) return InvalidArgument("no rows to cluster");
  if (x.cols() == 0) return InvalidArgument("rows have no features");
  if (x.rows() > static_cast<size_t>(std::numeric_limits<int32_t>::max()))
    return InvalidArgument("more rows than 32-bit labels can number");
  return x.CheckFinite().WithContext("kmeans");
}

Status CheckOptions(const KMeansOptions& options) {
  if (options.n_init < 1) return InvalidArgument("n_init must be at least 1");
  if (options.max_iter < 1) return InvalidArgument("max_iter must be at least 1");
  if (!(options.tol >= 0) || !std::isfinite(options.tol))
    return InvalidArgument("tol must be a finite number >= 0, got " + std::to_string(options.tol));
  return Status::Ok();
}

Status CheckK(size_t k, size_t rows) {
  if (k < 1) return InvalidArgument("k must be at least 1");
  if (k > rows) {
    return InvalidArgument("k = " + std::to_string(k) + " is more than the " +
                           std::to_string(rows) + " rows");
  }
  return Status::Ok();
}

RunSettings SettingsFor(const KMeansOptions& options, const CentredRows& rows) {
  return RunSettings{options.max_iter, options.tol * rows.mean_variance, options.threads};
}

// scikit-learn's _is_same_clustering: `second` is `first` with clusters renamed.
bool SameClustering(const std::vector<int32_t>& first, const std::vector<int32_t>& second,
                    size_t k) {
  std::vector<int32_t> mapping(k, -1);
  for (size_t row_idx = 0; row_idx < first.size(); ++row_idx) {
    int32_t& mapped = mapping[static_cast<size_t>(first[row_idx])];
    if (mapped == -1) {
      mapped = second[row_idx];
    } else if (mapped != second[row_idx]) {
      return false;
    }
  }
  return true;
}

KMeansResult Uncentred(RunOutcome&& outcome, const CentredRows& rows, size_t init_idx) {
  KMeansResult result;
  result.centres = std::move(outcome.centres);
  for (size_t cluster = 0; cluster < result.centres.rows(); ++cluster) {
    const std::span<double> centre = result.centres.row(cluster);
    for (size_t dim = 0; dim < centre.size(); ++dim) centre[dim] += rows.mean[dim];
  }
  result.labels = std::move(outcome.labels);
  result.inertia = outcome.inertia;
  result.n_iter = outcome.n_iter;
  result.converged = outcome.converged;
  result.best_init = init_idx;
  result.empty_cluster_relocations = outcome.empty_cluster_relocations;
  return result;
}

}  // namespace

Result<KMeansResult> FitKMeans(const FeatureMatrix& x, const KMeansOptions& options) {
  GROWTHLENS_RETURN_IF_ERROR(CheckData(x));
  GROWTHLENS_RETURN_IF_ERROR(CheckOptions(options));
  GROWTHLENS_RETURN_IF_ERROR(CheckK(options.k, x.rows()));
  const CentredRows rows = CentredRows::From(x, options.threads);
  const RunSettings settings = SettingsFor(options, rows);
  // The seedings share one generator, so they run in order; the runs are independent and each
  // gives the same result on any number of threads. With several initialisations one thread
  // seeds them all in order while every thread (the seeder too, once done) takes the runs whose
  // seeds are ready, each run on one thread: no thread start-up or barrier per pass or
  // iteration (on a busy machine each barrier can wait a scheduler slice). The runs are
  // compared in order afterwards.
  const unsigned threads = options.threads == 0 ? HardwareThreads() : options.threads;
  const bool side_by_side = options.n_init > 1 && threads > 1;
  std::mt19937_64 rng(options.seed);
  std::vector<FeatureMatrix> initial_centres(options.n_init);
  std::vector<std::atomic<bool>> seeded(options.n_init);
  RunSettings run_settings = settings;
  if (side_by_side) run_settings.threads = 1;
  std::vector<RunOutcome> outcomes(options.n_init);
  std::atomic<size_t> next_run{0};
  const size_t workers = side_by_side ? std::min<size_t>(threads, options.n_init) : 1;
  std::atomic<size_t> next_worker{0};
  ParallelFor(workers, static_cast<unsigned>(workers), [&](size_t) {
    // The first thread to start seeds (so a helper that starts late never holds the seeds up).
    if (next_worker++ == 0) {
      for (size_t init_idx = 0; init_idx < options.n_init; ++init_idx) {
        if (!options.stop.stop_requested())
          initial_centres[init_idx] = rows.x.SelectRows(GreedyKMeansPlusPlus(
              rows.x, rows.lanes, options.k, rng, side_by_side ? 1 : options.threads));
        seeded[init_idx].store(true, std::memory_order_release);
        seeded[init_idx].notify_all();
      }
    }
    for (size_t init_idx = next_run++; init_idx < options.n_init; init_idx = next_run++) {
      seeded[init_idx].wait(false, std::memory_order_acquire);
      if (options.stop.stop_requested()) continue;
      outcomes[init_idx] = RunKMeans(rows, std::move(initial_centres[init_idx]), run_settings);
    }
  });
  if (options.stop.stop_requested())
    return Status(ErrorCode::kInternal, "kmeans stopped before its initialisations ended");
  size_t best_init = 0;
  for (size_t init_idx = 1; init_idx < options.n_init; ++init_idx) {
    const RunOutcome& outcome = outcomes[init_idx];
    const RunOutcome& best = outcomes[best_init];
    if (outcome.inertia < best.inertia && !SameClustering(outcome.labels, best.labels, options.k))
      best_init = init_idx;
  }
  return Uncentred(std::move(outcomes[best_init]), rows, best_init);
}

Result<KMeansResult> FitKMeansFrom(const FeatureMatrix& x, const FeatureMatrix& initial_centres,
                                   const KMeansOptions& options) {
  GROWTHLENS_RETURN_IF_ERROR(CheckData(x));
  GROWTHLENS_RETURN_IF_ERROR(CheckOptions(options));
  GROWTHLENS_RETURN_IF_ERROR(CheckK(initial_centres.rows(), x.rows()));
  if (initial_centres.cols() != x.cols()) {
    return InvalidArgument("initial centres have " + std::to_string(initial_centres.cols()) +
                           " features, the rows " + std::to_string(x.cols()));
  }
  GROWTHLENS_RETURN_IF_ERROR(initial_centres.CheckFinite().WithContext("kmeans initial centres"));
  const CentredRows rows = CentredRows::From(x, options.threads);
  FeatureMatrix centres = initial_centres;
  for (size_t cluster = 0; cluster < centres.rows(); ++cluster) {
    const std::span<double> centre = centres.row(cluster);
    for (size_t dim = 0; dim < centre.size(); ++dim) centre[dim] -= rows.mean[dim];
  }
  return Uncentred(RunKMeans(rows, std::move(centres), SettingsFor(options, rows)), rows, 0);
}

Result<Assignment> AssignToCentres(const FeatureMatrix& x, const FeatureMatrix& centres,
                                   unsigned threads) {
  GROWTHLENS_RETURN_IF_ERROR(x.CheckFinite().WithContext("kmeans assignment"));
  if (centres.rows() == 0) return InvalidArgument("no centres to assign to");
  if (centres.cols() != x.cols()) {
    return InvalidArgument("centres have " + std::to_string(centres.cols()) +
                           " features, the rows " + std::to_string(x.cols()));
  }
  GROWTHLENS_RETURN_IF_ERROR(centres.CheckFinite().WithContext("kmeans centres"));
  Assignment assignment;
  assignment.labels.resize(x.rows());
  const CentreTable table(centres);
  const RowChunks chunks(x.rows());
  ParallelFor(chunks.count(), threads, [&](size_t chunk_idx) {
    const RowRange range = chunks[chunk_idx];
    if (range.size() == 0) return;
    table.NearestRows(x.row(range.begin).data(), range.size(),
                      assignment.labels.data() + range.begin);
  });
  assignment.inertia = InertiaOf(x, centres, assignment.labels, threads);
  return assignment;
}

}  // namespace growthlens::ml
