// The server's live state (issue 19, server/live_state.h): events from this server's collector
// and from another writer of the workspace reach GET /api/v1/live without a restart; the answer
// carries an ETag that a repeated request gets 304 for; the collector's outcomes are counted by
// reason; a stream consumer's report is shown; the stream of changes tells the generation.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "app/event_batch.h"
#include "server/live_state.h"
#include "server_test_support.h"
#include "store/workspace.h"

namespace growthlens {
namespace {

using testing::KeyedWorkspace;
using testing::Reply;
using testing::TempDir;
using testing::TestServer;

/// GET /api/v1/live until `done` holds (the watcher polls every 250 ms); fails after 10 s.
nlohmann::json LiveWhen(TestServer& server,
                        const std::function<bool(const nlohmann::json&)>& done) {
  nlohmann::json live;
  for (int attempt = 0; attempt < 200; ++attempt) {
    const Reply reply = server.Get("/api/v1/live");
    EXPECT_EQ(reply.status, 200) << reply.body;
    live = reply.Json();
    if (done(live)) return live;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "the live state never got there: " << live.dump();
  return live;
}

bool HasUser(const nlohmann::json& live, const std::string& user) {
  for (const auto& event : live["latest"])
    if (event["user_id"] == user) return true;
  return false;
}

TEST(ServerLive, CollectedEventsAndAnotherWritersAreSeenAndCounted) {
  TempDir dir;
  const std::filesystem::path path = dir.path() / "live.glw";
  std::string key;
  TestServer server(KeyedWorkspace(path, key));
  const httplib::Headers bearer = {{"Authorization", "Bearer " + key}};
  const Reply posted = server.Post("/api/v1/events", bearer, R"([
      {"user_id": "ann", "event": "login"},
      {"user_id": "bob", "event": "search", "count": 3},
      {"event": "no user"},
      {"user_id": "cy", "event": "login", "timestamp": "1999-01-01T00:00:00Z"}])",
                                   "application/json");
  ASSERT_EQ(posted.status, 200) << posted.body;
  const nlohmann::json live =
      LiveWhen(server, [](const nlohmann::json& j) { return HasUser(j, "bob"); });
  EXPECT_EQ(live["events_last_hour"], 4);
  EXPECT_EQ(live["active_users"]["last_5_minutes"], 2);
  EXPECT_EQ(live["per_minute"].size(), 60U);
  EXPECT_EQ(live["latest"][0]["user_id"], "bob");  // newest first
  EXPECT_EQ(live["ingest"]["accepted"], 2);
  EXPECT_EQ(live["ingest"]["stored"], 2);
  EXPECT_EQ(live["ingest"]["rejected"], 2);
  const nlohmann::json reasons = live["ingest"]["rejected_by_reason"];
  ASSERT_EQ(reasons.size(), 2U);
  EXPECT_EQ(reasons[0]["reason"], "missing user");
  EXPECT_EQ(reasons[1]["reason"], "timestamp before 2000");
  EXPECT_EQ(live["totals"]["users"], 2);
  EXPECT_EQ(live["totals"]["events"], 4);
  EXPECT_EQ(live["totals"]["features"][0]["event"], "search");

