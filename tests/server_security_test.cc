// `growthlens serve` against hostile clients (issue 14): path traversal, ranges, Host and Origin
// checks, the security headers, access keys, parameter and body limits, slow clients. Each test
// replays what the audit did to the server before these fixes; raw sockets send what a client
// library would not, and every receive gives up after a bounded time.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "server_test_support.h"

// Sanitizer builds reserve terabytes of address space for their shadow memory, so that a limit
// on virtual memory (ulimit -v) stops them before main: they check resident memory only.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define GROWTHLENS_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define GROWTHLENS_TEST_SANITIZED 1
#endif
#endif

namespace growthlens {
namespace {

using testing::BodyOf;
using testing::CommandResult;
using testing::HeaderOf;
using testing::RawConnection;
using testing::RawExchange;
using testing::Reply;
using testing::RunCommand;
using testing::StatusOf;
using testing::TempDir;
using testing::TestServer;

/// A GET of `target` exactly as written, with a loopback Host unless `headers` sets one.
std::string RawGet(const std::string& target, const std::string& headers = "") {
  const std::string host = headers.find("Host:") == std::string::npos ? "Host: 127.0.0.1\r\n" : "";
  return "GET " + target + " HTTP/1.1\r\n" + host + headers + "Connection: close\r\n\r\n";
}

std::string Gunzip(const std::string& compressed) {
  z_stream stream{};
  inflateInit2(&stream, 15 + 16);
  std::string out;
  char buffer[1 << 16];
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  int status = Z_OK;
  while (status == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof(buffer);
    status = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof(buffer) - stream.avail_out);
  }
  inflateEnd(&stream);
  return status == Z_STREAM_END ? out : "";
}

// ------------------------------------------------------------------------------ static files

TEST(ServerSecurityStatic, TraversalVariantsAreNotFound) {
  server::ServerSettings from_disk;
  from_disk.web_root = testing::WebRoot().string();
  TestServer embedded;
  TestServer disk(from_disk);
  const std::vector<std::string> attempts = {
      "//etc/passwd",
      "//etc/passwd%00.css",
      "//etc/shadow%00.css",
      "//proc/self/environ%00.js",
      "/%2e%2e/%2e%2e/%2e%2e/etc/passwd%00.js",
      "/..%2f..%2f..%2fetc%2fpasswd%00.css",
      "/lib/..%2f..%2fCMakeLists.txt%00.js",
      "/pages\\..\\..\\CMakeLists.txt%00.js",
      "/%5c..%5c..%5cCMakeLists.txt%00.css",
      "/index.html%00.js",
      "/app.js%00",
      "/%2fetc%2fpasswd%00.css",
      "/node_modules/plotly.js-dist-min/plotly.min.js",
      "/node_modules/plotly.js-dist-min/package.json",
      "/package.json",
      "/package-lock.json",
      "/README.md",
      "/report.html",
      "/.gitignore",
      "/vendor/../index.html",
      "/lib/../../CMakeLists.txt",
  };
  for (TestServer* server : {&embedded, &disk}) {
    for (const std::string& attempt : attempts) {
      const std::string answer = RawExchange(server->port(), RawGet(attempt));
      EXPECT_EQ(StatusOf(answer), 404) << attempt << "\n" << answer.substr(0, 300);
      for (const char* secret : {"root:", "cmake_minimum_required", "PATH=", "\"name\": "})
        EXPECT_EQ(answer.find(secret), std::string::npos) << attempt;
    }
  }
}

TEST(ServerSecurityStatic, WebRootSymlinksDoNotLeadOut) {
  TempDir dir;
  const std::filesystem::path root = dir.path() / "web";
  std::filesystem::create_directories(root / "lib");
  std::filesystem::copy_file(testing::WebRoot() / "index.html", root / "index.html");
  std::ofstream(dir.path() / "secret.txt") << "TOP-SECRET\n";
  // A known asset and an unknown one, both leading out of the root.
  std::filesystem::create_symlink(dir.path() / "secret.txt", root / "app.js");
  std::filesystem::create_symlink(dir.path() / "secret.txt", root / "lib" / "evil.js");
  server::ServerSettings settings;
  settings.web_root = root.string();
  TestServer server(settings);
  EXPECT_EQ(server.Get("/").status, 200);
  for (const std::string target : {"/app.js", "/lib/evil.js"}) {
    const Reply reply = server.Get(target);
    EXPECT_EQ(reply.status, 404) << target;
    EXPECT_EQ(reply.body.find("TOP-SECRET"), std::string::npos) << target;
  }
}

TEST(ServerSecurityStatic, EmbeddedFilesCarryEtagsAndGzip) {
  TestServer server;
  const std::string app = testing::ReadFileText(testing::WebRoot() / "app.js");
  const Reply plain = server.Get("/app.js");
  ASSERT_EQ(plain.status, 200);
  EXPECT_EQ(plain.body, app);
  EXPECT_EQ(plain.Header("Cache-Control"), "no-cache");
  const std::string etag = plain.Header("ETag");
  ASSERT_TRUE(etag.starts_with('"') && etag.ends_with('"')) << etag;

  const std::string unchanged =
      RawExchange(server.port(), RawGet("/app.js", "If-None-Match: " + etag + "\r\n"));
  EXPECT_EQ(StatusOf(unchanged), 304) << unchanged;
  EXPECT_EQ(BodyOf(unchanged), "");

  const std::string zipped =
      RawExchange(server.port(), RawGet("/app.js", "Accept-Encoding: gzip, br\r\n"));
  EXPECT_EQ(StatusOf(zipped), 200);
  EXPECT_EQ(HeaderOf(zipped, "Content-Encoding"), "gzip");
  EXPECT_EQ(HeaderOf(zipped, "Vary"), "Accept-Encoding");
  EXPECT_EQ(Gunzip(BodyOf(zipped)), app);
  // Either representation's tag means "unchanged".
  const std::string zipped_again =
      RawExchange(server.port(), RawGet("/app.js", "Accept-Encoding: gzip\r\nIf-None-Match: W/" +
                                                       HeaderOf(zipped, "ETag") + "\r\n"));
  EXPECT_EQ(StatusOf(zipped_again), 304);

  const std::string plotly =
      RawExchange(server.port(), RawGet("/vendor/plotly.min.js", "Accept-Encoding: gzip\r\n"));
  EXPECT_EQ(StatusOf(plotly), 200);
  EXPECT_EQ(HeaderOf(plotly, "Cache-Control"), "public, max-age=86400");
  EXPECT_EQ(Gunzip(BodyOf(plotly)), testing::ReadFileText(testing::WebRoot() / "node_modules" /
                                                          "plotly.js-dist-min" / "plotly.min.js"));
}

// ------------------------------------------------------------------------------ ranges

TEST(ServerSecurityRanges, RangesAreIgnoredNotTrusted) {
  TestServer server;
  const std::string status = server.Get("/api/v1/status").body;
  const std::string app = testing::ReadFileText(testing::WebRoot() / "app.js");
  for (const std::string range :
       {"bytes=4834409-4834600", "bytes=0-107374182400", "bytes=0-0,1-1,2-2,3-3",
        "bytes=0-99,100-199", "bytes=-100000", "bytes=100000-", "bytes=5-5"}) {
    for (const auto& [target, whole] :
         {std::pair<std::string, std::string>{"/api/v1/status", status}, {"/app.js", app}}) {
      const std::string answer =
          RawExchange(server.port(), RawGet(target, "Range: " + range + "\r\n"));
      EXPECT_EQ(StatusOf(answer), 200) << target << " " << range << "\n" << answer.substr(0, 300);
      EXPECT_EQ(BodyOf(answer), whole) << target << " " << range;
      EXPECT_EQ(HeaderOf(answer, "Content-Length"), std::to_string(whole.size()));
      EXPECT_EQ(HeaderOf(answer, "Content-Range"), "");
    }
  }
}

// ------------------------------------------------------------------------------ Host, Origin

TEST(ServerSecurityHost, ForeignHostNamesAreRefused) {
  TestServer server;
  const std::string port = std::to_string(server.port());
  for (const std::string& host :
       {std::string("evil.example"), "evil.example:" + port, std::string("localhost.evil.example"),
        "127.0.0.1.nip.io:" + port}) {
    for (const std::string target : {"/", "/api/v1/status"}) {
      const std::string answer =
          RawExchange(server.port(), RawGet(target, "Host: " + host + "\r\n"));
      EXPECT_EQ(StatusOf(answer), 403) << host << " " << target;
      EXPECT_EQ(answer.find("\"datasets\""), std::string::npos);
    }
  }
  for (const std::string& host : {"localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port,
                                  std::string("LOCALHOST"), std::string("app.localhost")}) {
    const std::string answer =
        RawExchange(server.port(), RawGet("/api/v1/status", "Host: " + host + "\r\n"));
    EXPECT_EQ(StatusOf(answer), 200) << host;
  }
}

TEST(ServerSecurityOrigin, CrossSiteRequestsChangeNothing) {
  TestServer server;
  const std::string host = "Host: 127.0.0.1:" + std::to_string(server.port()) + "\r\n";
  const auto post = [&](const std::string& target, const std::string& headers,
                        const std::string& body) {
    return RawExchange(server.port(), "POST " + target + " HTTP/1.1\r\n" + host + headers +
                                          "Content-Length: " + std::to_string(body.size()) +
                                          "\r\nConnection: close\r\n\r\n" + body);
  };
  const std::string demo = "/api/v1/demo?users=20&customers=20";
  const testing::SmallUsageLog log = testing::MakeSmallUsageLog(20);
  const std::string boundary = "XyZ";
  const std::string form = "--" + boundary +
                           "\r\nContent-Disposition: form-data; name=\"file\"; "
                           "filename=\"evil.csv\"\r\nContent-Type: text/csv\r\n\r\n" +
                           log.csv + "\r\n--" + boundary + "--\r\n";
  const std::string form_type = "Content-Type: multipart/form-data; boundary=" + boundary + "\r\n";
  for (const std::string& answer :
       {post(demo, "Origin: http://evil.example\r\n", ""), post(demo, "Origin: null\r\n", ""),
        post(demo, "Sec-Fetch-Site: cross-site\r\n", ""),
        post(demo, "Sec-Fetch-Site: same-site\r\n", ""), post("/api/v1/upload", form_type, form),
        post("/api/v1/upload?name=x.csv", "Content-Type: text/plain\r\n", log.csv),
        post("/api/v1/upload?name=x.csv", "Content-Type: application/x-www-form-urlencoded\r\n",
             log.csv)}) {
    EXPECT_EQ(StatusOf(answer), 403) << answer.substr(0, 400);
    EXPECT_EQ(server.Get("/api/v1/status").Json()["datasets"].size(), 0u);
  }
  // The dashboard's own requests, and a form with the token.
  const std::string origin = "Origin: http://127.0.0.1:" + std::to_string(server.port()) +
                             "\r\nSec-Fetch-Site: same-origin\r\n";
  EXPECT_EQ(StatusOf(post("/api/v1/upload?name=mine.csv", origin + "Content-Type: text/csv\r\n",
                          log.csv)),
            200);
  const std::string token = server.Get("/api/v1/status").Header("X-CSRF-Token");
  ASSERT_EQ(token.size(), 64u);
  EXPECT_EQ(StatusOf(post("/api/v1/upload", form_type + "X-CSRF-Token: " + token + "\r\n", form)),
            200);
}

// ------------------------------------------------------------------------------ headers

TEST(ServerSecurityHeaders, EveryResponseCarriesThem) {
  TestServer server;
  for (const std::string target : {"/", "/app.js", "/api/v1/status", "/nope", "/api/v1/nope",
                                   "/api/v1/kpis", "/api/v1/segment?k=-1"}) {
    const std::string answer = RawExchange(server.port(), RawGet(target));
    const std::string policy = HeaderOf(answer, "Content-Security-Policy");
    EXPECT_NE(policy.find("script-src 'self';"), std::string::npos) << target << ": " << policy;
    EXPECT_NE(policy.find("frame-ancestors 'none'"), std::string::npos) << target;
    EXPECT_EQ(HeaderOf(answer, "X-Content-Type-Options"), "nosniff") << target;
    EXPECT_EQ(HeaderOf(answer, "X-Frame-Options"), "DENY") << target;
  }
}

// ------------------------------------------------------------------------------ access keys

constexpr const char* kKey = "correct-horse-battery-staple";

TEST(ServerSecurityAccess, ListeningBeyondLoopbackNeedsAKey) {
  // 192.0.2.1 (TEST-NET-1) is nobody's address: without the check, binding it fails otherwise.
  server::ServerSettings settings;
  settings.host = "192.0.2.1";
  settings.port = 0;
  server::ApiServer refused(settings);
  const Result<int> port = refused.Bind();
  ASSERT_FALSE(port.ok());
  EXPECT_NE(port.status().message().find("access key"), std::string::npos)
      << port.status().message();

  settings.access = std::make_shared<server::SharedKeyGate>(kKey);
  server::ApiServer keyed(settings);
  const Result<int> keyed_port = keyed.Bind();
  ASSERT_FALSE(keyed_port.ok());  // past the key check, the address is not ours
  EXPECT_EQ(keyed_port.status().message().find("access key"), std::string::npos);

  const CommandResult cli = RunCommand("serve --host 192.0.2.1 --port 0 --quiet");
  EXPECT_NE(cli.exit_code, 0);
  EXPECT_NE(cli.err.find("access key"), std::string::npos) << cli.err;
  const CommandResult short_key =
      RunCommand("serve --host 192.0.2.1 --port 0 --quiet --access-key short");
  EXPECT_NE(short_key.exit_code, 0);
  EXPECT_NE(short_key.err.find("at least 16"), std::string::npos) << short_key.err;
}

TEST(ServerSecurityAccess, KeyAsBearerOrOnceAsParameterThenCookie) {
  server::ServerSettings settings;
  settings.access = std::make_shared<server::SharedKeyGate>(kKey);
  settings.key_on_loopback = true;  // the test's client is on loopback
  TestServer server(settings);
  const std::string status = "/api/v1/status";
  std::string answer = RawExchange(server.port(), RawGet(status));
  EXPECT_EQ(StatusOf(answer), 401);
  EXPECT_NE(HeaderOf(answer, "WWW-Authenticate").find("Bearer"), std::string::npos);
  EXPECT_EQ(StatusOf(RawExchange(server.port(), RawGet("/"))), 401);
  EXPECT_EQ(
      StatusOf(RawExchange(server.port(),
                           RawGet(status, "Authorization: Bearer wrong-key-of-enough-size\r\n"))),
      401);
  EXPECT_EQ(
      StatusOf(RawExchange(server.port(),
                           RawGet(status, std::string("Authorization: Bearer ") + kKey + "\r\n"))),
      200);
  // Not an unknown parameter of the route.
  EXPECT_EQ(StatusOf(RawExchange(server.port(), RawGet(std::string("/api/v1/kpis?key=") + kKey))),
            409);

  answer = RawExchange(server.port(), RawGet(std::string("/?key=") + kKey));
  EXPECT_EQ(StatusOf(answer), 303);
  EXPECT_EQ(HeaderOf(answer, "Location"), "/");
  const std::string cookie = HeaderOf(answer, "Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;
  EXPECT_EQ(cookie.find(kKey), std::string::npos) << "the cookie is a session, not the key";
  const std::string session = cookie.substr(0, cookie.find(';'));
  EXPECT_EQ(StatusOf(RawExchange(server.port(), RawGet(status, "Cookie: " + session + "\r\n"))),
            200);
  EXPECT_EQ(
      StatusOf(RawExchange(server.port(), RawGet(status, "Cookie: growthlens_session=forged\r\n"))),
      401);
}

// ------------------------------------------------------------------------------ limits

TEST(ServerSecurityLimits, WorkScalingParametersAreBounded) {
  TestServer server;
  ASSERT_EQ(server.LoadSmallDemo().status, 200);
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"/api/v1/segment?k=-1", "k", "2..1000"},
      {"/api/v1/segment?k=18446744073709551615", "k", "2..1000"},
      {"/api/v1/segment?k=1001", "k", "2..1000"},
      {"/api/v1/segment?n-init=101&k-max=40", "n-init", "above the maximum 100"},
      {"/api/v1/segment?k-max=100000", "k-max", "2..50"},
      {"/api/v1/segment?n-init=100000000", "n-init", "1..100"},
      {"/api/v1/segment?stability-seeds=100000", "stability-seeds", "0..20"},
      {"/api/v1/segment?silhouette-sample=-3", "silhouette-sample", "2..50000"},
      {"/api/v1/segment/users?sample=-5", "sample", "0..1000000"},
      {"/api/v1/experiment/simulate?runs=1000000000", "runs", "above the maximum 100000"},
      {"/api/v1/experiment/simulate?runs=100001", "runs", "above the maximum 100000"},
      {"/api/v1/experiment/simulate?window-days=-1", "window-days", "below the minimum 1"},
      {"/api/v1/experiment/simulate?min-users=2", "min-users", "below the minimum 4"},
      {"/api/v1/experiment/simulate?segments=personas&k=5000", "k", "2..1000"},
      {"/api/v1/cohorts?max-periods=-1", "max-periods", "0..10000"},
      {"/api/v1/experiment/plan?arms=1000000", "arms", "1..100"},
  };
  for (const auto& [target, parameter, limit] : cases) {
    const Reply reply = server.Get(target);
    EXPECT_EQ(reply.status, 400) << target << ": " << reply.body;
    EXPECT_EQ(reply.Json()["parameter"], parameter) << target;
    EXPECT_NE(reply.body.find(limit), std::string::npos) << target << ": " << reply.body;
    EXPECT_EQ(reply.body.find("18446744073709551615 "), std::string::npos) << reply.body;
  }
  const CommandResult cli = RunCommand("segment " + server.DemoUsagePath() + " --k -1");
  EXPECT_EQ(cli.exit_code, 2);
  EXPECT_NE(cli.err.find("--k '-1': expected auto (the best silhouette) or a whole number of "
                         "personas in 2..1000"),
            std::string::npos)
      << cli.err;
}

