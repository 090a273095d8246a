// A workspace holding several kinds from the command line: an analysis reads the kind --kind
// names, else the one of its family (the usage log before an event log, saying so), and refuses
// only a genuinely ambiguous choice; --signup-event applies to stored events as to a CSV; the
// flags that only mean something for a CSV are refused; demo and experiment plan read and write
// workspaces too.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "command_runner.h"
#include "temp_workspace.h"
#include "test_data.h"

namespace growthlens {
namespace {

using testing::CommandResult;
using testing::RunCommand;

class WorkspaceKindsTest : public testing::TempWorkspaceTest {
 protected:
  void Ingest(const std::string& path) const {
    const CommandResult ingested =
        RunCommand("ingest " + path + " --quiet --workspace " + workspace_);
    ASSERT_EQ(ingested.exit_code, 0) << ingested.err;
  }
  /// The CSV `generate` writes for `kind`, small.
  std::string Generated(const std::string& kind, int users) const {
    const std::string path = (directory_ / (kind + ".csv")).string();
    const CommandResult made = RunCommand("generate --order user --kind " + kind + " --users " +
                                          std::to_string(users) + " --seed 3 -o " + path);
    EXPECT_EQ(made.exit_code, 0) << made.err;
    return path;
  }
};

const std::string kEvents =
    "user_id,timestamp,event\n"
    "a,2025-01-02T09:00:00Z,sign_up\n"
    "a,2025-01-03T10:00:00Z,Created Account\n"
    "a,2025-01-04T11:00:00Z,search\n"
    "b,2025-01-05T12:00:00Z,Created Account\n"
    "b,2025-02-06T12:00:00Z,search\n"
    "c,2025-01-07T08:30:00Z,export\n";

const std::string kUsage = std::string(testing::kUsageHeader) +
                           "u1,2025-01-01,2025-01-02,search,3\n"
                           "u2,2025-01-01,2025-01-02,export,1\n"
                           "u1,2025-01-01,2025-01-03,export,2\n"
                           "u3,2025-01-02,2025-01-04,share,5\n";

const std::string kRetail = std::string(testing::kRetailHeader) +
                            "536365,85123A,MUG,6,12/1/2010 8:26,2.55,17850,United Kingdom\n"
                            "536366,22633,HAND WARMER,6,12/1/2010 8:28,1.85,17850,United Kingdom\n"
                            "536367,84879,BIRD,32,12/1/2010 8:34,1.69,13047,France\n";

TEST_F(WorkspaceKindsTest, AnAnalysisReadsTheKindNamedOrItsFamilysDefault) {
  const std::string usage = Write("usage.csv", kUsage);
  const std::string events = Write("events.csv", kEvents);
  const std::string retail = Write("retail.csv", kRetail);
  Ingest(usage);
  Ingest(events);
  const auto json = [](const std::string& args) {
    const CommandResult result = RunCommand(args + " --format json --quiet");
    EXPECT_EQ(result.exit_code, 0) << args << "\n" << result.err;
    return result.out;
  };
  // A usage log and an event log: the usage log unless --kind events, said on stderr.
  EXPECT_EQ(json("kpis --workspace " + workspace_), json("kpis " + usage));
  EXPECT_EQ(json("kpis --kind events --workspace " + workspace_), json("kpis " + events));
  EXPECT_NE(json("kpis --kind events --workspace " + workspace_), json("kpis " + usage));
  const CommandResult noted = RunCommand("kpis --workspace " + workspace_);
  ASSERT_EQ(noted.exit_code, 0) << noted.err;
  EXPECT_NE(noted.err.find("holds a usage log and an event log; analysing the usage log (--kind "
                           "events analyses the event log)"),
            std::string::npos)
      << noted.err;

  Ingest(retail);
  // Transaction analyses find the transactions among the three, usage analyses the usage log.
  EXPECT_EQ(json("revenue --workspace " + workspace_), json("revenue " + retail));
  EXPECT_EQ(json("usage --workspace " + workspace_), json("usage " + usage));
  // An analysis of any kind over product usage and transactions: which one is not guessed.
  const CommandResult ambiguous = RunCommand("rfm --quiet --workspace " + workspace_);
  EXPECT_EQ(ambiguous.exit_code, 2);
  EXPECT_NE(ambiguous.err.find("holds usage, events and transactions data; name the one to "
                               "analyse with --kind usage|events|transactions"),
            std::string::npos)
      << ambiguous.err;
  EXPECT_EQ(json("rfm --kind transactions --workspace " + workspace_), json("rfm " + retail));
  EXPECT_EQ(json("rfm --kind events --workspace " + workspace_), json("rfm " + events));
}

TEST_F(WorkspaceKindsTest, KindsNotStoredAndCsvOnlyFlagsAreRefused) {
  Ingest(Write("usage.csv", kUsage));
  const CommandResult missing = RunCommand("kpis --kind events --quiet --workspace " + workspace_);
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  EXPECT_NE(missing.err.find("--kind events: workspace " + workspace_ +
                             " holds no events data (it holds usage)"),
            std::string::npos)
      << missing.err;
  const CommandResult revenue = RunCommand("revenue --quiet --workspace " + workspace_);
  EXPECT_NE(revenue.exit_code, 0);
  EXPECT_NE(revenue.err.find("holds usage data; this analysis reads transactions"),
            std::string::npos)
      << revenue.err;
  const CommandResult where =
      RunCommand("kpis --quiet --where feature_name=search --workspace " + workspace_);
  EXPECT_EQ(where.exit_code, 2);
  EXPECT_NE(where.err.find("--where filters the rows of a CSV"), std::string::npos) << where.err;
  const CommandResult column = RunCommand("kpis --quiet --user-col id --workspace " + workspace_);
  EXPECT_EQ(column.exit_code, 2);
  EXPECT_NE(column.err.find("mapped at ingest"), std::string::npos) << column.err;
}

TEST_F(WorkspaceKindsTest, SignupEventAppliesToStoredEventsAsToTheCsv) {
  const std::string events = Write("events.csv", kEvents);
  Ingest(events);
  const auto cohorts = [](const std::string& input) {
    const CommandResult result =
        RunCommand("cohorts " + input + " --format json --quiet --period day");
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return result.out;
  };
  const std::string named = " --signup-event 'Created Account'";
  EXPECT_EQ(cohorts("--workspace " + workspace_ + named), cohorts(events + named));
  // Not the same cohorts as the default signup event (sign_up): the option changed something.
  EXPECT_NE(cohorts("--workspace " + workspace_ + named), cohorts("--workspace " + workspace_));
  const CommandResult unknown =
      RunCommand("kpis --quiet --signup-event Registered --workspace " + workspace_);
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.err.find("has no event of that name"), std::string::npos) << unknown.err;

