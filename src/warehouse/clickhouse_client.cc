#include "warehouse/clickhouse_client.h"

#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <thread>

namespace growthlens::warehouse {

namespace {

constexpr auto kConnectTimeout = std::chrono::seconds(10);
// Long aggregations stream nothing until their first block: generous, but bounded.
constexpr auto kReadTimeout = std::chrono::seconds(3600);

/// The first line of a ClickHouse error ("Code: 60, e.displayText() = DB::Exception: ...").
std::string ServerMessage(std::string_view body) {
  const size_t end = body.find('\n');
  std::string_view line = body.substr(0, end);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
  return std::string(line.substr(0, 2000));
}

// Every error of a broken connection says this, and nothing else does (IsConnectionFailure).
constexpr std::string_view kConnectionBroke = "the connection failed or broke";

/// What a request was doing, for messages: the statement's first words.
std::string Doing(std::string_view sql) {
  std::string text(sql.substr(0, 80));
  std::replace(text.begin(), text.end(), '\n', ' ');
  return sql.size() > 80 ? fmt::format("'{}...'", text) : fmt::format("'{}'", text);
}

bool IsServerException(std::string_view line) {
  return line.starts_with("Code: ") && line.find("DB::Exception") != std::string_view::npos;
}

/// What kind of failure a server's error is: unavailable (try later) when the server has too
/// many queries or cannot reach a shard; otherwise an I/O error (the query or the data is at
/// fault, and asking again gives the same answer: a query past the memory or time limit fails
/// again, so it is not told to try later).
ErrorCode KindOfServerError(int http_status, std::string_view message) {
  if (http_status == 503) return ErrorCode::kUnavailable;  // a proxy or balancer in front
  int code = 0;
  if (message.starts_with("Code: ")) {
    for (char c : message.substr(6)) {
      if (c < '0' || c > '9') break;
      code = code * 10 + (c - '0');
    }
  }
  // TOO_MANY_SIMULTANEOUS_QUERIES, SOCKET_TIMEOUT, NETWORK_ERROR, ALL_CONNECTION_TRIES_FAILED,
  // ALL_REPLICAS_ARE_STALE (ErrorCodes.cpp; the same numbers on 18.16 and today).
  constexpr int kTransient[] = {202, 209, 210, 279, 369};
  return std::find(std::begin(kTransient), std::end(kTransient), code) != std::end(kTransient)
             ? ErrorCode::kUnavailable
             : ErrorCode::kIoError;
}

}  // namespace

struct ClickHouseClient::Connection {
  ClickHouseEndpoint endpoint;
  bool use_database = true;
  std::string version;
  httplib::Client http;

  Connection(ClickHouseEndpoint where, bool database)
      : endpoint(std::move(where)),
        use_database(database),
        http(fmt::format("{}://{}:{}", endpoint.https ? "https" : "http", endpoint.host,
                         endpoint.port)) {
    http.set_connection_timeout(kConnectTimeout);
    http.set_read_timeout(kReadTimeout);
    http.set_write_timeout(kReadTimeout);
    if (!endpoint.user.empty()) http.set_basic_auth(endpoint.user, endpoint.password);
  }

  std::string Path(const QuerySettings& settings, std::string_view query = {}) const {
    httplib::Params params;
    if (use_database) params.emplace("database", endpoint.database);
    if (!query.empty()) params.emplace("query", std::string(query));
    for (const auto& [name, value] : settings) params.emplace(name, value);
    return httplib::append_query_params("/", params);
  }

  Status Failure(std::string_view what, const httplib::Result& result) const {
    if (!result) return Broken(what, result.error(), 1);
    return Status(KindOfServerError(result->status, result->body),
                  fmt::format("ClickHouse at {}: {} failed (HTTP {}): {}", endpoint.Display(), what,
                              result->status, ServerMessage(result->body)));
  }

  Status Broken(std::string_view what, httplib::Error error, int attempts) const {
    return Status(ErrorCode::kUnavailable,
                  fmt::format("ClickHouse at {}: {} failed: {} ({}: {}; is the server running "
                              "and the URL right?)",
                              endpoint.Display(), what,
                              attempts > 1 ? fmt::format("{} tries", attempts) : "one try",
                              kConnectionBroke, httplib::to_string(error)));
  }