/// Every bounded number of the persona model's and the users list's routes, one above its
/// maximum, gets 400 naming the parameter and its limit; at the maximum it passes (and, with no
/// data loaded, meets 409). The bounds are checked before any data is looked at.
TEST(ServerSecurityLimits, SegmentAndUsersBoundsComeFromTheirSpecs) {
  TestServer server;
  const nlohmann::json meta = server.Get("/api/v1/meta").Json();
  size_t checked = 0;
  for (const nlohmann::json& analysis : meta["analyses"]) {
    const std::string route = analysis["route"];
    if (!route.starts_with("/api/v1/segment") && !route.starts_with("/api/v1/users")) continue;
    for (const nlohmann::json& param : analysis["params"]) {
      if (param["max"].is_null()) continue;
      const std::string name = param["name"];
      const int64_t max = param["max"];
      const std::string over = std::to_string(max + 1);
      const Reply reply = server.Get(route + "?" + name + "=" + over);
      EXPECT_EQ(reply.status, 400) << route << " " << name << ": " << reply.body;
      EXPECT_EQ(reply.Json()["parameter"], name) << reply.body;
      EXPECT_EQ(reply.Json()["error"],
                fmt::format("parameter '{}': '{}': above the maximum {}; expected a whole number "
                            "in {}..{}",
                            name, over, max, param["min"].get<int64_t>(), max));
      // What the value needs besides: k-min no more than k-max, an age a cohort.
      const std::string companion = name == "k-min" ? "&k-max=50"
                                    : name == "age" ? "&cohort=2025-03"
                                                    : "";
      const std::string at_max = route + "?" + name + "=" + std::to_string(max) + companion;
      EXPECT_EQ(server.Get(at_max).status, 409) << at_max;
      ++checked;
    }
  }
  // segment and segment/users: k-min, k-max, n-init, seed, exact-silhouette-max,
  // silhouette-sample, sample, stability-seeds; users: age, page, page-size; users/export: age.
  EXPECT_EQ(checked, 2 * 8 + 3 + 1);
}