  // Another writer of the same workspace (as `growthlens consume` in another process).
  {
    Result<store::Workspace> other =
        store::Workspace::Open(path.string(), store::OpenMode::kExisting);
    ASSERT_TRUE(other.ok()) << other.status().message();
    const store::InboxEvent event{"dee", "checkout", app::NowMillis(), 1, "", ""};
    ASSERT_TRUE(other->Inbox().Add({&event, 1}, app::NowMillis()).ok());
    store::ConsumerStatus report;
    report.name = "events/growthlens/test";
    report.source = "stream events (group growthlens)";
    report.updated_ms = app::NowMillis();
    report.messages = 1;
    report.lag = 7;
    ASSERT_TRUE(other->Consumers().Write(report).ok());
  }
  const nlohmann::json later = LiveWhen(
      server, [](const nlohmann::json& j) { return HasUser(j, "dee") && !j["consumers"].empty(); });
  EXPECT_EQ(later["active_users"]["last_5_minutes"], 3);
  // The totals' summary is cached per change of the totals: the new row is in it.
  EXPECT_EQ(later["totals"]["users"], 3);
  EXPECT_EQ(later["totals"]["events"], 5);
  EXPECT_EQ(later["ingest"]["accepted"], 2);  // the collector's own counts only
  EXPECT_EQ(later["consumers"][0]["lag"], 7);
  EXPECT_TRUE(later["consumers"][0]["pending"].is_null());
  EXPECT_GT(later["generation"].get<uint64_t>(), live["generation"].get<uint64_t>());
}

TEST(ServerLive, TheETagAnswers304UntilSomethingChanges) {
  TempDir dir;
  const std::filesystem::path path = dir.path() / "live.glw";
  std::string key;
  TestServer server(KeyedWorkspace(path, key));
  const httplib::Headers bearer = {{"Authorization", "Bearer " + key}};
  ASSERT_EQ(
      server.Post("/api/v1/events", bearer, R"({"user_id": "a", "event": "x"})", "application/json")
          .status,
      200);
  LiveWhen(server, [](const nlohmann::json& j) { return HasUser(j, "a"); });
  httplib::Client client("127.0.0.1", server.port());
  httplib::Result first = client.Get("/api/v1/live");
  ASSERT_TRUE(first);
  const std::string etag = first->get_header_value("ETag");
  ASSERT_FALSE(etag.empty());
  httplib::Result same = client.Get("/api/v1/live", {{"If-None-Match", etag}});
  ASSERT_TRUE(same);
  // Unless the minute turned meanwhile (the hour's window moved): then a new tag, 200.
  if (same->status == 200) {
    EXPECT_NE(same->get_header_value("ETag"), etag);
  } else {
    EXPECT_EQ(same->status, 304);
    EXPECT_TRUE(same->body.empty());
  }
  ASSERT_EQ(
      server.Post("/api/v1/events", bearer, R"({"user_id": "b", "event": "x"})", "application/json")
          .status,
      200);
  LiveWhen(server, [](const nlohmann::json& j) { return HasUser(j, "b"); });
  httplib::Result changed = client.Get("/api/v1/live", {{"If-None-Match", etag}});
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->status, 200);
  EXPECT_NE(changed->get_header_value("ETag"), etag);
}

TEST(ServerLive, TheStreamTellsTheGenerationAtOnceAndAfterAChange) {
  TempDir dir;
  const std::filesystem::path path = dir.path() / "live.glw";
  std::string key;
  TestServer server(KeyedWorkspace(path, key));
  const httplib::Headers bearer = {{"Authorization", "Bearer " + key}};
  httplib::Client client("127.0.0.1", server.port());
  std::string received;
  std::thread poster;
  httplib::Result streamed = client.Get(
      "/api/v1/live/stream",
      [&](const httplib::Response& response) {
        EXPECT_EQ(response.status, 200);
        EXPECT_EQ(response.get_header_value("Content-Type"), "text/event-stream");
        return true;
      },
      [&](const char* data, size_t length) {
        received.append(data, length);
        const size_t changes = [&] {
          size_t count = 0;
          for (size_t at = received.find("event: changed"); at != std::string::npos;
               at = received.find("event: changed", at + 1))
            ++count;
          return count;
        }();
        if (changes == 1 && !poster.joinable())
          poster = std::thread([&] {
            server.Post("/api/v1/events", bearer, R"({"user_id": "s", "event": "x"})",
                        "application/json");
          });
        return changes < 2;  // stop reading after the change the post made
      });
  if (poster.joinable()) poster.join();
  EXPECT_NE(received.find("retry: 250"), std::string::npos) << received;
  EXPECT_NE(received.find("\"data_generation\":"), std::string::npos) << received;
  size_t changes = 0;
  for (size_t at = received.find("event: changed"); at != std::string::npos;
       at = received.find("event: changed", at + 1))
    ++changes;
  EXPECT_EQ(changes, 2U) << received;
}

