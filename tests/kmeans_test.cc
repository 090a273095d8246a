// KMeans against scikit-learn 1.2.1 (tests/golden/make_kmeans_golden.py) and its own
// invariants. Tolerances: labels and n_iter exact; inertia and centres 1e-9 relative to
// scikit-learn; 1 vs many threads bit-identical; on Online Retail RFM our
// k-means++ (other random draws than numpy's) must reach an inertia within 0.1% of sklearn's.

#include "ml/kmeans.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <ostream>
#include <stop_token>
#include <string>

#include "ml/cluster_metrics.h"
#include "ml/kmeans_plusplus.h"
#include "ml/kmeans_sweep.h"
#include "ml/silhouette.h"
#include "ml_test_data.h"

namespace growthlens::ml {

namespace {

using testing::GoldenNumber;
using testing::GoldenPoints;
using testing::RelativelyClose;

constexpr double kSklearnTolerance = 1e-9;
constexpr double kRetailInertiaSlack = 1e-3;  // 0.1%

FeatureMatrix GoldenInit(const std::string& case_name) {
  const testing::CsvTable table = testing::ReadSimpleCsv("kmeans_init.csv");
  std::vector<double> values;
  size_t rows = 0;
  for (const auto& row : table.rows) {
    if (row[0] != case_name) continue;
    for (size_t col = 1; col <= 4; ++col) values.push_back(testing::ParseDouble(row[col]));
    ++rows;
  }
  return FeatureMatrix::FromRowMajor(rows, 4, std::move(values)).value();
}

struct GoldenCase {
  const char* name;
  const char* init;
  size_t max_iter;
  double tol;
};

constexpr GoldenCase kGoldenCases[] = {
    {"k5", "k5", 300, 1e-4},     {"k8", "k8", 300, 1e-4},         {"k5_maxiter3", "k5", 3, 1e-4},
    {"k5_tol0", "k5", 300, 0.0}, {"k8_tol1e-2", "k8", 300, 1e-2},
};

// Readable test names in ctest (not a byte dump of the struct).
void PrintTo(const GoldenCase& golden_case, std::ostream* out) {
  *out << golden_case.name;
}

class KMeansGolden : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(KMeansGolden, FromFixedCentresMatchesSklearn) {
  const GoldenCase& golden_case = GetParam();
  const auto golden = testing::MlGolden("kmeans_points.golden");
  const std::string name = golden_case.name;
  KMeansOptions options;
  options.max_iter = golden_case.max_iter;
  options.tol = golden_case.tol;
  const Result<KMeansResult> fit =
      FitKMeansFrom(GoldenPoints(), GoldenInit(golden_case.init), options);
  ASSERT_TRUE(fit.ok()) << fit.status().message();

