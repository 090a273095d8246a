#pragma once
// Where live events go once read: the collector's and the consumers' one door into storage.
// Commit returns only when the events are durable (the workspace's commit, synchronous=FULL), so
// a source may acknowledge them then and not before. An event whose uuid is stored already is
// counted as a duplicate and not stored again: at-least-once delivery becomes exactly once.

#include <cstdint>
#include <span>

#include "app/event_batch.h"
#include "core/status.h"

namespace growthlens::live {

struct SinkOutcome {
  uint64_t stored = 0;
  uint64_t duplicates = 0;  // their uuid was stored already
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual Result<SinkOutcome> Commit(std::span<const app::IncomingEvent> events) = 0;
};

}  // namespace growthlens::live