TEST(ServerSecurityLimits, FullWorkQueueAnswers503WithRetryAfter) {
  server::ServerSettings settings;
  settings.work = {1, 0, 4};  // one analysis at a time, none waiting
  TestServer server(settings);
  ASSERT_EQ(server.LoadSmallDemo().status, 200);
  {
    server::WorkQueue::Ticket busy;
    ASSERT_EQ(server.api().work_queue().Enter("someone else", nullptr, busy),
              server::WorkQueue::Entry::kEntered);
    const Reply reply = server.Get("/api/v1/kpis?from=2025-02-01");
    EXPECT_EQ(reply.status, 503) << reply.body;
    EXPECT_EQ(reply.Header("Retry-After"), "2");
  }
  EXPECT_EQ(server.Get("/api/v1/kpis?from=2025-02-01").status, 200);
}

TEST(ServerSecurityLimits, AnAnalysisThatRunsPastTheTimeLimitIsStopped) {
  server::ServerSettings settings;
  settings.work.max_seconds = std::chrono::seconds(1);
  TestServer server(settings);
  ASSERT_EQ(server.LoadSmallDemo().status, 200);
  // Each parameter within its bound, their product minutes of work on 400 users.
  const Reply reply =
      server.Get("/api/v1/segment?k=auto&k-min=2&k-max=50&n-init=100&stability-seeds=20");
  EXPECT_EQ(reply.status, 503) << reply.body;
  EXPECT_NE(reply.body.find("longer than the 1 s this server allows"), std::string::npos)
      << reply.body;
  // The slot is free again: the next analysis runs.
  EXPECT_EQ(server.Get("/api/v1/kpis?from=2025-02-01").status, 200);
}

