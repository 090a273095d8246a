// The server holds a usage log, an event log and transactions at once (one slot per kind): the
// `dataset` parameter picks one (400 for anything else, 409 for one not held), requests without it
// get the usage log before the event log; and the persona models saved in the workspace are
// listed, read, applied to the held users and deleted through /api/v1/saved/persona_model.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "server/data_loader.h"
#include "server_test_support.h"

namespace growthlens {
namespace {

using testing::Reply;
using testing::TempDir;
using testing::TestServer;

/// An event log of `users` users: each signs up, then searches or exports on later days.
std::string SmallEventLog(int users) {
  std::string csv = "user_id,timestamp,event\n";
  for (int user = 1; user <= users; ++user) {
    const int day = user % 28 + 1;
    csv += "e" + std::to_string(user) + ",2025-01-" + (day < 10 ? "0" : "") + std::to_string(day) +
           "T09:00:00Z,sign_up\n";
    for (int later = 1; later <= user % 4 + 1; ++later)
      csv += "e" + std::to_string(user) + ",2025-02-" + (later + user % 9 < 10 ? "0" : "") +
             std::to_string(later + user % 9) + "T1" + std::to_string(later) + ":30:00Z," +
             (later % 2 == 0 ? "export_report" : "search_items") + "\n";
  }
  return csv;
}

/// The feature names of GET /api/v1/usage`query`.
std::vector<std::string> Features(TestServer& server, const std::string& query) {
  const Reply reply = server.Get("/api/v1/usage" + query);
  EXPECT_EQ(reply.status, 200) << reply.body;
  const nlohmann::json usage = reply.Json();
  std::vector<std::string> names;
  for (const nlohmann::json& feature : usage["features"])
    names.push_back(feature["feature"].get<std::string>());
  std::sort(names.begin(), names.end());
  return names;
}

void HoldsUsageAndEvents(TestServer& server) {
  ASSERT_EQ(server.Post("/api/v1/upload?name=usage.csv", testing::MakeSmallUsageLog(40).csv).status,
            200);
  const Reply events = server.Post("/api/v1/upload?name=events.csv&kind=events", SmallEventLog(30));
  ASSERT_EQ(events.status, 200) << events.body;
  EXPECT_EQ(events.Json()["kind"], "events");
  const nlohmann::json status = server.Get("/api/v1/status").Json();
  ASSERT_EQ(status["datasets"].size(), 2U) << status.dump();
  EXPECT_EQ(status["datasets"][0]["name"], "usage");
  EXPECT_EQ(status["datasets"][1]["name"], "events");
  EXPECT_EQ(status["datasets"][1]["users"], 30);
  EXPECT_EQ(status["default_usage"], "usage");

  const std::vector<std::string> usage = {"=SUM(A1:A9)", "Export", "Search"};
  const std::vector<std::string> events_features = {"export_report", "search_items", "sign_up"};
  EXPECT_EQ(Features(server, ""), usage);  // the usage log before the event log
  EXPECT_EQ(Features(server, "?dataset=usage"), usage);
  EXPECT_EQ(Features(server, "?dataset=events"), events_features);

  const Reply bad = server.Get("/api/v1/usage?dataset=clicks");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Json()["parameter"], "dataset");
  EXPECT_NE(bad.Json()["error"].get<std::string>().find(
                "'clicks' is not usage (the usage log), events (the event log) or transactions"),
            std::string::npos)
      << bad.body;
  const Reply revenue = server.Get("/api/v1/revenue");
  EXPECT_EQ(revenue.status, 409);
  EXPECT_NE(revenue.Json()["error"].get<std::string>().find(
                "no transactions file is loaded (the server holds a usage log and an event log)"),
            std::string::npos)
      << revenue.body;
}

TEST(ServerKinds, AUsageLogAndAnEventLogAreHeldSideBySideWithAWorkspace) {
  TempDir dir;
  server::ServerSettings settings;
  settings.load.workspace = (dir.path() / "w.glw").string();
  TestServer server(settings);
  HoldsUsageAndEvents(server);
}

TEST(ServerKinds, AUsageLogAndAnEventLogAreHeldSideBySideInMemory) {
  TestServer server;
  HoldsUsageAndEvents(server);
}

TEST(ServerSavedPersonaModels, ListedReadAppliedAsPredictPlacesAndDeleted) {
  TempDir dir;
  const std::string path = (dir.path() / "w.glw").string();
  server::ServerSettings settings;
  settings.load.workspace = path;
  TestServer server(settings);
  ASSERT_EQ(server.Post("/api/v1/upload?name=usage.csv", testing::MakeSmallUsageLog(80).csv).status,
            200);
  const testing::CommandResult saved =
      testing::RunCommand("segment --workspace " + path + " --no-write --quiet --save-model tiers");
  ASSERT_EQ(saved.exit_code, 0) << saved.err;

  const nlohmann::json list = server.Get("/api/v1/saved/persona_model").Json();
  ASSERT_EQ(list["items"].size(), 1U) << list.dump();
  EXPECT_EQ(list["items"][0]["name"], "tiers");
  EXPECT_EQ(list["items"][0]["k"], 4);
  EXPECT_EQ(list["items"][0]["users"], 80);
  EXPECT_EQ(list["items"][0]["load_ids"], nlohmann::json::array({1}));
  const Reply item = server.Get("/api/v1/saved/persona_model/item?name=tiers");
  ASSERT_EQ(item.status, 200);
  EXPECT_EQ(item.Json()["item"]["centres"].size(), 4U);

  // The held users placed as `predict` places them from the same saved model.
  const Reply applied = server.Get("/api/v1/saved/persona_model/apply?name=tiers");
  ASSERT_EQ(applied.status, 200) << applied.body;
  const testing::CommandResult predicted = testing::RunCommand(
      "predict --workspace " + path + " --saved-model tiers --quiet --format json");
  ASSERT_EQ(predicted.exit_code, 0) << predicted.err;
  EXPECT_EQ(applied.Json()["personas"], nlohmann::json::parse(predicted.out)["personas"]);
  EXPECT_EQ(applied.Json()["users"], 80);

  EXPECT_EQ(server.Get("/api/v1/saved/persona_model/apply?name=nope").Json()["parameter"], "name");
  EXPECT_EQ(server.Get("/api/v1/saved/persona_model/apply?name=tiers&dataset=transactions").status,
            409);
  EXPECT_EQ(server.Get("/api/v1/saved/persona_model/apply?name=tiers&dataset=x").status, 400);
  EXPECT_EQ(server.Get("/api/v1/saved/persona_model/apply").status, 400);  // no name
  EXPECT_EQ(server.Post("/api/v1/saved/persona_model?name=x", "{}", "application/json").status,
            405);
  httplib::Client client("127.0.0.1", server.port());
  httplib::Result deleted = client.Delete("/api/v1/saved/persona_model/item?name=tiers");
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->status, 200) << deleted->body;
  EXPECT_EQ(server.Get("/api/v1/saved/persona_model").Json()["items"].size(), 0U);
  EXPECT_EQ(server.Get("/api/v1/saved/persona_model/apply?name=tiers").status, 404);
}

}  // namespace
}  // namespace growthlens
