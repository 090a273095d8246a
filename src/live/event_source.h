#pragma once
// A message source that live events are consumed from with at-least-once delivery: messages are
// handed out until acknowledged, and those of a consumer that died are handed out again. Redis
// Streams implement it (redis_stream_source.h); Kafka (librdkafka, in Debian) would be another,
// not written because Debian ships no broker to test it against (docs/LIVE.md).

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace growthlens::live {

struct SourceMessage {
  std::string id;  // unique within the source ("1733480000000-0")
  std::vector<std::pair<std::string, std::string>> fields;
};

struct SourceLag {
  int64_t pending = 0;   // handed out, not acknowledged
  int64_t waiting = -1;  // not handed out yet (-1: the source cannot tell)
};

class EventSource {
 public:
  virtual ~EventSource() = default;
  /// What the source calls itself in messages and metrics ("redis stream events").
  virtual std::string Name() const = 0;
  /// Up to `max` messages: first those handed out before and never acknowledged (this
  /// consumer's after a restart, then other consumers' that have been idle too long), then new
  /// ones, waiting up to `wait` for them. Empty when none came in time.
  virtual Result<std::vector<SourceMessage>> Next(size_t max, std::chrono::milliseconds wait) = 0;
  /// Keeps a message that cannot be read (with the reason) where people can look at it.
  virtual Status DeadLetter(const SourceMessage& message, std::string_view reason) = 0;
  /// Done with these messages: they are not handed out again.
  virtual Status Acknowledge(std::span<const std::string> ids) = 0;
  virtual Result<SourceLag> Lag() = 0;
  /// After a failed commit: the unacknowledged messages are handed out again from the first.
  virtual void Redeliver() = 0;
};

}  // namespace growthlens::live
