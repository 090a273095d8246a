#pragma once
// One event of a collector's body as the judge of app/event_batch.cc reads it: its top-level
// fields and its properties' texts, without a JSON document of the whole body. ReadEventBody
// reads a body with nlohmann's SAX interface straight into these (no document per body: it was
// 8.5% of the collector's CPU); FlatEventOf makes one of a document (a stream message's event).
// Both give what the document would: for a key given twice the last value counts, properties in
// key order, nested values as the document's compact JSON text.

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace growthlens::app {

struct FlatProperty {
  enum class Kind : uint8_t { kNull, kString, kInteger, kOther };
  std::string key;
  std::string text;  // strings as they are, the rest as compact JSON; empty for null
  Kind kind = Kind::kNull;
};

struct FlatEvent {
  bool is_object = false;
  /// In body order; "properties" is an empty object here when its value is an object (then in
  /// `properties`).
  std::vector<std::pair<std::string, nlohmann::json>> fields;
  /// Of the last "properties" field when that is an object: by key, each key once (the last).
  std::vector<FlatProperty> properties;

  /// The field's last value; null when absent.
  const nlohmann::json* Find(std::string_view key) const;
  /// The first of `keys` with a value that is not null.
  const nlohmann::json* FirstOf(std::initializer_list<std::string_view> keys) const;
  const FlatProperty* FindProperty(std::string_view key) const;
};

/// An event given as a document.
FlatEvent FlatEventOf(const nlohmann::json& event);

/// What ReadEventBody found: a body's events (an array's, or a {"batch": [...]}'s, or one event
/// when the body is a single value), or why it is no JSON.
struct EventBody {
  bool parsed = false;
  std::string error;              // the parser's message when not parsed
  bool batch_not_array = false;   // a {"batch": ...} whose batch is not an array
  bool is_list = false;           // an array of events (or a batch's): else one event
  size_t listed = 0;              // the list's events, also those beyond `max_events`
  std::vector<FlatEvent> events;  // at most `max_events` of a list
};

/// `whole_body`: a top-level {"batch": [...]} is a batch and a top-level array a list of events;
/// otherwise (an NDJSON line) the value is one event whatever it is.
EventBody ReadEventBody(std::string_view text, bool whole_body, size_t max_events);

}  // namespace growthlens::app