// An upload replaces the data the pages analyse: an open stream tells it at once, not at its next
// ping 4 s later, so the page on screen redraws within the 2 s issue 19 promises.
TEST(ServerLive, AnUploadIsToldToOpenStreamsAtOnce) {
  TempDir dir;
  TestServer server(testing::WorkspaceSettings(dir.path() / "upload.glw"));
  httplib::Client client("127.0.0.1", server.port());
  std::string received;
  std::thread uploader;
  using Clock = std::chrono::steady_clock;
  std::atomic<int64_t> uploaded_ns = 0;  // when the upload's answer came
  int64_t told_ns = 0;                   // when the stream told the new data generation
  std::string first_data_generation;
  const Clock::time_point started = Clock::now();
  const auto data_generation_at = [&received](size_t at) {
    const size_t start = received.find("\"data_generation\":", at);
    return start == std::string::npos ? std::string()
                                      : received.substr(start, received.find('}', start) - start);
  };
  client.Get(
      "/api/v1/live/stream",
      [](const httplib::Response& response) { return response.status == 200; },
      [&](const char* data, size_t length) {
        received.append(data, length);
        const size_t first = received.find("event: changed");
        if (first == std::string::npos) return true;
        if (!uploader.joinable()) {
          first_data_generation = data_generation_at(first);
          uploader = std::thread([&] {
            const testing::SmallUsageLog log = testing::MakeSmallUsageLog(20);
            EXPECT_EQ(server.PostFile("/api/v1/upload", log.csv, "usage.csv").status, 200);
            uploaded_ns = Clock::now().time_since_epoch().count();
          });
        }
        for (size_t at = received.find("event: changed", first + 1); at != std::string::npos;
             at = received.find("event: changed", at + 1))
          if (data_generation_at(at) != first_data_generation) {
            told_ns = Clock::now().time_since_epoch().count();
            return false;
          }
        // A ping, or a change of the live generation only: read on (the server ends a stream
        // after 8 s; this end is for a server that would not).
        return Clock::now() - started < std::chrono::seconds(15);
      });
  if (uploader.joinable()) uploader.join();
  ASSERT_NE(told_ns, 0) << "the stream ended without telling the upload: " << received;
  // Told before the stream's 4 s ping would have carried it (0 or less: told as the upload's
  // answer was sent).
  EXPECT_LT(std::chrono::nanoseconds(told_ns - uploaded_ns.load()), std::chrono::seconds(2))
      << received;
}

/// Waits up to 5 s for `done`; false if it never held.
bool Eventually(const std::function<bool()>& done) {
  for (int attempt = 0; attempt < 250; ++attempt) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

// The held data is reloaded at the watched pace (every second) while a page keeps a stream of
// changes open, and at the unwatched one (an hour here) otherwise, so the pages follow new events
// without a server nobody watches reloading all the time.
TEST(ServerLive, TheHeldDataFollowsEverySecondOnlyWhileAPageIsOpen) {
  TempDir dir;
  const std::string path = (dir.path() / "watched.glw").string();
  Result<store::Workspace> writer = store::Workspace::Open(path, store::OpenMode::kCreate);
  ASSERT_TRUE(writer.ok()) << writer.status().message();
  std::atomic<int> reloads = 0;
  server::LiveState state({.workspace = path,
                           .poll = std::chrono::milliseconds(20),
                           .refresh_every = std::chrono::seconds(3600),
                           .refresh_watched = std::chrono::seconds(1),
                           .watched_grace = std::chrono::seconds(0)},
                          [&reloads] {
                            ++reloads;
                            return true;
                          });
  state.Start();
  const auto add = [&writer](const char* user) {
    const store::InboxEvent event{user, "login", app::NowMillis(), 1, "", ""};
    ASSERT_TRUE(writer->Inbox().Add({&event, 1}, app::NowMillis()).ok());
  };
  // A row the watcher's first pass finds is what the held data was loaded with (no reload due):
  // the row that matters comes after that pass.
  add("first");
  ASSERT_TRUE(Eventually([&state] { return state.View().rows_seen == 1; }));
  add("ann");
  ASSERT_TRUE(Eventually([&state] { return state.View().rows_seen == 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(reloads, 0) << "nobody watches: the hour's pace";
  EXPECT_FALSE(state.View().watched);

  ASSERT_TRUE(state.OpenStream());
  EXPECT_TRUE(state.View().watched);
  EXPECT_TRUE(Eventually([&reloads] { return reloads == 1; })) << "a page is open: within 1 s";
  state.CloseStream();
  add("bob");
  ASSERT_TRUE(Eventually([&state] { return state.View().rows_seen == 3; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(reloads, 1) << "the page closed: the hour's pace again";
  state.Stop();
}

TEST(ServerLive, WithoutAWorkspaceThereIsNoLiveState) {
  TestServer server;
  EXPECT_EQ(server.Get("/api/v1/live").status, 404);
  EXPECT_EQ(server.Get("/api/v1/live/stream").status, 404);
}

}  // namespace
}  // namespace growthlens