TEST(ServerSecurityLimits, WideDateWindowNeedsNoMemoryForEmptyDays) {
  // 2,000 users over 0001-01-01..9999-12-31 was 2,000 x 3.65M days / 8 = 913 MB of bits.
  TempDir dir;
  const std::filesystem::path file = dir.path() / "wide.csv";
  std::ofstream(file) << testing::MakeSmallUsageLog(2000).csv;
#ifdef GROWTHLENS_TEST_SANITIZED
  const std::string limit;
#else
  const std::string limit = "ulimit -v 500000; ";
#endif
  const std::string command = "bash -c '" + limit + std::string(GROWTHLENS_BINARY) + " kpis " +
                              file.string() + " --from 0001-01-01 --to 9999-12-31 --format json >" +
                              (dir.path() / "out.json").string() + " 2>/dev/null'";
  EXPECT_EQ(std::system(command.c_str()), 0) << testing::ReadFileText(dir.path() / "out.json");
  // The command is the largest child this test waited for: its peak resident memory, in KiB.
  rusage children{};
  ASSERT_EQ(getrusage(RUSAGE_CHILDREN, &children), 0);
  EXPECT_LT(children.ru_maxrss, 500000);
  const nlohmann::json kpis =
      nlohmann::json::parse(testing::ReadFileText(dir.path() / "out.json"), nullptr, false);
  ASSERT_TRUE(kpis.is_object());
  EXPECT_EQ(kpis["days"], 3652059);
  EXPECT_EQ(kpis["active_users"], 2000);
}

