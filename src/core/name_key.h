#pragma once
// Names as people type them: "Can't Lose Them", "cant-lose-them" and "CANT LOSE THEM" are the
// same segment. NameKey keeps the letters and digits, lower-cased, and drops everything else.
//
//   if (NameKey(typed) == NameKey(RfmSegmentName(segment))) ...

#include <string>
#include <string_view>

namespace growthlens {

/// Lower-case ASCII letters and digits of `name`; other bytes (spaces, punctuation) are dropped.
inline std::string NameKey(std::string_view name) {
  std::string key;
  key.reserve(name.size());
  for (const char c : name) {
    if (c >= 'A' && c <= 'Z') {
      key += static_cast<char>(c - 'A' + 'a');
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      key += c;
    }
  }
  return key;
}

}  // namespace growthlens
