#pragma once
// The events of one message of a stream. A message carries either a whole body in one field
// (`json`, `data`, `body` or `payload`: one event or a batch, any shape the HTTP collector takes)
// or the event's own fields: user_id, event, timestamp, count, uuid, a `properties` field
// holding a JSON object, and any other field as a property. An event without a uuid gets the
// message's ("<source>/<message id>", "/<index>" for a batch's events), so a message delivered
// twice is stored once.

#include <cstdint>
#include <string_view>

#include "app/event_batch.h"
#include "live/event_source.h"

namespace growthlens::live {

app::EventBatch MessageEvents(const SourceMessage& message, std::string_view source,
                              int64_t receive_ms, const app::EventBatchLimits& limits);

}  // namespace growthlens::live