// ------------------------------------------------------------------------------ uploads

std::vector<std::string> Entries(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  std::error_code ignored;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ignored))
    names.push_back(entry.path().filename().string());
  return names;
}

TEST(ServerSecurityUploads, BusyIsAnsweredBeforeTheBody) {
  TestServer server;
  ASSERT_TRUE(server.api().shelf().TryBeginLoad());  // another load is running
  RawConnection connection(server.port());
  ASSERT_TRUE(connection.Send(
      "POST /api/v1/upload?name=big.csv HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
      "text/csv\r\nContent-Length: 524288000\r\n\r\n" +
      std::string(4096, 'x')));
  const std::string answer = connection.ReceiveAll();
  EXPECT_EQ(StatusOf(answer), 409) << answer.substr(0, 300);
  server.api().shelf().EndLoad();
  EXPECT_TRUE(Entries(server.RawDir()).empty());
}

TEST(ServerSecurityUploads, OverTheLimitWhileStreamingAndNothingLeft) {
  server::ServerSettings settings;
  settings.max_upload_bytes = 1 << 20;
  TestServer server(settings);
  // Chunked: no Content-Length to refuse up front, the limit applies while reading.
  RawConnection connection(server.port());
  std::string request =
      "POST /api/v1/upload?name=huge.csv HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
      "text/csv\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
  const std::string chunk(64 << 10, 'a');
  connection.Send(request);
  for (int sent = 0; sent < 40; ++sent)
    if (!connection.Send("10000\r\n" + chunk + "\r\n")) break;
  connection.Send("0\r\n\r\n");
  const std::string answer = connection.ReceiveAll();
  EXPECT_EQ(StatusOf(answer), 413) << answer.substr(0, 300);
  EXPECT_TRUE(Entries(server.RawDir()).empty());
}

