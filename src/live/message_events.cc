#include "live/message_events.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <nlohmann/json.hpp>

namespace growthlens::live {

namespace {

using Json = nlohmann::json;

constexpr std::array<std::string_view, 4> kBodyFields = {"json", "data", "body", "payload"};
// Fields that are the event's own; any other field of a message is a property.
constexpr std::array<std::string_view, 14> kEventFields = {
    "user_id",    "userId",    "distinct_id",       "anonymousId", "event", "type",
    "name",       "timestamp", "originalTimestamp", "time",        "uuid",  "messageId",
    "message_id", "count"};

bool Contains(std::span<const std::string_view> names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

/// "17" as the number 17, so that a count read from a stream field is judged as a number.
Json CountValue(const std::string& text) {
  int64_t number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error == std::errc() && end == text.data() + text.size()) return number;
  return text;
}

/// The event object a message's fields describe, judged like any event afterwards.
Json EventOfFields(const SourceMessage& message) {
  Json event = Json::object();
  Json properties = Json::object();
  for (const auto& [field, value] : message.fields) {
    if (field == "properties") {
      Json parsed = Json::parse(value, nullptr, /*allow_exceptions=*/false);
      if (parsed.is_discarded()) parsed = value;  // judged: "properties must be a JSON object"
      if (parsed.is_object())
        properties.update(parsed);
      else
        event["properties"] = std::move(parsed);
    } else if (field == "count") {
      event["count"] = CountValue(value);
    } else if (Contains(kEventFields, field)) {
      event[field] = value;
    } else {
      properties[field] = value;
    }
  }
  if (!event.contains("properties") && !properties.empty()) event["properties"] = properties;
  return event;
}

}  // namespace

app::EventBatch MessageEvents(const SourceMessage& message, std::string_view source,
                              int64_t receive_ms, const app::EventBatchLimits& limits) {
  app::EventBatch batch;
  const auto body =
      std::find_if(message.fields.begin(), message.fields.end(),
                   [](const auto& field) { return Contains(kBodyFields, field.first); });
  if (body != message.fields.end()) {
    Result<app::EventBatch> parsed = app::ParseEventBatch(body->second, receive_ms, limits);
    if (!parsed.ok()) {
      batch.rejected.push_back(
          {0, fmt::format("field '{}': {}", body->first, parsed.status().message())});
      return batch;
    }
    batch = std::move(*parsed);
  } else if (!message.fields.empty()) {
    app::AddEvent(EventOfFields(message), 0, receive_ms, limits, batch);
  }
  const bool several = batch.received() > 1;
  for (app::IncomingEvent& event : batch.accepted)
    if (event.uuid.empty())
      event.uuid = several ? fmt::format("{}/{}/{}", source, message.id, event.index)
                           : fmt::format("{}/{}", source, message.id);
  return batch;
}

}  // namespace growthlens::live
