// Keys for sending events (issue 19.2): the collector wants a write or ingest key from every
// address, this machine's too, while reads from this machine stay open; Segment's and PostHog's
// SDKs present their keys their own way (Basic credentials, writeKey, api_key, token, ?api_key=);
// an ingest key does nothing else; browser SDKs get CORS on the event paths only; gzip bodies,
// with the size limit applied to what they inflate to.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <string>

#include "server/request_credentials.h"
#include "server/workspace_key_gate.h"
#include "server_test_support.h"
#include "store/access_keys.h"
#include "store/workspace.h"

namespace growthlens {
namespace {

using namespace growthlens::testing;

constexpr const char* kJson = "Content-Type: application/json\r\n";
constexpr const char* kEvents = R"([{"user_id": "u1", "event": "login"}])";

/// RFC 4648 base64, for Basic credentials as Segment's SDKs build them.
std::string Base64(std::string_view text) {
  constexpr char kDigits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t at = 0; at < text.size(); at += 3) {
    uint32_t chunk = static_cast<uint32_t>(static_cast<unsigned char>(text[at])) << 16;
    if (at + 1 < text.size())
      chunk |= static_cast<uint32_t>(static_cast<unsigned char>(text[at + 1])) << 8;
    if (at + 2 < text.size()) chunk |= static_cast<unsigned char>(text[at + 2]);
    out += kDigits[(chunk >> 18) & 63];
    out += kDigits[(chunk >> 12) & 63];
    out += at + 1 < text.size() ? kDigits[(chunk >> 6) & 63] : '=';
    out += at + 2 < text.size() ? kDigits[chunk & 63] : '=';
  }
  return out;
}

std::string Gzip(const std::string& text) {
  std::string out;
  httplib::detail::gzip_compressor compressor;
  compressor.compress(text.data(), text.size(), /*last=*/true, [&](const char* data, size_t size) {
    out.append(data, size);
    return true;
  });
  return out;
}

/// A server of a workspace with a read, a write and an ingest key, as `serve --workspace W` runs
/// it on 127.0.0.1 (loopback clients read without a key). `key_on_loopback` makes it ask them
/// for keys as --require-access-key does.
class EventKeysServer : public ::testing::Test {
 protected:
  void Start(bool key_on_loopback) {
    workspace_ = (dir_.path() / "live.glw").string();
    Result<store::KeyStore> keys = store::KeyStore::Open(workspace_, store::OpenMode::kCreate);
    ASSERT_TRUE(keys.ok()) << keys.status().message();
    Result<store::CreatedKey> read = keys->Create(store::KeyRole::kRead, "reader");
    Result<store::CreatedKey> write = keys->Create(store::KeyRole::kWrite, "writer");
    Result<store::CreatedKey> ingest = keys->Create(store::KeyRole::kIngest, "web page");
    ASSERT_TRUE(read.ok() && write.ok() && ingest.ok());
    read_ = read->secret;
    write_ = write->secret;
    write_id_ = write->info.id;
    ingest_ = ingest->secret;
    Result<std::unique_ptr<server::WorkspaceKeyGate>> gate =
        server::WorkspaceKeyGate::Open(workspace_);
    ASSERT_TRUE(gate.ok()) << gate.status().message();
    server::ServerSettings settings = WorkspaceSettings(workspace_);
    settings.access = std::move(*gate);
    settings.key_on_loopback = key_on_loopback;
    server_ = std::make_unique<TestServer>(settings);
  }
  void SetUp() override { Start(/*key_on_loopback=*/false); }

  int port() const { return server_->port(); }
  std::string Post(const std::string& target, const std::string& headers, const std::string& body) {
    return Exchange(port(), "POST", target, headers, body);
  }
  uint64_t StoredEvents() const {
    Result<store::Workspace> workspace =
        store::Workspace::Open(workspace_, store::OpenMode::kExisting);
    EXPECT_TRUE(workspace.ok());
    if (!workspace.ok()) return 0;
    Result<store::InboxStats> stats = workspace->Inbox().Stats();
    return stats.ok() ? stats->events : 0;
  }

