#include "app/flat_event.h"

#include <algorithm>

namespace growthlens::app {

namespace {

using Json = nlohmann::json;

/// Sorts by key and keeps the last of each key, as a document's object does.
void SortProperties(std::vector<FlatProperty>& properties) {
  std::stable_sort(properties.begin(), properties.end(),
                   [](const FlatProperty& a, const FlatProperty& b) { return a.key < b.key; });
  size_t kept = 0;
  for (size_t index = 0; index < properties.size(); ++index) {
    if (index + 1 < properties.size() && properties[index + 1].key == properties[index].key)
      continue;  // a later value of the same key follows
    if (kept != index) properties[kept] = std::move(properties[index]);
    ++kept;
  }
  properties.resize(kept);
}

FlatProperty PropertyOf(std::string key, Json value) {
  FlatProperty property{std::move(key), {}, FlatProperty::Kind::kOther};
  if (value.is_null()) {
    property.kind = FlatProperty::Kind::kNull;
  } else if (value.is_string()) {
    property.kind = FlatProperty::Kind::kString;
    property.text = std::move(value.get_ref<std::string&>());
  } else {
    if (value.is_number_integer()) property.kind = FlatProperty::Kind::kInteger;
    property.text = value.dump();
  }
  return property;
}

/// The SAX handler of ReadEventBody. A stack of frames says what the next value is: an event of
/// the list, a field of an event, a property, a part of a nested value (built as a document:
/// rare), or something to skip (beyond the limit, or a batch that is not an array).
class BodyHandler final : public nlohmann::json_sax<Json> {
 public:
  BodyHandler(bool whole_body, size_t max_events, EventBody& out)
      : whole_body_(whole_body), max_events_(max_events), out_(out) {}

  bool null() override { return Scalar(Json(nullptr)); }
  bool boolean(bool value) override { return Scalar(Json(value)); }
  bool number_integer(number_integer_t value) override { return Scalar(Json(value)); }
  bool number_unsigned(number_unsigned_t value) override { return Scalar(Json(value)); }
  bool number_float(number_float_t value, const string_t& /*text*/) override {
    return Scalar(Json(value));
  }
  bool string(string_t& value) override {
    if (!frames_.empty() && frames_.back().role == Role::kProperties) {
      Frame& frame = frames_.back();
      frame.event->properties.push_back(
          {std::move(frame.key), std::move(value), FlatProperty::Kind::kString});
      return true;
    }
    return Scalar(Json(std::move(value)));
  }
  bool binary(binary_t& /*value*/) override { return Scalar(Json(nullptr)); }  // not in JSON text

  bool start_object(std::size_t /*elements*/) override { return Start(/*object=*/true); }
  bool start_array(std::size_t /*elements*/) override { return Start(/*object=*/false); }
  bool key(string_t& value) override {
    Frame& frame = frames_.back();
    frame.key = std::move(value);
    if ((frame.role == Role::kEvent || frame.role == Role::kRootEvent) && frame.key == "properties")
      frame.event->properties.clear();  // the last "properties" counts
    return true;
  }
  bool end_object() override { return End(); }
  bool end_array() override { return End(); }

  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& error) override {
    out_.error = error.what();
    return false;
  }

 private:
  enum class Role : uint8_t { kList, kEvent, kRootEvent, kProperties, kNested, kSkip };
  struct Frame {
    explicit Frame(Role role_of, FlatEvent* event_of = nullptr, Json* node_of = nullptr,
                   bool of_property = false)
        : role(role_of), event(event_of), node(node_of), property_value(of_property) {}
    Role role;
    FlatEvent* event;     // kEvent, kRootEvent, kProperties: whose
    Json* node;           // kNested: the container being built
    std::string key;      // of an object's next value
    bool property_value;  // kNested: the outermost of a property's value
  };

  /// Puts a scalar where the top frame says.
  bool Scalar(Json value) {
    if (frames_.empty()) {  // the whole text is one value that is no object: one event
      out_.events.emplace_back();
      return true;
    }
    Frame& frame = frames_.back();
    switch (frame.role) {
      case Role::kList:
        if (++out_.listed <= max_events_)
          (in_batch_ ? batch_events_ : out_.events).emplace_back();  // not an object
        return true;
      case Role::kRootEvent:
        if (frame.key == "batch") {
          BatchSeen(!value.is_null());
          return true;
        }
        [[fallthrough]];
      case Role::kEvent:
        frame.event->fields.emplace_back(std::move(frame.key), std::move(value));
        return true;
      case Role::kProperties:
        frame.event->properties.push_back(PropertyOf(std::move(frame.key), std::move(value)));
        return true;
      case Role::kNested:
        if (frame.node->is_object())
          (*frame.node)[frame.key] = std::move(value);
        else
          frame.node->push_back(std::move(value));
        return true;
      case Role::kSkip:
        return true;
    }
    return true;
  }

  void BatchSeen(bool not_null) {
    // The last "batch" counts: what an earlier one listed is forgotten.
    out_.batch_not_array = not_null;
    out_.is_list = false;
    out_.listed = 0;
    batch_events_.clear();
  }

