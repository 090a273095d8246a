// The event collector (POST /api/v1/events and the SDKs' paths, issue 19): events judged one by
// one, the good ones committed to the workspace's inbox before the answer, each uuid stored once
// however often it is sent, clear refusals for bodies that cannot be read, and concurrent
// clients' batches all stored exactly once.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "server/workspace_key_gate.h"
#include "server_test_support.h"
#include "store/access_keys.h"
#include "store/workspace.h"

namespace growthlens {
namespace {

using testing::Reply;
using testing::TempDir;
using testing::TestServer;

using testing::KeyedWorkspace;
using testing::WorkspaceSettings;

store::InboxStats InboxOf(const std::filesystem::path& path) {
  Result<store::Workspace> workspace =
      store::Workspace::Open(path.string(), store::OpenMode::kExisting);
  EXPECT_TRUE(workspace.ok()) << workspace.status().message();
  if (!workspace.ok()) return {};
  Result<store::InboxStats> stats = workspace->Inbox().Stats();
  EXPECT_TRUE(stats.ok());
  return stats.ok() ? *stats : store::InboxStats{};
}

Reply PostEvents(TestServer& server, const std::string& key, const std::string& body,
                 const std::string& path = "/api/v1/events") {
  return server.Post(path, {{"Authorization", "Bearer " + key}}, body, "application/json");
}

TEST(ServerEvents, StoresAcceptedEventsAndListsTheRejectedOnes) {
  TempDir dir;
  const std::filesystem::path path = dir.path() / "live.glw";
  std::string key;
  TestServer server(KeyedWorkspace(path, key));
  const Reply mixed = PostEvents(server, key, R"([
      {"user_id": "u1", "event": "login", "uuid": "e-1", "timestamp": "2026-12-01T10:00:00Z"},
      {"event": "no user"},
      {"user_id": "u2", "event": "view", "count": 3, "properties": {"plan": "pro"}}])");
  ASSERT_EQ(mixed.status, 200) << mixed.body;
  const nlohmann::json answer = mixed.Json();
  EXPECT_EQ(answer["received"], 3);
  EXPECT_EQ(answer["accepted"], 2);
  EXPECT_EQ(answer["rejected"], 1);
  EXPECT_EQ(answer["stored"], 2);
  EXPECT_EQ(answer["duplicates"], 0);
  ASSERT_EQ(answer["errors"].size(), 1U);
  EXPECT_EQ(answer["errors"][0]["index"], 1);
  EXPECT_EQ(InboxOf(path).events, 2U);  // on disk before the answer

  const Reply retry = PostEvents(server, key, R"([{"user_id": "u1", "event": "login", "uuid": "e-1",
                                               "timestamp": "2026-12-01T10:00:00Z"}])");
  ASSERT_EQ(retry.status, 200) << retry.body;
  EXPECT_EQ(retry.Json()["stored"], 0);
  EXPECT_EQ(retry.Json()["duplicates"], 1);
  EXPECT_EQ(InboxOf(path).events, 2U);

  const Reply all_bad = PostEvents(server, key, R"([{"event": "x"}, 7])");
  EXPECT_EQ(all_bad.status, 400) << all_bad.body;
  EXPECT_EQ(all_bad.Json()["rejected"], 2);
}

TEST(ServerEvents, SegmentAndPostHogClientsCanPointAtTheServer) {
  TempDir dir;
  const std::filesystem::path path = dir.path() / "live.glw";
  std::string key;
  TestServer server(KeyedWorkspace(path, key));
  const Reply segment =
      PostEvents(server, key, R"({"batch": [{"type": "track", "userId": "s1", "event": "Signed Up",
                             "messageId": "m-1"}], "sentAt": "2026-12-01T10:00:00Z"})",
                 "/v1/batch");
  EXPECT_EQ(segment.status, 200) << segment.body;
  const Reply posthog =
      PostEvents(server, key, R"({"api_key": "phc", "batch": [{"event": "$pageview",
                  "properties": {"distinct_id": "p1", "$current_url": "/"}}]})",
                 "/batch/");
  EXPECT_EQ(posthog.status, 200) << posthog.body;
  const Reply capture =
      PostEvents(server, key, R"({"event": "clicked", "distinct_id": "p2"})", "/capture/");
  EXPECT_EQ(capture.status, 200) << capture.body;
  EXPECT_EQ(InboxOf(path).events, 3U);
  EXPECT_EQ(server.Post("/v1/identify", "{}", "application/json").status, 404);
}

