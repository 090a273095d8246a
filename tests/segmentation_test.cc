// Segmentation: features, persona order and names (docs/ANALYTICS.md, "Segmentation"), the
// interpretation's arithmetic, and KMeans on the Online Retail RFM table against scikit-learn
// (tests/golden/kmeans_rfm.golden, from tests/golden/make_kmeans_golden.py).

#include "ml/segmentation.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "dataset_kinds.h"
#include "metrics/analysis.h"
#include "prep/ingest.h"
#include "test_data.h"

namespace growthlens::ml {
namespace {

CleanedData LoadUsage(const std::string& rows) {
  Result<CleanedData> data =
      IngestText(std::string(testing::kUsageHeader) + rows, "t.csv", IngestOptions());
  EXPECT_TRUE(data.ok()) << data.status().message();
  return std::move(data).value();
}

/// Eight users whose activity puts them in clear tiers: u1/u2 heavy and recent ... u7/u8 one
/// old day each.
const char* const kEightUsers =
    "u1,2024-01-01,2024-03-01,Search,50\nu1,2024-01-01,2024-03-10,Search,40\n"
    "u1,2024-01-01,2024-03-20,API,30\nu1,2024-01-01,2024-03-30,Search,60\n"
    "u2,2024-01-01,2024-03-05,Search,45\nu2,2024-01-01,2024-03-15,Export,35\n"
    "u2,2024-01-01,2024-03-25,Search,55\nu2,2024-01-01,2024-03-29,Search,20\n"
    "u3,2024-01-01,2024-02-10,Search,8\nu3,2024-01-01,2024-03-01,Search,6\n"
    "u4,2024-01-01,2024-02-12,Export,7\nu4,2024-01-01,2024-03-02,Search,9\n"
    "u5,2024-01-01,2024-01-20,Search,3\nu6,2024-01-01,2024-01-22,Search,2\n"
    "u7,2024-01-01,2024-01-02,Search,1\nu8,2024-01-01,2024-01-03,Export,1\n";

TEST(SegmentationFeatures, RfmColumnsAndUsageSharesPerUser) {
  const CleanedData data = LoadUsage(kEightUsers);
  const RfmTable rfm = ComputeRfm(data.dataset, RfmOptions());
  std::vector<std::string> names;
  Result<FeatureMatrix> x =
      SegmentationFeatures(data.dataset, rfm, SegmentFeatures::kRfmAndUsageShares, &names);
  ASSERT_TRUE(x.ok()) << x.status().message();
  ASSERT_EQ(names.size(), 3u + UsageOf(data.dataset).features.size());
  EXPECT_EQ(names[0], "recency");
  // u1 (first row, ids in order): 180 events, 150 in Search, 30 in API.
  const size_t search = 3 + *UsageOf(data.dataset).features.Find("Search");
  const size_t api = 3 + *UsageOf(data.dataset).features.Find("API");
  EXPECT_DOUBLE_EQ((*x)(0, 2), 180.0);
  EXPECT_DOUBLE_EQ((*x)(0, search), 150.0 / 180.0);
  EXPECT_DOUBLE_EQ((*x)(0, api), 30.0 / 180.0);
  for (size_t row = 0; row < x->rows(); ++row) {
    double total = 0;
    for (size_t col = 3; col < x->cols(); ++col) total += (*x)(row, col);
    EXPECT_NEAR(total, 1.0, 1e-12) << row;
  }
  // A model's columns by name: a share the data lacks is 0, an unknown name is an error, and
  // data with a feature the model has no share for is refused (its users' shares would not add
  // up to what the model was fitted on).
  std::vector<std::string> model = {"monetary", "share_Search", "share_Chat"};
  const Result<FeatureMatrix> partial = FeaturesForModel(data.dataset, rfm, model);
  ASSERT_FALSE(partial.ok());
  EXPECT_NE(partial.status().message().find("do not match this data: it uses feature(s) API"),
            std::string::npos)
      << partial.status().message();
  for (uint32_t code = 0; code < UsageOf(data.dataset).features.size(); ++code)
    if (UsageOf(data.dataset).features[code] != "Search")
      model.push_back("share_" + std::string(UsageOf(data.dataset).features[code]));
  Result<FeatureMatrix> for_model = FeaturesForModel(data.dataset, rfm, model);
  ASSERT_TRUE(for_model.ok()) << for_model.status().message();
  EXPECT_DOUBLE_EQ((*for_model)(0, 0), 180.0);
  EXPECT_DOUBLE_EQ((*for_model)(0, 1), 150.0 / 180.0);
  EXPECT_DOUBLE_EQ((*for_model)(0, 2), 0.0);
  const std::vector<std::string> bad = {"recency", "tenure"};
  EXPECT_FALSE(FeaturesForModel(data.dataset, rfm, bad).ok());
}

TEST(Personas, OrderedByValueNamedByTierAndDescribed) {
  const CleanedData data = LoadUsage(kEightUsers);
  const RfmTable rfm = ComputeRfm(data.dataset, RfmOptions());
  SegmentationOptions options;
  options.k = 4;
  options.seed = 3;
  Result<Segmentation> segments = SegmentUsers(data.dataset, rfm, options);
  ASSERT_TRUE(segments.ok()) << segments.status().message();
  ASSERT_EQ(segments->personas.size(), 4u);
  const std::vector<std::string> names = {"Power Users", "Regular Users", "At-Risk Users",
                                          "Dormant Users"};
  double share = 0, value_share = 0;
  for (size_t id = 0; id < 4; ++id) {
    const Persona& persona = segments->personas[id];
    EXPECT_EQ(persona.id, id);
    EXPECT_EQ(persona.name, names[id]);
    if (id > 0) {
      EXPECT_LE(persona.value_score, segments->personas[id - 1].value_score);
    }
    share += persona.share;
    value_share += persona.monetary_share;
    EXPECT_FALSE(persona.description.empty());
    EXPECT_FALSE(persona.action.empty());
  }
  EXPECT_NEAR(share, 1.0, 1e-12);
  EXPECT_NEAR(value_share, 1.0, 1e-12);
  // The heavy recent pair is the top persona; the two one-day users of early January the last.
  EXPECT_EQ(segments->labels[0], 0);  // u1
  EXPECT_EQ(segments->labels[1], 0);  // u2
  EXPECT_EQ(segments->labels[6], 3);  // u7
  EXPECT_EQ(segments->labels[7], 3);  // u8
  EXPECT_EQ(segments->personas[0].users, 2u);
  EXPECT_DOUBLE_EQ(segments->personas[0].median_frequency, 4.0);
  EXPECT_NEAR(segments->personas[0].monetary_share, 335.0 / 372.0, 1e-12);
  EXPECT_EQ(UsageOf(data.dataset).features[segments->personas[0].top_features[0].feature],
            "Search");
}

TEST(Personas, TopFeaturesFromTheAnalysisPivotEqualThoseFromTheRows) {
  // The rows of kEightUsers, last user first: user codes, and so the pivot's rows, run u8..u1
  // while the RFM table lists u1..u8, so the pivot's rows must be matched by user.
  std::string rows = kEightUsers;
  std::vector<std::string> lines;
  for (size_t begin = 0; begin < rows.size();) {
    const size_t end = rows.find('\n', begin) + 1;
    lines.push_back(rows.substr(begin, end - begin));
    begin = end;
  }
  std::reverse(lines.begin(), lines.end());
  const CleanedData data = LoadUsage(std::accumulate(lines.begin(), lines.end(), std::string()));
  const Analysis analysis = RunAnalysis(data.dataset, AnalysisOptions());
  ASSERT_FALSE(analysis.user_features.empty()) << "a usage log with every user is rolled up";
  ASSERT_EQ(analysis.user_features.users.size(), 8u);
  SegmentationOptions options;
  options.k = 4;
  options.seed = 3;
  Result<Segmentation> from_rows = SegmentUsers(data.dataset, analysis.rfm, options);
  Result<Segmentation> from_pivot =
      SegmentUsers(data.dataset, analysis.rfm, options, &analysis.user_features);
  ASSERT_TRUE(from_rows.ok() && from_pivot.ok());
  ASSERT_EQ(from_rows->personas.size(), from_pivot->personas.size());
  for (size_t id = 0; id < from_rows->personas.size(); ++id) {
    const std::vector<FeatureUse>& expected = from_rows->personas[id].top_features;
    const std::vector<FeatureUse>& got = from_pivot->personas[id].top_features;
    ASSERT_EQ(got.size(), expected.size()) << id;
    for (size_t rank = 0; rank < got.size(); ++rank) {
      EXPECT_EQ(got[rank].feature, expected[rank].feature) << id << " " << rank;
      EXPECT_EQ(got[rank].share, expected[rank].share) << id << " " << rank;
    }
  }
  // u1 and u2: 270 of their 335 events in Search.
  const Persona& top = from_pivot->personas[0];
  EXPECT_EQ(UsageOf(data.dataset).features[top.top_features[0].feature], "Search");
  EXPECT_DOUBLE_EQ(top.top_features[0].share, 270.0 / 335.0);
}

TEST(Personas, TiersSpreadForFewClustersAndNumberedForMany) {
  const CleanedData data = LoadUsage(kEightUsers);
  const RfmTable rfm = ComputeRfm(data.dataset, RfmOptions());
  auto names = [&](size_t k) {
    SegmentationOptions options;
    options.k = k;
    Result<Segmentation> segments = SegmentUsers(data.dataset, rfm, options);
    EXPECT_TRUE(segments.ok()) << segments.status().message();
    std::vector<std::string> out;
    for (const Persona& persona : segments->personas) out.push_back(persona.name);
    return out;
  };
  EXPECT_EQ(names(2), (std::vector<std::string>{"Power Users", "Dormant Users"}));
  EXPECT_EQ(names(3), (std::vector<std::string>{"Power Users", "At-Risk Users", "Dormant Users"}));
  EXPECT_EQ(names(6),
            (std::vector<std::string>{"Power Users 1", "Power Users 2", "Regular Users",
                                      "At-Risk Users 1", "At-Risk Users 2", "Dormant Users"}));
}

/// Online Retail cleaned with the default rules, once for the tests below.
const CleanedData& OnlineRetail() {
  static const CleanedData data = [] {
    Result<CleanedData> cleaned =
        IngestText(testing::ReadXz(testing::PublicDataPath("online_retail.csv.xz")),
                   "online_retail.csv", IngestOptions());
    EXPECT_TRUE(cleaned.ok()) << cleaned.status().message();
    return cleaned.ok() ? std::move(cleaned).value() : CleanedData();
  }();
  return data;
}

TEST(Segmentation, OnlineRetailInertiaMatchesScikitLearnAndSilhouetteChoosesK) {
  const CleanedData* data = &OnlineRetail();
  ASSERT_GT(data->dataset.rows(), 0u);
  const RfmTable rfm = ComputeRfm(data->dataset, RfmOptions());
  const auto golden = testing::ReadGolden(testing::GoldenPath("kmeans_rfm.golden"));
  SegmentationOptions options;
  options.k_max = 6;
  options.k_choice = KChoice::kBestSilhouette;  // --k auto
  Result<Segmentation> segments = SegmentUsers(data->dataset, rfm, options);
  ASSERT_TRUE(segments.ok()) << segments.status().message();
  ASSERT_EQ(segments->sweep.rows.size(), 5u);
  for (const KSweepRow& row : segments->sweep.rows) {
    const double sklearn = std::stod(golden.at("kmeans." + std::to_string(row.k) + ".inertia"));
    EXPECT_LE(row.inertia, sklearn * 1.001) << "k = " << row.k;  // within 0.1% or better
  }
  double best = -1;
  for (const KSweepRow& row : segments->sweep.rows) best = std::max(best, row.silhouette);
  EXPECT_EQ(segments->silhouette, best);
  EXPECT_TRUE(segments->k_from_silhouette);
  EXPECT_EQ(segments->personas.front().name, "High-Value Loyalists");
  EXPECT_EQ(segments->personas.back().name, "Dormant / Churn-Risk");
  uint64_t users = 0;
  for (const Persona& persona : segments->personas) users += persona.users;
  EXPECT_EQ(users, rfm.size());
}

TEST(Segmentation, OnlineRetailDefaultsToTheFourTiersAndAdvisesOnK) {
  const CleanedData* data = &OnlineRetail();
  ASSERT_GT(data->dataset.rows(), 0u);
  const RfmTable rfm = ComputeRfm(data->dataset, RfmOptions());
  SegmentationOptions options;
  options.k_max = 6;
  Result<Segmentation> tiers = SegmentUsers(data->dataset, rfm, options);
  ASSERT_TRUE(tiers.ok()) << tiers.status().message();
  EXPECT_EQ(tiers->k, 4u);
  EXPECT_EQ(tiers->k_choice, KChoice::kFourTiers);
  EXPECT_FALSE(tiers->k_from_silhouette);
  ASSERT_EQ(tiers->sweep.rows.size(), 5u);  // k = 2..6, as advice
  EXPECT_NE(tiers->sweep.best_k, 4u);
  EXPECT_NE(tiers->advice.find("the default keeps the four actionable tiers"), std::string::npos)
      << tiers->advice;
  std::vector<std::string> names;
  for (const Persona& persona : tiers->personas) names.push_back(persona.name);
  EXPECT_EQ(names, (std::vector<std::string>{"High-Value Loyalists", "Frequent Bargain Seekers",
                                             "Low-Frequency Explorers", "Dormant / Churn-Risk"}));
  // The sweep's k = 4 fit is the model: the same as asking for k = 4.
  options.k = 4;
  Result<Segmentation> given = SegmentUsers(data->dataset, rfm, options);
  ASSERT_TRUE(given.ok());
  EXPECT_EQ(given->labels, tiers->labels);
  EXPECT_EQ(given->inertia, tiers->inertia);
  EXPECT_EQ(given->silhouette, tiers->silhouette);
  EXPECT_TRUE(given->sweep.rows.empty());
  EXPECT_TRUE(given->advice.empty());
}

TEST(Personas, APersonaUnderTwoPercentIsFlaggedInItsNumbersAndWords) {
  // 59 users alike and one who uses the product every day: k = 2 gives a persona of 1 user in 60.
  std::string rows;
  for (int user = 0; user < 59; ++user)
    rows += fmt::format("u{},2024-01-01,2024-03-01,Search,1\n", user);
  for (int day = 1; day <= 28; ++day)
    rows += fmt::format("heavy,2024-01-01,2024-02-{:02},Search,500\n", day);
  const CleanedData data = LoadUsage(rows);
  const RfmTable rfm = ComputeRfm(data.dataset, RfmOptions());
  SegmentationOptions options;
  options.k = 2;
  Result<Segmentation> segments = SegmentUsers(data.dataset, rfm, options);
  ASSERT_TRUE(segments.ok()) << segments.status().message();
  ASSERT_EQ(segments->personas.size(), 2u);
  const Persona& heavy = segments->personas.front();
  EXPECT_EQ(heavy.users, 1u);
  EXPECT_TRUE(heavy.small);
  EXPECT_NE(heavy.description.find("Under 2% of the users"), std::string::npos)
      << heavy.description;
  EXPECT_FALSE(segments->personas.back().small);
  EXPECT_EQ(segments->personas.back().description.find("Under 2%"), std::string::npos);
}

}  // namespace
}  // namespace growthlens::ml
