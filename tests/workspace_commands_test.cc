// The workspace from the command line: ingest --workspace appends once per file and says so,
// workspace info|check|compact|export|delete-user do what their help says.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "command_runner.h"
#include "test_data.h"

namespace growthlens {
namespace {

using testing::RunCommand;

class WorkspaceCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = std::filesystem::temp_directory_path() /
                 ("growthlens_workspace_commands_" + std::to_string(::getpid()) + "_" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(directory_);
    std::filesystem::create_directories(directory_);
    workspace_ = (directory_ / "ws.glw").string();
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }

  std::string Write(const std::string& name, const std::string& text) const {
    const std::string path = (directory_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  static std::string Read(const std::string& path) {
    std::ifstream file(path);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  }
  nlohmann::json Info() const {
    const testing::CommandResult info =
        RunCommand("workspace info --format json --workspace " + workspace_);
    EXPECT_EQ(info.exit_code, 0) << info.err;
    return nlohmann::json::parse(info.out);
  }

  std::filesystem::path directory_;
  std::string workspace_;
};

const std::string kUsage = std::string(testing::kUsageHeader) +
                           "u1,2025-01-01,2025-01-02,search,3\n"
                           "u2,2025-01-01,2025-01-02,export,1\n"
                           "u1,2025-01-01,2025-01-03,export,2\n"
                           "u3,2025-01-02,2025-01-04,share,5\n";

TEST_F(WorkspaceCommandsTest, IngestAppendsOnceAndSaysSoTheSecondTime) {
  const std::string csv = Write("usage.csv", kUsage);
  const testing::CommandResult first =
      RunCommand("ingest " + csv + " --workspace " + workspace_ + " --format json");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.err.find("added 4 rows to workspace"), std::string::npos) << first.err;
  EXPECT_FALSE(std::filesystem::exists(directory_ / "data"));  // no clean CSV beside it
  EXPECT_EQ(nlohmann::json::parse(first.out)["rows_kept"], 4) << first.out;

  const testing::CommandResult again = RunCommand("ingest " + csv + " --workspace " + workspace_);
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("was already ingested into " + workspace_), std::string::npos)
      << again.err;
  EXPECT_NE(again.err.find("nothing added"), std::string::npos) << again.err;

  const nlohmann::json info = Info();
  EXPECT_EQ(info["rows"], 4);
  ASSERT_EQ(info["loads"].size(), 1u);
  EXPECT_EQ(info["loads"][0]["rows_added"], 4);
  EXPECT_EQ(RunCommand("workspace check --workspace " + workspace_).exit_code, 0);
}

TEST_F(WorkspaceCommandsTest, ExportWritesCsvThatIngestsToTheSameDataAndNdjson) {
  ASSERT_EQ(
      RunCommand("ingest " + Write("usage.csv", kUsage) + " --workspace " + workspace_ + " --quiet")
          .exit_code,
      0);
  const std::string csv = (directory_ / "out.csv").string();
  const testing::CommandResult exported =
      RunCommand("workspace export --workspace " + workspace_ + " -o " + csv);
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_EQ(Read(csv), kUsage);

  const std::string ndjson = (directory_ / "out.ndjson").string();
  ASSERT_EQ(RunCommand("workspace export --as ndjson --workspace " + workspace_ + " -o " + ndjson +
                       " --from 2025-01-03")
                .exit_code,
            0);
  std::istringstream lines(Read(ndjson));
  std::string line;
  std::vector<nlohmann::json> rows;
  while (std::getline(lines, line)) rows.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["user_id"], "u1");
  EXPECT_EQ(rows[0]["event_date"], "2025-01-03");
  EXPECT_EQ(rows[0]["signup_date"], "2025-01-01");
  EXPECT_EQ(rows[1]["feature_name"], "share");
  EXPECT_EQ(rows[1]["events_count"], 5);
}

