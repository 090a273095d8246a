#include "server/rounded_csv.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace growthlens::server {
namespace {

/// Whether `field` is a number to round: a sign, digits, then a point with more than `decimals`
/// digits or an exponent. Text such as "inf", "1,5" or "2024-01-02" is left alone.
bool NeedsRounding(std::string_view field, int decimals) {
  size_t pos = field.starts_with('-') ? 1 : 0;
  const size_t digits_start = pos;
  while (pos < field.size() && field[pos] >= '0' && field[pos] <= '9') ++pos;
  if (pos == digits_start) return false;
  size_t fraction = 0;
  if (pos < field.size() && field[pos] == '.') {
    ++pos;
    while (pos < field.size() && field[pos] >= '0' && field[pos] <= '9') ++pos, ++fraction;
  }
  bool exponent = false;
  if (pos < field.size() && (field[pos] == 'e' || field[pos] == 'E')) {
    exponent = true;
    ++pos;
    if (pos < field.size() && (field[pos] == '+' || field[pos] == '-')) ++pos;
    const size_t exponent_start = pos;
    while (pos < field.size() && field[pos] >= '0' && field[pos] <= '9') ++pos;
    if (pos == exponent_start) return false;
  }
  return pos == field.size() && (exponent || fraction > static_cast<size_t>(decimals));
}

void AppendRounded(std::string_view field, int decimals, std::string& out) {
  double value = 0;
  const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
  // Beyond 1e15 fixed notation would print digits a double does not have.
  if (error != std::errc() || end != field.data() + field.size() || !std::isfinite(value) ||
      std::fabs(value) >= 1e15) {
    out += field;
    return;
  }
  std::string text = fmt::format("{:.{}f}", value, decimals);
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  // "-0" is written as "0" (not by assigning "0": GCC 12 reports a false -Wrestrict on that).
  out += text == "-0" ? std::string_view("0") : std::string_view(text);
}

}  // namespace

std::string RoundCsvNumbers(std::string_view csv, int decimals) {
  std::string out;
  out.reserve(csv.size());
  size_t pos = 0;
  while (pos < csv.size()) {
    if (csv[pos] == '"') {  // a quoted field, kept as it is ("" is a quote inside it)
      size_t end = pos + 1;
      while (end < csv.size()) {
        if (csv[end] == '"') {
          if (end + 1 < csv.size() && csv[end + 1] == '"') {
            end += 2;
            continue;
          }
          ++end;
          break;
        }
        ++end;
      }
      out.append(csv.substr(pos, end - pos));
      pos = end;
    } else {
      size_t end = csv.find_first_of(",\r\n", pos);
      if (end == std::string_view::npos) end = csv.size();
      const std::string_view field = csv.substr(pos, end - pos);
      if (NeedsRounding(field, decimals))
        AppendRounded(field, decimals, out);
      else
        out.append(field);
      pos = end;
    }
    if (pos < csv.size() && csv[pos] != '"') out.push_back(csv[pos++]);  // , CR or LF
  }
  return out;
}

}  // namespace growthlens::server