  // Beside a usage log, the signup event names the event log as the one to read.
  Ingest(Write("usage.csv", kUsage));
  EXPECT_EQ(cohorts("--workspace " + workspace_ + named), cohorts(events + named));
  const CommandResult on_usage =
      RunCommand("kpis --quiet --kind usage" + named + " --workspace " + workspace_);
  EXPECT_EQ(on_usage.exit_code, 2);
  EXPECT_NE(on_usage.err.find("only event logs have signup events"), std::string::npos)
      << on_usage.err;
}

TEST_F(WorkspaceKindsTest, DemoIngestsIntoTheWorkspaceAndAnalysesIt) {
  const std::string demo = "demo --users 300 --customers 200 --seed 5 --data-dir " +
                           (directory_ / "data").string() + " --workspace " + workspace_;
  const CommandResult first = RunCommand(demo);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.err.find("growthlens serve --workspace " + workspace_), std::string::npos)
      << first.err;
  const CommandResult info = RunCommand("workspace info --format json --workspace " + workspace_);
  ASSERT_EQ(info.exit_code, 0) << info.err;
  const nlohmann::json loads = nlohmann::json::parse(info.out)["loads"];
  ASSERT_EQ(loads.size(), 3u) << info.out;
  EXPECT_EQ(loads[0]["kind"], "usage");
  EXPECT_EQ(loads[1]["kind"], "events");  // the usage log's users, event by event
  EXPECT_EQ(loads[2]["kind"], "transactions");
  // The analysis read the workspace: its tables are of the stored data.
  const std::string processed = (directory_ / "data" / "processed").string();
  EXPECT_TRUE(std::filesystem::exists(processed + "/usage_log_analysis.json"));
  EXPECT_TRUE(std::filesystem::exists(processed + "/events_analysis.json"));
  EXPECT_TRUE(std::filesystem::exists(processed + "/transactions_analysis.json"));
  const CommandResult again = RunCommand(demo);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("nothing added"), std::string::npos) << again.err;
}

TEST_F(WorkspaceKindsTest, ExperimentPlanEstimatesFromTheWorkspace) {
  const std::string usage = Generated("usage", 200);
  Ingest(usage);
  const std::string plan =
      "experiment plan --metric active_days --relative-effect 0.1 --quiet "
      "--format json ";
  const CommandResult from_file = RunCommand(plan + "--data " + usage);
  const CommandResult from_workspace = RunCommand(plan + "--workspace " + workspace_);
  ASSERT_EQ(from_file.exit_code, 0) << from_file.err;
  ASSERT_EQ(from_workspace.exit_code, 0) << from_workspace.err;
  nlohmann::json file_plan = nlohmann::json::parse(from_file.out);
  nlohmann::json workspace_plan = nlohmann::json::parse(from_workspace.out);
  EXPECT_EQ(workspace_plan["n_control"], file_plan["n_control"]);
  EXPECT_EQ(workspace_plan["data_users"], file_plan["data_users"]);
  // A plan of given numbers reads no data, even with the workspace variable set.
  ::setenv("GROWTHLENS_WORKSPACE", workspace_.c_str(), 1);
  const CommandResult given = RunCommand("experiment plan --baseline 0.1 --effect 0.01 --quiet");
  ::unsetenv("GROWTHLENS_WORKSPACE");
  EXPECT_EQ(given.exit_code, 0) << given.err;
}

}  // namespace
}  // namespace growthlens