TEST_F(WorkspaceCommandsTest, EventLogsExportToCsvAndNdjsonWithTheirTimes) {
  const std::string events =
      "user_id,timestamp,event\n"
      "u1,2025-01-02T09:00:00.000Z,search\n"
      "u1,2025-01-02T09:00:01.250Z,search\n"
      "u2,2025-01-03T23:59:59.999Z,export\n";
  ASSERT_EQ(RunCommand("ingest " + Write("events.csv", events) + " --workspace " + workspace_ +
                       " --quiet")
                .exit_code,
            0);
  ASSERT_EQ(
      RunCommand("ingest " + Write("usage.csv", kUsage) + " --workspace " + workspace_ + " --quiet")
          .exit_code,
      0);
  const testing::CommandResult info = RunCommand("workspace info --workspace " + workspace_);
  EXPECT_NE(info.out.find("events      3 rows, 2 users"), std::string::npos) << info.out;
  const std::string csv = (directory_ / "out.csv").string();
  const testing::CommandResult both =
      RunCommand("workspace export --workspace " + workspace_ + " -o " + csv);
  EXPECT_NE(both.exit_code, 0);
  EXPECT_NE(both.err.find("(usage, events)"), std::string::npos) << both.err;
  // An analysis of the mixed workspace names the kinds it holds.
  const testing::CommandResult kpis = RunCommand("kpis --workspace " + workspace_);
  EXPECT_NE(kpis.exit_code, 0);
  EXPECT_NE(kpis.err.find("holds usage, events data"), std::string::npos) << kpis.err;

  const testing::CommandResult exported =
      RunCommand("workspace export --kind events --workspace " + workspace_ + " -o " + csv);
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_EQ(Read(csv), events);  // reads back as the same events

  const std::string ndjson = (directory_ / "out.ndjson").string();
  ASSERT_EQ(RunCommand("workspace export --kind events --as ndjson --workspace " + workspace_ +
                       " -o " + ndjson + " --from 2025-01-03")
                .exit_code,
            0);
  EXPECT_EQ(
      Read(ndjson),
      "{\"user_id\":\"u2\",\"timestamp\":\"2025-01-03T23:59:59.999Z\",\"event\":\"export\"}\n");
}

TEST_F(WorkspaceCommandsTest, DeleteUserErasesThemFromEveryBlockAndTheHistory) {
  // A malformed u1 row: the cleaning report kept in the history quotes its line.
  const std::string source = Write("usage.csv", kUsage + "u1,2025-01-01,2025-01-03,export,2,9\n");
  ASSERT_EQ(RunCommand("ingest " + source + " --workspace " + workspace_ + " --quiet").exit_code,
            0);
  ASSERT_EQ(Info()["loads"][0]["rows_read"], 5);
  ASSERT_NE(Read(workspace_).find("u1"), std::string::npos);  // the id is in the file's bytes
  const testing::CommandResult erased =
      RunCommand("workspace delete-user u1 --workspace " + workspace_);
  ASSERT_EQ(erased.exit_code, 0) << erased.err;
  EXPECT_NE(erased.out.find("erased user 'u1' and their 2 rows"), std::string::npos) << erased.out;
  EXPECT_EQ(Info()["rows"], 2);
  EXPECT_EQ(RunCommand("workspace check --workspace " + workspace_).exit_code, 0);
  const std::string csv = (directory_ / "out.csv").string();
  ASSERT_EQ(RunCommand("workspace export --workspace " + workspace_ + " -o " + csv).exit_code, 0);
  EXPECT_EQ(Read(csv).find("u1"), std::string::npos);
  // Nothing of the user is left in the file's bytes either (the vacuum rewrote it).
  EXPECT_EQ(Read(workspace_).find("u1"), std::string::npos);

  const testing::CommandResult again =
      RunCommand("workspace delete-user u1 --workspace " + workspace_);
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("holds no user with id 'u1'"), std::string::npos) << again.err;
}

TEST_F(WorkspaceCommandsTest, CompactMergesTheBlocksOfManyLoads) {
  for (int load = 0; load < 3; ++load) {
    const std::string text = std::string(testing::kUsageHeader) + "u" + std::to_string(load) +
                             ",2025-01-01,2025-01-0" + std::to_string(load + 1) + ",search,1\n";
    ASSERT_EQ(RunCommand("ingest " + Write("part" + std::to_string(load) + ".csv", text) +
                         " --quiet --workspace " + workspace_)
                  .exit_code,
              0);
  }
  const auto row_blocks = [](const nlohmann::json& info) {
    for (const nlohmann::json& table : info["tables"])
      if (table["table"] == "usage.rows") return table["blocks"].get<int>();
    return 0;
  };
  EXPECT_EQ(row_blocks(Info()), 3);
  const testing::CommandResult compacted =
      RunCommand("workspace compact --workspace " + workspace_);
  ASSERT_EQ(compacted.exit_code, 0) << compacted.err;
  EXPECT_EQ(row_blocks(Info()), 1);
  EXPECT_EQ(Info()["rows"], 3);
  EXPECT_EQ(RunCommand("workspace check --workspace " + workspace_).exit_code, 0);
}

