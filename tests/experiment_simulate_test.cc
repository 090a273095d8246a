// growthlens experiment simulate end to end, on a generated usage log (3,000 users) and
// generated transactions (1,500 customers): the JSON document the dashboard reads, one
// simulation in detail, the ranked matrix, byte-identical output for a seed on any thread
// count, and every error with its exit code and message. The statistics are checked in
// stats_simulation_test.cc.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "command_runner.h"

namespace growthlens {
namespace {

using json = nlohmann::json;

class ExperimentSimulate : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::filesystem::temp_directory_path() /
           ("growthlens_simulate_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    ASSERT_EQ(testing::RunCommand("generate -q --order user --users 3000 --seed 7 -o " + Usage())
                  .exit_code,
              0);
    ASSERT_EQ(testing::RunCommand("generate -q --kind transactions --users 1500 --seed 7 -o " +
                                  Transactions())
                  .exit_code,
              0);
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }

  static std::string Usage() { return (dir_ / "usage.csv").string(); }
  static std::string Transactions() { return (dir_ / "transactions.csv").string(); }

  static testing::CommandResult Simulate(const std::string& file, const std::string& arguments) {
    return testing::RunCommand("experiment simulate " + file + " --quiet " + arguments);
  }
  static json SimulateJson(const std::string& file, const std::string& arguments) {
    const testing::CommandResult run = Simulate(file, arguments + " --format json");
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return json::parse(run.out);
  }

  static std::filesystem::path dir_;
};

std::filesystem::path ExperimentSimulate::dir_;

TEST_F(ExperimentSimulate, OneSegmentAndCampaignInJson) {
  const json doc = SimulateJson(Usage(), "--segment loyal --campaign push-notification --runs 300");
  EXPECT_EQ(doc["view"], "campaign_simulation");
  EXPECT_EQ(doc["format_version"], 1);
  EXPECT_EQ(doc["kind"], "usage");
  EXPECT_EQ(doc["segments"], "rfm");
  // The generated log runs through 2025-12-31: the window is its last 30 days and the segments
  // are as of the window's first day.
  EXPECT_EQ(doc["window"]["days"], 30);
  EXPECT_EQ(doc["window"]["first"], "2025-12-02");
  EXPECT_EQ(doc["window"]["last"], "2025-12-31");
  EXPECT_EQ(doc["window"]["pre_period_last"], "2025-12-01");
  EXPECT_EQ(doc["window"]["reference_date"], "2025-12-02");
  EXPECT_EQ(doc["settings"]["runs"], 300);
  EXPECT_EQ(doc["settings"]["split"], 0.5);
  ASSERT_EQ(doc["results"].size(), 1u);
  const json& cell = doc["results"][0];
  EXPECT_EQ(cell["rank"], 1);
  EXPECT_EQ(cell["segment"], "Loyal");
  EXPECT_EQ(cell["campaign"], "push-notification");
  EXPECT_EQ(cell["metric"]["name"], "active_days");
  EXPECT_EQ(cell["metric"]["type"], "mean");
  EXPECT_EQ(cell["effect"]["value"], 0.05);
  EXPECT_EQ(cell["effect"]["relative"], true);
  EXPECT_NEAR(cell["effect"]["absolute_lift"].get<double>(), 0.05 * cell["baseline"].get<double>(),
              1e-12);
  const int64_t users = cell["users"];
  EXPECT_GT(users, 100);
  EXPECT_EQ(cell["draw"]["n_control"].get<int64_t>() + cell["draw"]["n_treatment"].get<int64_t>(),
            users);
  EXPECT_LT(cell["draw"]["relative"]["ci_low"].get<double>(),
            cell["draw"]["relative"]["ci_high"].get<double>());
  EXPECT_EQ(cell["runs"], 300);
  EXPECT_DOUBLE_EQ(cell["power_achieved"].get<double>(), cell["rejections"].get<double>() / 300);
  EXPECT_EQ(cell["needed"]["total"].get<int64_t>(),
            cell["needed"]["control"].get<int64_t>() + cell["needed"]["treatment"].get<int64_t>());
  EXPECT_TRUE(cell["guardrail"].is_null());  // usage logs have no order values
  EXPECT_NE(cell["hypothesis"].get<std::string>().find("push notifications"), std::string::npos);
  const std::string decision = cell["decision"];
  EXPECT_TRUE(decision == "worth running" || decision == "underpowered") << decision;
  // Underpowered cells say how many users they need, worth running ones what they found.
  EXPECT_NE(cell["reason"].get<std::string>().find("simulated experiments"), std::string::npos);
}

