// Workspace read and write keys on `growthlens serve --workspace W` (issue 19.2): what each key
// may do, revocation taking effect at the next request (sessions too), the ?key= and login page
// flows with their cookie, the JSON 401, the 429 after repeated wrong keys, the refusal to listen
// beyond loopback without a key, and `growthlens workspace keys`. The tests' clients are on
// loopback, so the servers ask them for keys as --require-access-key does.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "server/failure_limiter.h"
#include "server/request_credentials.h"
#include "server/workspace_key_gate.h"
#include "server_test_support.h"
#include "store/access_keys.h"

namespace growthlens {
namespace {

// The server tests' helpers: raw exchanges and their parts, the server, commands.
using namespace growthlens::testing;

constexpr const char* kUsageCsv =
    "user_id,event_date,feature_name,events_count,signup_date\n"
    "u1,2025-01-02,search,2,2025-01-01\n"
    "u2,2025-01-03,export,1,2025-01-02\n";

/// A server of a workspace with a read and a write key.
class WorkspaceKeysServer : public ::testing::Test {
 protected:
  void SetUp() override {
    workspace_ = (dir_.path() / "shop.glw").string();
    Result<store::KeyStore> keys = store::KeyStore::Open(workspace_, store::OpenMode::kCreate);
    ASSERT_TRUE(keys.ok()) << keys.status().message();
    Result<store::CreatedKey> read = keys->Create(store::KeyRole::kRead, "reader");
    Result<store::CreatedKey> write = keys->Create(store::KeyRole::kWrite, "writer");
    ASSERT_TRUE(read.ok() && write.ok());
    read_ = read->secret;
    write_ = write->secret;
    write_id_ = write->info.id;
    Result<std::unique_ptr<server::WorkspaceKeyGate>> gate =
        server::WorkspaceKeyGate::Open(workspace_);
    ASSERT_TRUE(gate.ok()) << gate.status().message();
    server::ServerSettings settings;
    settings.load.workspace = workspace_;
    settings.access = std::move(*gate);
    settings.key_on_loopback = true;
    server_ = std::make_unique<TestServer>(settings);
  }

  /// `workspace keys revoke`, as another process would run it.
  void Revoke(const std::string& id) {
    Result<store::KeyStore> keys = store::KeyStore::Open(workspace_, store::OpenMode::kExisting);
    ASSERT_TRUE(keys.ok());
    const Result<store::RevokeOutcome> revoked = keys->Revoke(id);
    ASSERT_TRUE(revoked.ok());
    ASSERT_EQ(*revoked, store::RevokeOutcome::kRevoked);
  }

  int port() const { return server_->port(); }

