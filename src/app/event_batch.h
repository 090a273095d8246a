#pragma once
// A batch of events as clients send them to the collector (POST /api/v1/events): a JSON array
// of events, NDJSON (one event per line), one event object, or the batch shapes of the SDKs
// that exist (Segment's track/page/screen and {"batch": [...]}, PostHog's capture and
// {"api_key": ..., "batch": [...]}), turned into events with a user, a name, a UTC time in
// milliseconds, a count, an optional uuid and flattened properties.
//
// Each event is judged on its own: a bad one is listed with its index and the reason, the others
// are kept. Only a body that cannot be read at all (not JSON, a shape that is no batch, more
// events than the limit) is refused whole.

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace growthlens::app {

struct EventBatchLimits {
  size_t max_events = 10'000;         // per body
  size_t max_name_bytes = 200;        // user id, event name, uuid, property name
  size_t max_value_bytes = 2'048;     // one property value (nested values as JSON text)
  size_t max_properties = 64;         // per event
  int64_t max_ahead_ms = 86'400'000;  // how far past the receive time a timestamp may be
};

struct IncomingEvent {
  uint32_t index = 0;  // position in the body, as the client counts (from 0)
  std::string user;
  std::string event;
  int64_t time_ms = 0;  // UTC, since the epoch
  int32_t count = 1;
  std::string uuid;  // empty when the client gave none
  /// Top-level properties: strings as they are, numbers and booleans as JSON writes them,
  /// objects and arrays as compact JSON text; nulls are left out.
  std::vector<std::pair<std::string, std::string>> properties;
};

struct RejectedEvent {
  uint32_t index = 0;
  std::string reason;
};

struct EventBatch {
  std::vector<IncomingEvent> accepted;
  std::vector<RejectedEvent> rejected;  // in index order

  size_t received() const { return accepted.size() + rejected.size(); }
};

/// Reads a body. `receive_ms` is the time events without a timestamp get. Errors: kParseError
/// when the body is not JSON or NDJSON of events (answer 400), kDataError when it holds more
/// than `limits.max_events` events (answer 413).
Result<EventBatch> ParseEventBatch(std::string_view body, int64_t receive_ms,
                                   const EventBatchLimits& limits = {});

/// Judges one event already parsed (an entry of a message stream) and adds it to `batch`,
/// accepted or rejected as `index`.
void AddEvent(const nlohmann::json& event, uint32_t index, int64_t receive_ms,
              const EventBatchLimits& limits, EventBatch& batch);

/// Now, in UTC milliseconds since the epoch: the receive time of live events.
int64_t NowMillis();

/// The collector's answer: {"received", "accepted", "rejected", "errors": [{"index", "reason"}]}
/// with at most `max_errors` errors listed (the count says how many there were).
std::string EventBatchAnswerJson(const EventBatch& batch, size_t max_errors = 1'000);

}  // namespace growthlens::app