TEST_F(ExperimentSimulate, EveryPrePeriodUserIsInOneSegment) {
  // A segment has the same users alone and in the matrix, and the segments (simulated or
  // skipped) add up to the users active before the window.
  const json sim = SimulateJson(Usage(), "--segment loyal --campaign push-notification --runs 10");
  const json matrix = SimulateJson(Usage(), "--runs 10 --min-users 4");
  int64_t listed = 0;
  for (const json& cell : matrix["results"])
    if (cell["segment"] == "Loyal" && cell["campaign"] == "push-notification")
      listed = cell["users"];
  EXPECT_EQ(listed, sim["results"][0]["users"].get<int64_t>());
  // Every pre-period user is in exactly one segment: the four campaigns see each user once.
  int64_t total = 0;
  std::set<std::string> segments;
  for (const json& cell : matrix["results"])
    if (cell["campaign"] == "push-notification") {
      total += cell["users"].get<int64_t>();
      segments.insert(cell["segment"]);
    }
  for (const json& skipped : matrix["skipped_segments"]) total += skipped["users"].get<int64_t>();
  EXPECT_EQ(total, matrix["pre_period_users"].get<int64_t>());
}

TEST_F(ExperimentSimulate, MatrixRanksEveryCampaignOnEverySegmentLargeEnough) {
  const json doc = SimulateJson(Usage(), "--runs 200");
  const json& results = doc["results"];
  std::set<std::string> segments, campaigns;
  double previous_power = 2.0;
  for (size_t idx = 0; idx < results.size(); ++idx) {
    const json& cell = results[idx];
    EXPECT_EQ(cell["rank"], idx + 1);
    EXPECT_GE(cell["users"].get<int64_t>(), 100);
    EXPECT_LE(cell["power_achieved"].get<double>(), previous_power);  // ranked by power
    previous_power = cell["power_achieved"];
    segments.insert(cell["segment"]);
    campaigns.insert(cell["campaign"]);
  }
  EXPECT_EQ(campaigns.size(), 4u);
  EXPECT_GE(segments.size(), 5u);
  // Every segment shows up with all four campaigns, unless a campaign could not be simulated.
  EXPECT_EQ(results.size() + doc["not_simulated"].size(), 4 * segments.size());
  for (const json& skipped : doc["skipped_segments"]) {
    EXPECT_LT(skipped["users"].get<int64_t>(), 100);
    EXPECT_EQ(segments.count(skipped["segment"]), 0u);
  }
  // The table has the same rows, and --all is the same as no --segment.
  const testing::CommandResult table = Simulate(Usage(), "--runs 200 --all");
  EXPECT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("Verdict"), std::string::npos);
  for (const json& cell : results)
    EXPECT_NE(table.out.find(cell["segment"].get<std::string>()), std::string::npos);
  EXPECT_GE(static_cast<size_t>(std::count(table.out.begin(), table.out.end(), '\n')),
            results.size() + 4);
}

TEST_F(ExperimentSimulate, SameSeedSameBytesOnAnyThreadCount) {
  const std::string arguments = "--runs 300 --seed 3 --format json";
  const testing::CommandResult one = Simulate(Transactions(), arguments + " --threads 1");
  const testing::CommandResult two = Simulate(Transactions(), arguments + " --threads 2");
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(one.out, two.out);
  EXPECT_EQ(Simulate(Transactions(), arguments + " --threads 2").out, two.out);
  EXPECT_NE(Simulate(Transactions(), "--runs 300 --seed 4 --format json").out, one.out);
}

TEST_F(ExperimentSimulate, TransactionsCarryTheAovGuardrail) {
  const json discount = SimulateJson(
      Transactions(), "--segment champions --campaign reactivation-discount --runs 200");
  const json& cell = discount["results"][0];
  EXPECT_EQ(cell["metric"]["name"], "repeat_purchase");
  EXPECT_EQ(cell["metric"]["type"], "rate");
  EXPECT_EQ(cell["effect"]["relative"], false);  // +2 points
  EXPECT_EQ(cell["effect"]["value"], 0.02);
  const json& guardrail = cell["guardrail"];
  ASSERT_FALSE(guardrail.is_null());
  EXPECT_EQ(guardrail["metric"], "aov");
  EXPECT_EQ(guardrail["assumed_effect"], -0.1);
  EXPECT_EQ(guardrail["margin"], 0.02);
  EXPECT_GT(guardrail["baseline"].get<double>(), 0.0);
  EXPECT_NEAR(guardrail["holds_share"].get<double>() + guardrail["fails_share"].get<double>() +
                  guardrail["unclear_share"].get<double>(),
              1.0, 1e-12);
  // Without the discount's drop in order value the guardrail fails less often.
  const json no_drop = SimulateJson(Transactions(),
                                    "--segment champions --campaign reactivation-discount "
                                    "--runs 200 --guardrail-effect 0");
  EXPECT_LT(no_drop["results"][0]["guardrail"]["fails_share"].get<double>(),
            guardrail["fails_share"].get<double>());
  // An absolute effect given on the command line replaces the preset's.
  const json custom = SimulateJson(Transactions(),
                                   "--segment champions --campaign reactivation-discount "
                                   "--runs 50 --effect 0.1 --relative --metric orders");
  EXPECT_EQ(custom["results"][0]["metric"]["name"], "orders");
  EXPECT_EQ(custom["results"][0]["effect"]["relative"], true);
  EXPECT_EQ(custom["results"][0]["effect"]["value"], 0.1);
}

