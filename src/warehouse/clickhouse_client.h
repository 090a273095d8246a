#pragma once
// A client of ClickHouse's HTTP interface (cpp-httplib behind this header): statements, small
// answers, answers streamed line by line (TSV), and inserts of blocks. Errors carry the server's
// message, the endpoint (never the password) and what was being done (the query's start). A
// SELECT whose connection fails or breaks is tried again, up to kQueryAttempts times with a pause
// between (it changes nothing): when nothing arrived yet, or when the caller can start over
// (`restart`). Statements and inserts are not retried here: whether that is safe is the
// caller's rule (warehouse/clickhouse_ingest.h); IsConnectionFailure tells a broken connection
// from a refusal by the server.
//
//   Result<ClickHouseClient> client = ClickHouseClient::Connect(endpoint);
//   Status status = client->QueryLines("SELECT user, count() FROM usage GROUP BY user",
//                                      [](std::string_view line) { ...; return Status::Ok(); });

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "warehouse/clickhouse_url.h"

namespace growthlens::warehouse {

/// Tries of a read-only query whose connection fails (the first and the retries).
inline constexpr int kQueryAttempts = 3;

/// Query settings sent with one request: {"insert_deduplication_token", "..."}.
using QuerySettings = std::vector<std::pair<std::string, std::string>>;

class ClickHouseClient {
 public:
  /// Connects and asks the server's version; `use_database` false for the statements that
  /// create the database.
  static Result<ClickHouseClient> Connect(const ClickHouseEndpoint& endpoint,
                                          bool use_database = true);
  ClickHouseClient(ClickHouseClient&&) noexcept;
  ClickHouseClient& operator=(ClickHouseClient&&) noexcept;
  ~ClickHouseClient();

  const ClickHouseEndpoint& endpoint() const;
  /// "18.16.1": the server's version().
  const std::string& version() const;
  /// Whether the server knows the setting `name` (system.settings).
  Result<bool> KnowsSetting(std::string_view name);

  /// A statement without an answer (CREATE, ALTER, ...).
  Status Execute(std::string_view sql);
  /// The whole answer of a small query, as the server sends it (TSV unless `sql` says FORMAT).
  Result<std::string> Query(std::string_view sql);
  /// The answer's lines (TSV), handed over as they arrive: memory holds one chunk, not the
  /// answer. `on_line` returning an error stops the query. With `restart`, a connection that
  /// breaks after lines were handed over is retried too: `restart` first undoes what `on_line`
  /// kept, then the lines come again from the first.
  Status QueryLines(std::string_view sql, const std::function<Status(std::string_view)>& on_line,
                    const std::function<void()>& restart = nullptr);
  /// `INSERT INTO table FORMAT <format>` with `body` (rows in that format).
  Status Insert(std::string_view table, std::string_view body, const QuerySettings& settings = {},
                std::string_view format = "TabSeparated");

 private:
  struct Connection;
  explicit ClickHouseClient(std::unique_ptr<Connection> connection);
  std::unique_ptr<Connection> connection_;
};

/// Whether `status`, an error of this client, says the connection failed or broke (the server
/// went away, a proxy cut it, a timeout) rather than the server refusing the request.
bool IsConnectionFailure(const Status& status);

/// `text` as a TSV field (backslash escapes of ClickHouse's TabSeparated format).
void AppendTsvField(std::string& out, std::string_view text);
/// `text` as a quoted SQL string literal.
std::string SqlString(std::string_view text);

}  // namespace growthlens::warehouse
