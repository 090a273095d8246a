#pragma once
// What the server tests share: an ApiServer on a free port in this process (served from a
// thread, data under a fresh temporary directory), an HTTP client for it, and small CSV files
// whose counts are known in advance.

#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "command_runner.h"
#include "server/api_server.h"
#include "server/workspace_key_gate.h"
#include "store/access_keys.h"

namespace growthlens::testing {

/// A directory under the system's temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "growthlens_server_XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::string ReadFileText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline std::filesystem::path WebRoot() {
  return GROWTHLENS_TEST_WEB_ROOT;
}

/// One HTTP exchange, kept whole so that a failed expectation can show it.
struct Reply {
  int status = 0;  // 0 = no response at all
  std::string body;
  httplib::Headers headers;

  std::string Header(const std::string& name) const {
    const auto found = headers.find(name);
    return found == headers.end() ? std::string() : found->second;
  }
  nlohmann::json Json() const {
    nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(doc.is_discarded()) << "not JSON (HTTP " << status << "):\n" << body;
    return doc;
  }
  /// The body with its keys in the order sent.
  nlohmann::ordered_json OrderedJson() const {
    return nlohmann::ordered_json::parse(body, nullptr, /*allow_exceptions=*/false);
  }
};

/// The keys of a JSON object in the order they were sent.
inline std::vector<std::string> KeysOf(const nlohmann::ordered_json& object) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.push_back(key);
  return keys;
}

inline Reply ReplyOf(const httplib::Result& result) {
  Reply reply;
  if (!result) return reply;
  reply.status = result->status;
  reply.body = result->body;
  reply.headers = result->headers;
  return reply;
}