  /// A container starts: the frame that says where its contents go (kSkip when not needed).
  bool Start(bool object) {
    Json empty = object ? Json::object() : Json::array();
    if (frames_.empty()) {
      if (!object && whole_body_) {
        out_.is_list = true;
        frames_.emplace_back(Role::kList);
      } else if (object) {
        out_.events.emplace_back();
        root_ = &out_.events.back();
        root_->is_object = true;
        frames_.emplace_back(whole_body_ ? Role::kRootEvent : Role::kEvent, root_);
      } else {
        out_.events.emplace_back();  // an NDJSON line that is an array: not an object
        frames_.emplace_back(Role::kSkip);
      }
      return true;
    }
    Frame& frame = frames_.back();
    switch (frame.role) {
      case Role::kList: {
        std::vector<FlatEvent>& events = in_batch_ ? batch_events_ : out_.events;
        if (++out_.listed > max_events_) {
          frames_.emplace_back(Role::kSkip);
        } else {
          events.emplace_back();
          if (object) {
            events.back().is_object = true;
            frames_.emplace_back(Role::kEvent, &events.back());
          } else {
            frames_.emplace_back(Role::kSkip);
          }
        }
        return true;
      }
      case Role::kRootEvent:
        if (frame.key == "batch") {
          BatchSeen(true);
          if (!object) {
            out_.batch_not_array = false;
            out_.is_list = true;
            in_batch_ = true;
            frames_.emplace_back(Role::kList);
          } else {
            frames_.emplace_back(Role::kSkip);
          }
          return true;
        }
        [[fallthrough]];
      case Role::kEvent: {
        FlatEvent* event = frame.event;
        if (object && frame.key == "properties") {
          event->fields.emplace_back(std::move(frame.key), Json::object());
          frames_.emplace_back(Role::kProperties, event);
          return true;
        }
        event->fields.emplace_back(std::move(frame.key), std::move(empty));
        frames_.emplace_back(Role::kNested, nullptr, &event->fields.back().second);
        return true;
      }
      case Role::kProperties:
        property_key_ = std::move(frame.key);
        property_value_ = std::move(empty);
        frames_.push_back(Frame(Role::kNested, frame.event, &property_value_, true));
        return true;
      case Role::kNested: {
        Json* child = nullptr;
        if (frame.node->is_object()) {
          child = &((*frame.node)[frame.key] = std::move(empty));
        } else {
          frame.node->push_back(std::move(empty));
          child = &frame.node->back();
        }
        frames_.emplace_back(Role::kNested, nullptr, child);
        return true;
      }
      case Role::kSkip:
        frames_.emplace_back(Role::kSkip);
        return true;
    }
    return true;
  }

  bool End() {
    Frame frame = std::move(frames_.back());
    frames_.pop_back();
    if (frame.role == Role::kProperties) SortProperties(frame.event->properties);
    if (frame.role == Role::kNested && frame.property_value)
      frame.event->properties.push_back(
          PropertyOf(std::move(property_key_), std::move(property_value_)));
    if (frame.role == Role::kList && in_batch_) in_batch_ = false;
    if (frames_.empty() && out_.is_list && root_ != nullptr) {
      // The root object was a batch: its events are the body's.
      out_.events = std::move(batch_events_);
    }
    return true;
  }

  bool whole_body_;
  size_t max_events_;
  EventBody& out_;
  std::vector<Frame> frames_;
  FlatEvent* root_ = nullptr;  // the root object, while it may be one event
  bool in_batch_ = false;
  std::vector<FlatEvent> batch_events_;  // a root object's batch
  std::string property_key_;  // a nested property value being built (properties hold scalars
  Json property_value_;       // of their own, so one at a time)
};

}  // namespace

const Json* FlatEvent::Find(std::string_view key) const {
  for (auto field = fields.rbegin(); field != fields.rend(); ++field)
    if (field->first == key) return &field->second;
  return nullptr;
}

const Json* FlatEvent::FirstOf(std::initializer_list<std::string_view> keys) const {
  for (const std::string_view key : keys) {
    const Json* value = Find(key);
    if (value != nullptr && !value->is_null()) return value;
  }
  return nullptr;
}

const FlatProperty* FlatEvent::FindProperty(std::string_view key) const {
  const auto found = std::lower_bound(
      properties.begin(), properties.end(), key,
      [](const FlatProperty& property, std::string_view wanted) { return property.key < wanted; });
  return found != properties.end() && found->key == key ? &*found : nullptr;
}

FlatEvent FlatEventOf(const Json& event) {
  FlatEvent flat;
  if (!event.is_object()) return flat;
  flat.is_object = true;
  flat.fields.reserve(event.size());
  for (const auto& [key, value] : event.items()) {
    if (key == "properties" && value.is_object()) {
      flat.fields.emplace_back(key, Json::object());
      flat.properties.reserve(value.size());
      for (const auto& [name, property] : value.items())  // by key already
        flat.properties.push_back(PropertyOf(name, property));
    } else {
      flat.fields.emplace_back(key, value);
    }
  }
  return flat;
}

EventBody ReadEventBody(std::string_view text, bool whole_body, size_t max_events) {
  EventBody body;
  BodyHandler handler(whole_body, max_events, body);
  body.parsed = Json::sax_parse(text.begin(), text.end(), &handler);
  if (!body.parsed) body.events.clear();
  return body;
}

}  // namespace growthlens::app