  TempDir dir_;
  std::string workspace_, read_, write_, write_id_;
  std::unique_ptr<TestServer> server_;
};

TEST_F(WorkspaceKeysServer, NoKeyIsA401WithAJsonBodyAndPagesShowTheLoginPage) {
  std::string answer = Exchange(port(), "GET", "/api/v1/status");
  EXPECT_EQ(StatusOf(answer), 401);
  EXPECT_NE(HeaderOf(answer, "WWW-Authenticate").find("Bearer"), std::string::npos);
  const nlohmann::json error = nlohmann::json::parse(BodyOf(answer), nullptr, false);
  ASSERT_TRUE(error.is_object()) << answer;
  EXPECT_NE(error.value("error", "").find("access key"), std::string::npos) << answer;

  answer = Exchange(port(), "GET", "/usage");
  EXPECT_EQ(StatusOf(answer), 401);
  EXPECT_NE(HeaderOf(answer, "Content-Type").find("text/html"), std::string::npos) << answer;
  EXPECT_NE(BodyOf(answer).find("Enter your access key"), std::string::npos);
  EXPECT_EQ(BodyOf(answer).find("--"), std::string::npos) << "plain language: no flags";
  // What the login page loads is served to anyone; the dashboard's own script is not.
  EXPECT_EQ(StatusOf(Exchange(port(), "GET", "/login.js")), 200);
  EXPECT_EQ(StatusOf(Exchange(port(), "GET", "/styles.css")), 200);
  EXPECT_EQ(StatusOf(Exchange(port(), "GET", "/app.js")), 401);
}

TEST_F(WorkspaceKeysServer, AReadKeyReadsAndAWriteKeyAlsoWrites) {
  EXPECT_EQ(StatusOf(Exchange(port(), "GET", "/api/v1/status", Bearer(read_))), 200);
  EXPECT_EQ(StatusOf(Exchange(port(), "GET", "/", Bearer(read_))), 200);
  const std::string refused = Exchange(port(), "POST", "/api/v1/upload?name=usage.csv",
                                       Bearer(read_) + "Content-Type: text/csv\r\n", kUsageCsv);
  EXPECT_EQ(StatusOf(refused), 403) << refused;
  EXPECT_NE(BodyOf(refused).find("write key"), std::string::npos) << refused;

  const std::string stored = Exchange(port(), "POST", "/api/v1/upload?name=usage.csv",
                                      Bearer(write_) + "Content-Type: text/csv\r\n", kUsageCsv);
  EXPECT_EQ(StatusOf(stored), 200) << stored;
  EXPECT_EQ(StatusOf(Exchange(port(), "GET", "/api/v1/kpis", Bearer(write_))), 200);
  // The bearer scheme's name is case-insensitive (RFC 7235).
  EXPECT_EQ(StatusOf(Exchange(port(), "GET", "/api/v1/status",
                              "Authorization: bearer " + read_ + "\r\n")),
            200);
}

TEST_F(WorkspaceKeysServer, ARevokedKeyIsRefusedFromTheNextRequestItsSessionsToo) {
  const std::string opened = Exchange(port(), "GET", "/?key=" + write_);
  ASSERT_EQ(StatusOf(opened), 303) << opened;
  const std::string cookie = HeaderOf(opened, "Set-Cookie");
  const std::string session = "Cookie: " + cookie.substr(0, cookie.find(';')) + "\r\n";
  ASSERT_EQ(StatusOf(Exchange(port(), "GET", "/api/v1/status", session)), 200);
  ASSERT_EQ(StatusOf(Exchange(port(), "GET", "/api/v1/status", Bearer(write_))), 200);

  Revoke(write_id_);
  EXPECT_EQ(StatusOf(Exchange(port(), "GET", "/api/v1/status", Bearer(write_))), 401);
  EXPECT_EQ(StatusOf(Exchange(port(), "GET", "/api/v1/status", session)), 401);
  EXPECT_EQ(StatusOf(Exchange(port(), "GET", "/api/v1/status", Bearer(read_))), 200);
  // The server noted the key's use before it was revoked.
  Result<store::KeyStore> keys = store::KeyStore::Open(workspace_, store::OpenMode::kExisting);
  ASSERT_TRUE(keys.ok());
  const Result<std::vector<store::KeyInfo>> listed = keys->List();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2U);
  EXPECT_EQ((*listed)[1].id, write_id_);
  EXPECT_FALSE((*listed)[1].last_used_at.empty());
}

TEST_F(WorkspaceKeysServer, KeyOnceInTheAddressOpensASessionCookie) {
  const std::string opened = Exchange(port(), "GET", "/index.html?key=" + read_);
  EXPECT_EQ(StatusOf(opened), 303);
  EXPECT_EQ(HeaderOf(opened, "Location"), "/index.html");
  const std::string cookie = HeaderOf(opened, "Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;
  EXPECT_EQ(cookie.find("Secure"), std::string::npos) << "plain http: the browser would drop it";
  EXPECT_EQ(cookie.find(read_), std::string::npos) << "the cookie is a session, not the key";
  const std::string session = "Cookie: " + cookie.substr(0, cookie.find(';')) + "\r\n";
  EXPECT_EQ(StatusOf(Exchange(port(), "GET", "/index.html", session)), 200);
  // A read key's session may not change data either.
  EXPECT_EQ(StatusOf(Exchange(port(), "POST", "/api/v1/upload?name=u.csv",
                              session + "Content-Type: text/csv\r\n", kUsageCsv)),
            403);
  // Behind a proxy that speaks https, the cookie is sent over https only.
  const std::string proxied =
      Exchange(port(), "GET", "/?key=" + read_, "X-Forwarded-Proto: https\r\n");
  EXPECT_NE(HeaderOf(proxied, "Set-Cookie").find("; Secure"), std::string::npos) << proxied;
}

TEST_F(WorkspaceKeysServer, TheLoginPagePostsTheKeyForACookie) {
  const std::string json = "Content-Type: application/json\r\n";
  std::string answer =
      Exchange(port(), "POST", "/api/v1/login", json, R"({"key": ")" + read_ + R"("})");
  ASSERT_EQ(StatusOf(answer), 200) << answer;
  EXPECT_EQ(nlohmann::json::parse(BodyOf(answer))["access"], "read");
  const std::string cookie = HeaderOf(answer, "Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly; SameSite=Strict"), std::string::npos) << cookie;
  const std::string session = "Cookie: " + cookie.substr(0, cookie.find(';')) + "\r\n";
  EXPECT_EQ(StatusOf(Exchange(port(), "GET", "/", session)), 200);

  answer = Exchange(port(), "POST", "/api/v1/login", json, R"({"key": "glw_not-a-key"})");
  EXPECT_EQ(StatusOf(answer), 401);
  EXPECT_NE(nlohmann::json::parse(BodyOf(answer)).value("error", "").find("not valid"),
            std::string::npos);
  EXPECT_EQ(StatusOf(Exchange(port(), "POST", "/api/v1/login", json, "[1, 2]")), 400);
  // Another site's page may not log its visitor in (login CSRF), nor send a large body.
  EXPECT_EQ(
      StatusOf(Exchange(port(), "POST", "/api/v1/login", json + "Origin: https://evil.example\r\n",
                        R"({"key": ")" + read_ + R"("})")),
      403);
  EXPECT_EQ(StatusOf(Exchange(port(), "POST", "/api/v1/login", json, std::string(5000, ' '))), 413);

  answer = Exchange(port(), "POST", "/api/v1/logout", session);
  EXPECT_EQ(StatusOf(answer), 200);
  EXPECT_NE(HeaderOf(answer, "Set-Cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(StatusOf(Exchange(port(), "GET", "/api/v1/status", session)), 401);
}

TEST_F(WorkspaceKeysServer, TenWrongKeysFromOneAddressAre429WithRetryAfter) {
  const std::string wrong = Bearer("glw_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  for (int attempt = 0; attempt < 10; ++attempt)
    ASSERT_EQ(StatusOf(Exchange(port(), "GET", "/api/v1/status", wrong, "", "127.0.0.3")), 401)
        << attempt;
  std::string answer = Exchange(port(), "GET", "/api/v1/status", wrong, "", "127.0.0.3");
  EXPECT_EQ(StatusOf(answer), 429) << answer;
  const int wait = std::atoi(HeaderOf(answer, "Retry-After").c_str());
  EXPECT_GE(wait, 1);
  EXPECT_LE(wait, 60);
  EXPECT_TRUE(nlohmann::json::parse(BodyOf(answer), nullptr, false).contains("error")) << answer;
  // Even the right key waits: guessing gains nothing by sending one between the wrong ones.
  EXPECT_EQ(StatusOf(Exchange(port(), "GET", "/api/v1/status", Bearer(read_), "", "127.0.0.3")),
            429);
  EXPECT_EQ(StatusOf(Exchange(port(), "POST", "/api/v1/login", "Content-Type: application/json\r\n",
                              R"({"key": ")" + read_ + R"("})", "127.0.0.3")),
            429);
  // Other addresses are not held up.
  EXPECT_EQ(StatusOf(Exchange(port(), "GET", "/api/v1/status", Bearer(read_), "", "127.0.0.4")),
            200);
}

TEST(ServerAccessKeys, TheSharedKeyKeepsWorkingBesideWorkspaceKeys) {
  TempDir dir;
  const std::string workspace = (dir.path() / "w.glw").string();
  Result<store::KeyStore> keys = store::KeyStore::Open(workspace, store::OpenMode::kCreate);
  ASSERT_TRUE(keys.ok());
  const Result<store::CreatedKey> created = keys->Create(store::KeyRole::kRead, "");
  ASSERT_TRUE(created.ok());
  const std::string read = created->secret;
  Result<std::unique_ptr<server::WorkspaceKeyGate>> gate =
      server::WorkspaceKeyGate::Open(workspace);
  ASSERT_TRUE(gate.ok());
  const std::string shared = "correct-horse-battery-staple";
  auto both =
      std::make_shared<server::AnyOfGates>(std::vector<std::shared_ptr<const server::AccessGate>>{
          std::make_shared<server::SharedKeyGate>(shared), std::move(*gate)});
  EXPECT_EQ(both->Grants(shared), server::Access::kWrite);
  EXPECT_EQ(both->Grants(read), server::Access::kRead);
  EXPECT_FALSE(both->Grants("glw_" + std::string(40, 'a')).has_value());
  EXPECT_TRUE(both->HasKeys());
}

TEST(ServerAccessKeys, TheGateAnswersManyThreadsWhileAKeyIsRevoked) {
  // The server's threads share one gate (and its SQLite connection); TSan runs this too.
  TempDir dir;
  const std::string workspace = (dir.path() / "w.glw").string();
  Result<store::KeyStore> keys = store::KeyStore::Open(workspace, store::OpenMode::kCreate);
  ASSERT_TRUE(keys.ok());
  const Result<store::CreatedKey> kept = keys->Create(store::KeyRole::kRead, "kept");
  const Result<store::CreatedKey> revoked = keys->Create(store::KeyRole::kWrite, "revoked");
  ASSERT_TRUE(kept.ok() && revoked.ok());
  Result<std::unique_ptr<server::WorkspaceKeyGate>> gate =
      server::WorkspaceKeyGate::Open(workspace);
  ASSERT_TRUE(gate.ok());
  std::atomic<int> kept_refused{0};
  std::vector<std::thread> clients;
  for (int client = 0; client < 4; ++client)
    clients.emplace_back([&] {
      for (int request = 0; request < 200; ++request) {
        if ((*gate)->Grants(kept->secret) != server::Access::kRead) ++kept_refused;
        (void)(*gate)->Grants(revoked->secret);
      }
    });
  const Result<store::RevokeOutcome> outcome = keys->Revoke(revoked->info.id);
  for (std::thread& client : clients) client.join();
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(kept_refused.load(), 0);
  EXPECT_FALSE((*gate)->Grants(revoked->secret).has_value());
  EXPECT_EQ((*gate)->Grants(kept->secret), server::Access::kRead);
}

TEST(ServerAccessKeys, ServingBeyondLoopbackWithoutAReadKeyIsRefusedSayingHowToMakeOne) {
  TempDir dir;
  const std::string workspace = (dir.path() / "w.glw").string();
  // 192.0.2.1 (TEST-NET-1) is nobody's address: past the key check, binding it fails.
  const std::string serve = "serve --host 192.0.2.1 --port 0 --quiet --workspace " + workspace;
  CommandResult refused = RunCommand(serve);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(
      refused.err.find("growthlens workspace keys create --role read --workspace " + workspace),
      std::string::npos)
      << refused.err;
  EXPECT_FALSE(std::filesystem::exists(workspace)) << "a refused start creates nothing";
  refused = RunCommand("serve --require-access-key --port 0 --quiet --workspace " + workspace);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("--require-access-key"), std::string::npos) << refused.err;

  // An ingest key reads nothing: it does not open the server to other machines.
  const CommandResult ingest =
      RunCommand("workspace keys create --role ingest --workspace " + workspace);
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  EXPECT_NE(ingest.err.find("only sends events"), std::string::npos) << ingest.err;
  EXPECT_NE(RunCommand(serve).err.find("workspace keys create --role read"), std::string::npos);

  const CommandResult created =
      RunCommand("workspace keys create --role read --workspace " + workspace);
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const CommandResult keyed = RunCommand(serve);
  EXPECT_NE(keyed.exit_code, 0);
  EXPECT_EQ(keyed.err.find("access key"), std::string::npos) << keyed.err;
  EXPECT_NE(keyed.err.find("cannot listen"), std::string::npos) << keyed.err;

  // A revoked key does not count.
  const std::string id = created.out.substr(0, 12);
  ASSERT_EQ(RunCommand("workspace keys revoke " + id + " --workspace " + workspace).exit_code, 0);
  EXPECT_NE(RunCommand(serve).err.find("workspace keys create"), std::string::npos);
}

TEST(WorkspaceKeysCommand, CreateListRevoke) {
  TempDir dir;
  const std::string workspace = (dir.path() / "w.glw").string();
  const CommandResult created = RunCommand(
      "workspace keys create --role write --name 'CI "
      "uploads' --workspace " +
      workspace);
  ASSERT_EQ(created.exit_code, 0) << created.err;
  // The key alone on stdout; what it is on stderr.
  EXPECT_TRUE(std::regex_match(created.out, std::regex("glw_[a-z2-7]{40}\n"))) << created.out;
  const std::string key = created.out.substr(0, 44);
  const std::string id = key.substr(0, 12);
  EXPECT_NE(created.err.find("shown only this once"), std::string::npos) << created.err;
  EXPECT_NE(created.err.find(id), std::string::npos) << created.err;

  CommandResult listed = RunCommand("workspace keys list --workspace " + workspace);
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find(id), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("CI uploads"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("write"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("never"), std::string::npos) << listed.out;
  EXPECT_EQ(listed.out.find(key.substr(12)), std::string::npos) << "a list never shows a key";

  const CommandResult json_key =
      RunCommand("workspace keys create --role read --format json --workspace " + workspace);
  ASSERT_EQ(json_key.exit_code, 0) << json_key.err;
  const nlohmann::json made = nlohmann::json::parse(json_key.out);
  EXPECT_EQ(made["role"], "read");
  EXPECT_EQ(made["key"].get<std::string>().substr(0, 12), made["id"]);

  ASSERT_EQ(RunCommand("workspace keys revoke " + id + " --workspace " + workspace).exit_code, 0);
  listed = RunCommand("workspace keys list --format json --workspace " + workspace);
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const nlohmann::json keys = nlohmann::json::parse(listed.out);
  ASSERT_EQ(keys.size(), 2U);
  EXPECT_EQ(keys[0]["id"], id);
  EXPECT_TRUE(keys[0]["revoked_at"].is_string());
  EXPECT_TRUE(keys[1]["revoked_at"].is_null());
  EXPECT_FALSE(keys[0].contains("key"));

  const CommandResult unknown =
      RunCommand("workspace keys revoke glw_zzzzzzzz --workspace " + workspace);
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("no key glw_zzzzzzzz"), std::string::npos) << unknown.err;
  const CommandResult bad_role =
      RunCommand("workspace keys create --role admin --workspace " + workspace);
  EXPECT_NE(bad_role.exit_code, 0);
  EXPECT_NE(RunCommand("workspace keys list --workspace " + (dir.path() / "none.glw").string())
                .err.find("does not exist"),
            std::string::npos);
}

TEST(FailureLimiter, CountsWrongKeysPerAddressInAWindow) {
  using Clock = server::FailureLimiter::Clock;
  server::FailureLimiter limiter(3, std::chrono::seconds(60), 2);
  const Clock::time_point start = Clock::now();
  for (int failure = 0; failure < 3; ++failure) {
    EXPECT_EQ(limiter.RetryAfter("a", start), 0);
    limiter.NoteFailure("a", start);
  }
  EXPECT_EQ(limiter.RetryAfter("a", start), 60);
  EXPECT_EQ(limiter.RetryAfter("a", start + std::chrono::milliseconds(30'500)), 30);
  EXPECT_EQ(limiter.RetryAfter("b", start), 0);
  EXPECT_EQ(limiter.RetryAfter("a", start + std::chrono::seconds(60)), 0);
  // A new window after the old one has passed.
  limiter.NoteFailure("a", start + std::chrono::seconds(61));
  EXPECT_EQ(limiter.RetryAfter("a", start + std::chrono::seconds(61)), 0);
  // Bounded memory: a third address forgets the oldest window.
  limiter.NoteFailure("b", start + std::chrono::seconds(62));
  limiter.NoteFailure("c", start + std::chrono::seconds(63));
  for (int failure = 0; failure < 3; ++failure)
    limiter.NoteFailure("c", start + std::chrono::seconds(63));
  EXPECT_GT(limiter.RetryAfter("c", start + std::chrono::seconds(63)), 0);
}

TEST(RequestCredentials, BearerCookieAndLoginBody) {
  EXPECT_EQ(server::BearerToken("Bearer abc"), "abc");
  EXPECT_EQ(server::BearerToken("bEaReR   abc  "), "abc");
  EXPECT_EQ(server::BearerToken("Basic abc"), "");
  EXPECT_EQ(server::BearerToken("Bearer"), "");
  EXPECT_EQ(server::BearerToken("Bearerabc"), "");
  EXPECT_EQ(server::BearerToken(""), "");
  EXPECT_EQ(server::CookieValue("a=1; growthlens_session=xyz; b=2", "growthlens_session"), "xyz");
  EXPECT_EQ(server::CookieValue("growthlens_session_old=1", "growthlens_session"), "");
  EXPECT_EQ(server::CookieValue("x=growthlens_session=1", "growthlens_session"), "");
  EXPECT_EQ(server::CookieValue(";;  growthlens_session=v", "growthlens_session"), "v");
  EXPECT_EQ(server::LoginKey(R"({"key": " glw_x "})", 100), "glw_x");
  EXPECT_EQ(server::LoginKey(R"({"key": 5})", 100), "");
  EXPECT_EQ(server::LoginKey(R"(["key"])", 100), "");
  EXPECT_EQ(server::LoginKey("{\"key\": \"" + std::string(101, 'k') + "\"}", 100), "");
  EXPECT_EQ(server::LoginKey("not json", 100), "");
}

}  // namespace
}  // namespace growthlens
