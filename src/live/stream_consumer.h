#pragma once
// Consuming a message source into an event sink with at-least-once delivery: read a batch of
// messages, commit their events (durable when Commit returns), put unreadable ones into the
// dead-letter stream with their reasons, and only then acknowledge the batch. A crash anywhere
// before the acknowledgement hands the batch out again; the sink's uuid check stores each event
// once.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <vector>

#include "app/event_batch.h"
#include "live/event_sink.h"
#include "live/event_source.h"

namespace growthlens::live {

struct ConsumerOptions {
  size_t batch = 1'000;                      // messages per round
  std::chrono::milliseconds wait{1'000};     // longest wait for new messages
  std::chrono::milliseconds backoff{1'000};  // after a failure, before trying again
  app::EventBatchLimits limits;
};

struct ConsumerStats {
  uint64_t messages = 0;      // acknowledged
  uint64_t events = 0;        // read from them
  uint64_t stored = 0;        // committed, new
  uint64_t duplicates = 0;    // committed before (a redelivery)
  uint64_t dead_letters = 0;  // messages with at least one unreadable event
  uint64_t rejected = 0;      // unreadable events
  uint64_t gone = 0;          // deleted from the source before they were read
  uint64_t failures = 0;      // rounds that failed and were retried
};

class StreamConsumer {
 public:
  StreamConsumer(EventSource& source, EventSink& sink, ConsumerOptions options = {});

  /// One round; returns the messages it acknowledged (0: none came within the wait).
  Result<size_t> Poll();
  /// Rounds until `stop` is requested or `after_round` (given the messages the round
  /// acknowledged) returns false. Each round's commit overlaps the reading of the next round's
  /// messages (still unacknowledged: a crash hands both out again). A failed round (Redis or the
  /// workspace unreachable, the disk full) is reported to `on_error`, its messages handed out
  /// again, and retried after the back-off: the consumer never acknowledges what it has not stored.
  void Run(std::stop_token stop, const std::function<void(const Status&)>& on_error,
           const std::function<bool(size_t)>& after_round = {});

  const ConsumerStats& stats() const { return stats_; }

 private:
  using Fetched = Result<std::vector<SourceMessage>>;
  /// Stores and acknowledges `messages`; with `next`, reads the next round's messages into it
  /// while the commit runs (emptied again when the round fails).
  Result<size_t> Round(const std::vector<SourceMessage>& messages, std::optional<Fetched>* next);

  EventSource& source_;
  EventSink& sink_;
  ConsumerOptions options_;
  ConsumerStats stats_;
};

}  // namespace growthlens::live
