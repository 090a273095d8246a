#pragma once
// A Redis stream read through a consumer group (XREADGROUP): messages stay pending until
// acknowledged (XACK), a restarted consumer first gets its own pending messages again, and
// messages another consumer left pending longer than `claim_idle` are claimed (XAUTOCLAIM,
// Redis 6.2 and later). Unreadable messages go to a dead-letter stream with the reason.

#include <chrono>
#include <memory>
#include <string>

#include "live/event_source.h"
#include "live/redis_connection.h"

namespace growthlens::live {

struct RedisStreamOptions {
  std::string stream = "events";
  std::string group = "growthlens";
  std::string consumer;            // empty: "growthlens-" + the host name
  std::string dead_letter_stream;  // empty: stream + ":dead"
  /// Where a group created now starts: "0" the whole stream, "$" only messages added from now.
  std::string start = "0";
  /// Another consumer's pending messages idle this long are taken over.
  std::chrono::milliseconds claim_idle{30'000};
  /// Bounds every reply; above the longest wait Next() is asked for.
  std::chrono::milliseconds timeout{5'000};
};

class RedisStreamSource final : public EventSource {
 public:
  /// Connects and creates the group (with the stream) unless it exists.
  static Result<std::unique_ptr<RedisStreamSource>> Open(const RedisAddress& address,
                                                         RedisStreamOptions options);

  std::string Name() const override;
  Result<std::vector<SourceMessage>> Next(size_t max, std::chrono::milliseconds wait) override;
  Status DeadLetter(const SourceMessage& message, std::string_view reason) override;
  Status Acknowledge(std::span<const std::string> ids) override;
  Result<SourceLag> Lag() override;
  void Redeliver() override;

  const RedisStreamOptions& options() const { return options_; }

 private:
  RedisStreamSource(RedisConnection connection, RedisAddress address, RedisStreamOptions options);
  /// One command; after a lost connection, connects again first (and hands out this consumer's
  /// pending messages again, as after a restart).
  Result<RedisValue> Call(std::initializer_list<std::string_view> arguments);
  Result<RedisValue> Call(std::span<const std::string_view> arguments);
  Result<std::vector<SourceMessage>> OwnPending(size_t max);
  Result<std::vector<SourceMessage>> Claim(size_t max);

  RedisConnection connection_;
  RedisAddress address_;
  RedisStreamOptions options_;
  bool own_pending_done_ = false;
  std::string own_cursor_ = "0";
  std::string claim_cursor_ = "0-0";
  std::chrono::steady_clock::time_point next_claim_{};
};

}  // namespace growthlens::live
