// `growthlens serve --workspace W`: uploads are cleaned and appended to the workspace (one
// transaction, acknowledged after it committed), a repeated file adds nothing, overlapping rows
// are skipped, a bad file leaves the workspace as it was, and a restarted server holds what the
// workspace holds.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "server/data_loader.h"
#include "server_test_support.h"
#include "store/workspace.h"

namespace growthlens {
namespace {

using testing::Reply;
using testing::TempDir;
using testing::TestServer;

using testing::WorkspaceSettings;

uint64_t StoredRows(const std::filesystem::path& path, DataKind kind) {
  Result<store::Workspace> workspace =
      store::Workspace::Open(path.string(), store::OpenMode::kExisting);
  EXPECT_TRUE(workspace.ok()) << workspace.status().message();
  if (!workspace.ok()) return 0;
  Result<Dataset> data = workspace->Load(kind);
  EXPECT_TRUE(data.ok()) << data.status().message();
  return data.ok() ? data->rows() : 0;
}

TEST(ServerWorkspace, UploadIsStoredOnceAndReportsWhatItAdded) {
  TempDir dir;
  // In a folder that does not exist yet: created on first use.
  const std::filesystem::path path = dir.path() / "new" / "team.glw";
  TestServer server(WorkspaceSettings(path));
  const testing::SmallUsageLog log = testing::MakeSmallUsageLog(40);

  const Reply first = server.Post("/api/v1/upload?name=usage.csv", log.csv);
  ASSERT_EQ(first.status, 200) << first.body;
  const nlohmann::json added = first.Json();
  EXPECT_EQ(added["kind"], "usage");
  EXPECT_EQ(added["source"], "team.glw");  // the server holds the workspace's data
  EXPECT_EQ(added["rows"], log.rows);
  EXPECT_EQ(added["users"], log.users);
  EXPECT_EQ(added["ingest"]["source"], "usage.csv");
  EXPECT_EQ(added["ingest"]["already_ingested"], false);
  EXPECT_EQ(added["ingest"]["rows_read"], log.rows);
  EXPECT_EQ(added["ingest"]["rows_added"], log.rows);
  EXPECT_EQ(added["ingest"]["rows_skipped"], 0);
  EXPECT_EQ(added["ingest"]["cleaning"]["rows_kept"], log.rows);
  EXPECT_EQ(StoredRows(path, DataKind::kUsage), log.rows);  // committed before the answer

  // The same bytes again: recognised by their checksum, nothing added.
  const Reply again = server.Post("/api/v1/upload?name=usage_again.csv", log.csv);
  ASSERT_EQ(again.status, 200) << again.body;
  const nlohmann::json repeated = again.Json();
  EXPECT_EQ(repeated["ingest"]["already_ingested"], true);
  EXPECT_EQ(repeated["ingest"]["source"], "usage_again.csv");
  EXPECT_EQ(repeated["ingest"]["load_id"], added["ingest"]["load_id"]);
  EXPECT_TRUE(repeated["ingest"]["loaded_at"].is_string());
  EXPECT_EQ(repeated["ingest"]["rows_added"], 0);
  EXPECT_EQ(repeated["rows"], log.rows);
  EXPECT_EQ(StoredRows(path, DataKind::kUsage), log.rows);

  // A larger export that overlaps the first: only its new rows are added.
  const testing::SmallUsageLog more = testing::MakeSmallUsageLog(60);
  const Reply overlapping = server.Post("/api/v1/upload?name=usage_60.csv", more.csv);
  ASSERT_EQ(overlapping.status, 200) << overlapping.body;
  const nlohmann::json grown = overlapping.Json();
  EXPECT_EQ(grown["ingest"]["rows_added"], more.rows - log.rows);
  EXPECT_EQ(grown["ingest"]["rows_skipped"], log.rows);
  EXPECT_EQ(grown["rows"], more.rows);
  EXPECT_EQ(grown["users"], more.users);
  EXPECT_EQ(StoredRows(path, DataKind::kUsage), more.rows);

  const nlohmann::json status = server.Get("/api/v1/status").Json();
  EXPECT_EQ(status["workspace"], true);  // the page says uploads add to the saved data
  ASSERT_EQ(status["datasets"].size(), 1U);
  EXPECT_EQ(status["datasets"][0]["rows"], more.rows);
}

TEST(ServerWorkspace, BadUploadLeavesTheWorkspaceAsItWas) {
  TempDir dir;
  const std::filesystem::path path = dir.path() / "w.glw";
  TestServer server(WorkspaceSettings(path));
  const testing::SmallUsageLog log = testing::MakeSmallUsageLog(20);
  ASSERT_EQ(server.Post("/api/v1/upload?name=usage.csv", log.csv).status, 200);

  // Every row fails cleaning (dates that are not dates): a 422 naming the file, nothing stored.
  const std::string bad =
      "user_id,signup_date,event_date,feature_name,events_count\n"
      "u1,2024-12-01,not-a-date,Search,1\nu2,2024-12-01,yesterday,Search,2\n";
  const Reply refused = server.Post("/api/v1/upload?name=bad.csv", bad);
  EXPECT_EQ(refused.status, 422) << refused.body;  // as without a workspace
  EXPECT_EQ(refused.Json()["parameter"], "file");
  EXPECT_NE(refused.Json()["error"].get<std::string>().find("bad.csv"), std::string::npos)
      << refused.body;
  EXPECT_EQ(StoredRows(path, DataKind::kUsage), log.rows);

  Result<store::Workspace> workspace =
      store::Workspace::Open(path.string(), store::OpenMode::kExisting);
  ASSERT_TRUE(workspace.ok());
  Result<store::WorkspaceInfo> info = workspace->Info();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->loads.size(), 1U);  // the refused file left no history either
}

TEST(ServerWorkspace, ARestartedServerHoldsEveryKindTheWorkspaceHolds) {
  TempDir dir;
  const std::filesystem::path path = dir.path() / "w.glw";
  size_t usage_rows = 0;
  {
    TestServer server(WorkspaceSettings(path));
    ASSERT_EQ(server.LoadSmallDemo().status, 200);
    const nlohmann::json status = server.Get("/api/v1/status").Json();
    ASSERT_EQ(status["datasets"].size(), 3U);  // usage log, transactions, event log
    usage_rows = status["datasets"][0]["rows"].get<size_t>();
    // The stored event log's properties, as its ingest named them (the pages offer them).
    EXPECT_EQ(status["datasets"][2]["kind"], "events");
    EXPECT_EQ(status["datasets"][2]["cleaning"]["properties"]["kept"],
              nlohmann::json::array({"platform"}));
    // The demo again (same size and seed): the same files, nothing added.
    ASSERT_EQ(server.LoadSmallDemo().status, 200);
  }
  EXPECT_EQ(StoredRows(path, DataKind::kUsage), usage_rows);

  server::LoadSettings load;
  load.workspace = path.string();
  load.data_dir = (dir.path() / "data").string();
  load.quiet = true;
  Result<std::vector<server::HeldPtr>> held = server::LoadWorkspace(load);
  ASSERT_TRUE(held.ok()) << held.status().message();
  ASSERT_EQ(held->size(), 3U);
  std::vector<DataKind> kinds;
  for (const server::HeldPtr& one : *held) kinds.push_back(one->kind());
  std::sort(kinds.begin(), kinds.end());
  EXPECT_EQ(kinds,
            (std::vector<DataKind>{DataKind::kUsage, DataKind::kTransactions, DataKind::kEvents}));
  EXPECT_EQ((*held)[0]->kind(), DataKind::kUsage);
  EXPECT_EQ((*held)[0]->data->dataset.rows(), usage_rows);
  EXPECT_NE((*held)[0]->analysis, nullptr);  // analysed as at any load
}

TEST(ServerWorkspace, AnEmptyWorkspaceHoldsNothing) {
  TempDir dir;
  server::LoadSettings load;
  load.workspace = (dir.path() / "fresh" / "w.glw").string();
  load.quiet = true;
  Result<std::vector<server::HeldPtr>> held = server::LoadWorkspace(load);
  ASSERT_TRUE(held.ok()) << held.status().message();
  EXPECT_TRUE(held->empty());
  EXPECT_TRUE(std::filesystem::exists(load.workspace));  // created on first use
}

TEST(ServerSavedItems, ViewsAreSavedListedReopenedReplacedAndDeleted) {
  TempDir dir;
  const std::filesystem::path path = dir.path() / "w.glw";
  TestServer server(WorkspaceSettings(path));
  const std::string view = R"({"page":"usage","filters":{"from":"2025-01-01","feature":"Search"}})";
  const Reply saved =
      server.Post("/api/v1/saved/view?name=Search%20in%20January", view, "application/json");
  ASSERT_EQ(saved.status, 200) << saved.body;
  EXPECT_EQ(saved.Json()["name"], "Search in January");
  EXPECT_EQ(saved.Json()["kind"], "view");
  EXPECT_EQ(saved.Json()["bytes"], view.size());
  ASSERT_EQ(server.Post("/api/v1/saved/view?name=All", R"({"page":"overview"})", "application/json")
                .status,
            200);

  const nlohmann::json list = server.Get("/api/v1/saved/view").Json();
  ASSERT_EQ(list["items"].size(), 2U) << list.dump();
  EXPECT_EQ(list["items"][0]["name"], "All");  // newest first
  EXPECT_EQ(list["items"][1]["name"], "Search in January");
  EXPECT_EQ(server.Get("/api/v1/saved/experiment").Json()["items"].size(), 0U);

  const Reply opened = server.Get("/api/v1/saved/view/item?name=Search%20in%20January");
  ASSERT_EQ(opened.status, 200) << opened.body;
  EXPECT_EQ(opened.Json()["item"], nlohmann::json::parse(view));

  // Kept in the workspace: another server on it (a restart) lists them.
  Result<store::Workspace> workspace =
      store::Workspace::Open(path.string(), store::OpenMode::kExisting);
  ASSERT_TRUE(workspace.ok());
  EXPECT_EQ(workspace->ListSaved(store::SavedKind::kView)->size(), 2U);

  httplib::Client client("127.0.0.1", server.port());
  httplib::Result deleted = client.Delete("/api/v1/saved/view/item?name=All");
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->status, 200) << deleted->body;
  httplib::Result missing = client.Delete("/api/v1/saved/view/item?name=All");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(server.Get("/api/v1/saved/view").Json()["items"].size(), 1U);
}