TEST_F(ExperimentSimulate, PersonasAreTheDatasetsModelPlacedByPrePeriodBehaviour) {
  const json doc = SimulateJson(
      Usage(), "--segments personas --segment dormant --campaign reactivation-discount --runs 50");
  EXPECT_EQ(doc["segments"], "personas");
  EXPECT_EQ(doc["settings"]["personas_k"], 4);
  EXPECT_EQ(doc["results"][0]["segment"], "Dormant Users");
  // The same four personas as the dataset's model (Overview, report): same names, same order.
  const testing::CommandResult model =
      testing::RunCommand("segment " + Usage() + " --quiet --no-write --format json");
  ASSERT_EQ(model.exit_code, 0) << model.err;
  std::vector<std::string> model_names, simulated;
  const json trained = json::parse(model.out);
  for (const json& persona : trained["personas"]) model_names.push_back(persona["name"]);
  const json matrix = SimulateJson(Usage(),
                                   "--segments personas --campaign push-notification --runs 10 "
                                   "--min-users 4");
  for (const json& cell : matrix["results"]) simulated.push_back(cell["segment"]);
  std::sort(simulated.begin(), simulated.end());
  std::vector<std::string> expected = model_names;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(simulated, expected);
  EXPECT_EQ(model_names.size(), 4u);
}

/// `experiment plan` (statsmodels conventions) at the segment's size and baseline.
json Plan(const json& cell, const std::string& solve) {
  const bool rate = cell["metric"]["type"] == "rate";
  std::string arguments = fmt::format("experiment plan --format json --solve {} --baseline {:.17g}",
                                      solve, cell["baseline"].get<double>());
  if (!rate)
    arguments += fmt::format(" --metric mean --std-dev {:.17g}", cell["std_dev"].get<double>());
  if (solve == "mde")
    arguments += fmt::format(" --n {:.17g}", cell["users"].get<double>() / 2);
  else
    arguments += fmt::format(" --effect {:.17g}", cell["effect"]["absolute_lift"].get<double>());
  const testing::CommandResult run = testing::RunCommand(arguments);
  EXPECT_EQ(run.exit_code, 0) << arguments << "\n" << run.err;
  return run.exit_code == 0 ? json::parse(run.out) : json::object();
}

TEST_F(ExperimentSimulate, EveryCellSaysWhatItDetectsAndNeedsAndWhatToDo) {
  // 100 runs: few enough that nothing need be powered; the advice must still rank and explain.
  const json doc = SimulateJson(Usage(), "--runs 100");
  const json& results = doc["results"];
  ASSERT_GE(results.size(), 8u);
  std::map<std::string, size_t> actions;
  for (size_t idx = 0; idx < results.size(); ++idx) {
    const json& cell = results[idx];
    const std::string action = cell["advice"]["action"];
    ++actions[action];
    const std::string text = cell["advice"]["text"];
    EXPECT_FALSE(text.empty()) << cell["segment"];
    if (action == "not testable") continue;
    // The smallest lift these users detect and the users the assumed lift needs: the planner's.
    if (idx < 4) {
      if (!cell["detectable_absolute_lift"].is_null()) {
        const json mde = Plan(cell, "mde");
        EXPECT_NEAR(cell["detectable_absolute_lift"].get<double>(),
                    mde["mde_absolute"].get<double>(),
                    1e-9 * std::max(1.0, std::fabs(mde["mde_absolute"].get<double>())))
            << cell["segment"] << " " << cell["campaign"];
      }
      const json n = Plan(cell, "n");
      EXPECT_EQ(cell["needed"]["total"], n["n_total"])
          << cell["segment"] << " " << cell["campaign"];
    }
    ASSERT_FALSE(cell["needed_multiple"].is_null());
    const double multiple = cell["needed_multiple"];
    EXPECT_NEAR(multiple, cell["needed"]["total"].get<double>() / cell["users"].get<double>(),
                1e-12);
    if (cell["power_achieved"].get<double>() >= 0.8)
      EXPECT_EQ(action, "run now");
    else
      EXPECT_EQ(action, multiple <= 4.0 ? "within reach" : "big lifts only") << multiple;
    EXPECT_NE(text.find("detect a lift of"), std::string::npos) << text;
  }
  EXPECT_EQ(doc["summary"]["run now"].get<size_t>() + doc["summary"]["within reach"].get<size_t>() +
                doc["summary"]["big lifts only"].get<size_t>() +
                doc["summary"]["not testable"].get<size_t>(),
            results.size());
  for (const auto& [action, count] : actions) EXPECT_EQ(doc["summary"][action], count) << action;
  // The best bets: the first ranked testable cells, with what to do, however few are powered.
  const json& best = doc["recommendations"];
  ASSERT_FALSE(best.empty());
  ASSERT_LE(best.size(), 5u);
  for (size_t idx = 0; idx < best.size(); ++idx) {
    EXPECT_EQ(best[idx]["rank"], results[idx]["rank"]);
    EXPECT_EQ(best[idx]["text"], results[idx]["advice"]["text"]);
  }
  const testing::CommandResult table = Simulate(Usage(), "--runs 100");
  EXPECT_NE(table.out.find("Best bets:"), std::string::npos) << table.out;
}

