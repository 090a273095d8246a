#pragma once
// Reading ClickHouse's TabSeparated answers: a line's fields, numbers, escaped strings and
// arrays of numbers ([1,2,3]), with errors that say what was expected.
//
//   const std::vector<std::string_view> fields = TsvFields(line);
//   GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[1], first_day, "a first day"));

#include <charconv>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace growthlens::warehouse {

/// The fields of one TSV line, as written (escapes left in).
std::vector<std::string_view> TsvFields(std::string_view line);

/// The character ClickHouse's escape `\c` stands for, in TSV fields and quoted strings alike.
char UnescapedTsvChar(char c);

/// A field with ClickHouse's backslash escapes undone.
std::string UnescapedTsv(std::string_view field);

/// Fails unless the line has `count` fields.
Status ExpectTsvFields(const std::vector<std::string_view>& fields, size_t count,
                       std::string_view what);

/// The errors of the parsers below: `text` is not a number, or not an array.
Status NotATsvNumber(std::string_view text, std::string_view what);
Status NotATsvArray(std::string_view text, std::string_view what);

template <typename T>
Status ParseTsvNumber(std::string_view text, T& value, std::string_view what) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc() && end == text.data() + text.size()) return Status::Ok();
  return NotATsvNumber(text, what);
}

/// The items of an array of numbers as ClickHouse writes it: [1,2,3], [] when empty.
template <typename T>
Status ParseTsvNumberArray(std::string_view text, std::vector<T>& items, std::string_view what) {
  items.clear();
  if (text.size() < 2 || text.front() != '[' || text.back() != ']') return NotATsvArray(text, what);
  text = text.substr(1, text.size() - 2);
  if (text.empty()) return Status::Ok();
  for (;;) {  // an item before every comma and after the last: "[1,]" is malformed
    const size_t comma = text.find(',');
    T value{};
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(text.substr(0, comma), value, what));
    items.push_back(value);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return Status::Ok();
}

}  // namespace growthlens::warehouse
