#include "live/redis_stream_source.h"

#include <fmt/format.h>
#include <unistd.h>

#include <array>

namespace growthlens::live {

namespace {

std::string HostConsumerName() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) return "growthlens";
  return fmt::format("growthlens-{}", host.data());
}

Status Malformed(const std::string& what) {
  return Status(ErrorCode::kDataError, fmt::format("unexpected reply from Redis to {}", what));
}

/// [[id, [field, value, ...]], ...]; an entry deleted since it was handed out has a nil body
/// and comes back with no fields (it is acknowledged like any other).
Result<std::vector<SourceMessage>> EntriesOf(const RedisValue& entries, const std::string& what) {
  std::vector<SourceMessage> messages;
  if (entries.IsNil()) return messages;
  if (entries.type != RedisValue::Type::kArray) return Malformed(what);
  messages.reserve(entries.elements.size());
  for (const RedisValue& entry : entries.elements) {
    if (entry.type != RedisValue::Type::kArray || entry.elements.size() != 2 ||
        entry.elements[0].type != RedisValue::Type::kString)
      return Malformed(what);
    SourceMessage message;
    message.id = entry.elements[0].text;
    const RedisValue& fields = entry.elements[1];
    if (fields.type == RedisValue::Type::kArray) {
      if (fields.elements.size() % 2 != 0) return Malformed(what);
      for (size_t i = 0; i + 1 < fields.elements.size(); i += 2)
        message.fields.emplace_back(fields.elements[i].text, fields.elements[i + 1].text);
    }
    messages.push_back(std::move(message));
  }
  return messages;
}

/// XREADGROUP's reply: [[stream, entries]] or nil when nothing came.
Result<std::vector<SourceMessage>> StreamEntriesOf(const RedisValue& reply) {
  if (reply.IsNil()) return std::vector<SourceMessage>{};
  if (reply.type != RedisValue::Type::kArray || reply.elements.size() != 1 ||
      reply.elements[0].type != RedisValue::Type::kArray || reply.elements[0].elements.size() != 2)
    return Malformed("XREADGROUP");
  return EntriesOf(reply.elements[0].elements[1], "XREADGROUP");
}

}  // namespace

RedisStreamSource::RedisStreamSource(RedisConnection connection, RedisAddress address,
                                     RedisStreamOptions options)
    : connection_(std::move(connection)),
      address_(std::move(address)),
      options_(std::move(options)) {}

Result<RedisValue> RedisStreamSource::Call(std::span<const std::string_view> arguments) {
  if (connection_.broken()) {
    Result<RedisConnection> again = RedisConnection::Open(address_, options_.timeout);
    if (!again.ok()) return again.status();
    connection_ = std::move(*again);
    Redeliver();
  }
  return connection_.Command(arguments);
}

Result<RedisValue> RedisStreamSource::Call(std::initializer_list<std::string_view> arguments) {
  return Call(std::span<const std::string_view>(arguments.begin(), arguments.size()));
}

Result<std::unique_ptr<RedisStreamSource>> RedisStreamSource::Open(const RedisAddress& address,
                                                                   RedisStreamOptions options) {
  if (options.stream.empty() || options.group.empty())
    return Status(ErrorCode::kInvalidArgument, "a Redis stream and group need non-empty names");
  if (options.consumer.empty()) options.consumer = HostConsumerName();
  if (options.dead_letter_stream.empty())
    options.dead_letter_stream = fmt::format("{}:dead", options.stream);
  if (options.dead_letter_stream == options.stream)
    return Status(ErrorCode::kInvalidArgument,
                  "the dead-letter stream must differ from the stream read");
  Result<RedisConnection> connection = RedisConnection::Open(address, options.timeout);
  if (!connection.ok()) return connection.status();
  Result<RedisValue> created = connection->Command(
      {"XGROUP", "CREATE", options.stream, options.group, options.start, "MKSTREAM"});
  if (!created.ok() && created.status().message().find("BUSYGROUP") == std::string::npos)
    return created.status();
  return std::unique_ptr<RedisStreamSource>(
      new RedisStreamSource(std::move(*connection), address, std::move(options)));
}

std::string RedisStreamSource::Name() const {
  return fmt::format("redis stream {} (group {})", options_.stream, options_.group);
}

