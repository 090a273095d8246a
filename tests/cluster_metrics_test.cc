// Cluster quality metrics against scikit-learn 1.2.1 (tests/golden/make_kmeans_golden.py):
// silhouette (score and per-row values), Davies-Bouldin, Calinski-Harabasz and adjusted Rand
// index, all to 1e-9 relative; plus invariants: thread count (bit-identical), kernels (1e-12),
// label encoding, sampling, bad input.

#include "ml/cluster_metrics.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <string>

#include "ml/distance_sums.h"
#include "ml/silhouette.h"
#include "ml_test_data.h"

namespace growthlens::ml {
namespace {

using testing::GoldenNumber;
using testing::GoldenPoints;
using testing::RelativelyClose;

constexpr double kSklearnTolerance = 1e-9;

// The label sets of kmeans_points.golden, built as the script builds them.
std::vector<int32_t> GoldenLabelSet(const std::string& name) {
  if (name == "true") return testing::GoldenLabels("kmeans_points.csv", "true_label");
  if (name == "k8") return testing::GoldenLabels("kmeans_labels.csv", "k8");
  std::vector<int32_t> labels = testing::GoldenLabels("kmeans_labels.csv", "k5");
  if (name == "singleton") labels[0] = 7;
  if (name == "negative") {
    for (int32_t& label : labels) label = -3 * label + 7;
  }
  return labels;
}

class ClusterMetricsGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(ClusterMetricsGolden, SilhouetteDaviesBouldinCalinskiHarabasz) {
  const std::string name = GetParam();
  const auto golden = testing::MlGolden("kmeans_points.golden");
  const std::vector<int32_t> labels = GoldenLabelSet(name);
  const Result<double> silhouette = SilhouetteScore(GoldenPoints(), labels);
  const Result<double> davies_bouldin = DaviesBouldinScore(GoldenPoints(), labels);
  const Result<double> calinski_harabasz = CalinskiHarabaszScore(GoldenPoints(), labels);
  ASSERT_TRUE(silhouette.ok() && davies_bouldin.ok() && calinski_harabasz.ok());
  EXPECT_TRUE(
      RelativelyClose(*silhouette, GoldenNumber(golden, name + ".silhouette"), kSklearnTolerance));
  EXPECT_TRUE(RelativelyClose(*davies_bouldin, GoldenNumber(golden, name + ".davies_bouldin"),
                              kSklearnTolerance));
  EXPECT_TRUE(RelativelyClose(*calinski_harabasz, GoldenNumber(golden, name + ".calinski_harabasz"),
                              kSklearnTolerance));
}

INSTANTIATE_TEST_SUITE_P(LabelSets, ClusterMetricsGolden,
                         ::testing::Values("k5", "k8", "true", "singleton", "negative"));

TEST(SilhouetteGolden, PerRowValuesMatchSilhouetteSamples) {
  const auto golden = testing::MlGolden("kmeans_points.golden");
  const Result<std::vector<double>> samples =
      SilhouetteSamples(GoldenPoints(), GoldenLabelSet("k5"));
  ASSERT_TRUE(samples.ok());
  for (size_t row = 0; row < 10; ++row) {
    EXPECT_TRUE(RelativelyClose((*samples)[row],
                                GoldenNumber(golden, "silhouette_sample." + std::to_string(row)),
                                kSklearnTolerance))
        << "row " << row;
  }
  const Result<std::vector<double>> with_singleton =
      SilhouetteSamples(GoldenPoints(), GoldenLabelSet("singleton"));
  ASSERT_TRUE(with_singleton.ok());
  EXPECT_EQ((*with_singleton)[0], 0.0) << "a cluster of one scores 0, as sklearn";
}

TEST(ClusterMetricsGoldenAri, AdjustedRandIndexMatchesSklearn) {
  const auto golden = testing::MlGolden("kmeans_points.golden");
  const std::vector<int32_t> truth = GoldenLabelSet("true");
  const std::vector<int32_t> k5 = GoldenLabelSet("k5");
  const std::vector<int32_t> k8 = GoldenLabelSet("k8");
  const std::vector<int32_t> maxiter3 = testing::GoldenLabels("kmeans_labels.csv", "k5_maxiter3");
  EXPECT_TRUE(RelativelyClose(AdjustedRandScore(truth, k5).value(),
                              GoldenNumber(golden, "ari.k5_true"), kSklearnTolerance));
  EXPECT_TRUE(RelativelyClose(AdjustedRandScore(k5, k8).value(), GoldenNumber(golden, "ari.k5_k8"),
                              kSklearnTolerance));
  EXPECT_EQ(AdjustedRandScore(truth, truth).value(), GoldenNumber(golden, "ari.true_true"));
  EXPECT_TRUE(RelativelyClose(AdjustedRandScore(k5, maxiter3).value(),
                              GoldenNumber(golden, "ari.k5_maxiter3"), kSklearnTolerance));
}

TEST(ClusterMetricsGoldenRetail, MetricsOfSklearnLabelsOnScaledRfm) {
  const testing::RetailRfm& rfm = testing::OnlineRetailRfm();
  const auto golden = testing::MlGolden("kmeans_rfm.golden");
  const std::vector<int32_t> labels = testing::GoldenLabels("kmeans_rfm_k4_labels.csv", "label");
  ASSERT_EQ(labels.size(), rfm.scaled.rows());
  EXPECT_TRUE(RelativelyClose(SilhouetteScore(rfm.scaled, labels).value(),
                              GoldenNumber(golden, "k4.silhouette"), kSklearnTolerance));
  EXPECT_TRUE(RelativelyClose(DaviesBouldinScore(rfm.scaled, labels).value(),
                              GoldenNumber(golden, "k4.davies_bouldin"), kSklearnTolerance));
  EXPECT_TRUE(RelativelyClose(CalinskiHarabaszScore(rfm.scaled, labels).value(),
                              GoldenNumber(golden, "k4.calinski_harabasz"), kSklearnTolerance));
}

TEST(SilhouetteTest, SameBitsOnAnyThreadCount) {
  const FeatureMatrix x = testing::MakeBlobs(5'003, 8, 7, /*seed=*/2, /*spread=*/4.0);
  std::vector<int32_t> labels(x.rows());
  for (size_t row = 0; row < labels.size(); ++row) labels[row] = static_cast<int32_t>(row % 7);
  const Result<std::vector<double>> serial = SilhouetteSamples(x, labels, 1);
  ASSERT_TRUE(serial.ok());
  for (const unsigned threads : {2u, 5u}) {
    const Result<std::vector<double>> parallel = SilhouetteSamples(x, labels, threads);
    ASSERT_TRUE(parallel.ok());
    EXPECT_EQ(*serial, *parallel) << threads << " threads";
  }
}

TEST(SilhouetteTest, KernelsAgree) {
  // Odd lengths and offsets exercise the partial last pack of the SIMD kernels; a row equal to
  // a point checks that its own distance adds exactly 0 (the AVX-512 kernel's rsqrt of 0).
  std::mt19937_64 rng(5);
  const size_t dims = 3;
  const size_t points = 37;
  const size_t stride = points + 8;
  std::vector<double> coords(dims * stride, 0.0);
  for (size_t dim = 0; dim < dims; ++dim) {
    for (size_t col = 0; col < points; ++col)
      coords[dim * stride + col] = static_cast<double>(rng() % 1000) / 7.0;
  }
  const ColumnMajorPoints view{coords.data(), stride, dims};
  std::vector<double> rows(kDistanceSumRows * dims);
  for (double& value : rows) value = static_cast<double>(rng() % 1000) / 3.0;
  for (size_t dim = 0; dim < dims; ++dim) rows[dim] = coords[dim * stride + 5];
  for (const auto& [begin, end] :
       {std::pair<size_t, size_t>{0, 37}, {3, 4}, {5, 6}, {5, 11}, {1, 34}, {4, 13}}) {
    double portable[kDistanceSumRows] = {};
    double best[kDistanceSumRows] = {};
    PortableDistanceSums()(view, begin, end, rows.data(), portable);
    BestDistanceSums()(view, begin, end, rows.data(), best);
    for (size_t row = 0; row < kDistanceSumRows; ++row)
      EXPECT_TRUE(RelativelyClose(best[row], portable[row], 1e-13)) << begin << ".." << end;
  }
  double self[kDistanceSumRows] = {};
  BestDistanceSums()(view, 5, 6, rows.data(), self);
  EXPECT_EQ(self[0], 0.0);
}

TEST(SilhouetteTest, SampledIsSeededAndReportsItsSize) {
  const FeatureMatrix x = testing::MakeBlobs(6'000, 3, 4, /*seed=*/12, /*spread=*/2.0);
  std::vector<int32_t> labels(x.rows());
  for (size_t row = 0; row < labels.size(); ++row) labels[row] = static_cast<int32_t>(row % 4);
  const double exact = SilhouetteScore(x, labels).value();
  const SampledSilhouette sampled = SampledSilhouetteScore(x, labels, 1'500, 7).value();
  EXPECT_EQ(sampled.sample_size, 1'500u);
  EXPECT_FALSE(sampled.exact);
  EXPECT_NEAR(sampled.score, exact, 0.02) << "a 25% sample lands near the exact score";
  EXPECT_EQ(SampledSilhouetteScore(x, labels, 1'500, 7).value().score, sampled.score);
  EXPECT_NE(SampledSilhouetteScore(x, labels, 1'500, 8).value().score, sampled.score);
  const SampledSilhouette all = SampledSilhouetteScore(x, labels, 10'000, 7).value();
  EXPECT_TRUE(all.exact);
  EXPECT_EQ(all.sample_size, x.rows());
  EXPECT_EQ(all.score, exact);
}

TEST(ClusterMetricsTest, RejectBadLabelsAndData) {
  const FeatureMatrix x = testing::MakeBlobs(20, 2, 2, /*seed=*/3);
  const std::vector<int32_t> one_label(20, 4);
  std::vector<int32_t> every_row_own(20);
  for (size_t row = 0; row < 20; ++row) every_row_own[row] = static_cast<int32_t>(row);
  const std::vector<int32_t> too_few(19, 0);
  for (const std::vector<int32_t>* labels :
       std::vector<const std::vector<int32_t>*>{&one_label, &every_row_own, &too_few}) {
    EXPECT_EQ(SilhouetteScore(x, *labels).status().code(), ErrorCode::kInvalidArgument);
    EXPECT_FALSE(DaviesBouldinScore(x, *labels).ok());
    EXPECT_FALSE(CalinskiHarabaszScore(x, *labels).ok());
  }
  EXPECT_NE(SilhouetteScore(x, one_label).status().message().find("number of labels is 1"),
            std::string::npos);
  std::vector<int32_t> halves(20);
  for (size_t row = 0; row < 20; ++row) halves[row] = row < 10 ? 0 : 1;
  FeatureMatrix with_nan = x;
  with_nan(7, 0) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_FALSE(SilhouetteScore(with_nan, halves).ok());
  EXPECT_FALSE(DaviesBouldinScore(with_nan, halves).ok());
  EXPECT_FALSE(CalinskiHarabaszScore(with_nan, halves).ok());
  EXPECT_FALSE(AdjustedRandScore(halves, too_few).ok());
  EXPECT_FALSE(Inertia(x, halves, FeatureMatrix(1, 2)).ok()) << "label 1 has no centre";
  // A sample holding one cluster only cannot be scored.
  std::vector<int32_t> mostly_zero(20, 0);
  mostly_zero[19] = 1;
  EXPECT_FALSE(SampledSilhouetteScore(x, mostly_zero, 2, 0).ok());
}

TEST(ClusterMetricsTest, LabelValuesOnlyNameClusters) {
  // Widely spread label values take the sort-and-search encoding instead of the direct table;
  // both must number clusters in the order of their values, so every score is bit-identical.
  const std::vector<int32_t> k5 = GoldenLabelSet("k5");
  std::vector<int32_t> spread(k5.size());
  for (size_t row = 0; row < k5.size(); ++row) spread[row] = k5[row] * 400'000'000 - 900'000'000;
  EXPECT_EQ(SilhouetteScore(GoldenPoints(), spread).value(),
            SilhouetteScore(GoldenPoints(), k5).value());
  EXPECT_EQ(DaviesBouldinScore(GoldenPoints(), spread).value(),
            DaviesBouldinScore(GoldenPoints(), k5).value());
  EXPECT_EQ(CalinskiHarabaszScore(GoldenPoints(), spread).value(),
            CalinskiHarabaszScore(GoldenPoints(), k5).value());
  EXPECT_EQ(AdjustedRandScore(spread, k5).value(), 1.0);
}

TEST(ClusterMetricsTest, DegenerateCasesAsSklearn) {
  // Every row on its centroid: Davies-Bouldin 0 (all spreads ~0), Calinski-Harabasz 1 (W = 0).
  const FeatureMatrix x = FeatureMatrix::FromRowMajor(4, 1, {1.0, 1.0, 5.0, 5.0}).value();
  const std::vector<int32_t> labels = {0, 0, 1, 1};
  EXPECT_EQ(DaviesBouldinScore(x, labels).value(), 0.0);
  EXPECT_EQ(CalinskiHarabaszScore(x, labels).value(), 1.0);
  EXPECT_EQ(SilhouetteScore(x, labels).value(), 1.0);
}

TEST(ClusterMetricsTest, AdjustedRandMatchesPairCounting) {
  std::mt19937_64 rng(8);
  for (int trial = 0; trial < 5; ++trial) {
    const size_t n = 200;
    std::vector<int32_t> a(n), b(n);
    for (size_t row = 0; row < n; ++row) {
      a[row] = static_cast<int32_t>(rng() % 4);
      b[row] = static_cast<int32_t>(rng() % 2 == 0 ? a[row] : rng() % 5);
    }
    // Brute force over pairs (Hubert & Arabie's ARI from the pair confusion matrix).
    double same_both = 0, same_a = 0, same_b = 0;
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = i + 1; j < n; ++j) {
        same_a += a[i] == a[j];
        same_b += b[i] == b[j];
        same_both += a[i] == a[j] && b[i] == b[j];
      }
    }
    const double pairs = static_cast<double>(n * (n - 1) / 2);
    const double expected = same_a * same_b / pairs;
    const double ari = (same_both - expected) / (0.5 * (same_a + same_b) - expected);
    EXPECT_TRUE(RelativelyClose(AdjustedRandScore(a, b).value(), ari, 1e-12));
    // Renaming clusters changes nothing.
    std::vector<int32_t> renamed = b;
    for (int32_t& label : renamed) label = 100 - 7 * label;
    EXPECT_EQ(AdjustedRandScore(a, renamed).value(), AdjustedRandScore(a, b).value());
  }
  // Three million rows: pair counts near 10^25 stay exact in 128-bit integers.
  std::vector<int32_t> big_a(3'000'000), big_b(3'000'000);
  for (size_t row = 0; row < big_a.size(); ++row) {
    big_a[row] = static_cast<int32_t>(row % 3);
    big_b[row] = static_cast<int32_t>(row % 3 == 0 ? 0 : 1 + row % 2);
  }
  const double big = AdjustedRandScore(big_a, big_b).value();
  EXPECT_GT(big, 0.0);
  EXPECT_LT(big, 1.0);
  EXPECT_EQ(AdjustedRandScore(big_a, big_a).value(), 1.0);
}

}  // namespace
}  // namespace growthlens::ml
