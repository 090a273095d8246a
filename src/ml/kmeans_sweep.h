#pragma once
// Choosing k: fit KMeans for every k in a range and report inertia, silhouette, Davies-Bouldin
// and Calinski-Harabasz per k; the suggested k has the best silhouette (ties: the smaller k).
// The silhouette is exact up to a configurable number of rows and sampled (seeded) beyond.
// Optionally, refits with other seeds measure stability as the mean adjusted Rand index
// against the main fit (1 = the same segments whatever the seed).
//
//   KSweepOptions options;  // k = 2..10
//   Result<KSweepResult> sweep = SweepK(scaled_rfm, options);
//   Use(sweep->best_k, sweep->rows);

#include <cstdint>
#include <optional>
#include <stop_token>
#include <vector>

#include "core/status.h"
#include "ml/feature_matrix.h"
#include "ml/kmeans.h"

namespace growthlens::ml {

struct KSweepOptions {
  size_t k_min = 2;
  size_t k_max = 10;
  KMeansOptions kmeans;                       // everything but k
  size_t exact_silhouette_max_rows = 20'000;  // exact at or below, sampled above
  size_t silhouette_sample_size = 10'000;
  uint64_t silhouette_seed = 0;
  size_t stability_seeds = 0;  // extra fits per k with seeds kmeans.seed + 1, + 2, ...
  std::stop_token stop;        // requested: the sweep ends before its next k
  /// Also keep the fit of this k (KSweepResult::kept_fit), when it lies in the range: the
  /// default four persona tiers take their model from the sweep instead of fitting it again.
  std::optional<size_t> keep_k;
};

struct KSweepRow {
  size_t k = 0;
  double inertia = 0;
  double silhouette = 0;
  size_t silhouette_rows = 0;  // rows the silhouette was computed on
  bool silhouette_exact = false;
  double davies_bouldin = 0;
  double calinski_harabasz = 0;
  size_t n_iter = 0;
  std::optional<double> stability_ari;  // mean ARI of the extra fits against this one
};

struct KSweepResult {
  std::vector<KSweepRow> rows;           // ascending k
  size_t best_k = 0;                     // highest silhouette
  KMeansResult best_fit;                 // the fit for best_k
  std::optional<KMeansResult> kept_fit;  // the fit for KSweepOptions::keep_k
};

/// Errors: k_min < 2, k_min > k_max, k_max > rows - 1, and anything FitKMeans or the metrics
/// reject (with the k in the message).
Result<KSweepResult> SweepK(const FeatureMatrix& x, const KSweepOptions& options);

}  // namespace growthlens::ml