/// A TCP connection to a local server from the test, sent raw bytes: for requests a client
/// library would refuse to write, slow clients and connection limits. Every receive gives up
/// after `timeout_seconds`, so that a test never hangs on a server that does not answer.
class RawConnection {
 public:
  /// Connects from `source` (any 127.x.y.z address: another client, as the server sees it).
  explicit RawConnection(int port, const char* source = "127.0.0.1", int timeout_seconds = 20) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval timeout{timeout_seconds, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
    sockaddr_in from{};
    from.sin_family = AF_INET;
    ::inet_pton(AF_INET, source, &from.sin_addr);
    ::bind(fd_, reinterpret_cast<const sockaddr*>(&from), sizeof(from));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~RawConnection() { ::close(fd_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }
  bool Send(std::string_view bytes) {
    return connected_ && ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
                             static_cast<ssize_t>(bytes.size());
  }
  /// Everything until the server closes the connection (or the timeout).
  std::string ReceiveAll() {
    std::string answer;
    char buffer[65536];
    for (ssize_t got; (got = ::recv(fd_, buffer, sizeof(buffer), 0)) > 0;)
      answer.append(buffer, static_cast<size_t>(got));
    return answer;
  }
  /// Whether the server closed the connection (rather than the receive timing out).
  bool ClosedByServer() {
    char buffer[4096];
    for (;;) {
      const ssize_t got = ::recv(fd_, buffer, sizeof(buffer), 0);
      if (got == 0) return true;
      if (got < 0) return errno == ECONNRESET;
    }
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

/// Sends `request` as it is on a new connection and returns all that comes back until the
/// server closes it (the request should say "Connection: close").
inline std::string RawExchange(int port, const std::string& request) {
  RawConnection connection(port);
  return connection.Send(request) ? connection.ReceiveAll() : std::string();
}

/// A request as written, from `source` (another loopback address is another client).
inline std::string Exchange(int port, const std::string& method, const std::string& target,
                            const std::string& headers = "", const std::string& body = "",
                            const char* source = "127.0.0.1") {
  const std::string request = fmt::format(
      "{} {} HTTP/1.1\r\nHost: 127.0.0.1\r\n{}Content-Length: {}\r\nConnection: "
      "close\r\n\r\n{}",
      method, target, headers, body.size(), body);
  RawConnection connection(port, source);
  return connection.Send(request) ? connection.ReceiveAll() : std::string();
}

inline std::string Bearer(const std::string& key) {
  return "Authorization: Bearer " + key + "\r\n";
}

/// The status, a header (by name, in any case) and the body of a raw HTTP answer.
inline int StatusOf(const std::string& answer) {
  return answer.starts_with("HTTP/1.1 ") ? std::atoi(answer.c_str() + 9) : 0;
}

inline std::string HeaderOf(const std::string& answer, std::string name) {
  const std::string head = answer.substr(0, answer.find("\r\n\r\n"));
  std::string lower = head;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const size_t at = lower.find("\r\n" + name + ": ");
  if (at == std::string::npos) return "";
  const size_t begin = at + 4 + name.size();
  return head.substr(begin, head.find("\r\n", begin) - begin);
}

inline std::string BodyOf(const std::string& answer) {
  const size_t at = answer.find("\r\n\r\n");
  return at == std::string::npos ? "" : answer.substr(at + 4);
}

/// Percent-encodes a query value (RFC 3986 unreserved characters and ',' stay as they are).
inline std::string UrlEncode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~' || c == ',') {
      out += static_cast<char>(c);
    } else {
      constexpr char kHex[] = "0123456789ABCDEF";
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

/// Settings of a server that keeps its data in the workspace at `workspace`.
inline server::ServerSettings WorkspaceSettings(const std::filesystem::path& workspace) {
  server::ServerSettings settings;
  settings.load.workspace = workspace.string();
  return settings;
}

/// The workspace at `path` served as `serve --workspace` does: with its keys, one of them the
/// write key `write_key` (sending events needs one, from this machine too).
inline server::ServerSettings KeyedWorkspace(const std::filesystem::path& path,
                                             std::string& write_key) {
  server::ServerSettings settings = WorkspaceSettings(path);
  Result<store::KeyStore> keys = store::KeyStore::Open(path.string(), store::OpenMode::kCreate);
  EXPECT_TRUE(keys.ok()) << keys.status().message();
  if (!keys.ok()) return settings;
  Result<store::CreatedKey> key = keys->Create(store::KeyRole::kWrite, "collector");
  EXPECT_TRUE(key.ok());
  if (key.ok()) write_key = key->secret;
  Result<std::unique_ptr<server::WorkspaceKeyGate>> gate =
      server::WorkspaceKeyGate::Open(path.string());
  EXPECT_TRUE(gate.ok());
  if (gate.ok()) settings.access = std::move(*gate);
  return settings;
}

/// An ApiServer listening on 127.0.0.1 at a free port, without warm-up or access log, keeping
/// its data in a temporary directory; stopped and joined when destroyed.
class TestServer {
 public:
  /// `settings` for what a test changes (e.g. max_upload_bytes); the rest is set here.
  explicit TestServer(server::ServerSettings settings = {}) {
    settings.port = 0;  // the embedded dashboard unless the test sets web_root
    settings.load.data_dir = data_dir().string();
    settings.load.quiet = true;
    settings.access_log = false;
    settings.warm_up = false;
    api_ = std::make_unique<server::ApiServer>(settings);
    Result<int> port = api_->Bind();
    if (!port.ok()) {
      ADD_FAILURE() << port.status().message();
      return;
    }
    port_ = *port;
    thread_ = std::thread([this] { api_->Serve(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    client_->set_url_encode(false);  // the tests encode queries themselves, or send them raw
    client_->set_read_timeout(300, 0);
    // Stop() only ends a server that is running: wait for the first answer (any status: a server
    // that wants a key answers 401).
    for (int attempt = 0; attempt < 1000 && Get("/api/v1/status").status == 0; ++attempt)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ~TestServer() {
    if (!thread_.joinable()) return;
    api_->Stop();
    thread_.join();
  }
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  int port() const { return port_; }
  server::ApiServer& api() { return *api_; }
  std::filesystem::path data_dir() const { return dir_.path() / "data"; }
  const std::filesystem::path& scratch() const { return dir_.path(); }

  // Without a server (Bind failed) every exchange is an empty Reply (status 0).
  Reply Get(const std::string& target) { return client_ ? ReplyOf(client_->Get(target)) : Reply(); }
  Reply Post(const std::string& target, const std::string& body,
             const std::string& content_type = "text/csv") {
    return client_ ? ReplyOf(client_->Post(target, body, content_type)) : Reply();
  }
  Reply Post(const std::string& target, const httplib::Headers& headers, const std::string& body,
             const std::string& content_type) {
    return client_ ? ReplyOf(client_->Post(target, headers, body, content_type)) : Reply();
  }
  /// A multipart upload (field "file"), with the CSRF token.
  Reply PostFile(const std::string& target, const std::string& content,
                 const std::string& filename) {
    const httplib::MultipartFormDataItems items = {{"file", content, filename, "text/csv"}};
    // A form post carries the server's CSRF token, as a well-behaved API client does.
    const httplib::Headers token = {{"X-CSRF-Token", api_ ? api_->csrf_token() : ""}};
    return client_ ? ReplyOf(client_->Post(target, token, items)) : Reply();
  }

  /// POST /api/v1/demo with a small demo (generation, cleaning and analysis take well under a
  /// second); the files land in data_dir()/raw.
  Reply LoadSmallDemo() { return Post("/api/v1/demo?users=400&customers=300&seed=7", "", ""); }
  std::string DemoUsagePath() const { return (data_dir() / "raw" / "usage_log.csv").string(); }
  std::string DemoEventsPath() const { return (data_dir() / "raw" / "events.csv").string(); }
  std::string DemoTransactionsPath() const {
    return (data_dir() / "raw" / "transactions.csv").string();
  }
  std::filesystem::path RawDir() const { return data_dir() / "raw"; }

 private:
  TempDir dir_;
  std::unique_ptr<server::ApiServer> api_;
  std::unique_ptr<httplib::Client> client_;
  std::thread thread_;
  int port_ = 0;
};

/// A suite whose tests share one server with the small demo loaded (a suite at a time).
class DemoServerSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<TestServer>();
    ASSERT_EQ(server_->LoadSmallDemo().status, 200);
  }
  static void TearDownTestSuite() { server_.reset(); }
  static inline std::unique_ptr<TestServer> server_;
};

/// A small usage log whose counts are known: `users` users with 1-5 active days each in
/// January-February 2025 over three features, one of them a spreadsheet formula.
struct SmallUsageLog {
  static constexpr const char* kFormulaFeature = "=SUM(A1:A9)";
  std::string csv = "user_id,signup_date,event_date,feature_name,events_count\n";
  size_t rows = 0;
  size_t users = 0;
  std::string first_day = "9999-99-99";
  std::string last_day;
};

inline std::string DayOfJanFeb2025(int index) {  // 0 = 2025-01-01 .. 58 = 2025-02-28
  char text[16];
  std::snprintf(text, sizeof(text), "2025-%02d-%02d", index < 31 ? 1 : 2,
                index < 31 ? index + 1 : index - 30);
  return text;
}

inline SmallUsageLog MakeSmallUsageLog(int users, const std::string& id_prefix = "u") {
  const char* const features[] = {"Search", "Export", SmallUsageLog::kFormulaFeature};
  SmallUsageLog log;
  for (int user = 1; user <= users; ++user) {
    for (int day = 0; day <= user % 5; ++day) {
      const std::string date = DayOfJanFeb2025((user * 3 + 11 * day) % 59);
      log.csv += id_prefix + std::to_string(user) + ",2024-12-01," + date + "," +
                 features[(user + day) % 3] + "," + std::to_string((user * 7 + day) % 9 + 1) + "\n";
      ++log.rows;
      log.first_day = std::min(log.first_day, date);
      log.last_day = std::max(log.last_day, date);
    }
    ++log.users;
  }
  return log;
}

/// Runs the growthlens binary with `dir` as the working directory, so that a file there can be
/// named as the server names what it holds: by its file name, not where it is stored.
inline CommandResult RunCommandIn(const std::filesystem::path& dir, const std::string& arguments) {
  const std::filesystem::path before = std::filesystem::current_path();
  std::filesystem::current_path(dir);
  CommandResult result = RunCommand(arguments);
  std::filesystem::current_path(before);
  return result;
}

/// `text` quoted for /bin/sh.
inline std::string ShellQuote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

}  // namespace growthlens::testing