Result<std::vector<SourceMessage>> RedisStreamSource::OwnPending(size_t max) {
  const std::string count = std::to_string(max);
  Result<RedisValue> reply = Call({"XREADGROUP", "GROUP", options_.group, options_.consumer,
                                   "COUNT", count, "STREAMS", options_.stream, own_cursor_});
  if (!reply.ok()) return reply.status();
  Result<std::vector<SourceMessage>> messages = StreamEntriesOf(*reply);
  if (!messages.ok()) return messages.status();
  if (messages->empty())
    own_pending_done_ = true;
  else
    own_cursor_ = messages->back().id;
  return messages;
}

Result<std::vector<SourceMessage>> RedisStreamSource::Claim(size_t max) {
  const std::string idle = std::to_string(options_.claim_idle.count());
  const std::string count = std::to_string(max);
  Result<RedisValue> reply = Call({"XAUTOCLAIM", options_.stream, options_.group, options_.consumer,
                                   idle, claim_cursor_, "COUNT", count});
  if (!reply.ok()) return reply.status();
  if (reply->type != RedisValue::Type::kArray || reply->elements.size() < 2 ||
      reply->elements[0].type != RedisValue::Type::kString)
    return Malformed("XAUTOCLAIM");
  claim_cursor_ = reply->elements[0].text;
  if (claim_cursor_ == "0-0")  // a whole pass over the pending list: look again later
    next_claim_ = std::chrono::steady_clock::now() + options_.claim_idle / 2;
  return EntriesOf(reply->elements[1], "XAUTOCLAIM");
}

Result<std::vector<SourceMessage>> RedisStreamSource::Next(size_t max,
                                                           std::chrono::milliseconds wait) {
  if (max == 0) return std::vector<SourceMessage>{};
  if (!own_pending_done_) {
    Result<std::vector<SourceMessage>> own = OwnPending(max);
    if (!own.ok() || !own->empty()) return own;
  }
  if (std::chrono::steady_clock::now() >= next_claim_) {
    Result<std::vector<SourceMessage>> claimed = Claim(max);
    if (!claimed.ok() || !claimed->empty()) return claimed;
  }
  const std::string count = std::to_string(max);
  const std::string block = std::to_string(wait.count());
  Result<RedisValue> reply =
      Call({"XREADGROUP", "GROUP", options_.group, options_.consumer, "COUNT", count, "BLOCK",
            block, "STREAMS", options_.stream, ">"});
  if (!reply.ok()) return reply.status();
  return StreamEntriesOf(*reply);
}

Status RedisStreamSource::DeadLetter(const SourceMessage& message, std::string_view reason) {
  std::vector<std::string_view> command = {"XADD",
                                           options_.dead_letter_stream,
                                           "*",
                                           "source_stream",
                                           options_.stream,
                                           "source_id",
                                           message.id,
                                           "reason",
                                           reason};
  for (const auto& [field, value] : message.fields) {
    command.push_back(field);
    command.push_back(value);
  }
  Result<RedisValue> added = Call(command);
  return added.ok() ? Status::Ok() : added.status();
}

Status RedisStreamSource::Acknowledge(std::span<const std::string> ids) {
  if (ids.empty()) return Status::Ok();
  std::vector<std::string_view> command = {"XACK", options_.stream, options_.group};
  command.insert(command.end(), ids.begin(), ids.end());
  Result<RedisValue> acknowledged = Call(command);
  return acknowledged.ok() ? Status::Ok() : acknowledged.status();
}

Result<SourceLag> RedisStreamSource::Lag() {
  Result<RedisValue> groups = Call({"XINFO", "GROUPS", options_.stream});
  if (!groups.ok()) return groups.status();
  for (const RedisValue& group : groups->elements) {
    SourceLag lag;
    bool ours = false;
    for (size_t i = 0; i + 1 < group.elements.size(); i += 2) {
      const std::string& key = group.elements[i].text;
      const RedisValue& value = group.elements[i + 1];
      if (key == "name") ours = value.text == options_.group;
      if (key == "pending") lag.pending = value.integer;
      if (key == "lag" && value.type == RedisValue::Type::kInteger) lag.waiting = value.integer;
    }
    if (ours) return lag;
  }
  return Status(ErrorCode::kDataError,
                fmt::format("{}: no group {} on stream {}", connection_.display(), options_.group,
                            options_.stream));
}

void RedisStreamSource::Redeliver() {
  own_pending_done_ = false;
  own_cursor_.assign(1, '0');  // not = "0": GCC 12 reports a false -Wrestrict on that
}

}  // namespace growthlens::live
