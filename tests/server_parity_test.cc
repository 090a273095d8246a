// Each analysis route of `growthlens serve` answers, byte for byte, what the growthlens binary
// prints for `growthlens <command> FILE --format json --quiet <the same options>` on the file
// the server loaded (a small generated demo: a usage log and transactions), FILE being its name
// as loaded (the binary runs in the directory the server stored it in).

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "command_runner.h"
#include "server_test_support.h"

namespace growthlens {
namespace {

using testing::TestServer;

/// How a route maps to the command line: the command, and the options the server adds itself.
struct RouteCommand {
  std::string command;  // "segment", "experiment plan"
  std::vector<std::pair<std::string, std::string>> fixed;
  std::vector<std::pair<std::string, std::string>> defaults;  // unless the query gives them
  bool takes_file = true;
};

const std::map<std::string, RouteCommand>& RouteCommands() {
  static const std::map<std::string, RouteCommand> routes = {
      {"kpis", {"kpis", {}, {}}},
      {"usage", {"usage", {}, {}}},
      {"rfm", {"rfm", {}, {}}},
      {"segment", {"segment", {{"no-write", ""}}, {}}},
      {"segment/users", {"segment", {{"no-write", ""}, {"view", "users"}}, {{"sample", "3000"}}}},
      {"cohorts", {"cohorts", {}, {}}},
      {"lifecycle", {"lifecycle", {}, {}}},
      {"revenue", {"revenue", {}, {}}},
      {"insights", {"insights", {}, {}}},
      {"predictions", {"predictions", {}, {}}},
      {"users", {"users", {}, {}}},
      {"experiment/plan", {"experiment plan", {}, {}, false}},
      {"experiment/simulate", {"experiment simulate", {}, {}}},
  };
  return routes;
}

struct ParityCase {
  std::string name;  // the test's name
  std::string route;
  std::vector<std::pair<std::string, std::string>> query;  // `dataset` picks the file
};

void PrintTo(const ParityCase& parity, std::ostream* out) {
  *out << parity.route;
}

/// The whole demo is loaded once per test process.
class ServerParity : public ::testing::TestWithParam<ParityCase> {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<TestServer>();
    const testing::Reply demo = server_->LoadSmallDemo();
    ASSERT_EQ(demo.status, 200) << demo.body;
  }
  static void TearDownTestSuite() { server_.reset(); }

  static std::string Target(const ParityCase& parity) {
    std::string target = "/api/v1/" + parity.route;
    char separator = '?';
    for (const auto& [name, value] : parity.query) {
      target += separator + name + "=" + testing::UrlEncode(value);
      separator = '&';
    }
    return target;
  }

  static std::string CommandLine(const ParityCase& parity) {
    const RouteCommand& route = RouteCommands().at(parity.route);
    std::string line = route.command;
    std::string file = "usage_log.csv";
    std::vector<std::pair<std::string, std::string>> options = route.fixed;
    for (const auto& [name, value] : parity.query) {
      if (name == "dataset") {
        if (value == "transactions") file = "transactions.csv";
      } else {
        options.emplace_back(name, value);
      }
    }
    if (parity.route == "revenue") file = "transactions.csv";
    // The planner estimates a metric other than a rate or a mean from the held file.
    for (const auto& [name, value] : parity.query)
      if (parity.route == "experiment/plan" && name == "metric" && value != "proportion" &&
          value != "mean")
        options.emplace_back("data", file);
    for (const auto& [name, value] : route.defaults)
      if (std::none_of(parity.query.begin(), parity.query.end(),
                       // An init-capture: clang before 16 cannot capture a structured binding.
                       [&wanted = name](const auto& param) { return param.first == wanted; }))
        options.emplace_back(name, value);
    if (route.takes_file) line += " " + testing::ShellQuote(file);
    for (const auto& [name, value] : options)
      line += " --" + name + (value.empty() ? "" : " " + testing::ShellQuote(value));
    return line + " --format json --quiet";
  }