TEST(ServerSecurityUploads, FailedUploadsLeaveNothingOnDisk) {
  TestServer server;
  const Reply bad = server.Post("/api/v1/upload?name=wrong.csv", "name,colour\nshirt,blue\n");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_TRUE(Entries(server.RawDir()).empty());

  const std::string long_name = std::string(300, 'a') + ".csv";
  const Reply named = server.Post("/api/v1/upload?name=" + long_name, "a,b\n1,2\n");
  EXPECT_EQ(named.status, 400) << named.body;
  EXPECT_EQ(named.Json()["parameter"], "name");
  EXPECT_EQ(named.body.find(server.data_dir().string()), std::string::npos) << named.body;
  EXPECT_EQ(named.body.find("/tmp"), std::string::npos) << named.body;
  EXPECT_TRUE(Entries(server.RawDir()).empty());

  const testing::SmallUsageLog log = testing::MakeSmallUsageLog(30);
  EXPECT_EQ(server.Post("/api/v1/upload?name=good.csv", log.csv).status, 200);
  EXPECT_EQ(Entries(server.RawDir()), std::vector<std::string>{"good.csv"});
}

TEST(ServerSecurityUploads, ExperimentScratchDirectoriesAreRemovedOnEveryPath) {
  TestServer server;
  const std::string prefix = "growthlens-" + std::to_string(::getpid()) + "-";
  const auto scratch = [&prefix] {
    size_t count = 0;
    for (const std::string& name : Entries(std::filesystem::temp_directory_path()))
      count += name.starts_with(prefix) ? 1 : 0;
    return count;
  };
  std::string arms = "variant,metric,n,successes\n";
  for (int arm = 0; arm < 4000; ++arm)
    arms += fmt::format("V{},conversion,{},{}\n", arm, 1000 + arm % 7, 100 + arm % 13);
  const std::string good =
      "variant,metric,n,successes\nA,conversion,1000,100\nB,conversion,1000,130\n";
  for (const auto& [target, body] : std::vector<std::pair<std::string, std::string>>{
           {"/api/v1/experiment/analyze?control=A", good},
           {"/api/v1/experiment/analyze?control=Z", good},
           {"/api/v1/experiment/analyze", "not,an\nexperiment\n"},
           {"/api/v1/experiment/analyze?control=V0", arms},
       }) {
    const Reply reply = server.Post(target, body);
    EXPECT_NE(reply.status, 0) << target;
    EXPECT_EQ(scratch(), 0u) << target << " left its directory (HTTP " << reply.status << ")";
  }
}

