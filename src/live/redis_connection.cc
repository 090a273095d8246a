#include "live/redis_connection.h"

#include <fmt/format.h>
#include <hiredis/hiredis.h>

#include <charconv>

namespace growthlens::live {

namespace {

constexpr std::string_view kScheme = "redis://";

bool ParsePort(std::string_view text, int& port) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
  return error == std::errc() && end == text.data() + text.size() && port > 0 && port <= 65535;
}

Status AddressError(std::string_view url, std::string_view problem) {
  return Status(ErrorCode::kInvalidArgument,
                fmt::format("Redis address '{}': {}; expected redis://[[user]:password@]host"
                            "[:port][/db], e.g. redis://127.0.0.1:6379",
                            url.substr(0, 200), problem));
}

RedisValue Copy(const redisReply& reply) {
  RedisValue value;
  switch (reply.type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
      value.type = reply.type == REDIS_REPLY_STRING   ? RedisValue::Type::kString
                   : reply.type == REDIS_REPLY_STATUS ? RedisValue::Type::kStatus
                                                      : RedisValue::Type::kError;
      value.text.assign(reply.str, reply.len);
      break;
    case REDIS_REPLY_INTEGER:
      value.type = RedisValue::Type::kInteger;
      value.integer = reply.integer;
      break;
    case REDIS_REPLY_ARRAY:
      value.type = RedisValue::Type::kArray;
      value.elements.reserve(reply.elements);
      for (size_t i = 0; i < reply.elements; ++i) value.elements.push_back(Copy(*reply.element[i]));
      break;
    default:
      value.type = RedisValue::Type::kNil;
  }
  return value;
}

timeval TimevalOf(std::chrono::milliseconds timeout) {
  return timeval{static_cast<time_t>(timeout.count() / 1000),
                 static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
}

}  // namespace

Result<RedisAddress> RedisAddress::Parse(std::string_view url) {
  if (!url.starts_with(kScheme)) return AddressError(url, "it does not start with redis://");
  RedisAddress address;
  std::string_view rest = url.substr(kScheme.size());
  if (const size_t slash = rest.find('/'); slash != std::string_view::npos) {
    const std::string_view db = rest.substr(slash + 1);
    const auto [end, error] = std::from_chars(db.data(), db.data() + db.size(), address.database);
    if (!db.empty() &&
        (error != std::errc() || end != db.data() + db.size() || address.database < 0))
      return AddressError(url, "the database after '/' must be a whole number");
    rest = rest.substr(0, slash);
  }
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view credentials = rest.substr(0, at);
    const size_t colon = credentials.find(':');
    if (colon == std::string_view::npos) return AddressError(url, "a password must follow ':'");
    address.user = credentials.substr(0, colon);
    address.password = credentials.substr(colon + 1);
    rest = rest.substr(at + 1);
  }
  if (const size_t colon = rest.rfind(':');
      colon != std::string_view::npos && rest.find(']') == std::string_view::npos) {
    if (!ParsePort(rest.substr(colon + 1), address.port))
      return AddressError(url, "the port must be a number from 1 to 65535");
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) return AddressError(url, "the host is missing");
  address.host = rest;
  return address;
}

std::string RedisAddress::Display() const {
  return fmt::format("redis://{}{}:{}/{}", password.empty() ? "" : "***@", host, port, database);
}

void RedisConnection::Closer::operator()(redisContext* context) const {
  redisFree(context);
}

RedisConnection::RedisConnection(redisContext* context, std::string display)
    : context_(context), display_(std::move(display)) {}

Result<RedisConnection> RedisConnection::Open(const RedisAddress& address,
                                              std::chrono::milliseconds timeout) {
  const std::string display = address.Display();
  redisContext* raw =
      redisConnectWithTimeout(address.host.c_str(), address.port, TimevalOf(timeout));
  if (raw == nullptr)
    return Status(ErrorCode::kIoError, fmt::format("{}: cannot allocate a connection", display));
  RedisConnection connection(raw, display);
  if (raw->err != 0)
    return Status(ErrorCode::kIoError, fmt::format("{}: cannot connect: {} (is redis-server "
                                                   "running there?)",
                                                   display, raw->errstr));
  if (redisSetTimeout(raw, TimevalOf(timeout)) != REDIS_OK)
    return Status(ErrorCode::kIoError, fmt::format("{}: cannot set the timeout", display));
  if (!address.password.empty()) {
    Result<RedisValue> auth = address.user.empty()
                                  ? connection.Command({"AUTH", address.password})
                                  : connection.Command({"AUTH", address.user, address.password});
    if (!auth.ok()) return auth.status();
  }
  if (address.database != 0) {
    const std::string database = std::to_string(address.database);
    Result<RedisValue> select = connection.Command({"SELECT", database});
    if (!select.ok()) return select.status();
  }
  return connection;
}

Result<RedisValue> RedisConnection::Command(std::span<const std::string_view> arguments) {
  if (broken_)
    return Status(ErrorCode::kIoError, fmt::format("{}: the connection was lost", display_));
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  argv.reserve(arguments.size());
  lengths.reserve(arguments.size());
  for (const std::string_view argument : arguments) {
    argv.push_back(argument.data());
    lengths.push_back(argument.size());
  }
  auto* reply = static_cast<redisReply*>(
      redisCommandArgv(context_.get(), static_cast<int>(argv.size()), argv.data(), lengths.data()));
  const std::string_view command = arguments.empty() ? "" : arguments.front();
  if (reply == nullptr) {
    broken_ = true;
    return Status(ErrorCode::kIoError,
                  fmt::format("{}: {} failed: {}", display_, command, context_->errstr));
  }
  RedisValue value = Copy(*reply);
  freeReplyObject(reply);
  if (value.type == RedisValue::Type::kError)
    return Status(ErrorCode::kDataError,
                  fmt::format("{}: {} answered: {}", display_, command, value.text));
  return value;
}

}  // namespace growthlens::live
