#pragma once
// The event collector's writer on a ClickHouse workspace (issue 22.1): a request's events go
// through the consumer's sink (live/clickhouse_sink.h) into the events table, and the answer
// (200) comes once ClickHouse confirmed them; each uuid stored once, a retried request included.
// Requests are written one after another (one connection); ClickHouse is reached at the first
// request, so a server starts while it is away. The route (event_routes.cc) makes one when the
// server's workspace is a clickhouse:// URL.

#include <chrono>
#include <mutex>
#include <optional>
#include <span>
#include <string>

#include "app/event_batch.h"
#include "live/clickhouse_sink.h"

namespace growthlens::server {

class ClickHouseEventWriter {
 public:
  /// `workspace`: clickhouse://HOST:PORT/DATABASE (credentials from the environment); `name`
  /// names its inserts, the same for this server after a restart (its host and port), so a
  /// restarted server first ends the inserts its killed run left (live/clickhouse_sink.h).
  ClickHouseEventWriter(std::string workspace, std::string name);
  /// The events written, or nullopt when an earlier request still writes after kWait (the
  /// route answers 503 with Retry-After, as the group writer does when it is behind).
  std::optional<Result<live::SinkOutcome>> Write(std::span<const app::IncomingEvent> events);

 private:
  static constexpr std::chrono::seconds kWait{2};
  std::timed_mutex mutex_;
  std::string workspace_;
  std::string name_;
  std::optional<live::ClickHouseSink> sink_;
};

}  // namespace growthlens::server
