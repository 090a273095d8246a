#pragma once
// KMeans as scikit-learn 1.2's KMeans (algorithm="lloyd"): greedy k-means++ seeding, n_init
// runs keeping the lowest inertia, the same convergence rules and the same final relabelling,
// on every core, deterministic for a seed whatever the number of threads.
//
//   KMeansOptions options;
//   options.k = 4;
//   Result<KMeansResult> fit = FitKMeans(scaled_rfm, options);
//   if (fit.ok()) Use(fit->labels, fit->centres, fit->inertia);
//
// Definitions (each matches scikit-learn's KMeans):
//  * Data are centred on their column means before fitting (centres are reported uncentred).
//  * Absolute tolerance = tol * mean over columns of the population variance. A run stops when
//    the labels of an iteration equal those of the previous one ("strict convergence"), else
//    when the sum over centres of the squared centre shift is <= that tolerance, else after
//    max_iter iterations. n_iter counts the iterations run, including the last one.
//  * Unless the stop was strict, the rows are relabelled with the final centres (one more
//    assignment, no update), and inertia = sum of squared distances to the assigned centre.
//  * A later run replaces the best one only if its inertia is strictly lower and its clustering
//    is not the same partition (scikit-learn's _is_same_clustering).
//  * Empty clusters: when an update leaves clusters without rows, each empty cluster (in
//    increasing id) takes the row farthest from its own old centre (farthest first, ties to the
//    lower row index); the row's contribution moves from its cluster's sums to the empty one,
//    but its label only changes at the next assignment. That is scikit-learn's rule
//    (_relocate_empty_clusters_dense), whose tie order is unspecified; ours is fixed.
//  * The algorithm is Lloyd's: every row against every centre, every iteration. (A bit-exact
//    Hamerly variant was removed: slower than Lloyd for the k <= 10 of segmentation, and
//    selectable by no command; see docs/BENCHMARKS.md.)

#include <cstddef>
#include <cstdint>
#include <span>
#include <stop_token>
#include <vector>

#include "core/status.h"
#include "ml/feature_matrix.h"

namespace growthlens::ml {

struct KMeansOptions {
  size_t k = 8;
  size_t n_init = 10;  // scikit-learn 1.2's default
  size_t max_iter = 300;
  double tol = 1e-4;     // relative to the mean column variance
  uint64_t seed = 0;     // seeds a std::mt19937_64 shared by the n_init seedings, in order
  unsigned threads = 0;  // 0 = every core
  // Requested when nobody waits for the fit: the initialisations not yet started are skipped and
  // the fit fails (a server client that left; n_init can be 100).
  std::stop_token stop;
};

struct KMeansResult {
  FeatureMatrix centres;                 // k x d, in the units of the input
  std::vector<int32_t> labels;           // 0..k-1 per row
  double inertia = 0;                    // sum of squared distances to the assigned centre
  size_t n_iter = 0;                     // iterations of the kept run
  bool converged = false;                // false when the kept run hit max_iter
  size_t best_init = 0;                  // which of the n_init runs was kept
  size_t empty_cluster_relocations = 0;  // in the kept run
};

/// k-means++ seeding then Lloyd, n_init times. Errors: k < 1, k > rows, no columns,
/// non-finite values, n_init or max_iter 0, negative tol.
Result<KMeansResult> FitKMeans(const FeatureMatrix& x, const KMeansOptions& options);

/// One run from the given initial centres (k x d; options.k and n_init are ignored), as
/// scikit-learn's KMeans(init=centres, n_init=1).
Result<KMeansResult> FitKMeansFrom(const FeatureMatrix& x, const FeatureMatrix& initial_centres,
                                   const KMeansOptions& options);

/// Nearest centre of every row and the resulting inertia (scikit-learn's predict / score).
struct Assignment {
  std::vector<int32_t> labels;
  double inertia = 0;
};
Result<Assignment> AssignToCentres(const FeatureMatrix& x, const FeatureMatrix& centres,
                                   unsigned threads = 0);

}  // namespace growthlens::ml
