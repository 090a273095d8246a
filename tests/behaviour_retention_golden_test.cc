// Retention by behaviour (issue 20.3: `cohorts --start-event A --return-event B`) against pandas
// (tests/golden/make_behaviour_retention_golden.py) on the BPI Challenge 2012 log and a small
// generated log, by day, week and month, on and on-or-after: cohort labels, sizes, left
// censoring and counts exactly; shares and the average row to 1e-12 (null where pandas has none).

#include <gtest/gtest.h>

#include <string>

#include "event_log_golden.h"

namespace growthlens {
namespace {

using nlohmann::json;

void ExpectRetentionMatches(const CleanedData& data, const std::string& golden_file) {
  const json golden = testing::ReadJsonGolden(golden_file);
  ASSERT_TRUE(golden.contains("configs"));
  for (const json& config : golden["configs"]) {
    SCOPED_TRACE(config["params"].dump());
    app::ParamText query = testing::QueryOf(config["params"]);
    const json& want = config["expected"];
    query.emplace_back("values", "count");
    const json counts = testing::RunAnalysisJson("cohorts", query, data);
    query.back().second = "percent";
    const json shares = testing::RunAnalysisJson("cohorts", query, data);
    ASSERT_TRUE(counts.is_object() && shares.is_object());
    ASSERT_EQ(counts["cohorts"].size(), want["cohorts"].size());
    for (size_t idx = 0; idx < want["cohorts"].size(); ++idx) {
      const json& cohort = want["cohorts"][idx];
      SCOPED_TRACE(cohort["cohort"].get<std::string>());
      EXPECT_EQ(counts["cohorts"][idx]["cohort"], cohort["cohort"]);
      EXPECT_EQ(counts["cohorts"][idx]["size"], cohort["size"]);
      EXPECT_EQ(counts["cohorts"][idx]["left_censored"], cohort["left_censored"]);
      EXPECT_EQ(counts["cohorts"][idx]["values"], cohort["counts"]);
      const json& got_shares = shares["cohorts"][idx]["values"];
      ASSERT_EQ(got_shares.size(), cohort["shares"].size());
      for (size_t period = 0; period < got_shares.size(); ++period)
        EXPECT_NEAR(got_shares[period].get<double>(), cohort["shares"][period].get<double>(),
                    1e-12);
    }
    for (const json* got : {&counts, &shares}) {
      ASSERT_EQ((*got)["average"].size(), want["average"].size());
      for (size_t period = 0; period < want["average"].size(); ++period) {
        if (want["average"][period].is_null()) {
          EXPECT_TRUE((*got)["average"][period].is_null()) << period;
        } else {
          EXPECT_NEAR((*got)["average"][period].get<double>(),
                      want["average"][period].get<double>(), 1e-12)
              << period;
        }
      }
    }
  }
}

TEST(BehaviourRetentionGolden, Bpic2012MatchesPandas) {
  ExpectRetentionMatches(testing::BpicCompleteEvents(), "behaviour_retention_bpic2012.json");
}

TEST(BehaviourRetentionGolden, GeneratedLogMatchesPandas) {
  ExpectRetentionMatches(testing::GeneratedSmallEvents(), "behaviour_retention_generated.json");
}

}  // namespace
}  // namespace growthlens
