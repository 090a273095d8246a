#include "server/request_credentials.h"

#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include <array>
#include <vector>

namespace growthlens::server {

namespace {

std::string_view TrimmedSpaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

/// The credentials after `scheme` ("bearer", "basic") in an Authorization header, or "".
std::string_view SchemeCredentials(std::string_view authorization, std::string_view scheme) {
  authorization = TrimmedSpaces(authorization);
  if (authorization.size() <= scheme.size() || authorization[scheme.size()] != ' ') return {};
  for (size_t at = 0; at < scheme.size(); ++at)
    if ((authorization[at] | 0x20) != scheme[at]) return {};
  return TrimmedSpaces(authorization.substr(scheme.size() + 1));
}

/// Finds the key of a body of events without building it (BodyEventKey). Every object and array
/// opened is remembered with what it is; a key's name is judged by the object it is in.
class EventKeyFinder final : public nlohmann::json_sax<nlohmann::json> {
 public:
  enum class Place : unsigned char { kRoot, kEvents, kEvent, kProperties, kOther };

  std::string write_key;         // writeKey or api_key: the search stops
  std::string token;             // token of the body or an event
  std::string properties_token;  // properties.token

  bool null() override { return Value(); }
  bool boolean(bool) override { return Value(); }
  bool number_integer(number_integer_t) override { return Value(); }
  bool number_unsigned(number_unsigned_t) override { return Value(); }
  bool number_float(number_float_t, const string_t&) override { return Value(); }
  bool binary(binary_t&) override { return Value(); }
  bool string(string_t& value) override {
    if (!places_.empty() && (places_.back() == Place::kRoot || places_.back() == Place::kEvent)) {
      if (name_ == "writeKey" || name_ == "api_key") {
        write_key = value;
        return false;  // found: stop reading
      }
      if (name_ == "token" && token.empty()) token = value;
    } else if (!places_.empty() && places_.back() == Place::kProperties && name_ == "token" &&
               properties_token.empty()) {
      properties_token = value;
    }
    return Value();
  }
  bool start_object(std::size_t) override {
    places_.push_back(Inside(/*object=*/true));
    name_.clear();
    return true;
  }
  bool key(string_t& name) override {
    name_ = name;
    return true;
  }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t) override {
    places_.push_back(Inside(/*object=*/false));
    name_.clear();
    return true;
  }
  bool end_array() override { return Close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  /// What a container opened now is, from where it opens.
  Place Inside(bool object) const {
    if (places_.empty()) return object ? Place::kRoot : Place::kEvents;
    switch (places_.back()) {
      case Place::kRoot:
        if (!object && name_ == "batch") return Place::kEvents;
        return object && name_ == "properties" ? Place::kProperties : Place::kOther;
      case Place::kEvents:
        return object ? Place::kEvent : Place::kOther;
      case Place::kEvent:
        return object && name_ == "properties" ? Place::kProperties : Place::kOther;
      default:
        return Place::kOther;
    }
  }
  bool Value() {
    name_.clear();
    return true;
  }
  bool Close() {
    places_.pop_back();
    return Value();
  }

  std::vector<Place> places_;
  std::string name_;  // of the value being read, in an object
};

}  // namespace

std::string BearerToken(std::string_view authorization) {
  return std::string(SchemeCredentials(authorization, "bearer"));
}

std::string BasicAuthKey(std::string_view authorization) {
  constexpr size_t kMaxEncoded = 4096;
  const std::string_view encoded = SchemeCredentials(authorization, "basic");
  if (encoded.empty() || encoded.size() > kMaxEncoded || encoded.size() % 4 != 0) return "";
  std::array<unsigned char, kMaxEncoded / 4 * 3> decoded{};
  const int length =
      EVP_DecodeBlock(decoded.data(), reinterpret_cast<const unsigned char*>(encoded.data()),
                      static_cast<int>(encoded.size()));
  if (length < 0) return "";
  // EVP_DecodeBlock counts the bytes the padding stands for as zeros: drop them.
  size_t size = static_cast<size_t>(length);
  for (size_t pad = encoded.size(); pad > 0 && encoded[pad - 1] == '=' && size > 0; --pad) --size;
  const std::string_view credentials(reinterpret_cast<const char*>(decoded.data()), size);
  const size_t colon = credentials.find(':');
  if (colon == std::string_view::npos) return "";
  const std::string_view user = credentials.substr(0, colon);
  return std::string(user.empty() ? credentials.substr(colon + 1) : user);
}

std::string CookieValue(std::string_view cookie_header, std::string_view name) {
  std::string_view rest = cookie_header;
  while (!rest.empty()) {
    const size_t semicolon = rest.find(';');
    const std::string_view item = TrimmedSpaces(rest.substr(0, semicolon));
    rest = semicolon == std::string_view::npos ? std::string_view() : rest.substr(semicolon + 1);
    if (item.size() > name.size() && item.starts_with(name) && item[name.size()] == '=')
      return std::string(item.substr(name.size() + 1));
  }
  return "";
}

std::string LoginKey(std::string_view body, size_t max_length) {
  const nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return "";
  const auto key = json.find("key");
  if (key == json.end() || !key->is_string()) return "";
  const std::string& text = key->get_ref<const std::string&>();
  return text.size() <= max_length ? std::string(TrimmedSpaces(text)) : std::string();
}

std::string BodyEventKey(std::string_view body, size_t max_length) {
  EventKeyFinder finder;
  // Not strict: NDJSON's first line is read, and the rest of the body left alone.
  nlohmann::json::sax_parse(body, &finder, nlohmann::json::input_format_t::json, /*strict=*/false);
  const std::string& found = !finder.write_key.empty() ? finder.write_key
                             : !finder.token.empty()   ? finder.token
                                                       : finder.properties_token;
  return found.size() <= max_length ? std::string(TrimmedSpaces(found)) : std::string();
}

}  // namespace growthlens::server
