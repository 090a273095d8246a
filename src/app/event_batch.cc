#include "app/event_batch.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <variant>

#include "app/flat_event.h"
#include "app/json_text.h"
#include "io/date_parser.h"

namespace growthlens::app {

namespace {

using Json = nlohmann::json;

constexpr int64_t kEarliestMs = 946'684'800'000;  // 2000-01-01: older times are typos
constexpr double kEpochMillisFrom = 1e11;         // as DateParser: smaller numbers are seconds
constexpr int64_t kMaxCount = 1'000'000;

/// The parser of event times: a constant, built once (not per body or per stream message).
const DateParser& EventTimes() {
  static const DateParser parser = [] {
    Result<DateParser> automatic = DateParser::FromSpec("auto");
    return std::move(*automatic);  // "auto" is always a valid spec
  }();
  return parser;
}

/// The reason an event is refused, or what was read.
using Judged = std::variant<IncomingEvent, std::string>;

/// A user id or uuid: strings as they are, whole numbers as digits (SDKs send both).
std::optional<std::string> IdText(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return value.dump();
  return std::nullopt;
}

std::optional<int64_t> NumberToMillis(const Json& value) {
  const double number = value.get<double>();
  if (!std::isfinite(number) || std::fabs(number) > 9e15) return std::nullopt;
  if (value.is_number_integer()) {
    const auto whole = value.get<int64_t>();
    return static_cast<double>(whole) >= kEpochMillisFrom ? whole : whole * 1000;
  }
  return static_cast<int64_t>(std::llround(number >= kEpochMillisFrom ? number : number * 1000));
}

/// The event's time, or the reason it has none that can be used.
std::variant<int64_t, std::string> ReadTime(const FlatEvent& event, int64_t receive_ms,
                                            const EventBatchLimits& limits,
                                            const DateParser& dates) {
  const Json* value = event.FirstOf({"timestamp", "originalTimestamp", "time"});
  if (value == nullptr) return receive_ms;
  std::optional<int64_t> ms;
  if (value->is_number()) ms = NumberToMillis(*value);
  if (value->is_string()) ms = dates.ParseMillis(value->get_ref<const std::string&>());
  if (!ms)
    return fmt::format(
        "bad timestamp {}: expected ISO 8601 (2026-03-01T12:00:00.250Z) or epoch "
        "milliseconds",
        value->dump(-1, ' ', false, Json::error_handler_t::replace).substr(0, 64));
  if (*ms < kEarliestMs) return std::string("bad timestamp: before 2000-01-01");
  if (*ms > receive_ms + limits.max_ahead_ms)
    return std::string("bad timestamp: more than a day ahead of the server's clock");
  return *ms;
}

/// Adds the properties' values; the reason when one breaks a limit.
std::optional<std::string> ReadProperties(FlatEvent& event, bool skip_distinct_id,
                                          const EventBatchLimits& limits, IncomingEvent& out) {
  for (FlatProperty& property : event.properties) {
    if (property.kind == FlatProperty::Kind::kNull ||
        (skip_distinct_id && property.key == "distinct_id"))
      continue;
    if (property.key.size() > limits.max_name_bytes)
      return fmt::format("a property name over {} bytes", limits.max_name_bytes);
    if (property.text.size() > limits.max_value_bytes)
      return fmt::format("property '{}' over {} bytes", property.key, limits.max_value_bytes);
    if (out.properties.size() == limits.max_properties)
      return fmt::format("more than {} properties", limits.max_properties);
    out.properties.emplace_back(property.key, std::move(property.text));
  }
  return std::nullopt;
}

/// Segment calls name their kind in "type"; page and screen views become events of their own
/// (`name` set). The reason when the call is of a kind that holds no event.
std::optional<std::string> ReadCallType(const FlatEvent& event, std::string& name) {
  const Json* type = event.FirstOf({"type"});
  if (type == nullptr || !type->is_string()) return std::nullopt;
  const auto& kind = type->get_ref<const std::string&>();
  if (kind == "page" || kind == "screen") name = kind + "_view";
  if (kind == "track" || kind == "capture" || !name.empty()) return std::nullopt;
  return fmt::format("a '{}' call holds no event: only track, page and screen calls are stored",
                     kind.substr(0, 32));
}

/// `event`'s property texts are moved into the answer.
Judged JudgeEvent(FlatEvent& event, uint32_t index, int64_t receive_ms,
                  const EventBatchLimits& limits, const DateParser& dates) {
  if (!event.is_object)
    return std::string("not a JSON object: an event is {\"user_id\", \"event\", \"timestamp\"}");
  IncomingEvent out;
  out.index = index;

  const Json* properties = event.FirstOf({"properties"});
  const bool properties_object = properties != nullptr && properties->is_object();
  std::optional<std::string> user_text;
  const Json* user = event.FirstOf({"user_id", "userId", "distinct_id", "anonymousId"});
  // PostHog may send distinct_id among the properties.
  const FlatProperty* property_user =
      user == nullptr && properties_object ? event.FindProperty("distinct_id") : nullptr;
  const bool user_in_properties =
      property_user != nullptr && property_user->kind != FlatProperty::Kind::kNull;
  if (user == nullptr && !user_in_properties)
    return std::string("missing user: expected user_id (or userId, distinct_id, anonymousId)");
  if (user != nullptr) {
    user_text = IdText(*user);
  } else if (property_user->kind == FlatProperty::Kind::kString ||
             property_user->kind == FlatProperty::Kind::kInteger) {
    user_text = property_user->text;
  }
  if (!user_text || user_text->empty())
    return std::string("user_id must be a non-empty string or a whole number");
  if (user_text->size() > limits.max_name_bytes)
    return fmt::format("user_id over {} bytes", limits.max_name_bytes);
  out.user = std::move(*user_text);

  if (std::optional<std::string> reason = ReadCallType(event, out.event)) return std::move(*reason);
  const bool page_view = !out.event.empty();
  if (!page_view) {
    const Json* name = event.FirstOf({"event"});
    if (name == nullptr) return std::string("missing event: expected the event's name in 'event'");
    if (!name->is_string() || name->get_ref<const std::string&>().empty())
      return std::string("event must be a non-empty string");
    out.event = name->get<std::string>();
  }
  if (out.event.size() > limits.max_name_bytes)
    return fmt::format("event over {} bytes", limits.max_name_bytes);

  std::variant<int64_t, std::string> time = ReadTime(event, receive_ms, limits, dates);
  if (auto* reason = std::get_if<std::string>(&time)) return std::move(*reason);
  out.time_ms = std::get<int64_t>(time);

  if (const Json* count = event.FirstOf({"count"})) {
    const bool whole =
        count->is_number_integer() ||
        (count->is_number_float() && std::trunc(count->get<double>()) == count->get<double>());
    const double value = count->is_number() ? count->get<double>() : 0;
    if (!whole || value < 1 || value > kMaxCount)
      return fmt::format("count must be a whole number from 1 to {}", kMaxCount);
    out.count = static_cast<int32_t>(value);
  }

  if (const Json* uuid = event.FirstOf({"uuid", "messageId", "message_id"})) {
    std::optional<std::string> text = IdText(*uuid);
    if (!text || text->empty()) return std::string("uuid must be a non-empty string");
    if (text->size() > limits.max_name_bytes)
      return fmt::format("uuid over {} bytes", limits.max_name_bytes);
    out.uuid = std::move(*text);
  }

  if (properties != nullptr) {
    if (!properties_object) return std::string("properties must be a JSON object");
    if (std::optional<std::string> reason = ReadProperties(event, user_in_properties, limits, out))
      return std::move(*reason);
  }
  // A page call's name ("Pricing") is a property of its page_view, unless one is given.
  const Json* page = page_view ? event.FirstOf({"name"}) : nullptr;
  if (page != nullptr && page->is_string() &&
      page->get_ref<const std::string&>().size() <= limits.max_value_bytes &&
      (!properties_object || event.FindProperty("name") == nullptr))
    out.properties.emplace_back("name", page->get<std::string>());
  return out;
}

void Judge(FlatEvent& event, uint32_t index, int64_t receive_ms, const EventBatchLimits& limits,
           const DateParser& dates, EventBatch& batch) {
  Judged judged = JudgeEvent(event, index, receive_ms, limits, dates);
  if (auto* accepted = std::get_if<IncomingEvent>(&judged))
    batch.accepted.push_back(std::move(*accepted));
  else
    batch.rejected.push_back({index, std::get<std::string>(std::move(judged))});
}

Status TooMany(size_t events, const EventBatchLimits& limits) {
  return Status(ErrorCode::kDataError,
                fmt::format("the body holds {} events; at most {} per request: send them in "
                            "several batches",
                            events, limits.max_events));
}

std::string_view TrimSpace(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
    line.remove_suffix(1);
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  return line;
}

std::vector<std::string_view> NonBlankLines(std::string_view body) {
  std::vector<std::string_view> lines;
  while (!body.empty()) {
    const size_t end = body.find('\n');
    std::string_view line = TrimSpace(body.substr(0, end));
    if (!line.empty()) lines.push_back(line);
    body.remove_prefix(end == std::string_view::npos ? body.size() : end + 1);
  }
  return lines;
}

/// NDJSON: every non-blank line an event; a line that is not JSON is that event's rejection.
Result<EventBatch> ParseLines(const std::vector<std::string_view>& lines, int64_t receive_ms,
                              const EventBatchLimits& limits, const DateParser& dates) {
  if (lines.size() > limits.max_events) return TooMany(lines.size(), limits);
  EventBatch batch;
  for (size_t index = 0; index < lines.size(); ++index) {
    EventBody line = ReadEventBody(lines[index], /*whole_body=*/false, 1);
    if (!line.parsed) {
      batch.rejected.push_back({static_cast<uint32_t>(index),
                                fmt::format("line {} is not JSON: {}", index + 1, line.error)});
      continue;
    }
    Judge(line.events.front(), static_cast<uint32_t>(index), receive_ms, limits, dates, batch);
  }
  return batch;
}

}  // namespace

Result<EventBatch> ParseEventBatch(std::string_view body, int64_t receive_ms,
                                   const EventBatchLimits& limits) {
  const DateParser& dates = EventTimes();
  if (TrimSpace(body).empty())
    return Status(ErrorCode::kParseError,
                  "the body is empty: send a JSON array or NDJSON of events");

  EventBody whole = ReadEventBody(body, /*whole_body=*/true, limits.max_events);
  if (!whole.parsed) {
    // NDJSON when its first line is an event on its own; otherwise the JSON error stands.
    std::vector<std::string_view> lines = NonBlankLines(body);
    if (lines.size() > 1 && ReadEventBody(lines.front(), /*whole_body=*/false, 1).parsed)
      return ParseLines(lines, receive_ms, limits, dates);
    return Status(ErrorCode::kParseError,
                  fmt::format("the body is not JSON or NDJSON of events: {}", whole.error));
  }
  // Segment's and PostHog's batches
  if (whole.batch_not_array)
    return Status(ErrorCode::kParseError, "'batch' must be a JSON array of events");
  EventBatch batch;
  if (!whole.is_list) {  // one event
    Judge(whole.events.front(), 0, receive_ms, limits, dates, batch);
    return batch;
  }
  if (whole.listed > limits.max_events) return TooMany(whole.listed, limits);
  batch.accepted.reserve(whole.events.size());
  uint32_t index = 0;
  for (FlatEvent& event : whole.events) Judge(event, index++, receive_ms, limits, dates, batch);
  return batch;
}

void AddEvent(const nlohmann::json& event, uint32_t index, int64_t receive_ms,
              const EventBatchLimits& limits, EventBatch& batch) {
  FlatEvent flat = FlatEventOf(event);
  Judge(flat, index, receive_ms, limits, EventTimes(), batch);
}

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string EventBatchAnswerJson(const EventBatch& batch, size_t max_errors) {
  nlohmann::ordered_json answer;
  answer["received"] = batch.received();
  answer["accepted"] = batch.accepted.size();
  answer["rejected"] = batch.rejected.size();
  nlohmann::ordered_json errors = nlohmann::ordered_json::array();
  for (size_t i = 0; i < batch.rejected.size() && i < max_errors; ++i)
    errors.push_back({{"index", batch.rejected[i].index}, {"reason", batch.rejected[i].reason}});
  answer["errors"] = std::move(errors);
  return JsonText(answer);
}

}  // namespace growthlens::app
