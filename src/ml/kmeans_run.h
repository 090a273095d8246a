#pragma once
// One KMeans run from given initial centres: the iteration loop of scikit-learn's
// _kmeans_single_lloyd. Each iteration assigns and accumulates every row chunk (LloydStep: one
// pass over the data, chunk partials merged in order), relocates empty clusters, averages, and
// tests convergence; see kmeans.h for the rules.

#include <cstdint>
#include <vector>

#include "ml/centred_rows.h"
#include "ml/feature_matrix.h"
#include "ml/kmeans.h"

namespace growthlens::ml {

struct RunSettings {
  size_t max_iter = 300;
  double absolute_tol = 0;  // tol * mean column variance
  unsigned threads = 0;
};

struct RunOutcome {
  FeatureMatrix centres;  // in the centred coordinates of `rows`
  std::vector<int32_t> labels;
  double inertia = 0;
  size_t n_iter = 0;
  bool converged = false;
  size_t empty_cluster_relocations = 0;
};

RunOutcome RunKMeans(const CentredRows& rows, FeatureMatrix initial_centres,
                     const RunSettings& settings);

}  // namespace growthlens::ml
