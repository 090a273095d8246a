#pragma once
// Text fields as CSV writes them (RFC 4180), for the few strings the generators quote:
// product descriptions, countries and user-chosen feature names. They are quoted once, up
// front, so the per-row writers only copy bytes.

#include <string>
#include <string_view>

namespace growthlens::synth {

/// `text` as a CSV field: unchanged, or in double quotes with inner quotes doubled when it
/// holds a comma, a quote or a line break.
inline std::string QuoteCsvField(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

}  // namespace growthlens::synth
