#include "ml/kmeans_sweep.h"

#include <string>

#include "ml/cluster_metrics.h"
#include "ml/silhouette.h"

namespace growthlens::ml {

namespace {

Status CheckRange(const FeatureMatrix& x, const KSweepOptions& options) {
  if (options.k_min < 2 || options.k_min > options.k_max) {
    return Status(ErrorCode::kInvalidArgument, "k sweep: need 2 <= k_min <= k_max, got " +
                                                   std::to_string(options.k_min) + ".." +
                                                   std::to_string(options.k_max));
  }
  if (options.k_max + 1 > x.rows()) {
    return Status(ErrorCode::kInvalidArgument,
                  "k sweep: k_max = " + std::to_string(options.k_max) + " needs at least " +
                      std::to_string(options.k_max + 1) + " rows, got " + std::to_string(x.rows()));
  }
  return Status::Ok();
}

Result<double> MeanStability(const FeatureMatrix& x, const KMeansOptions& kmeans,
                             const KMeansResult& reference, size_t seeds) {
  double total = 0;
  for (size_t offset = 1; offset <= seeds; ++offset) {
    KMeansOptions other = kmeans;
    other.seed = kmeans.seed + offset;
    Result<KMeansResult> refit = FitKMeans(x, other);
    if (!refit.ok()) return refit.status();
    Result<double> ari = AdjustedRandScore(reference.labels, refit->labels);
    if (!ari.ok()) return ari.status();
    total += *ari;
  }
  return total / static_cast<double>(seeds);
}

Result<KSweepRow> Evaluate(const FeatureMatrix& x, const KSweepOptions& options,
                           const KMeansResult& fit, size_t k) {
  KSweepRow row;
  row.k = k;
  row.inertia = fit.inertia;
  row.n_iter = fit.n_iter;
  const unsigned threads = options.kmeans.threads;
  const size_t sample =
      x.rows() <= options.exact_silhouette_max_rows ? x.rows() : options.silhouette_sample_size;
  Result<SampledSilhouette> silhouette =
      SampledSilhouetteScore(x, fit.labels, sample, options.silhouette_seed, threads);
  if (!silhouette.ok()) return silhouette.status();
  row.silhouette = silhouette->score;
  row.silhouette_rows = silhouette->sample_size;
  row.silhouette_exact = silhouette->exact;
  Result<double> davies_bouldin = DaviesBouldinScore(x, fit.labels);
  if (!davies_bouldin.ok()) return davies_bouldin.status();
  row.davies_bouldin = *davies_bouldin;
  Result<double> calinski_harabasz = CalinskiHarabaszScore(x, fit.labels);
  if (!calinski_harabasz.ok()) return calinski_harabasz.status();
  row.calinski_harabasz = *calinski_harabasz;
  if (options.stability_seeds > 0) {
    KMeansOptions kmeans = options.kmeans;
    kmeans.k = k;
    Result<double> stability = MeanStability(x, kmeans, fit, options.stability_seeds);
    if (!stability.ok()) return stability.status();
    row.stability_ari = *stability;
  }
  return row;
}

}  // namespace

Result<KSweepResult> SweepK(const FeatureMatrix& x, const KSweepOptions& options) {
  GROWTHLENS_RETURN_IF_ERROR(CheckRange(x, options));
  KSweepResult sweep;
  for (size_t k = options.k_min; k <= options.k_max; ++k) {
    const std::string context = "k sweep, k = " + std::to_string(k);
    if (options.stop.stop_requested())
      return Status(ErrorCode::kInternal, "stopped before k = " + std::to_string(k));
    KMeansOptions kmeans = options.kmeans;
    kmeans.k = k;
    Result<KMeansResult> fit = FitKMeans(x, kmeans);
    if (!fit.ok()) return fit.status().WithContext(context);
    Result<KSweepRow> row = Evaluate(x, options, *fit, k);
    if (!row.ok()) return row.status().WithContext(context);
    if (options.keep_k == k) sweep.kept_fit = *fit;
    if (sweep.rows.empty() ||
        row->silhouette > sweep.rows[sweep.best_k - options.k_min].silhouette) {
      sweep.best_k = k;
      sweep.best_fit = std::move(fit).value();
    }
    sweep.rows.push_back(std::move(row).value());
  }
  return sweep;
}

}  // namespace growthlens::ml