  static std::unique_ptr<TestServer> server_;
};

std::unique_ptr<TestServer> ServerParity::server_;

TEST_P(ServerParity, BodyIsWhatTheCommandPrints) {
  const ParityCase& parity = GetParam();
  const testing::Reply reply = server_->Get(Target(parity));
  ASSERT_EQ(reply.status, 200) << Target(parity) << "\n" << reply.body;
  EXPECT_EQ(reply.Header("Content-Type"), "application/json");
  EXPECT_EQ(reply.Header("X-GrowthLens-Cache"), "miss");

  const std::string command = CommandLine(parity);
  const testing::CommandResult run = testing::RunCommandIn(server_->RawDir(), command);
  ASSERT_EQ(run.exit_code, 0) << command << "\n" << run.err;
  // Not two empty answers: a document with content.
  const nlohmann::json doc = reply.Json();
  ASSERT_FALSE(doc.empty()) << reply.body;
  EXPECT_EQ(reply.body, run.out) << Target(parity) << " vs growthlens " << command;
}

constexpr const char* kFrom = "2025-03-01";
constexpr const char* kTo = "2025-06-30";

const ParityCase kCases[] = {
    {"KpisDefault", "kpis", {}},
    {"KpisDateRange", "kpis", {{"from", kFrom}, {"to", kTo}}},
    {"KpisTransactions", "kpis", {{"dataset", "transactions"}, {"from", kFrom}}},
    // Defaults of the transactions, answered from the analysis the server ran at load.
    {"KpisTransactionsDefault", "kpis", {{"dataset", "transactions"}}},
    {"RfmTransactionsSegments", "rfm", {{"dataset", "transactions"}}},
    {"CohortsTransactionsDefault", "cohorts", {{"dataset", "transactions"}}},
    {"KpisTrend", "kpis", {{"view", "trend"}, {"from", kFrom}, {"to", kTo}}},
    {"KpisTrendTransactions", "kpis", {{"dataset", "transactions"}, {"view", "trend"}}},
    {"RevenueWindow", "revenue", {{"dataset", "transactions"}, {"from", kFrom}, {"to", kTo}}},
    {"RfmWindow", "rfm", {{"from", kFrom}, {"to", kTo}}},
    {"CohortsWindow", "cohorts", {{"from", kFrom}}},
    {"UsersOfASegment", "users", {{"segment", "Champions"}, {"page-size", "20"}}},
    {"UsersOfACohortCell", "users", {{"cohort", "2025-03"}, {"age", "1"}, {"from", kFrom}}},
    {"UsersOfAFeature", "users", {{"feature", "Search"}, {"segment", "Champions,Loyal"}}},
    {"UsersPersonaTransactions",
     "users",
     {{"dataset", "transactions"}, {"persona", "High-Value Loyalists"}}},
    {"UsageFeatures", "usage", {}},
    {"UsageSeriesMonth", "usage", {{"view", "series"}}},
    {"UsageSeriesWeek", "usage", {{"view", "series"}, {"period", "week"}}},
    {"UsageSeriesDays", "usage", {{"view", "series"}, {"period", "day"}, {"max-periods", "10"}}},
    {"UsageEngagement", "usage", {{"view", "engagement"}}},
    {"UsageCorrelation", "usage", {{"view", "correlation"}}},
    {"UsageSomeFeatures", "usage", {{"features", "Search,Export"}}},
    {"UsageDateRange", "usage", {{"from", kFrom}, {"to", kTo}}},
    {"UsageSegments", "usage", {{"segment", "Champions,Loyal"}}},
    {"UsageSegmentWithQuote", "usage", {{"view", "engagement"}, {"segment", "Can't Lose Them"}}},
    {"UsageAllFilters",
     "usage",
     {{"view", "series"},
      {"period", "week"},
      {"features", "Search,Reports,Dashboard"},
      {"from", kFrom},
      {"to", kTo},
      {"segment", "Champions,At Risk"}}},
    {"UsageCorrelationFiltered",
     "usage",
     {{"view", "correlation"}, {"features", "Search,Reports,Export"}, {"from", kFrom}}},
    {"RfmSegments", "rfm", {}},
    {"RfmUsers", "rfm", {{"view", "users"}}},
    {"RfmGrid", "rfm", {{"view", "grid"}}},
    {"RfmSharedTies", "rfm", {{"ties", "shared"}, {"reference-date", "2026-01-15"}}},
    {"RfmTransactions", "rfm", {{"dataset", "transactions"}, {"view", "grid"}}},
    {"SegmentK3", "segment", {{"k", "3"}}},
    {"SegmentK3Personas", "segment", {{"k", "3"}, {"view", "personas"}}},
    {"SegmentSweep", "segment", {{"view", "sweep"}, {"k-min", "2"}, {"k-max", "5"}}},
    {"SegmentRfmUsage", "segment", {{"features", "rfm+usage"}, {"k", "4"}, {"n-init", "3"}}},
    {"SegmentTransactions", "segment", {{"dataset", "transactions"}, {"k", "3"}}},
    // The default persona model is the one `analyze` fitted at the load (app/persona_cache.h),
    // not fitted again: it must be what `segment` fits by itself, in every view.
    {"SegmentDefault", "segment", {}},
    {"SegmentDefaultPersonas", "segment", {{"view", "personas"}}},
    {"SegmentDefaultSweep", "segment", {{"view", "sweep"}}},
    {"SegmentTransactionsDefault", "segment", {{"dataset", "transactions"}}},
    {"SegmentUsersDefaultSample", "segment/users", {}},
    {"SegmentUsersSample", "segment/users", {{"sample", "50"}, {"seed", "3"}, {"k", "3"}}},
    {"CohortsDefault", "cohorts", {}},
    {"CohortsWeekOnOrAfter",
     "cohorts",
     {{"period", "week"}, {"mode", "on-or-after"}, {"max-periods", "6"}}},
    {"CohortsCount", "cohorts", {{"values", "count"}}},
    {"CohortsRevenue", "cohorts", {{"dataset", "transactions"}, {"values", "revenue"}}},
    {"LifecycleDefault", "lifecycle", {}},
    {"LifecycleWeekRange", "lifecycle", {{"period", "week"}, {"from", kFrom}, {"to", kTo}}},
    {"LifecycleStickiness", "lifecycle", {{"view", "stickiness"}}},
    {"LifecycleTransactions", "lifecycle", {{"dataset", "transactions"}}},
    {"RevenueMonthly", "revenue", {}},
    {"RevenueCountries", "revenue", {{"view", "countries"}}},
    {"RevenueProducts", "revenue", {{"view", "products"}}},
    {"RevenueSeasonality", "revenue", {{"view", "seasonality"}}},
    {"PredictionsTransactions", "predictions", {{"dataset", "transactions"}}},
    {"PredictionsUsersHighRisk",
     "predictions",
     {{"view", "users"}, {"band", "high"}, {"page-size", "100"}}},
    {"InsightsUsage", "insights", {}},
    {"InsightsTransactions", "insights", {{"dataset", "transactions"}}},
    {"PlanProportion", "experiment/plan", {{"baseline", "0.1"}, {"relative-effect", "0.05"}}},
    {"PlanMeanPower",
     "experiment/plan",
     {{"metric", "mean"},
      {"baseline", "10"},
      {"std-dev", "4"},
      {"effect", "0.5"},
      {"solve", "power"},
      {"n", "500"}}},
    {"PlanFromUsageLog", "experiment/plan", {{"metric", "events"}, {"relative-effect", "0.05"}}},
    {"PlanFromTransactions",
     "experiment/plan",
     {{"dataset", "transactions"}, {"metric", "revenue"}, {"relative-effect", "0.1"}}},
    {"SimulateOneCampaign",
     "experiment/simulate",
     {{"segment", "Champions"},
      {"campaign", "push-notification"},
      {"min-users", "20"},
      {"runs", "200"}}},
    {"SimulateTransactions",
     "experiment/simulate",
     {{"dataset", "transactions"}, {"min-users", "20"}, {"runs", "100"}}},
};

INSTANTIATE_TEST_SUITE_P(Routes, ServerParity, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<ParityCase>& param_info) {
                           return param_info.param.name;
                         });

