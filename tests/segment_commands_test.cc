// The segmentation commands end to end: train writes a model that predict reads back to the same
// personas, segment writes users, personas and the sweep, evaluate reports metrics, and bad
// models or options are refused with messages.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "command_runner.h"
#include "test_data.h"

namespace growthlens {
namespace {

using json = nlohmann::json;

class SegmentCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("growthlens_segment_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  static std::string Usage() { return testing::GoldenPath("usage_small.csv"); }
  static std::string Read(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  std::filesystem::path dir_;
};

TEST_F(SegmentCommands, PredictOnTheTrainingFileGivesTheTrainingPersonas) {
  const auto segment = testing::RunCommand("segment " + Usage() + " --quiet --k 4 --model " +
                                           Path("model.json") + " --output-dir " + dir_.string());
  ASSERT_EQ(segment.exit_code, 0) << segment.err;
  const std::string trained = Read(Path("usage_small_user_personas.csv"));
  ASSERT_FALSE(trained.empty());
  const auto predict = testing::RunCommand("predict " + Usage() + " --quiet --model " +
                                           Path("model.json") + " --format csv");
  ASSERT_EQ(predict.exit_code, 0) << predict.err;
  EXPECT_EQ(predict.out, trained);  // same users, same persona ids and names, same order

  const json model = json::parse(Read(Path("model.json")));
  EXPECT_EQ(model["format"], "growthlens-segment-model");
  EXPECT_EQ(model["version"], 1);
  EXPECT_EQ(model["centres"].size(), 4u);
  EXPECT_EQ(model["personas"][0]["name"], "Power Users");
  EXPECT_EQ(model["training"]["users"], 244);
  uint64_t users = 0;
  for (const auto& persona : model["personas"]) users += persona["users"].get<uint64_t>();
  EXPECT_EQ(users, 244u);
}

TEST_F(SegmentCommands, DefaultIsTheFourTiersWithTheSweepAsAdvice) {
  const auto run = testing::RunCommand("segment " + Usage() + " --quiet --no-write --format json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json model = json::parse(run.out);
  const json& training = model["training"];
  EXPECT_EQ(training["k"], 4);
  EXPECT_EQ(training["k_choice"], "four tiers");
  EXPECT_FALSE(training["k_from_silhouette"].get<bool>());
  ASSERT_EQ(training["sweep"].size(), 9u);  // k = 2..10, shown as advice
  double best = -1;
  size_t best_k = 0;
  for (const auto& row : training["sweep"])
    if (row["silhouette"].get<double>() > best) {
      best = row["silhouette"];
      best_k = row["k"];
    }
  EXPECT_EQ(training["best_silhouette_k"].get<size_t>(), best_k);
  ASSERT_NE(best_k, 4u);  // usage_small separates best with fewer clusters
  const std::string advice = training["advice"];
  EXPECT_NE(advice.find(fmt::format("k = {} separates the users more cleanly", best_k)),
            std::string::npos)
      << advice;
  EXPECT_NE(advice.find("the default keeps the four actionable tiers"), std::string::npos)
      << advice;
  ASSERT_EQ(model["personas"].size(), 4u);
  EXPECT_EQ(model["personas"][0]["name"], "Power Users");
  EXPECT_EQ(model["personas"][3]["name"], "Dormant Users");
  // The same model as --k 4 (the sweep's k = 4 fit is that fit): same personas, same users.
  const auto given = testing::RunCommand("segment " + Usage() +
                                         " --quiet --no-write --k 4 --view users --format csv");
  const auto tiers =
      testing::RunCommand("segment " + Usage() + " --quiet --no-write --view users --format csv");
  ASSERT_EQ(given.exit_code, 0) << given.err;
  EXPECT_EQ(tiers.out, given.out);
  // --k auto: the best silhouette, as before the four-tier default.
  const auto automatic =
      testing::RunCommand("segment " + Usage() + " --quiet --no-write --k auto --format json");
  ASSERT_EQ(automatic.exit_code, 0) << automatic.err;
  const json chosen = json::parse(automatic.out)["training"];
  EXPECT_EQ(chosen["k"].get<size_t>(), best_k);
  EXPECT_EQ(chosen["k_choice"], "best silhouette");
  EXPECT_TRUE(chosen["k_from_silhouette"].get<bool>());
}

TEST_F(SegmentCommands, SweepChoosesTheBestSilhouetteAndEvaluateReportsMetrics) {
  const auto train =
      testing::RunCommand("train " + Usage() + " --quiet --k-max 5 --k auto --model " +
                          Path("m.json") + " --format json");
  ASSERT_EQ(train.exit_code, 0) << train.err;
  const json model = json::parse(train.out);
  double best = -1;
  size_t best_k = 0;
  for (const auto& row : model["training"]["sweep"])
    if (row["silhouette"].get<double>() > best) {
      best = row["silhouette"];
      best_k = row["k"];
    }
  EXPECT_EQ(model["training"]["sweep"].size(), 4u);  // k = 2..5
  EXPECT_EQ(model["training"]["k"].get<size_t>(), best_k);
  EXPECT_TRUE(model["training"]["k_from_silhouette"].get<bool>());

  const auto evaluate = testing::RunCommand("evaluate " + Usage() + " --quiet --model " +
                                            Path("m.json") + " --seeds 2 --format json");
  ASSERT_EQ(evaluate.exit_code, 0) << evaluate.err;
  const json report = json::parse(evaluate.out);
  EXPECT_NEAR(report["metrics"]["silhouette"].get<double>(), best, 1e-9);  // same users, all rows
  EXPECT_GT(report["metrics"]["stability_ari_mean"].get<double>(), 0.5);
  EXPECT_LE(report["metrics"]["stability_ari_mean"].get<double>(), 1.0);
}

TEST_F(SegmentCommands, BadModelsAndOptionsAreRefusedWithMessages) {
  std::ofstream(Path("newer.json")) << R"({"format":"growthlens-segment-model","version":9})";
  auto run = testing::RunCommand("predict " + Usage() + " --quiet --model " + Path("newer.json"));
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find("model version 9 cannot be read"), std::string::npos) << run.err;
  std::ofstream(Path("broken.json")) << R"({"format":"growthlens-segment-model","version":1,
    "kind":"usage","features":["recency"],"transform":{"log1p":true,"mean":[1],"scale":[1]}})";
  run = testing::RunCommand("predict " + Usage() + " --quiet --model " + Path("broken.json"));
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find("model field 'centres' is missing"), std::string::npos) << run.err;
  run = testing::RunCommand("segment " + Usage() + " --quiet --no-write --k 1");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--k '1': expected auto (the best silhouette) or a whole number of "
                         "personas in 2..1000"),
            std::string::npos)
      << run.err;
  run = testing::RunCommand("segment " + Usage() + " --quiet --no-write --k many");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--k 'many': expected auto"), std::string::npos) << run.err;
  run = testing::RunCommand("segment " + Usage() + " --quiet --no-write --k 500");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--k 500: more segments than the 244 users"), std::string::npos)
      << run.err;
  std::ofstream(Path("one.csv")) << testing::kUsageHeader << "u1,2024-01-01,2024-01-02,Search,3\n";
  run = testing::RunCommand("segment " + Path("one.csv") + " --quiet --no-write");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("at least 3 users with activity, found 1"), std::string::npos) << run.err;
  std::ofstream(Path("empty.csv")) << testing::kUsageHeader;
  run = testing::RunCommand("analyze " + Path("empty.csv") + " --quiet --no-write");
  EXPECT_EQ(run.exit_code, 6);  // data error
  EXPECT_NE(run.err.find("no rows left after cleaning"), std::string::npos) << run.err;
  run = testing::RunCommand("segment " + Usage() + " --quiet --no-write --features colour");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--features 'colour'"), std::string::npos) << run.err;
}

TEST_F(SegmentCommands, CsvCellsThatSpreadsheetsWouldRunAsFormulasAreQuoted) {
  std::ofstream(Path("formula.csv"))
      << testing::kUsageHeader << "u1,2024-01-01,2024-01-02,=HYPERLINK(\"x\"),3\n"
      << "u2,2024-01-01,2024-01-03,Search,1\n";
  const auto csv = testing::RunCommand("usage " + Path("formula.csv") + " --quiet --format csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_NE(csv.out.find("\"'=HYPERLINK(\"\"x\"\")\",3,"), std::string::npos) << csv.out;
  const auto json_run =
      testing::RunCommand("usage " + Path("formula.csv") + " --quiet --format json");
  ASSERT_EQ(json_run.exit_code, 0) << json_run.err;
  EXPECT_NE(json_run.out.find("\"feature\":\"=HYPERLINK(\\\"x\\\")\""), std::string::npos)
      << json_run.out;
}

}  // namespace
}  // namespace growthlens