  const std::vector<int32_t> expected = testing::GoldenLabels("kmeans_labels.csv", name);
  ASSERT_EQ(fit->labels.size(), expected.size());
  size_t mismatches = 0;
  for (size_t row = 0; row < expected.size(); ++row)
    mismatches += fit->labels[row] != expected[row];
  EXPECT_EQ(mismatches, 0u) << name;
  EXPECT_TRUE(
      RelativelyClose(fit->inertia, GoldenNumber(golden, name + ".inertia"), kSklearnTolerance))
      << name;
  EXPECT_EQ(fit->n_iter, static_cast<size_t>(GoldenNumber(golden, name + ".n_iter"))) << name;
  EXPECT_EQ(fit->empty_cluster_relocations, 0u);
  for (size_t cluster = 0; cluster < fit->centres.rows(); ++cluster) {
    const std::vector<double> centre =
        testing::ParseDoubles(golden.at(name + ".centre." + std::to_string(cluster)));
    ASSERT_EQ(centre.size(), 4u);
    for (size_t dim = 0; dim < 4; ++dim) {
      EXPECT_TRUE(RelativelyClose(fit->centres(cluster, dim), centre[dim], kSklearnTolerance))
          << name << " centre " << cluster << " dim " << dim;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, KMeansGolden, ::testing::ValuesIn(kGoldenCases),
                         [](const auto& param_info) {
                           std::string name = param_info.param.name;
                           for (char& c : name) c = (c == '-' || c == '.') ? '_' : c;
                           return name;
                         });

void ExpectIdentical(const KMeansResult& a, const KMeansResult& b, const std::string& what) {
  EXPECT_EQ(a.labels, b.labels) << what;
  EXPECT_EQ(a.centres, b.centres) << what;  // bit-identical doubles
  EXPECT_EQ(a.inertia, b.inertia) << what;
  EXPECT_EQ(a.n_iter, b.n_iter) << what;
  EXPECT_EQ(a.best_init, b.best_init) << what;
}

TEST(KMeansTest, SameResultOnAnyThreadCount) {
  const FeatureMatrix x = testing::MakeBlobs(30'000, 8, 8, /*seed=*/5, /*spread=*/3.0);
  KMeansOptions options;
  options.k = 8;
  options.n_init = 2;
  options.threads = 1;
  const Result<KMeansResult> serial = FitKMeans(x, options);
  ASSERT_TRUE(serial.ok());
  EXPECT_GT(serial->n_iter, 3u) << "a test that stops at once proves little";
  for (const unsigned threads : {2u, 3u, 8u}) {
    options.threads = threads;
    const Result<KMeansResult> parallel = FitKMeans(x, options);
    ASSERT_TRUE(parallel.ok());
    ExpectIdentical(*serial, *parallel, std::to_string(threads) + " threads");
  }
}

TEST(KMeansTest, AStopRequestEndsTheFitWithAnError) {
  const FeatureMatrix x = testing::MakeBlobs(5'000, 4, 4, /*seed=*/3, /*spread=*/2.0);
  for (const unsigned threads : {1u, 2u}) {
    std::stop_source client_left;
    KMeansOptions options;
    options.k = 4;
    options.n_init = 50;
    options.threads = threads;
    ASSERT_TRUE(FitKMeans(x, options).ok());
    options.stop = client_left.get_token();
    client_left.request_stop();
    const Result<KMeansResult> stopped = FitKMeans(x, options);
    ASSERT_FALSE(stopped.ok()) << threads << " threads";
    EXPECT_NE(stopped.status().message().find("stopped"), std::string::npos);
  }
}

TEST(KMeansTest, SeedDecidesTheResult) {
  const FeatureMatrix x = testing::MakeBlobs(5'000, 3, 10, /*seed=*/9, /*spread=*/4.0);
  KMeansOptions options;
  options.k = 6;
  options.n_init = 1;
  options.seed = 1;
  const Result<KMeansResult> first = FitKMeans(x, options);
  const Result<KMeansResult> again = FitKMeans(x, options);
  ASSERT_TRUE(first.ok() && again.ok());
  ExpectIdentical(*first, *again, "same seed");
  bool any_differs = false;
  for (uint64_t seed = 2; seed < 6 && !any_differs; ++seed) {
    options.seed = seed;
    const Result<KMeansResult> other = FitKMeans(x, options);
    ASSERT_TRUE(other.ok());
    any_differs = other->centres != first->centres;
  }
  EXPECT_TRUE(any_differs) << "the seed should change k-means++";
}

TEST(KMeansTest, MoreInitsNeverWorse) {
  const FeatureMatrix x = testing::MakeBlobs(4'000, 4, 12, /*seed=*/3, /*spread=*/3.0);
  KMeansOptions options;
  options.k = 12;
  options.n_init = 1;
  const Result<KMeansResult> one = FitKMeans(x, options);
  options.n_init = 8;
  const Result<KMeansResult> eight = FitKMeans(x, options);
  ASSERT_TRUE(one.ok() && eight.ok());
  // The first init is the same draw, so eight inits can only keep or improve it.
  EXPECT_LE(eight->inertia, one->inertia);
}

TEST(KMeansTest, AssignToCentresReproducesTheFit) {
  const FeatureMatrix x = testing::MakeBlobs(3'000, 4, 5, /*seed=*/21);
  KMeansOptions options;
  options.k = 5;
  const Result<KMeansResult> fit = FitKMeans(x, options);
  ASSERT_TRUE(fit.ok());
  const Result<Assignment> assigned = AssignToCentres(x, fit->centres);
  ASSERT_TRUE(assigned.ok());
  EXPECT_EQ(assigned->labels, fit->labels);
  EXPECT_TRUE(RelativelyClose(assigned->inertia, fit->inertia, 1e-12));
  const Result<double> inertia = Inertia(x, fit->labels, fit->centres);
  ASSERT_TRUE(inertia.ok());
  EXPECT_TRUE(RelativelyClose(*inertia, fit->inertia, 1e-12));
}

TEST(KMeansTest, EmptyClusterTakesTheFarthestRow) {
  // Rows 0, 1, 2, 10 on a line; the second centre starts far away and wins no row, so it takes
  // row 10 (farthest from its centre 1), leaving {0, 1, 2} around 1: inertia 2.
  const FeatureMatrix x = FeatureMatrix::FromRowMajor(4, 1, {0.0, 1.0, 2.0, 10.0}).value();
  const FeatureMatrix init = FeatureMatrix::FromRowMajor(2, 1, {1.0, 100.0}).value();
  const Result<KMeansResult> fit = FitKMeansFrom(x, init, KMeansOptions{});
  ASSERT_TRUE(fit.ok());
  EXPECT_EQ(fit->empty_cluster_relocations, 1u);
  EXPECT_EQ(fit->labels, (std::vector<int32_t>{0, 0, 0, 1}));
  EXPECT_DOUBLE_EQ(fit->centres(0, 0), 1.0);
  EXPECT_DOUBLE_EQ(fit->centres(1, 0), 10.0);
  EXPECT_DOUBLE_EQ(fit->inertia, 2.0);
  EXPECT_TRUE(fit->converged);
}

TEST(KMeansTest, EdgeCasesKOneAndKRows) {
  const FeatureMatrix x = testing::MakeBlobs(50, 3, 2, /*seed=*/4);
  KMeansOptions options;
  options.k = 1;
  const Result<KMeansResult> one = FitKMeans(x, options);
  ASSERT_TRUE(one.ok());
  for (size_t dim = 0; dim < 3; ++dim) {
    double mean = 0;
    for (size_t row = 0; row < 50; ++row) mean += x(row, dim) / 50.0;
    EXPECT_NEAR(one->centres(0, dim), mean, 1e-12);
  }
  options.k = 50;
  const Result<KMeansResult> all = FitKMeans(x, options);
  ASSERT_TRUE(all.ok());
  EXPECT_NEAR(all->inertia, 0.0, 1e-20);
}

TEST(KMeansTest, HugeTolStopsAfterOneIteration) {
  const FeatureMatrix x = testing::MakeBlobs(2'000, 2, 4, /*seed=*/8, /*spread=*/3.0);
  KMeansOptions options;
  options.k = 4;
  options.n_init = 1;
  options.tol = 1e6;
  const Result<KMeansResult> fit = FitKMeans(x, options);
  ASSERT_TRUE(fit.ok());
  EXPECT_EQ(fit->n_iter, 1u);
  EXPECT_TRUE(fit->converged);
  // The final relabelling makes the labels those of the final centres.
  const Result<Assignment> assigned = AssignToCentres(x, fit->centres);
  ASSERT_TRUE(assigned.ok());
  EXPECT_EQ(assigned->labels, fit->labels);
}

TEST(KMeansTest, RejectsBadInput) {
  const FeatureMatrix x = testing::MakeBlobs(10, 2, 2, /*seed=*/1);
  KMeansOptions options;
  options.k = 0;
  EXPECT_EQ(FitKMeans(x, options).status().code(), ErrorCode::kInvalidArgument);
  options.k = 11;
  const Result<KMeansResult> too_many = FitKMeans(x, options);
  ASSERT_FALSE(too_many.ok());
  EXPECT_NE(too_many.status().message().find("more than the 10 rows"), std::string::npos)
      << too_many.status().message();
  options.k = 2;
  options.n_init = 0;
  EXPECT_FALSE(FitKMeans(x, options).ok());
  options.n_init = 1;
  options.max_iter = 0;
  EXPECT_FALSE(FitKMeans(x, options).ok());
  options.max_iter = 10;
  options.tol = -1;
  EXPECT_FALSE(FitKMeans(x, options).ok());
  options.tol = std::numeric_limits<double>::quiet_NaN();
  EXPECT_FALSE(FitKMeans(x, options).ok());
  options.tol = 1e-4;
  EXPECT_TRUE(FitKMeans(x, options).ok());

  FeatureMatrix with_nan = x;
  with_nan(3, 1) = std::numeric_limits<double>::quiet_NaN();
  const Result<KMeansResult> nan_fit = FitKMeans(with_nan, options);
  ASSERT_FALSE(nan_fit.ok());
  EXPECT_NE(nan_fit.status().message().find("row 3, column 1"), std::string::npos)
      << nan_fit.status().message();
  FeatureMatrix with_inf = x;
  with_inf(0, 0) = std::numeric_limits<double>::infinity();
  EXPECT_FALSE(FitKMeans(with_inf, options).ok());
  EXPECT_FALSE(FitKMeans(FeatureMatrix(), options).ok());
  EXPECT_FALSE(FitKMeans(FeatureMatrix(5, 0), options).ok());

  EXPECT_FALSE(FitKMeansFrom(x, FeatureMatrix(2, 3), options).ok()) << "wrong width";
  EXPECT_FALSE(FitKMeansFrom(x, FeatureMatrix(11, 2), options).ok()) << "more centres than rows";
  FeatureMatrix bad_init(2, 2);
  bad_init(1, 1) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_FALSE(FitKMeansFrom(x, bad_init, options).ok());
  EXPECT_FALSE(AssignToCentres(x, FeatureMatrix(2, 3)).ok());
  EXPECT_FALSE(AssignToCentres(x, FeatureMatrix()).ok());
}

TEST(KMeansPlusPlusTest, LocalTrialsAsSklearn) {
  EXPECT_EQ(LocalTrialsFor(1), 2u);
  EXPECT_EQ(LocalTrialsFor(2), 2u);
  EXPECT_EQ(LocalTrialsFor(3), 3u);
  EXPECT_EQ(LocalTrialsFor(8), 4u);
  EXPECT_EQ(LocalTrialsFor(20), 4u);
  EXPECT_EQ(LocalTrialsFor(21), 5u);
}

TEST(KMeansPlusPlusTest, SeedsOneRowPerSeparatedBlob) {
  // Six tight blobs (spread 0.2) spread over a 20-unit box: sampling by squared distance all
  // but forces one seed per blob, and the greedy choice among candidates finishes the job.
  const FeatureMatrix x = testing::MakeBlobs(3'000, 2, 6, /*seed=*/17, /*spread=*/0.2);
  for (uint64_t seed = 0; seed < 5; ++seed) {
    std::vector<double> norms2(x.rows());
    for (size_t row = 0; row < x.rows(); ++row) {
      for (const double value : x.row(row)) norms2[row] += value * value;
    }
    std::mt19937_64 rng(seed);
    const std::vector<size_t> seeds = GreedyKMeansPlusPlus(x, norms2, 6, rng, 0);
    ASSERT_EQ(seeds.size(), 6u);
    std::vector<size_t> blobs;
    for (const size_t row : seeds) blobs.push_back(row % 6);  // MakeBlobs: row i in blob i % 6
    std::sort(blobs.begin(), blobs.end());
    EXPECT_EQ(blobs, (std::vector<size_t>{0, 1, 2, 3, 4, 5})) << "seed " << seed;
    std::mt19937_64 again(seed);
    EXPECT_EQ(GreedyKMeansPlusPlus(x, norms2, 6, again, 1), seeds) << "1 thread, same seeds";
  }
}

TEST(KMeansSweepTest, ReportsEveryKAndPicksTheBestSilhouette) {
  // Seed 37 puts the five blob centres at least 12 apart; the spread is 0.3.
  const FeatureMatrix x = testing::MakeBlobs(3'000, 3, 5, /*seed=*/37, /*spread=*/0.3);
  KSweepOptions options;
  options.k_min = 2;
  options.k_max = 7;
  options.kmeans.n_init = 3;
  options.stability_seeds = 2;
  const Result<KSweepResult> sweep = SweepK(x, options);
  ASSERT_TRUE(sweep.ok()) << sweep.status().message();
  ASSERT_EQ(sweep->rows.size(), 6u);
  EXPECT_EQ(sweep->best_k, 5u) << "five tight blobs";
  EXPECT_EQ(sweep->best_fit.centres.rows(), 5u);
  for (size_t idx = 0; idx < sweep->rows.size(); ++idx) {
    const KSweepRow& row = sweep->rows[idx];
    EXPECT_EQ(row.k, 2 + idx);
    EXPECT_TRUE(row.silhouette_exact);
    EXPECT_EQ(row.silhouette_rows, x.rows());
    ASSERT_TRUE(row.stability_ari.has_value());
    if (idx > 0) {
      EXPECT_LT(row.inertia, sweep->rows[idx - 1].inertia);
    }
  }
  const KSweepRow& best = sweep->rows[5 - options.k_min];
  EXPECT_NEAR(*best.stability_ari, 1.0, 1e-12) << "the same five blobs from any seed";
  EXPECT_EQ(best.silhouette, SilhouetteScore(x, sweep->best_fit.labels).value());
  EXPECT_EQ(best.davies_bouldin, DaviesBouldinScore(x, sweep->best_fit.labels).value());
  EXPECT_EQ(best.calinski_harabasz, CalinskiHarabaszScore(x, sweep->best_fit.labels).value());
  EXPECT_EQ(best.inertia, sweep->best_fit.inertia);

  options.exact_silhouette_max_rows = 1'000;  // beyond it: a seeded sample
  options.silhouette_sample_size = 800;
  options.stability_seeds = 0;
  const Result<KSweepResult> sampled = SweepK(x, options);
  ASSERT_TRUE(sampled.ok());
  EXPECT_FALSE(sampled->rows[0].silhouette_exact);
  EXPECT_EQ(sampled->rows[0].silhouette_rows, 800u);
  EXPECT_FALSE(sampled->rows[0].stability_ari.has_value());
  EXPECT_NEAR(sampled->rows[3].silhouette, best.silhouette, 0.02);

  options.k_min = 1;
  EXPECT_EQ(SweepK(x, options).status().code(), ErrorCode::kInvalidArgument);
  options.k_min = 2;
  options.k_max = 3'000;
  EXPECT_EQ(SweepK(x, options).status().code(), ErrorCode::kInvalidArgument);
}

TEST(KMeansGoldenRetail, RfmInertiaWithinPointOnePercentOfSklearn) {
  const testing::RetailRfm& rfm = testing::OnlineRetailRfm();
  const auto golden = testing::MlGolden("kmeans_rfm.golden");
  ASSERT_EQ(rfm.scaled.rows(), static_cast<size_t>(GoldenNumber(golden, "customers")));
  for (size_t k = 2; k <= 6; ++k) {
    KMeansOptions options;
    options.k = k;
    options.n_init = 10;
    options.seed = 0;
    const Result<KMeansResult> fit = FitKMeans(rfm.scaled, options);
    ASSERT_TRUE(fit.ok()) << fit.status().message();
    const double sklearn = GoldenNumber(golden, "kmeans." + std::to_string(k) + ".inertia");
    EXPECT_LE(fit->inertia, sklearn * (1.0 + kRetailInertiaSlack))
        << "k = " << k << ": ours " << fit->inertia << ", sklearn " << sklearn;
    // Inertia of a k-means fixed point: consistent with its own labels and centres.
    const Result<double> check = Inertia(rfm.scaled, fit->labels, fit->centres);
    ASSERT_TRUE(check.ok());
    EXPECT_TRUE(RelativelyClose(*check, fit->inertia, 1e-12));
    std::printf("  k=%zu inertia ours %.10g sklearn %.10g (%+.4f%%), n_iter %zu\n", k, fit->inertia,
                sklearn, 100.0 * (fit->inertia / sklearn - 1.0), fit->n_iter);
  }
}

}  // namespace
}  // namespace growthlens::ml
