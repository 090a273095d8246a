// Funnels (issue 20.1): windowFunnel's semantics on small event logs whose answers are worked
// out by hand (ClickHouse's documented examples among them), the modes, exclusions, property
// conditions, the chain whose times are reported, and the parameters' errors.

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <string>

#include "app/analysis_registry.h"
#include "app/funnel_analysis.h"
#include "metrics/funnel.h"
#include "prep/ingest.h"

namespace growthlens {
namespace {

const UsageLog& LogOf(const Result<CleanedData>& data) {
  return *data->dataset.As<UsageLog>();
}

/// Events "user,second,event[,plan]" at 2024-01-01 plus the second.
Result<CleanedData> Events(const std::string& rows, bool with_plan = false) {
  std::string text = with_plan ? "user_id,timestamp,event,plan\n" : "user_id,timestamp,event\n";
  std::string line;
  for (size_t at = 0; at < rows.size();) {
    const size_t end = rows.find(';', at);
    const std::string row = rows.substr(at, end == std::string::npos ? end : end - at);
    at = end == std::string::npos ? rows.size() : end + 1;
    const size_t comma = row.find(',');
    const size_t second_end = row.find(',', comma + 1);
    const int64_t second = std::stoll(row.substr(comma + 1, second_end - comma - 1));
    text += row.substr(0, comma) + "," + std::to_string(1704067200 + second) + "," +
            row.substr(second_end + 1) + "\n";
  }
  IngestOptions options;
  options.read.columns.kind = DataKind::kEvents;
  return IngestText(text, "events.csv", options);
}

FunnelSpec Spec(const UsageLog& log, const std::string& steps, int64_t window_s,
                FunnelMode mode = FunnelMode::kDefault, const std::string& exclude = "") {
  FunnelSpec spec;
  spec.window_ms = window_s * 1000;
  spec.mode = mode;
  const auto parse = [&log](const std::string& list, std::vector<FunnelCondition>& out) {
    size_t at = 0;
    while (at < list.size()) {
      size_t end = list.find(',', at);
      if (end == std::string::npos) end = list.size();
      const Result<FunnelCondition> condition =
          app::ParseFunnelCondition(list.substr(at, end - at), log, "steps", app::Naming::kCli);
      EXPECT_TRUE(condition.ok()) << condition.status().message();
      if (condition.ok()) out.push_back(*condition);
      at = end + 1;
    }
  };
  parse(steps, spec.steps);
  parse(exclude, spec.exclusions);
  return spec;
}

uint8_t LevelOf(const UsageLog& log, const FunnelUsers& users, const std::string& id) {
  return users.level[*log.users.Find(id)];
}

TEST(Funnel, WindowCountsFromTheFirstStepAndKeepsTheBestChain) {
  // u1: A B C within 10 s; u2: C is 11 s after A; u3: a later A starts a chain that fits.
  const Result<CleanedData> data =
      Events("u1,0,A;u1,4,B;u1,10,C;u2,0,A;u2,5,B;u2,11,C;u3,0,A;u3,2,B;u3,20,A;u3,25,B;u3,29,C");
  ASSERT_TRUE(data.ok()) << data.status().message();
  const UsageLog& log = LogOf(data);
  const FunnelUsers users = ComputeFunnel(log, Spec(log, "A,B,C", 10));
  EXPECT_EQ(LevelOf(log, users, "u1"), 3);
  EXPECT_EQ(LevelOf(log, users, "u2"), 2);
  EXPECT_EQ(LevelOf(log, users, "u3"), 3);
  // u3's reported chain is the one that completed: A at 20, B at 25, C at 29.
  const uint32_t u3 = *log.users.Find("u3");
  EXPECT_EQ(users.Time(u3, 1) - users.Time(u3, 0), 5000);
  EXPECT_EQ(users.Time(u3, 2) - users.Time(u3, 1), 4000);
  const FunnelSummary summary = SummarizeFunnel(users);
  ASSERT_EQ(summary.steps.size(), 3u);
  EXPECT_EQ(summary.steps[0].users, 3u);
  EXPECT_EQ(summary.steps[1].users, 3u);
  EXPECT_EQ(summary.steps[2].users, 2u);
  EXPECT_EQ(summary.steps[2].dropped, 1u);
  EXPECT_DOUBLE_EQ(summary.steps[2].from_first, 2.0 / 3.0);
  // Times B->C: u1 6 s, u3 4 s: median 5 s; overall: u1 10 s, u3 9 s.
  EXPECT_DOUBLE_EQ(summary.steps[2].time_from_previous.median, 5000);
  EXPECT_DOUBLE_EQ(summary.time_overall.median, 9500);
}

TEST(Funnel, StrictIncreaseNeedsLaterTimesWhereTheDefaultTakesEqualOnes) {
  const Result<CleanedData> data = Events("u1,0,A;u1,0,B;u1,3,C");
  ASSERT_TRUE(data.ok());
  const UsageLog& log = LogOf(data);
  EXPECT_EQ(ComputeFunnel(log, Spec(log, "A,B,C", 10)).level[0], 3);
  EXPECT_EQ(ComputeFunnel(log, Spec(log, "A,B,C", 10, FunnelMode::kStrictIncrease)).level[0], 1);
}

TEST(Funnel, StrictOrderStopsAtAnyOtherEventAfterTheFirstStep) {
  // ClickHouse's example: A -> B -> D -> C stops at D, level 2.
  const Result<CleanedData> data =
      Events("u1,0,A;u1,1,B;u1,2,D;u1,3,C;u2,0,D;u2,1,A;u2,2,B;u2,3,C;u3,0,A;u3,1,C;u3,2,B");
  ASSERT_TRUE(data.ok());
  const UsageLog& log = LogOf(data);
  const FunnelUsers strict = ComputeFunnel(log, Spec(log, "A,B,C", 10, FunnelMode::kStrictOrder));
  EXPECT_EQ(LevelOf(log, strict, "u1"), 2);
  EXPECT_EQ(LevelOf(log, strict, "u2"), 3);  // D before the first step does not count
  EXPECT_EQ(LevelOf(log, strict, "u3"), 1);  // C before B ends the search
  const FunnelUsers loose = ComputeFunnel(log, Spec(log, "A,B,C", 10));
  EXPECT_EQ(LevelOf(log, loose, "u1"), 3);
  EXPECT_EQ(LevelOf(log, loose, "u3"), 2);
}

TEST(Funnel, AnyOrderTakesTheLeadingStepsWithinOneWindow) {
  const Result<CleanedData> data = Events("u1,0,C;u1,2,A;u1,5,B;u2,0,B;u2,30,A;u2,31,C");
  ASSERT_TRUE(data.ok());
  const UsageLog& log = LogOf(data);
  const FunnelUsers users = ComputeFunnel(log, Spec(log, "A,B,C", 10, FunnelMode::kAnyOrder));
  EXPECT_EQ(LevelOf(log, users, "u1"), 3);
  EXPECT_EQ(LevelOf(log, users, "u2"), 1);  // B is 30 s before A: A alone
  const uint32_t u1 = *log.users.Find("u1");
  // Step times are when steps 0..k were all done: A at 2, A+B at 5, A+B+C at 5.
  EXPECT_EQ(users.Time(u1, 1) - users.Time(u1, 0), 3000);
  EXPECT_EQ(users.Time(u1, 2) - users.Time(u1, 1), 0);
}

TEST(Funnel, AnExcludedEventBetweenStepsBreaksTheChain) {
  const Result<CleanedData> data =
      Events("u1,0,A;u1,1,X;u1,2,B;u2,0,A;u2,1,B;u2,2,X;u2,3,C;u3,0,A;u3,1,X;u3,2,A;u3,3,B");
  ASSERT_TRUE(data.ok());
  const UsageLog& log = LogOf(data);
  const FunnelUsers users = ComputeFunnel(log, Spec(log, "A,B,C", 10, FunnelMode::kDefault, "X"));
  EXPECT_EQ(LevelOf(log, users, "u1"), 1);
  EXPECT_EQ(LevelOf(log, users, "u2"), 2);
  EXPECT_EQ(LevelOf(log, users, "u3"), 2);  // a new first step after X starts again
}

TEST(Funnel, StepsWithAPropertyConditionMatchOnlyThoseRows) {
  const Result<CleanedData> data =
      Events("u1,0,A,free;u1,1,B,free;u2,0,A,pro;u2,1,B,pro", /*with_plan=*/true);
  ASSERT_TRUE(data.ok()) << data.status().message();
  const UsageLog& log = LogOf(data);
  const FunnelUsers users = ComputeFunnel(log, Spec(log, "A,B[plan=pro]", 10));
  EXPECT_EQ(LevelOf(log, users, "u1"), 1);
  EXPECT_EQ(LevelOf(log, users, "u2"), 2);
}

TEST(Funnel, TheResultDoesNotDependOnTheThreadCount) {
  // Enough rows for the grouping to split them over two threads (users interleaved, so that
  // each thread's part holds rows of the same users).
  std::string rows;
  for (int round = 0; round < 5; ++round)
    for (int user = 0; user < 20'000; ++user)
      if ((user * 7 + round * 3) % 5 != 0)
        rows += fmt::format("u{},{},{};", user, round * (user % 9) + user % 4,
                            static_cast<char>('A' + (user + round) % 4));
  rows.pop_back();
  const Result<CleanedData> data = Events(rows);
  ASSERT_TRUE(data.ok());
  const UsageLog& log = LogOf(data);
  const FunnelSpec spec = Spec(log, "A,B,C,D", 20);
  const FunnelUsers one = ComputeFunnel(log, spec, 1);
  const FunnelUsers two = ComputeFunnel(log, spec, 2);
  EXPECT_EQ(one.level, two.level);
  EXPECT_EQ(one.times, two.times);
}

TEST(FunnelParams, BadValuesAreRefusedNamingTheParameter) {
  const Result<CleanedData> data = Events("u1,0,A;u1,1,B");
  ASSERT_TRUE(data.ok());
  const app::AnalysisEntry* funnel = app::FindAnalysis("funnel");
  ASSERT_NE(funnel, nullptr);
  const auto run = [&](const app::ParamText& given) {
    app::RunContext context;
    context.naming = app::Naming::kApi;
    const Result<app::ParamText> params =
        app::Canonical(funnel->params, given, app::Naming::kApi, "funnel");
    if (!params.ok()) return params.status().message();
    const Result<std::string> out = funnel->run(*data, *params, app::OutputFormat::kJson, context);
    return out.ok() ? std::string("ok") : out.status().message();
  };
  EXPECT_EQ(run({{"steps", "A,B"}}), "ok");
  EXPECT_NE(run({{"steps", "A,Nope"}}).find("parameter 'steps'"), std::string::npos);
  EXPECT_NE(run({{"steps", "A,Nope"}}).find("no event 'Nope'"), std::string::npos);
  EXPECT_NE(run({{"steps", ""}}).find("parameter 'steps'"), std::string::npos);
  EXPECT_NE(run({{"steps", "A,B"}, {"window", "14x"}}).find("parameter 'window'"),
            std::string::npos);
  EXPECT_NE(run({{"steps", "A,B"}, {"window", "400d"}}).find("parameter 'window'"),
            std::string::npos);
  EXPECT_NE(run({{"steps", "A,B"}, {"mode", "fast"}}).find("parameter 'mode'"), std::string::npos);
  EXPECT_NE(run({{"steps", "A,B"}, {"by", "property"}, {"by-property", "plan"}})
                .find("parameter 'by-property'"),
            std::string::npos);
  EXPECT_NE(run({{"steps", "A,B"}, {"dropoff-users", "3"}}).find("parameter 'dropoff-users'"),
            std::string::npos);
}

TEST(FunnelParams, DropOffUsersAreASpreadsheetSafeCsv) {
  // A user id a spreadsheet would run as a formula is written as text.
  const Result<CleanedData> data = Events("=cmd,0,A;u2,0,A;u2,1,B");
  ASSERT_TRUE(data.ok()) << data.status().message();
  const app::AnalysisEntry* funnel = app::FindAnalysis("funnel");
  ASSERT_NE(funnel, nullptr);
  const Result<app::ParamText> params = app::Canonical(
      funnel->params, {{"steps", "A,B"}, {"dropoff-users", "1"}}, app::Naming::kCli, "funnel");
  ASSERT_TRUE(params.ok());
  app::RunContext context;
  const Result<std::string> csv = funnel->run(*data, *params, app::OutputFormat::kCsv, context);
  ASSERT_TRUE(csv.ok()) << csv.status().message();
  EXPECT_EQ(*csv,
            "user,last_step,entered_at,last_step_at\n"
            "'=cmd,A,2024-01-01 00:00:00,2024-01-01 00:00:00\n");
}

TEST(FunnelParams, WindowUnits) {
  EXPECT_EQ(*app::ParseFunnelWindow("14d", app::Naming::kCli), 14 * kMsPerDay);
  EXPECT_EQ(*app::ParseFunnelWindow("90m", app::Naming::kCli), 90 * 60'000);
  EXPECT_EQ(*app::ParseFunnelWindow("2w", app::Naming::kCli), 14 * kMsPerDay);
  EXPECT_EQ(*app::ParseFunnelWindow("3600s", app::Naming::kCli), 3'600'000);
  EXPECT_FALSE(app::ParseFunnelWindow("0d", app::Naming::kCli).ok());
  EXPECT_FALSE(app::ParseFunnelWindow("d", app::Naming::kCli).ok());
}

}  // namespace
}  // namespace growthlens