  Result<std::string> Post(std::string_view what, std::string_view body,
                           const QuerySettings& settings = {}, std::string_view query = {}) {
    httplib::Result result =
        http.Post(Path(settings, query), body.data(), body.size(), "text/plain; charset=UTF-8");
    if (!result || result->status != 200) return Failure(what, result);
    return std::move(result->body);
  }
};

ClickHouseClient::ClickHouseClient(std::unique_ptr<Connection> connection)
    : connection_(std::move(connection)) {}
ClickHouseClient::ClickHouseClient(ClickHouseClient&&) noexcept = default;
ClickHouseClient& ClickHouseClient::operator=(ClickHouseClient&&) noexcept = default;
ClickHouseClient::~ClickHouseClient() = default;

Result<ClickHouseClient> ClickHouseClient::Connect(const ClickHouseEndpoint& endpoint,
                                                   bool use_database) {
  ClickHouseClient client(std::make_unique<Connection>(endpoint, use_database));
  Result<std::string> version = client.Query("SELECT version()");
  if (!version.ok()) return version.status();
  client.connection_->version = ServerMessage(*version);
  return client;
}

const ClickHouseEndpoint& ClickHouseClient::endpoint() const {
  return connection_->endpoint;
}

const std::string& ClickHouseClient::version() const {
  return connection_->version;
}

Result<bool> ClickHouseClient::KnowsSetting(std::string_view name) {
  Result<std::string> count =
      Query(fmt::format("SELECT count() FROM system.settings WHERE name = {}", SqlString(name)));
  if (!count.ok()) return count.status();
  return count->starts_with("1");
}

Status ClickHouseClient::Execute(std::string_view sql) {
  return connection_->Post(fmt::format("the statement {}", Doing(sql)), sql).status();
}

Result<std::string> ClickHouseClient::Query(std::string_view sql) {
  std::string answer;
  GROWTHLENS_RETURN_IF_ERROR(QueryLines(sql, [&](std::string_view line) {
    answer.append(line);
    answer.push_back('\n');
    return Status::Ok();
  }));
  return answer;
}

Status ClickHouseClient::QueryLines(std::string_view sql,
                                    const std::function<Status(std::string_view)>& on_line,
                                    const std::function<void()>& restart) {
  Connection& connection = *connection_;
  for (int attempt = 1;; ++attempt) {
    std::string pending;
    std::string error_body;
    int status = 0;
    bool received = false;
    Status stopped = Status::Ok();
    // The query goes in the body, not the URL: a long one (a funnel's list of names) would pass
    // the server's URL limit.
    httplib::Request request;
    request.method = "POST";
    request.path = connection.Path({});
    request.body = std::string(sql);
    request.set_header("Content-Type", "text/plain; charset=UTF-8");
    request.response_handler = [&](const httplib::Response& response) {
      status = response.status;
      return true;
    };
    request.content_receiver = [&](const char* data, size_t size, uint64_t /*offset*/,
                                   uint64_t /*total*/) {
      received = true;
      if (status != 200) {
        error_body.append(data, size);
        return true;
      }
      pending.append(data, size);
      size_t start = 0;
      for (size_t end; (end = pending.find('\n', start)) != std::string::npos; start = end + 1) {
        const std::string_view line(pending.data() + start, end - start);
        if (IsServerException(line)) {
          stopped = Status(KindOfServerError(status, line),
                           fmt::format("ClickHouse at {}: the query failed while answering: {}",
                                       connection.endpoint.Display(), line));
          return false;
        }
        stopped = on_line(line);
        if (!stopped.ok()) return false;
      }
      pending.erase(0, start);
      return true;
    };
    httplib::Result result = connection.http.send(request);
    if (!stopped.ok()) return stopped;
    if (!result) {
      // A query changes nothing: try again when nothing was handed over yet, or when the
      // caller can start over, after a pause (a restarting server needs a few seconds).
      if (attempt < kQueryAttempts && (!received || restart)) {
        if (received) restart();
        std::this_thread::sleep_for(std::chrono::milliseconds(500 * attempt * attempt));
        continue;
      }
      return connection.Broken(fmt::format("the query {}", Doing(sql)), result.error(), attempt);
    }
    if (status != 200)
      return Status(KindOfServerError(status, error_body),
                    fmt::format("ClickHouse at {}: the query {} failed (HTTP {}): {}",
                                connection.endpoint.Display(), Doing(sql), status,
                                ServerMessage(error_body)));
    if (!pending.empty()) {
      if (IsServerException(pending))
        return Status(KindOfServerError(status, pending),
                      fmt::format("ClickHouse at {}: the query failed while answering: {}",
                                  connection.endpoint.Display(), ServerMessage(pending)));
      return on_line(pending);
    }
    return Status::Ok();
  }
}

Status ClickHouseClient::Insert(std::string_view table, std::string_view body,
                                const QuerySettings& settings, std::string_view format) {
  const std::string query = fmt::format("INSERT INTO {} FORMAT {}", table, format);
  return connection_->Post(fmt::format("an insert into {}", table), body, settings, query).status();
}

bool IsConnectionFailure(const Status& status) {
  return !status.ok() && status.message().find(kConnectionBroke) != std::string::npos;
}

void AppendTsvField(std::string& out, std::string_view text) {
  for (const char c : text) {
    switch (c) {
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\0':
        out += "\\0";
        break;
      default:
        out.push_back(c);
    }
  }
}

std::string SqlString(std::string_view text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

}  // namespace growthlens::warehouse