  TempDir dir_;
  std::string workspace_, read_, write_, write_id_, ingest_;
  std::unique_ptr<TestServer> server_;
};

TEST_F(EventKeysServer, SendingEventsNeedsAWriteKeyFromThisMachineToo) {
  // Reading from this machine needs no key, as before.
  EXPECT_EQ(StatusOf(Exchange(port(), "GET", "/api/v1/status")), 200);

  std::string answer = Post("/api/v1/events", kJson, kEvents);
  EXPECT_EQ(StatusOf(answer), 401) << answer;
  EXPECT_NE(HeaderOf(answer, "WWW-Authenticate").find("Bearer"), std::string::npos);
  const nlohmann::json error = nlohmann::json::parse(BodyOf(answer), nullptr, false);
  ASSERT_TRUE(error.is_object()) << answer;
  EXPECT_NE(
      error.value("error", "").find("growthlens workspace keys create --role write --workspace W"),
      std::string::npos)
      << answer;
  for (const char* path : {"/v1/batch", "/v1/track", "/capture/", "/batch", "/e/", "/i/v0/e/"})
    EXPECT_EQ(StatusOf(Post(path, kJson, kEvents)), 401) << path;

  answer = Post("/api/v1/events", std::string(kJson) + Bearer(read_), kEvents);
  EXPECT_EQ(StatusOf(answer), 403) << answer;
  EXPECT_NE(BodyOf(answer).find("--role ingest"), std::string::npos) << answer;
  const std::string wrong = "glw_" + std::string(40, 'a');
  EXPECT_EQ(StatusOf(Post("/api/v1/events", std::string(kJson) + Bearer(wrong), kEvents)), 401);
  EXPECT_EQ(StatusOf(Post("/api/v1/events", std::string(kJson) + Bearer("short"), kEvents)), 401);
  EXPECT_EQ(StoredEvents(), 0U);

  answer = Post("/api/v1/events", std::string(kJson) + Bearer(write_), kEvents);
  EXPECT_EQ(StatusOf(answer), 200) << answer;
  EXPECT_EQ(StatusOf(Post("/api/v1/events", std::string(kJson) + Bearer(ingest_), kEvents)), 200);
  EXPECT_EQ(StoredEvents(), 2U);

  // Revoked by `workspace keys revoke` in another process: refused from the next request on.
  {
    Result<store::KeyStore> keys = store::KeyStore::Open(workspace_, store::OpenMode::kExisting);
    ASSERT_TRUE(keys.ok());
    ASSERT_EQ(*keys->Revoke(write_id_), store::RevokeOutcome::kRevoked);
  }
  answer = Post("/api/v1/events", std::string(kJson) + Bearer(write_), kEvents);
  EXPECT_EQ(StatusOf(answer), 401) << answer;
  EXPECT_NE(BodyOf(answer).find("revoked"), std::string::npos) << answer;
  answer = Post("/v1/batch", kJson, R"({"writeKey": ")" + write_ + R"(", "batch": []})");
  EXPECT_EQ(StatusOf(answer), 401) << answer;
  EXPECT_EQ(StoredEvents(), 2U);
}

TEST_F(EventKeysServer, SegmentAndPostHogSdksSendTheirKeysTheirOwnWay) {
  // Segment: Basic credentials (the write key as the user), or writeKey in the body, after an
  // event property of the same name as PostHog's key.
  const std::string basic = "Authorization: Basic " + Base64(write_ + ":") + "\r\n";
  std::string answer = Post("/v1/track", std::string(kJson) + basic,
                            R"({"type": "track", "userId": "s1", "event": "Signed Up"})");
  EXPECT_EQ(StatusOf(answer), 200) << answer;
  answer = Post("/v1/batch", kJson,
                R"({"batch": [{"type": "track", "userId": "s2", "event": "Paid",
                   "properties": {"token": "not-a-key"}}], "writeKey": ")" +
                    write_ + R"("})");
  EXPECT_EQ(StatusOf(answer), 200) << answer;
  // analytics.js: the first letter of the call's type, text/plain (no preflight), writeKey in the
  // body, from the site's own origin.
  answer = Post("/v1/t", "Content-Type: text/plain\r\nOrigin: https://shop.example\r\n",
                R"({"type": "track", "event": "Viewed", "anonymousId": "a1", "writeKey": ")" +
                    ingest_ + R"("})");
  EXPECT_EQ(StatusOf(answer), 200) << answer;
  EXPECT_EQ(HeaderOf(answer, "Access-Control-Allow-Origin"), "*");
  // PostHog: api_key in the body (its server SDKs), properties.token (posthog-js), ?api_key=.
  answer = Post("/batch/", kJson,
                R"({"api_key": ")" + ingest_ +
                    R"(", "batch": [{"event": "$pageview", "distinct_id": "p1"}]})");
  EXPECT_EQ(StatusOf(answer), 200) << answer;
  answer = Post("/e/", kJson,
                R"([{"event": "$pageview", "properties": {"distinct_id": "p2", "token": ")" +
                    ingest_ + R"("}}])");
  EXPECT_EQ(StatusOf(answer), 200) << answer;
  answer =
      Post("/capture/?api_key=" + ingest_, kJson, R"({"event": "clicked", "distinct_id": "p3"})");
  EXPECT_EQ(StatusOf(answer), 200) << answer;
  EXPECT_EQ(StoredEvents(), 6U);

  // The same forms with keys that may not send events, or none.
  answer =
      Post("/batch/", kJson,
           R"({"api_key": ")" + read_ + R"(", "batch": [{"event": "e", "distinct_id": "p"}]})");
  EXPECT_EQ(StatusOf(answer), 403) << answer;
  answer = Post("/v1/track", "Authorization: Basic " + Base64("glw_wrong:") + "\r\n" + kJson,
                R"({"type": "track", "userId": "s1", "event": "x"})");
  EXPECT_EQ(StatusOf(answer), 401) << answer;
  answer = Post("/e/", kJson, R"([{"event": "e", "properties": {"distinct_id": "p"}}])");
  EXPECT_EQ(StatusOf(answer), 401) << answer;
  EXPECT_EQ(StoredEvents(), 6U);
}