TEST(ServerSavedItems, BadNamesKindsAndBodiesAreRefusedAndNothingIsSaved) {
  TempDir dir;
  const std::filesystem::path path = dir.path() / "w.glw";
  TestServer server(WorkspaceSettings(path));
  const auto post = [&server](const std::string& target, const std::string& body) {
    return server.Post(target, body, "application/json");
  };
  EXPECT_EQ(post("/api/v1/saved/view", "{}").Json()["parameter"], "name");
  EXPECT_EQ(post("/api/v1/saved/view?name=" + std::string(101, 'x'), "{}").status, 400);
  EXPECT_EQ(post("/api/v1/saved/view?name=a%0Ab", "{}").status, 400);
  EXPECT_EQ(post("/api/v1/saved/dashboards?name=a", "{}").status, 404);
  EXPECT_EQ(post("/api/v1/saved/persona_model?name=a", "{}").status, 405);  // segment saves those
  EXPECT_EQ(post("/api/v1/saved/view?name=a&colour=red", "{}").status, 400);
  const Reply not_json = post("/api/v1/saved/view?name=a", "{not json");
  EXPECT_EQ(not_json.status, 400);
  EXPECT_EQ(not_json.Json()["parameter"], "body");
  EXPECT_EQ(post("/api/v1/saved/view?name=a", "[1,2]").status, 400);  // an object, not a list
  // A view is at most 64 KiB; an experiment analysis may be larger.
  const std::string large = R"({"pad":")" + std::string(70 << 10, 'x') + R"("})";
  EXPECT_EQ(post("/api/v1/saved/view?name=a", large).status, 413);
  EXPECT_EQ(post("/api/v1/saved/experiment?name=a", large).status, 200);
  EXPECT_EQ(server.Get("/api/v1/saved/view").Json()["items"].size(), 0U);
  EXPECT_EQ(server.Get("/api/v1/saved/view/item?name=nothing").status, 404);
}

TEST(ServerSavedItems, WithoutAWorkspaceNothingCanBeSaved) {
  TestServer server;
  const Reply refused = server.Post("/api/v1/saved/view?name=a", "{}", "application/json");
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_NE(refused.Json()["error"].get<std::string>().find("no workspace"), std::string::npos);
  EXPECT_EQ(server.Get("/api/v1/saved/view").status, 409);
}

TEST(ServerSavedItems, SavingNeedsTheWriteKey) {
  TempDir dir;
  server::ServerSettings settings = WorkspaceSettings(dir.path() / "w.glw");
  const std::string key = "a-write-key-long-enough-0123";
  settings.access = std::make_shared<server::SharedKeyGate>(key);
  settings.key_on_loopback = true;
  TestServer server(settings);
  EXPECT_EQ(server.Post("/api/v1/saved/view?name=a", "{}", "application/json").status, 401);
  httplib::Client client("127.0.0.1", server.port());
  client.set_bearer_token_auth(key);
  httplib::Result saved = client.Post("/api/v1/saved/view?name=a", "{}", "application/json");
  ASSERT_TRUE(saved);
  EXPECT_EQ(saved->status, 200) << saved->body;
}

}  // namespace
}  // namespace growthlens
