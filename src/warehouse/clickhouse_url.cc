#include "warehouse/clickhouse_url.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>

namespace growthlens::warehouse {

namespace {

constexpr std::string_view kPlain = "clickhouse://";
constexpr std::string_view kTls = "clickhouse+https://";
constexpr std::string_view kExpected =
    "clickhouse://HOST:PORT/DATABASE (or clickhouse+https://...)";

std::string FromEnvironment(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

}  // namespace

std::string ClickHouseEndpoint::Display() const {
  return fmt::format("{}{}:{}/{}", https ? kTls : kPlain, host, port, database);
}

bool IsClickHouseUrl(std::string_view workspace) {
  return workspace.starts_with(kPlain) || workspace.starts_with(kTls);
}

Status CheckIdentifier(std::string_view name, std::string_view what) {
  const bool valid = !name.empty() && name.size() <= 64 &&
                     name.find_first_not_of(
                         "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                         "0123456789_") == std::string_view::npos &&
                     !(name[0] >= '0' && name[0] <= '9');
  if (valid) return Status::Ok();
  return Status(ErrorCode::kInvalidArgument,
                fmt::format("{} '{}' is not a plain name: expected 1 to 64 letters, digits or '_', "
                            "not starting with a digit",
                            what, name));
}

Result<ClickHouseEndpoint> ParseClickHouseUrl(std::string_view url, std::string user,
                                              std::string password) {
  ClickHouseEndpoint endpoint;
  // Checked before any message that names the URL: a password in it is never echoed.
  const size_t scheme_end = url.find("://");
  const size_t host_start = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  if (url.substr(host_start, url.find('/', host_start) - host_start).find('@') !=
      std::string_view::npos)
    return Status(ErrorCode::kInvalidArgument,
                  "the ClickHouse URL carries credentials: give them with --ch-user and "
                  "--ch-password or GROWTHLENS_CLICKHOUSE_USER/_PASSWORD instead");
  std::string_view rest;
  if (url.starts_with(kTls)) {
    endpoint.https = true;
    rest = url.substr(kTls.size());
  } else if (url.starts_with(kPlain)) {
    rest = url.substr(kPlain.size());
  } else {
    return Status(
        ErrorCode::kInvalidArgument,
        fmt::format("workspace '{}' is not a ClickHouse URL: expected {}", url, kExpected));
  }
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos)
    return Status(
        ErrorCode::kInvalidArgument,
        fmt::format("ClickHouse URL '{}' names no database: expected {}", url, kExpected));
  const std::string_view authority = rest.substr(0, slash);
  if (authority.find('@') != std::string_view::npos)  // never echoed: it holds a password
    return Status(ErrorCode::kInvalidArgument,
                  "the ClickHouse URL carries credentials: give them with --ch-user and "
                  "--ch-password or GROWTHLENS_CLICKHOUSE_USER/_PASSWORD instead");
  const size_t colon = authority.rfind(':');
  endpoint.host = std::string(authority.substr(0, colon));
  if (colon != std::string_view::npos) {
    const std::string_view port = authority.substr(colon + 1);
    unsigned value = 0;
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (error != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535)
      return Status(
          ErrorCode::kInvalidArgument,
          fmt::format("ClickHouse URL '{}': port '{}' is not a number from 1 to 65535", url, port));
    endpoint.port = static_cast<uint16_t>(value);
  } else {
    endpoint.port = endpoint.https ? 8443 : 8123;
  }
  if (endpoint.host.empty())
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("ClickHouse URL '{}' names no host: expected {}", url, kExpected));
  endpoint.database = std::string(rest.substr(slash + 1));
  GROWTHLENS_RETURN_IF_ERROR(
      CheckIdentifier(endpoint.database, fmt::format("ClickHouse URL '{}': database", url)));
  endpoint.user = !user.empty() ? std::move(user) : FromEnvironment("GROWTHLENS_CLICKHOUSE_USER");
  endpoint.password =
      !password.empty() ? std::move(password) : FromEnvironment("GROWTHLENS_CLICKHOUSE_PASSWORD");
  return endpoint;
}

}  // namespace growthlens::warehouse