TEST_F(WorkspaceCommandsTest, AnalysesReadTheWorkspaceAsTheyReadTheFile) {
  const std::string retail = testing::PublicDataPath("online_retail.csv.xz");
  const std::string csv = (directory_ / "retail.csv").string();
  ASSERT_EQ(std::system(("xz -dc '" + retail + "' > '" + csv + "'").c_str()), 0);
  ASSERT_EQ(RunCommand("ingest " + csv + " --quiet --workspace " + workspace_).exit_code, 0);
  for (const std::string analysis : {"kpis", "rfm", "revenue"}) {
    const testing::CommandResult from_file = RunCommand(analysis + " " + csv + " --quiet");
    const testing::CommandResult from_workspace =
        RunCommand(analysis + " --workspace " + workspace_ + " --quiet");
    ASSERT_EQ(from_file.exit_code, 0) << from_file.err;
    ASSERT_EQ(from_workspace.exit_code, 0) << from_workspace.err;
    EXPECT_EQ(from_workspace.out, from_file.out) << analysis;
  }
  const testing::CommandResult neither = RunCommand("kpis --quiet");
  EXPECT_EQ(neither.exit_code, 2);
  EXPECT_NE(neither.err.find("or --workspace W"), std::string::npos) << neither.err;
}

TEST_F(WorkspaceCommandsTest, TheWorkspaceVariableIsTheInputOfAnalysesGivenNoFile) {
  ASSERT_EQ(
      RunCommand("ingest " + Write("usage.csv", kUsage) + " --workspace " + workspace_ + " --quiet")
          .exit_code,
      0);
  const testing::CommandResult named =
      RunCommand("kpis --format json --quiet --workspace " + workspace_);
  ASSERT_EQ(named.exit_code, 0) << named.err;
  ::setenv("GROWTHLENS_WORKSPACE", workspace_.c_str(), 1);
  const testing::CommandResult by_variable = RunCommand("kpis --format json --quiet");
  const testing::CommandResult analyze =
      RunCommand("analyze --format json --quiet --output-dir " + (directory_ / "out").string());
  ::unsetenv("GROWTHLENS_WORKSPACE");
  EXPECT_EQ(by_variable.exit_code, 0) << by_variable.err;
  EXPECT_EQ(by_variable.out, named.out);
  EXPECT_EQ(analyze.exit_code, 0) << analyze.err;
}

TEST_F(WorkspaceCommandsTest, MissingNewerOrDamagedWorkspacesAreClearErrors) {
  const testing::CommandResult missing =
      RunCommand("workspace info --workspace " + (directory_ / "none.glw").string());
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("does not exist"), std::string::npos) << missing.err;

  ASSERT_EQ(
      RunCommand("ingest " + Write("usage.csv", kUsage) + " --workspace " + workspace_ + " --quiet")
          .exit_code,
      0);
  const std::string fixture =
      std::string(GROWTHLENS_TEST_DIR) + "/fixtures/workspace_schema_v99.sql";
  ASSERT_EQ(std::system(("sqlite3 " + workspace_ + " < " + fixture).c_str()), 0);
  const testing::CommandResult newer = RunCommand("workspace check --workspace " + workspace_);
  EXPECT_NE(newer.exit_code, 0);
  EXPECT_NE(newer.err.find("schema version 99 (written by growthlens 9.0.0), newer than the "
                           "version 3 this growthlens reads"),
            std::string::npos)
      << newer.err;
  const testing::CommandResult ingest =
      RunCommand("ingest " + Write("more.csv", kUsage + "u9,,2025-02-01,search,1\n") +
                 " --workspace " + workspace_);
  EXPECT_NE(ingest.exit_code, 0);  // never appended to as if it were this version
}

}  // namespace
}  // namespace growthlens
