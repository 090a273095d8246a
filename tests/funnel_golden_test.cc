// Funnels against pandas (tests/golden/make_funnel_golden.py, issue 20.4): the BPI Challenge
// 2012 loan applications (COMPLETE events, case = user, activity = event) and a generated event
// log, through the `funnel` analysis as the CLI and the API run it (parameters as text, JSON
// out). Counts and drop-offs are exact; conversions to 1e-12; times (integer milliseconds in
// both, then seconds) to 1e-6 s.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>

#include "app/analysis_registry.h"
#include "bpic2012_options.h"
#include "prep/ingest.h"
#include "test_data.h"

namespace growthlens {
namespace {

constexpr double kShareTolerance = 1e-12;
constexpr double kSecondsTolerance = 1e-6;

nlohmann::json ReadJson(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

std::string WindowText(double days) {
  if (days >= 1) return std::to_string(static_cast<int>(days)) + "d";
  return std::to_string(static_cast<int>(days * 24 * 60 + 0.5)) + "m";
}

std::string Joined(const nlohmann::json& list) {
  std::string out;
  for (const auto& item : list)
    out += fmt::format("{}{}", out.empty() ? "" : ",", item.get<std::string>());
  return out;
}

void ExpectSeconds(const nlohmann::json& ours, const nlohmann::json& golden,
                   const std::string& what) {
  if (golden.is_null()) {
    EXPECT_TRUE(ours.is_null()) << what;
    return;
  }
  ASSERT_FALSE(ours.is_null()) << what;
  EXPECT_NEAR(ours.get<double>(), golden.get<double>(), kSecondsTolerance) << what;
}

void CompareFunnels(const CleanedData& data, const std::string& golden_file) {
  const nlohmann::json golden = ReadJson(testing::GoldenPath(golden_file));
  ASSERT_FALSE(golden["funnels"].empty());
  const app::AnalysisEntry* funnel = app::FindAnalysis("funnel");
  ASSERT_NE(funnel, nullptr);
  for (const nlohmann::json& expected : golden["funnels"]) {
    const std::string name = expected["name"];
    SCOPED_TRACE(name);
    app::ParamText given = {{"steps", Joined(expected["steps"])},
                            {"window", WindowText(expected["window_days"].get<double>())},
                            {"mode", expected["mode"].get<std::string>()}};
    if (!expected["exclude"].empty()) given.emplace_back("exclude", Joined(expected["exclude"]));
    const Result<app::ParamText> params =
        app::Canonical(funnel->params, given, app::Naming::kApi, "funnel");
    ASSERT_TRUE(params.ok()) << params.status().message();
    app::RunContext context;
    context.naming = app::Naming::kApi;
    const Result<std::string> out = funnel->run(data, *params, app::OutputFormat::kJson, context);
    ASSERT_TRUE(out.ok()) << out.status().message();
    const nlohmann::json ours = nlohmann::json::parse(*out);
    const nlohmann::json& steps = expected["steps_out"];
    ASSERT_EQ(ours["steps"].size(), steps.size());
    ASSERT_GT(steps[0]["users"].get<uint64_t>(), 0u);
    for (size_t step = 0; step < steps.size(); ++step) {
      const std::string what = name + " step " + std::to_string(step + 1);
      const nlohmann::json& our = ours["steps"][step];
      const nlohmann::json& their = steps[step];
      EXPECT_EQ(our["users"].get<uint64_t>(), their["users"].get<uint64_t>()) << what;
      EXPECT_EQ(our["dropped"].get<uint64_t>(), their["dropped"].get<uint64_t>()) << what;
      EXPECT_NEAR(our["conversion_from_previous"].get<double>(),
                  their["conversion_from_previous"].get<double>(), kShareTolerance)
          << what;
      EXPECT_NEAR(our["conversion_from_first"].get<double>(),
                  their["conversion_from_first"].get<double>(), kShareTolerance)
          << what;
      ExpectSeconds(our["median_seconds"], their["median_seconds"], what + " median");
      ExpectSeconds(our["p90_seconds"], their["p90_seconds"], what + " p90");
    }
    EXPECT_EQ(ours["time_overall"]["users"].get<uint64_t>(),
              expected["overall_users"].get<uint64_t>());
    ExpectSeconds(ours["time_overall"]["median_seconds"], expected["overall_median_seconds"],
                  name + " overall median");
    ExpectSeconds(ours["time_overall"]["p25_seconds"], expected["overall_p25_seconds"],
                  name + " overall p25");
  }
}

TEST(FunnelGolden, Bpic2012ApplicationFunnelsMatchPandas) {
  const std::string text = testing::ReadXz(testing::PublicDataPath("bpic2012_events.csv.xz"));
  ASSERT_FALSE(text.empty()) << "could not decompress bpic2012_events.csv.xz (is xz installed?)";
  IngestOptions options = testing::Bpic2012EventOptions();
  options.read.columns.where.emplace_back("lifecycle:transition", "COMPLETE");
  const Result<CleanedData> data = IngestText(text, "bpic2012_events.csv", options);
  ASSERT_TRUE(data.ok()) << data.status().message();
  CompareFunnels(*data, "funnel_bpic2012.json");
}

TEST(FunnelGolden, GeneratedOnboardingFunnelsMatchPandas) {
  const std::string text = testing::ReadXz(testing::GoldenPath("funnel_events_small.csv.xz"));
  ASSERT_FALSE(text.empty());
  IngestOptions options;
  options.read.columns.kind = DataKind::kEvents;
  const Result<CleanedData> data = IngestText(text, "funnel_events_small.csv", options);
  ASSERT_TRUE(data.ok()) << data.status().message();
  CompareFunnels(*data, "funnel_generated.json");
}

}  // namespace
}  // namespace growthlens