TEST_F(EventKeysServer, GzipBodiesAreInflatedWithinTheLimit) {
  const std::string headers = std::string(kJson) + Bearer(write_);
  // posthog-js: ?compression=gzip-js and no Content-Encoding; others: Content-Encoding: gzip.
  std::string answer =
      Post("/e/?compression=gzip-js&api_key=" + ingest_, "Content-Type: text/plain\r\n",
           Gzip(R"([{"event": "a", "distinct_id": "g1"}])"));
  EXPECT_EQ(StatusOf(answer), 200) << answer;
  answer = Post("/api/v1/events", headers + "Content-Encoding: gzip\r\n",
                Gzip(R"([{"user_id": "g2", "event": "b"}])"));
  EXPECT_EQ(StatusOf(answer), 200) << answer;
  // A small body that would inflate past the 16 MiB limit is stopped there, either way.
  const std::string bomb = Gzip("[" + std::string(20 << 20, ' ') + "]");
  ASSERT_LT(bomb.size(), 100'000U);
  answer = Post("/api/v1/events", headers, bomb);
  EXPECT_EQ(StatusOf(answer), 413) << answer.substr(0, 300);
  answer = Post("/api/v1/events", headers + "Content-Encoding: gzip\r\n", bomb);
  EXPECT_EQ(StatusOf(answer), 413) << answer.substr(0, 300);
  answer = Post("/api/v1/events", headers, bomb.substr(0, 10));
  EXPECT_EQ(StatusOf(answer), 400) << answer;
  // The key of a gzip-js body is read from what it inflates to.
  answer = Post("/e/?compression=gzip-js", "Content-Type: text/plain\r\n",
                Gzip(R"([{"event": "c", "properties": {"distinct_id": "g3", "token": ")" + ingest_ +
                     R"("}}])"));
  EXPECT_EQ(StatusOf(answer), 200) << answer;
  EXPECT_EQ(StoredEvents(), 3U);
}

TEST_F(EventKeysServer, BrowserSdksGetCorsOnTheEventPathsOnly) {
  const std::string origin = "Origin: https://shop.example\r\n";
  std::string answer =
      Exchange(port(), "OPTIONS", "/v1/batch",
               origin +
                   "Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: "
                   "content-type, authorization\r\n");
  EXPECT_EQ(StatusOf(answer), 204) << answer;
  EXPECT_EQ(HeaderOf(answer, "Access-Control-Allow-Origin"), "*");
  EXPECT_NE(HeaderOf(answer, "Access-Control-Allow-Methods").find("POST"), std::string::npos);
  EXPECT_NE(HeaderOf(answer, "Access-Control-Allow-Headers").find("Authorization"),
            std::string::npos);
  answer = Post("/api/v1/events", origin + kJson + Bearer(write_), kEvents);
  EXPECT_EQ(StatusOf(answer), 200) << answer;
  EXPECT_EQ(HeaderOf(answer, "Access-Control-Allow-Origin"), "*");
  // A refusal is readable by the page too (it says what is wrong).
  answer = Post("/api/v1/events", origin + kJson, kEvents);
  EXPECT_EQ(StatusOf(answer), 401);
  EXPECT_EQ(HeaderOf(answer, "Access-Control-Allow-Origin"), "*");

  // The rest of the API stays closed to other origins, with the same write key.
  answer = Post("/api/v1/upload?name=u.csv", origin + "Content-Type: text/csv\r\n" + Bearer(write_),
                "user_id,event_date,feature_name,events_count,signup_date\n");
  EXPECT_EQ(StatusOf(answer), 403) << answer;
  EXPECT_EQ(HeaderOf(answer, "Access-Control-Allow-Origin"), "");
  answer = Exchange(port(), "OPTIONS", "/api/v1/upload", origin);
  EXPECT_NE(StatusOf(answer), 204) << answer;
  EXPECT_EQ(HeaderOf(answer, "Access-Control-Allow-Origin"), "");
  EXPECT_EQ(
      HeaderOf(Exchange(port(), "GET", "/api/v1/status", origin), "Access-Control-Allow-Origin"),
      "");
}

