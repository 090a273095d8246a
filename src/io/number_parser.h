#pragma once
// Number fields as exports write them: integers with an optional sign, decimals with a point
// or (when the delimiter is not a comma) a decimal comma, and integral decimals such as "6.0"
// where an integer is expected.

#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace growthlens {

/// Parses a decimal number; nullopt when `text` is not one. Leading/trailing spaces allowed.
inline std::optional<double> ParseDouble(std::string_view text, bool allow_decimal_comma) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  double value = 0;
  // from_chars also reads "nan" and "inf", which are not prices or counts.
  const char first = text.front() == '-' && text.size() > 1 ? text[1] : text.front();
  if (!((first >= '0' && first <= '9') || first == '.')) return std::nullopt;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc() && end == text.data() + text.size()) return value;
  if (allow_decimal_comma && text.find(',') != std::string_view::npos &&
      text.find('.') == std::string_view::npos) {
    std::string with_point(text);
    with_point[with_point.find(',')] = '.';
    auto [comma_end, comma_error] =
        std::from_chars(with_point.data(), with_point.data() + with_point.size(), value);
    if (comma_error == std::errc() && comma_end == with_point.data() + with_point.size())
      return value;
  }
  return std::nullopt;
}

/// Parses an int32; accepts integral decimals ("6.0"). nullopt when not an integer in range.
inline std::optional<int32_t> ParseInt32(std::string_view text) {
  // Fast path: plain digits with an optional minus sign.
  size_t pos = 0;
  const bool negative = !text.empty() && text[0] == '-';
  pos += negative ? 1 : 0;
  if (pos < text.size() && text.size() - pos <= 9) {
    int32_t value = 0;
    size_t digit_pos = pos;
    while (digit_pos < text.size() && text[digit_pos] >= '0' && text[digit_pos] <= '9')
      value = value * 10 + (text[digit_pos++] - '0');
    if (digit_pos == text.size()) return negative ? -value : value;
  }
  const std::optional<double> as_double = ParseDouble(text, /*allow_decimal_comma=*/false);
  if (!as_double || *as_double > std::numeric_limits<int32_t>::max() ||
      *as_double < std::numeric_limits<int32_t>::min() ||
      *as_double != static_cast<double>(static_cast<int64_t>(*as_double)))
    return std::nullopt;
  return static_cast<int32_t>(*as_double);
}

}  // namespace growthlens