// ------------------------------------------------------------------------------ slow clients

TEST(ServerSecuritySlowClients, TricklingHeadersNeitherStarveOthersNorStayOpen) {
  TestServer server;
  // 40 connections from four addresses, each sending a header line every second: more than the
  // server has threads, each within the read timeout.
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (const char* source : {"127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"})
    for (int count = 0; count < 10; ++count) {
      slow.push_back(std::make_unique<RawConnection>(server.port(), source, 2));
      slow.back()->Send("GET /api/v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    }
  std::atomic<bool> done{false};
  std::vector<bool> cut(slow.size(), false);
  std::thread trickle([&] {
    for (int second = 0; second < 16 && !done; ++second) {
      for (size_t at = 0; at < slow.size(); ++at)
        if (!cut[at] && !slow[at]->Send("X-Slow-" + std::to_string(second) + ": 1\r\n"))
          cut[at] = true;
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
  });
  std::this_thread::sleep_for(std::chrono::seconds(2));
  RawConnection other(server.port(), "127.0.0.9", 30);
  ASSERT_TRUE(other.Send(RawGet("/api/v1/status")));
  const std::string answer = other.ReceiveAll();
  trickle.join();
  done = true;
  EXPECT_EQ(StatusOf(answer), 200) << "another client was not served while slow ones trickled";
  size_t closed = 0;
  for (size_t at = 0; at < slow.size(); ++at) closed += cut[at] || slow[at]->ClosedByServer();
  EXPECT_EQ(closed, slow.size()) << "slow clients kept their connections past the header timeout";
}

TEST(ServerSecuritySlowClients, ConnectionsPerClientAreLimited) {
  server::ServerSettings settings;
  settings.connections.per_client = 4;
  TestServer server(settings);
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int count = 0; count < 4; ++count) {
    held.push_back(std::make_unique<RawConnection>(server.port(), "127.0.0.7", 5));
    held.back()->Send("GET / HTTP/1.1\r\n");  // started, never finished
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  RawConnection extra(server.port(), "127.0.0.7", 10);
  const std::string refused = extra.ReceiveAll();
  EXPECT_EQ(StatusOf(refused), 429) << refused;
  EXPECT_NE(HeaderOf(refused, "Retry-After"), "");
  EXPECT_EQ(StatusOf(RawExchange(server.port(), RawGet("/api/v1/status"))), 200);
}

// ------------------------------------------------------------------------------ cache

TEST(ServerSecurityCache, BudgetCountsEveryByteAndOldDataIsDropped) {
  server::ResponseCache cache(1 << 20);
  const auto response = [](size_t bytes) {
    return std::make_shared<const server::CachedResponse>(
        server::CachedResponse{200, std::string(bytes, 'x'), "application/json"});
  };
  for (int entry = 0; entry < 10'000; ++entry)
    cache.Store("1|kpis|from=" + std::to_string(entry), 1, response(50));
  // Small answers cost more than their bodies: 10,000 of 50 bytes do not fit in 1 MiB.
  EXPECT_LE(cache.Bytes(), size_t{1} << 20);
  EXPECT_LT(cache.Count(), 10'000u);
  EXPECT_GE(server::ResponseCache::CostOf("k", *response(50)), 50u + 100u);
  cache.Store("2|kpis|", 2, response(1000));
  cache.DropBefore(2);
  EXPECT_EQ(cache.Count(), 1u);
  cache.Store("1|late|", 1, response(10));  // a warm-up of replaced data, finishing late
  EXPECT_EQ(cache.Count(), 1u);
}

}  // namespace
}  // namespace growthlens