TEST(ServerEvents, BodiesThatCannotBeReadAreRefusedWithReasons) {
  TempDir dir;
  const std::filesystem::path path = dir.path() / "live.glw";
  std::string key;
  TestServer server(KeyedWorkspace(path, key));
  const Reply garbage = PostEvents(server, key, "{not json");
  EXPECT_EQ(garbage.status, 400) << garbage.body;
  EXPECT_NE(garbage.Json()["error"].get<std::string>().find("not JSON or NDJSON"),
            std::string::npos);
  std::string many = "[";
  for (int i = 0; i <= 10'000; ++i) many += R"({"user_id": "u", "event": "e"},)";
  many.back() = ']';
  const Reply too_many = PostEvents(server, key, many);
  EXPECT_EQ(too_many.status, 413) << too_many.body.substr(0, 200);
  // Refused on the declared length, before any of the body is read: a client that sent all 17 MiB
  // could see the connection reset before the answer, so the body is not sent.
  testing::RawConnection too_large(server.port());
  ASSERT_TRUE(too_large.Send(fmt::format(
      "POST /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {}\r\n"
      "Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
      key, 17 << 20)));
  const std::string refused = too_large.ReceiveAll();
  EXPECT_EQ(testing::StatusOf(refused), 413) << refused.substr(0, 300);
  EXPECT_NE(refused.find("several batches"), std::string::npos) << refused.substr(0, 300);
  const Reply bad_utf8 = PostEvents(server, key, "[{\"user_id\": \"\xc3\x28\", \"event\": \"e\"}]");
  EXPECT_EQ(bad_utf8.status, 400) << bad_utf8.body;
  EXPECT_EQ(InboxOf(path).events, 0U);
}

TEST(ServerEvents, WithoutAWorkspaceEventsAreRefused) {
  TestServer server;
  const Reply refused = PostEvents(server, "glw_none", R"([{"user_id": "u", "event": "e"}])");
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_NE(refused.body.find("--workspace"), std::string::npos) << refused.body;
}

TEST(ServerEvents, ConcurrentClientsBatchesAreEachStoredOnce) {
  TempDir dir;
  const std::filesystem::path path = dir.path() / "live.glw";
  constexpr int kClients = 4, kBatches = 25, kEvents = 200;
  {
    std::string key;
    TestServer server(KeyedWorkspace(path, key));
    std::atomic<int> failures = 0;
    std::vector<std::thread> clients;
    for (int client = 0; client < kClients; ++client)
      clients.emplace_back([&, client] {
        httplib::Client http("127.0.0.1", server.port());
        http.set_bearer_token_auth(key);
        for (int batch = 0; batch < kBatches; ++batch) {
          std::string body = "[";
          for (int i = 0; i < kEvents; ++i)
            body += fmt::format(R"({{"user_id": "c{}u{}", "event": "e", "uuid": "{}-{}-{}"}},)",
                                client, i % 17, client, batch, i);
          body.back() = ']';
          // Every batch twice: a client retrying after a lost answer.
          for (int attempt = 0; attempt < 2; ++attempt) {
            const httplib::Result result = http.Post("/api/v1/events", body, "application/json");
            if (!result || result->status != 200) ++failures;
          }
        }
      });
    for (std::thread& client : clients) client.join();
    EXPECT_EQ(failures, 0);
  }
  EXPECT_EQ(InboxOf(path).events, uint64_t{kClients * kBatches * kEvents});
  EXPECT_EQ(InboxOf(path).uuids, uint64_t{kClients * kBatches * kEvents});
  Result<store::Workspace> workspace =
      store::Workspace::Open(path.string(), store::OpenMode::kExisting);
  ASSERT_TRUE(workspace.ok());
  Result<std::vector<std::string>> problems = workspace->Check();
  ASSERT_TRUE(problems.ok());
  EXPECT_TRUE(problems->empty());
}

}  // namespace
}  // namespace growthlens
