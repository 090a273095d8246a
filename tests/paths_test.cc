// Paths and retention by behaviour on hand-made event logs whose answers can be worked out by
// hand: events out of time order within a user, ties, collapsed repeats, gaps, exclusions,
// end-anchored paths, and the messages of bad parameters.

#include <gtest/gtest.h>

#include <string>

#include "event_log_golden.h"
#include "metrics/paths.h"
#include "metrics/user_event_order.h"

namespace growthlens {
namespace {

using nlohmann::json;

CleanedData Events(const std::string& body) {
  Result<CleanedData> data =
      IngestText("user_id,timestamp,event\n" + body, "events.csv", IngestOptions());
  EXPECT_TRUE(data.ok()) << data.status().message();
  return std::move(data).value();
}

// u1's rows are out of time order in the file; u2 repeats b; u3 never starts.
const char* const kLog =
    "u1,2024-01-01T10:05:00Z,c\n"
    "u1,2024-01-01T10:00:00Z,a\n"
    "u2,2024-01-01T09:00:00Z,a\n"
    "u1,2024-01-01T10:01:00Z,b\n"
    "u2,2024-01-01T09:01:00Z,b\n"
    "u2,2024-01-01T09:02:00Z,b\n"
    "u2,2024-01-01T12:00:00Z,c\n"
    "u3,2024-01-01T08:00:00Z,b\n";

TEST(UserEventOrder, SortsEachUsersEventsByTime) {
  const CleanedData data = Events(kLog);
  const UsageLog& log = *data.dataset.As<UsageLog>();
  const UserEventOrder order(log, 2);
  EXPECT_TRUE(order.sorted_by_time());
  ASSERT_EQ(order.groups(), 3u);
  for (size_t group = 0; group < order.groups(); ++group) {
    const auto rows = order.Rows(group);
    for (size_t idx = 1; idx < rows.size(); ++idx)
      EXPECT_LE(EventTimeMs(log, rows[idx - 1]), EventTimeMs(log, rows[idx]));
  }
  const auto first = order.Rows(0);  // u1
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(log.features[log.usage.feature[first[0]]], "a");
  EXPECT_EQ(log.features[log.usage.feature[first[2]]], "c");
}

std::vector<std::pair<std::string, uint64_t>> PathsOf(const json& result) {
  std::vector<std::pair<std::string, uint64_t>> paths;
  for (const json& path : result["paths"]) {
    std::string text;
    for (const json& event : path["events"]) text += event.get<std::string>();
    paths.emplace_back(text, path["users"].get<uint64_t>());
  }
  return paths;
}

TEST(Paths, StartCollapseGapAndEnd) {
  const CleanedData data = Events(kLog);
  using Expected = std::vector<std::pair<std::string, uint64_t>>;
  // From the first a: u1 a,b,c; u2 a,b,b (3 steps would add c).
  EXPECT_EQ(PathsOf(testing::RunAnalysisJson("paths", {{"start", "a"}, {"steps", "2"}}, data)),
            (Expected{{"abb", 1}, {"abc", 1}}));
  // Repeats collapsed: both a,b,c.
  EXPECT_EQ(PathsOf(testing::RunAnalysisJson(
                "paths", {{"start", "a"}, {"steps", "2"}, {"collapse-repeats", "true"}}, data)),
            (Expected{{"abc", 2}}));
  // A 60-minute gap ends u2's path before c.
  EXPECT_EQ(PathsOf(testing::RunAnalysisJson(
                "paths", {{"start", "a"}, {"collapse-repeats", "true"}, {"max-gap", "60"}}, data)),
            (Expected{{"ab", 1}, {"abc", 1}}));
  // Before the first c, b excluded; u3 has no c.
  const json end =
      testing::RunAnalysisJson("paths", {{"end", "c"}, {"steps", "3"}, {"exclude", "b"}}, data);
  EXPECT_EQ(PathsOf(end), (Expected{{"ac", 2}}));
  EXPECT_EQ(end["users"], 3);
  EXPECT_EQ(end["users_with_path"], 2);
  // The Sankey diagram aligns end paths on the end event: a at step -1, c at 0.
  ASSERT_EQ(end["sankey"]["nodes"].size(), 2u);
  EXPECT_EQ(end["sankey"]["nodes"][0]["step"], -1);
  EXPECT_EQ(end["sankey"]["links"][0]["users"], 2);
}

TEST(Paths, MinShareAndTopFoldIntoOther) {
  const CleanedData data = Events(kLog);
  const json result =
      testing::RunAnalysisJson("paths", {{"steps", "1"}, {"top", "1"}, {"min-share", "0"}}, data);
  // First events: u1 a,b; u2 a,b; u3 b. Top 1: a,b (2 users); other: b (1 user).
  EXPECT_EQ(PathsOf(result), (std::vector<std::pair<std::string, uint64_t>>{{"ab", 2}}));
  EXPECT_EQ(result["other"]["users"], 1);
  EXPECT_NEAR(result["other"]["share"].get<double>(), 1.0 / 3.0, 1e-15);
}

Status RunStatus(const app::ParamText& query, const CleanedData& data) {
  const app::AnalysisEntry* entry = app::FindAnalysis("paths");
  Result<app::ParamText> params =
      app::Canonical(entry->params, query, app::Naming::kApi, entry->name);
  if (!params.ok()) return params.status();
  app::RunContext context;
  context.naming = app::Naming::kApi;
  context.source = "events.csv";
  return entry->run(data, *params, app::OutputFormat::kJson, context).status();
}

TEST(Paths, BadParametersAreNamed) {
  const CleanedData data = Events(kLog);
  const Status both = RunStatus({{"start", "a"}, {"end", "c"}}, data);
  EXPECT_NE(both.message().find("parameter 'start'"), std::string::npos) << both.message();
  const Status unknown = RunStatus({{"start", "zz"}}, data);
  EXPECT_NE(unknown.message().find("parameter 'start': 'zz'"), std::string::npos)
      << unknown.message();
  const Status steps = RunStatus({{"steps", "11"}}, data);
  EXPECT_NE(steps.message().find("parameter 'steps'"), std::string::npos) << steps.message();
  const Status excluded = RunStatus({{"start", "a"}, {"exclude", "a"}}, data);
  EXPECT_NE(excluded.message().find("parameter 'exclude'"), std::string::npos)
      << excluded.message();
  const Status retention = [&] {
    const app::AnalysisEntry* entry = app::FindAnalysis("cohorts");
    Result<app::ParamText> params =
        app::Canonical(entry->params, {{"start-event", "nope"}}, app::Naming::kApi, entry->name);
    app::RunContext context;
    context.naming = app::Naming::kApi;
    return entry->run(data, *params, app::OutputFormat::kJson, context).status();
  }();
  EXPECT_NE(retention.message().find("parameter 'start-event': 'nope'"), std::string::npos)
      << retention.message();
}

TEST(BehaviourRetention, CohortOfFirstStartReturnsByEvent) {
  // Weekly: x starts week 1 and buys in weeks 1 and 3; y starts week 2, buys before starting
  // (ignored) and in week 2; z buys but never starts.
  const CleanedData data = Events(
      "x,2024-01-01T10:00:00Z,start\n"
      "x,2024-01-02T10:00:00Z,buy\n"
      "y,2024-01-03T10:00:00Z,buy\n"
      "y,2024-01-08T10:00:00Z,start\n"
      "y,2024-01-09T10:00:00Z,buy\n"
      "x,2024-01-15T10:00:00Z,buy\n"
      "z,2024-01-21T10:00:00Z,buy\n");
  const json on = testing::RunAnalysisJson(
      "cohorts",
      {{"start-event", "start"}, {"return-event", "buy"}, {"period", "week"}, {"values", "count"}},
      data);
  ASSERT_EQ(on["cohorts"].size(), 2u);
  EXPECT_EQ(on["cohorts"][0]["values"], json::parse("[1,0,1]"));
  EXPECT_EQ(on["cohorts"][1]["values"], json::parse("[1,0]"));
  const json after = testing::RunAnalysisJson("cohorts",
                                              {{"start-event", "start"},
                                               {"return-event", "buy"},
                                               {"period", "week"},
                                               {"mode", "on-or-after"},
                                               {"values", "count"}},
                                              data);
  EXPECT_EQ(after["cohorts"][0]["values"], json::parse("[1,1,1]"));
}

}  // namespace
}  // namespace growthlens