class EventKeysServerAskingEveryone : public EventKeysServer {
 protected:
  void SetUp() override { Start(/*key_on_loopback=*/true); }
};

TEST_F(EventKeysServerAskingEveryone, AnIngestKeyOnlySendsEvents) {
  EXPECT_EQ(StatusOf(Post("/api/v1/events", std::string(kJson) + Bearer(ingest_), kEvents)), 200);
  std::string answer = Exchange(port(), "GET", "/api/v1/status", Bearer(ingest_));
  EXPECT_EQ(StatusOf(answer), 403) << answer;
  EXPECT_NE(BodyOf(answer).find("only send events"), std::string::npos) << answer;
  EXPECT_EQ(StatusOf(Exchange(port(), "GET", "/", Bearer(ingest_))), 403);
  EXPECT_EQ(StatusOf(Exchange(port(), "GET", "/?key=" + ingest_)), 403);
  EXPECT_EQ(
      StatusOf(Post("/api/v1/upload?name=u.csv", "Content-Type: text/csv\r\n" + Bearer(ingest_),
                    "user_id,event_date,feature_name,events_count,signup_date\n")),
      403);
  answer = Post("/api/v1/login", kJson, R"({"key": ")" + ingest_ + R"("})");
  EXPECT_EQ(StatusOf(answer), 403) << answer;
  EXPECT_EQ(HeaderOf(answer, "Set-Cookie"), "");
}

TEST_F(EventKeysServerAskingEveryone, ASessionCookieDoesNotSendEvents) {
  // A dashboard session (write key) opens reads and uploads, not the collector: a page of another
  // origin that shares the cookie's site cannot make the browser send events.
  const std::string login = Post("/api/v1/login", kJson, R"({"key": ")" + write_ + R"("})");
  ASSERT_EQ(StatusOf(login), 200) << login;
  const std::string cookie = HeaderOf(login, "Set-Cookie");
  const std::string session = "Cookie: " + cookie.substr(0, cookie.find(';')) + "\r\n";
  EXPECT_EQ(StatusOf(Exchange(port(), "GET", "/api/v1/status", session)), 200);
  EXPECT_EQ(StatusOf(Post("/api/v1/events", session + kJson, kEvents)), 401);
  EXPECT_EQ(StoredEvents(), 0U);
}

TEST(RequestCredentials, SdkKeyForms) {
  EXPECT_EQ(server::BasicAuthKey("Basic " + Base64("glw_key:")), "glw_key");
  EXPECT_EQ(server::BasicAuthKey("basic " + Base64(":glw_key")), "glw_key");
  EXPECT_EQ(server::BasicAuthKey("Basic " + Base64("user:pass")), "user");
  EXPECT_EQ(server::BasicAuthKey("Basic " + Base64("no colon")), "");
  EXPECT_EQ(server::BasicAuthKey("Basic !!!!"), "");
  EXPECT_EQ(server::BasicAuthKey("Basic abc"), "");  // not a multiple of 4
  EXPECT_EQ(server::BasicAuthKey("Bearer " + Base64("k:")), "");
  EXPECT_EQ(server::BasicAuthKey(""), "");

  using server::BodyEventKey;
  EXPECT_EQ(BodyEventKey(R"({"writeKey": "w", "batch": []})", 100), "w");
  EXPECT_EQ(BodyEventKey(R"({"batch": [{"properties": {"token": "t"}}], "writeKey": "w"})", 100),
            "w");
  EXPECT_EQ(BodyEventKey(R"({"api_key": "a", "event": "e"})", 100), "a");
  EXPECT_EQ(BodyEventKey(R"({"token": "t", "event": "e"})", 100), "t");
  EXPECT_EQ(BodyEventKey(R"([{"event": "e", "properties": {"token": "p"}}])", 100), "p");
  EXPECT_EQ(BodyEventKey(R"([{"event": "e", "api_key": "a"}, {"api_key": "b"}])", 100), "a");
  EXPECT_EQ(BodyEventKey("{\"api_key\": \"n\", \"event\": \"e\"}\n{\"api_key\": \"m\"}", 100),
            "n");  // NDJSON: its first line
  // Only where SDKs put keys: not deeper, not in other values.
  EXPECT_EQ(BodyEventKey(R"({"event": "e", "context": {"writeKey": "x"}})", 100), "");
  EXPECT_EQ(BodyEventKey(R"({"properties": {"nested": {"token": "x"}}})", 100), "");
  EXPECT_EQ(BodyEventKey(R"({"writeKey": 7})", 100), "");
  EXPECT_EQ(BodyEventKey(R"({"writeKey": "toolong"})", 3), "");
  EXPECT_EQ(BodyEventKey("{not json", 100), "");
  EXPECT_EQ(BodyEventKey("", 100), "");
}

}  // namespace
}  // namespace growthlens