/// GET /api/v1/analysis is what `growthlens analyze FILE --format json` printed when the data was
/// loaded (its timings aside), naming the file as the other routes do: as loaded.
TEST(ServerParityAnalysis, AnalysisIsWhatAnalyzePrints) {
  TestServer server;
  ASSERT_EQ(server.LoadSmallDemo().status, 200);
  for (const std::string dataset : {"usage", "transactions"}) {
    const testing::Reply reply = server.Get("/api/v1/analysis?dataset=" + dataset);
    ASSERT_EQ(reply.status, 200) << reply.body;
    const std::string file = dataset == "usage" ? "usage_log.csv" : "transactions.csv";
    const testing::CommandResult run = testing::RunCommandIn(
        server.RawDir(), "analyze " + file + " --format json --quiet --output-dir " +
                             testing::ShellQuote((server.scratch() / "cli_processed").string()));
    ASSERT_EQ(run.exit_code, 0) << run.err;
    // Identical but for how long each step took in either run.
    nlohmann::json served = reply.Json();
    nlohmann::json printed = nlohmann::json::parse(run.out);
    EXPECT_EQ(served["kind"], dataset);
    EXPECT_EQ(served["source"], file) << "the name as loaded, as in /api/v1/status";
    EXPECT_FALSE(served["timings"].empty());
    for (nlohmann::json* doc : {&served, &printed}) {
      doc->erase("timings");
      (*doc)["cleaning"].erase("seconds");
    }
    EXPECT_EQ(served, printed) << dataset;
  }
}

}  // namespace
}  // namespace growthlens
