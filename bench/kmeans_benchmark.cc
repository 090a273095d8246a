// Speed of the ML core on seeded synthetic blobs, the same points bench/sklearn_kmeans.py
// builds for scikit-learn (side by side: `bench/sklearn_kmeans.py --cpp <this binary>`):
//   * KMeans (Lloyd) on 1,000,000 x 8, k = 8, from rows 0..7, tol 1e-4; the
//     headline is time per Lloyd iteration (fit time / n_iter, as for scikit-learn).
//   * exact silhouette on 50,000 x 8 (8 blobs, true labels).
//   * the k sweep k = 2..10 on 200,000 x 3 (n_init 3; silhouette on a 10,000-row sample).
// Each benchmark checks its answer (n_iter, inertia, score are reported as counters so they can
// be compared with scikit-learn's) and reports points per second and peak memory.
//
//   build/bench/kmeans_benchmark --benchmark_counters_tabular=true

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "bench_util.h"
#include "ml/kmeans.h"
#include "ml/kmeans_sweep.h"
#include "ml/silhouette.h"

namespace growthlens {
namespace {

using ml::FeatureMatrix;

// The shared generator (mirrored in bench/sklearn_kmeans.py, bit for bit): uniform number i
// of a stream is SplitMix64 of seed + (i + 1) * golden gamma, top 53 bits. Blob centres are
// box * (2u - 1) from stream positions 0 .. k*d-1; row r belongs to blob r % k and its value in
// dimension f is centre + spread * z, z = (((u0 + u1) + u2) + u3 - 2) * sqrt(3) from the four
// uniforms at k*d + 4 (r d + f) (Irwin-Hall: unit variance, near-normal). Only exact integer
// operations and a fixed order of IEEE additions, so numpy produces the same doubles.
double StreamUniform(uint64_t seed, uint64_t index) {
  constexpr uint64_t kGoldenGamma = 0x9E3779B97F4A7C15ULL;
  uint64_t z = seed + (index + 1) * kGoldenGamma;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

struct Blobs {
  FeatureMatrix x;
  std::vector<int32_t> labels;
};

Blobs MakeBlobs(size_t rows, size_t dims, size_t k, uint64_t seed, double box, double spread) {
  std::vector<double> centres(k * dims);
  for (size_t idx = 0; idx < centres.size(); ++idx)
    centres[idx] = box * (2.0 * StreamUniform(seed, idx) - 1.0);
  const double sqrt3 = std::sqrt(3.0);
  Blobs blobs{FeatureMatrix(rows, dims), std::vector<int32_t>(rows)};
  for (size_t row = 0; row < rows; ++row) {
    const size_t blob = row % k;
    blobs.labels[row] = static_cast<int32_t>(blob);
    for (size_t dim = 0; dim < dims; ++dim) {
      const uint64_t base = k * dims + 4 * (row * dims + dim);
      const double sum = ((StreamUniform(seed, base) + StreamUniform(seed, base + 1)) +
                          StreamUniform(seed, base + 2)) +
                         StreamUniform(seed, base + 3);
      blobs.x(row, dim) = centres[blob * dims + dim] + spread * ((sum - 2.0) * sqrt3);
    }
  }
  return blobs;
}

// The three data sets (also in bench/sklearn_kmeans.py).
const Blobs& KMeansData() {
  static const Blobs blobs = MakeBlobs(1'000'000, 8, 8, /*seed=*/1, /*box=*/1.2, /*spread=*/1.0);
  return blobs;
}
const Blobs& SilhouetteData() {
  static const Blobs blobs = MakeBlobs(50'000, 8, 8, /*seed=*/2, /*box=*/3.0, /*spread=*/1.0);
  return blobs;
}
const Blobs& SweepData() {
  static const Blobs blobs = MakeBlobs(200'000, 3, 6, /*seed=*/3, /*box=*/4.0, /*spread=*/1.0);
  return blobs;
}

void Check(bool ok, benchmark::State& state, const char* what) {
  if (!ok) state.SkipWithError(what);
}

void AddMemoryCounter(benchmark::State& state) {
  state.counters["peak_rss_mb"] = static_cast<double>(bench::PeakRssBytes()) / 1e6;
}

void BM_KMeans(benchmark::State& state) {
  const FeatureMatrix& x = KMeansData().x;
  constexpr size_t kClusters = 8;
  std::vector<size_t> first_rows(kClusters);
  for (size_t idx = 0; idx < kClusters; ++idx) first_rows[idx] = idx;
  const FeatureMatrix init = x.SelectRows(first_rows);
  ml::KMeansOptions options;  // tol 1e-4, max_iter 300: scikit-learn's defaults
  size_t n_iter = 0;
  double inertia = 0;
  for (auto _ : state) {
    Result<ml::KMeansResult> fit = ml::FitKMeansFrom(x, init, options);
    Check(fit.ok(), state, "kmeans failed");
    if (!fit.ok()) return;
    n_iter = fit->n_iter;
    inertia = fit->inertia;
    benchmark::DoNotOptimize(fit->labels.data());
  }
  Check(n_iter > 5 && std::isfinite(inertia), state, "suspicious fit");
  const double lloyd_iterations = static_cast<double>(n_iter * state.iterations());
  state.counters["n_iter"] = static_cast<double>(n_iter);
  state.counters["inertia"] = inertia;
  // Seconds per Lloyd iteration (fit time / n_iter, as for scikit-learn's n_iter_).
  state.counters["time_per_iter"] = benchmark::Counter(
      lloyd_iterations, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["points_per_s"] = benchmark::Counter(
      lloyd_iterations * static_cast<double>(x.rows()), benchmark::Counter::kIsRate);
  AddMemoryCounter(state);
}
BENCHMARK(BM_KMeans)
    ->Name("BM_KMeans/Lloyd_1M_x8_k8")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_SilhouetteExact_50k_x8(benchmark::State& state) {
  const Blobs& data = SilhouetteData();
  double score = 0;
  for (auto _ : state) {
    Result<double> silhouette = ml::SilhouetteScore(data.x, data.labels);
    Check(silhouette.ok(), state, "silhouette failed");
    if (!silhouette.ok()) return;
    score = *silhouette;
  }
  Check(score > 0.0 && score < 1.0, state, "silhouette out of range");
  const double rows = static_cast<double>(data.x.rows());
  state.counters["score"] = score;
  state.counters["points_per_s"] = benchmark::Counter(
      rows * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["pairs_per_s"] = benchmark::Counter(
      rows * rows * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  AddMemoryCounter(state);
}
BENCHMARK(BM_SilhouetteExact_50k_x8)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_KSweep_200k_x3(benchmark::State& state) {
  const FeatureMatrix& x = SweepData().x;
  ml::KSweepOptions options;  // k = 2..10, exact silhouette up to 20,000 rows
  options.kmeans.n_init = 3;
  options.kmeans.seed = 0;
  size_t best_k = 0;
  for (auto _ : state) {
    Result<ml::KSweepResult> sweep = ml::SweepK(x, options);
    Check(sweep.ok(), state, "sweep failed");
    if (!sweep.ok()) return;
    best_k = sweep->best_k;
    Check(sweep->rows.size() == 9 && !sweep->rows.back().silhouette_exact &&
              sweep->rows.back().silhouette_rows == options.silhouette_sample_size,
          state, "unexpected sweep rows");
  }
  state.counters["best_k"] = static_cast<double>(best_k);
  state.counters["points_per_s"] = benchmark::Counter(
      static_cast<double>(x.rows() * 9 * state.iterations()), benchmark::Counter::kIsRate);
  AddMemoryCounter(state);
}
BENCHMARK(BM_KSweep_200k_x3)->Unit(benchmark::kMillisecond)->UseRealTime();

// What `growthlens analyze --k 4` fits on the 9M-row usage log: 170,042 users x 3 (scaled RFM
// there, blobs here), k = 4, n_init 10, then the silhouette on a 10,000-row sample; threads from
// the argument. The initialisations run side by side, so 2 threads should take about half.
void BM_KMeansK4Ninit10_170k_x3(benchmark::State& state) {
  static const Blobs blobs = MakeBlobs(170'042, 3, 4, /*seed=*/4, /*box=*/2.0, /*spread=*/1.0);
  ml::KMeansOptions options;
  options.k = 4;
  options.n_init = 10;
  options.threads = static_cast<unsigned>(state.range(0));
  double inertia = 0, silhouette = 0;
  for (auto _ : state) {
    Result<ml::KMeansResult> fit = ml::FitKMeans(blobs.x, options);
    Check(fit.ok(), state, "fit failed");
    if (!fit.ok()) return;
    Result<ml::SampledSilhouette> score =
        ml::SampledSilhouetteScore(blobs.x, fit->labels, 10'000, 0, options.threads);
    Check(score.ok(), state, "silhouette failed");
    if (!score.ok()) return;
    inertia = fit->inertia;
    silhouette = score->score;
  }
  state.counters["inertia"] = inertia;
  state.counters["silhouette"] = silhouette;
  AddMemoryCounter(state);
}
BENCHMARK(BM_KMeansK4Ninit10_170k_x3)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace growthlens

BENCHMARK_MAIN();