TEST_F(ExperimentSimulate, CsvHasOneRowPerResult) {
  const testing::CommandResult csv =
      Simulate(Usage(), "--segment champions --campaign push-notification --runs 20 --format csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out.rfind("rank,segment,campaign,metric,users,baseline,", 0), 0u) << csv.out;
  EXPECT_EQ(std::count(csv.out.begin(), csv.out.end(), '\n'), 2);
}

TEST_F(ExperimentSimulate, BadInputSaysWhatWasExpected) {
  struct Case {
    std::string arguments;
    int exit_code;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"--segment whales --campaign push-notification", 2,
       "--segment (of the RFM segments; --segments personas for the personas): 'whales' names no "
       "segment; expected one of Champions ("},
      {"--segment whales", 2, "Can't Lose Them ("},
      {"--campaign push", 2, "--campaign 'push': expected one of"},  // no prefixes for campaigns
      {"--campaign coupon", 2,
       "--campaign 'coupon': expected one of reactivation-discount, push-notification, "
       "homepage-personalisation, recommendation-banner"},
      {"--segment champions --campaign push-notification --min-users 100000", 6,
       "fewer than --min-users 100000"},
      {"--min-users 100000", 6, "no segment has --min-users 100000 users"},
      {"--window-days 400", 2, "--window-days 400: window of 400 days: the data cover 365 days"},
      {"--window-days 0", 2, "--window-days '0': below the minimum 1"},
      {"--segment champions --campaign reactivation-discount --effect 0.5", 6,
       "reactivation-discount on Champions (--effect 0.5): effect 0.5: takes the segment's rate"},
      {"--campaign push-notification --effect -1.5 --relative", 2, "--effect -1.5 --relative"},
      {"--effect 0.1", 2, "--effect: needs --campaign"},
      {"--campaign push-notification --relative", 2, "--relative: needs --effect"},
      {"--campaign push-notification --metric revenue", 2,
       "--metric 'revenue': for a usage log expected one of active, active_days, events"},
      {"--all --segment loyal", 2, "--all: runs every campaign on every segment"},
      {"--split 1", 2, "--split 1: expected the treatment share"},
      {"--runs 0", 2, "--runs '0': below the minimum 1; expected a whole number in 1..100000"},
      {"--runs 100001", 2, "--runs '100001': above the maximum 100000"},
      {"--min-users 3", 2, "--min-users '3': below the minimum 4"},
      {"--alpha 0", 2, "--alpha 0"},
      {"--segments clusters", 2, "--segments 'clusters': expected one of rfm, personas"},
  };
  for (const Case& c : cases) {
    const testing::CommandResult run = Simulate(Usage(), c.arguments);
    EXPECT_EQ(run.exit_code, c.exit_code) << c.arguments << "\n" << run.err;
    EXPECT_NE(run.err.find(c.message), std::string::npos) << c.arguments << "\n" << run.err;
    EXPECT_TRUE(run.out.empty()) << c.arguments;
  }
  const testing::CommandResult missing =
      testing::RunCommand("experiment simulate /nonexistent/usage.csv");
  EXPECT_EQ(missing.exit_code, 2);
}

}  // namespace
}  // namespace growthlens
