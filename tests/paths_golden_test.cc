// Paths (issue 20.2) against pandas (tests/golden/make_paths_golden.py) on the BPI Challenge 2012
// log and a small generated log: users, users with a path, every shown path in order with its
// users (exact) and share (1e-12), "other", and the Sankey diagram's nodes and links (exact).

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <tuple>

#include "command_runner.h"
#include "event_log_golden.h"

namespace growthlens {
namespace {

using nlohmann::json;

void ExpectPathsMatch(const CleanedData& data, const std::string& golden_file) {
  const json golden = testing::ReadJsonGolden(golden_file);
  ASSERT_TRUE(golden.contains("configs"));
  for (const json& config : golden["configs"]) {
    const std::string name = config["params"]["name"];
    SCOPED_TRACE(name);
    const json got = testing::RunAnalysisJson("paths", testing::QueryOf(config["params"]), data);
    const json& want = config["expected"];
    ASSERT_TRUE(got.is_object());
    EXPECT_EQ(got["users"], want["users"]);
    EXPECT_EQ(got["users_with_path"], want["users_with_path"]);
    EXPECT_EQ(got["distinct_paths"], want["distinct_paths"]);
    ASSERT_EQ(got["paths"].size(), want["paths"].size());
    for (size_t idx = 0; idx < want["paths"].size(); ++idx) {
      EXPECT_EQ(got["paths"][idx]["events"], want["paths"][idx]["events"]) << idx;
      EXPECT_EQ(got["paths"][idx]["users"], want["paths"][idx]["users"]) << idx;
      EXPECT_NEAR(got["paths"][idx]["share"].get<double>(),
                  want["paths"][idx]["share"].get<double>(), 1e-12);
    }
    EXPECT_EQ(got["other"]["paths"], want["other"]["paths"]);
    EXPECT_EQ(got["other"]["users"], want["other"]["users"]);
    EXPECT_NEAR(got["other"]["share"].get<double>(), want["other"]["share"].get<double>(), 1e-12);
    // Sankey: nodes by (step, event); links by (step, source event, target event).
    std::map<std::pair<int, std::string>, uint64_t> nodes, want_nodes;
    const json& sankey = got["sankey"];
    for (const json& node : sankey["nodes"]) nodes[{node["step"], node["event"]}] = node["users"];
    for (const json& node : want["sankey_nodes"])
      want_nodes[{node["step"], node["event"]}] = node["users"];
    EXPECT_EQ(nodes, want_nodes);
    std::map<std::tuple<int, std::string, std::string>, uint64_t> links, want_links;
    for (const json& link : sankey["links"]) {
      const json& source = sankey["nodes"][link["source"].get<size_t>()];
      const json& target = sankey["nodes"][link["target"].get<size_t>()];
      EXPECT_EQ(target["step"].get<int>(), source["step"].get<int>() + 1);
      links[{source["step"], source["event"], target["event"]}] = link["users"];
    }
    for (const json& link : want["sankey_links"])
      want_links[{link["step"], link["source"], link["target"]}] = link["users"];
    EXPECT_EQ(links, want_links);
  }
}

TEST(PathsGolden, Bpic2012MatchesPandas) {
  ExpectPathsMatch(testing::BpicCompleteEvents(), "paths_bpic2012.json");
}

TEST(PathsGolden, GeneratedLogMatchesPandas) {
  ExpectPathsMatch(testing::GeneratedSmallEvents(), "paths_generated.json");
}

TEST(PathsGolden, CliWithTheIssuesMappingMatchesPandas) {
  // Issue 20.4's command line: no --kind, the FILE is read as events because paths need them.
  const std::string text = testing::ReadXz(testing::PublicDataPath("bpic2012_events.csv.xz"));
  ASSERT_FALSE(text.empty());
  const std::filesystem::path csv = std::filesystem::temp_directory_path() /
                                    ("growthlens_paths_" + std::to_string(::getpid()) + ".csv");
  std::ofstream(csv) << text;
  const testing::CommandResult run = testing::RunCommand(
      "paths " + csv.string() +
      " --user-col case:concept:name --event-col concept:name --time-col time:timestamp "
      "--where lifecycle:transition=COMPLETE --start A_SUBMITTED --steps 4 --format json --quiet");
  std::filesystem::remove(csv);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json got = json::parse(run.out);
  const json golden = testing::ReadJsonGolden("paths_bpic2012.json");
  const json& want = golden["configs"][0]["expected"];
  ASSERT_EQ(golden["configs"][0]["params"]["start"], "A_SUBMITTED");
  EXPECT_EQ(got["users_with_path"], want["users_with_path"]);
  EXPECT_EQ(got["distinct_paths"], want["distinct_paths"]);
  ASSERT_EQ(got["paths"].size(), want["paths"].size());
  for (size_t idx = 0; idx < want["paths"].size(); ++idx) {
    EXPECT_EQ(got["paths"][idx]["events"], want["paths"][idx]["events"]) << idx;
    EXPECT_EQ(got["paths"][idx]["users"], want["paths"][idx]["users"]) << idx;
  }
}

}  // namespace
}  // namespace growthlens
