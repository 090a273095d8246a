#pragma once
// Where a ClickHouse workspace lives: `clickhouse://HOST:PORT/DATABASE` (HTTP) or
// `clickhouse+https://HOST:PORT/DATABASE` (TLS), with the user and password from options or
// $GROWTHLENS_CLICKHOUSE_USER / $GROWTHLENS_CLICKHOUSE_PASSWORD.
//
//   Result<ClickHouseEndpoint> endpoint =
//   ParseClickHouseUrl("clickhouse://127.0.0.1:8123/product");

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace growthlens::warehouse {

struct ClickHouseEndpoint {
  bool https = false;
  std::string host;
  uint16_t port = 8123;
  std::string database;
  std::string user;      // "" = the server's default user
  std::string password;  // never printed

  /// The URL without credentials, for messages: "clickhouse://127.0.0.1:8123/product".
  std::string Display() const;
};

/// Whether `workspace` names a ClickHouse workspace rather than a workspace file.
bool IsClickHouseUrl(std::string_view workspace);

/// Parses the URL; the user and password come from `user`/`password` when not empty, else from
/// the environment. Errors name the URL's part that is wrong and the expected form.
Result<ClickHouseEndpoint> ParseClickHouseUrl(std::string_view url, std::string user = "",
                                              std::string password = "");

/// `name` as a ClickHouse identifier: letters, digits and '_' only (no quoting games), else an
/// error naming `what`.
Status CheckIdentifier(std::string_view name, std::string_view what);

}  // namespace growthlens::warehouse
