#pragma once
// Reading ClickHouse's TabSeparated answers: a line's fields, backslash escapes, arrays as
// ClickHouse writes them in a TSV field (of strings or of numbers), and numbers, each failure a
// message naming what was expected. Shared by every query of the warehouse layer that reads
// aggregates back.
//
//   std::vector<std::string_view> fields = TsvFields(line);
//   GROWTHLENS_RETURN_IF_ERROR(ExpectTsvFields(fields, 3, "a feature's totals"));
//   int64_t events = 0;
//   GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[1], events, "the events"));

#include <charconv>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace growthlens::warehouse {

/// The TSV fields of one line (still escaped).
std::vector<std::string_view> TsvFields(std::string_view line);

/// The character ClickHouse's escape `\c` stands for, in TSV fields and quoted strings alike.
char UnescapedTsvChar(char c);

/// A TSV field with ClickHouse's backslash escapes undone (a copy when it has none).
std::string UnescapeTsv(std::string_view field);

/// The items of an array as ClickHouse writes it in TSV: ['a','b\'c'] or [1,2].
Result<std::vector<std::string>> TsvArrayItems(std::string_view text);

/// An error unless the line has `count` fields.
Status ExpectTsvFields(const std::vector<std::string_view>& fields, size_t count,
                       std::string_view what);

/// The errors of the parsers below: `text` is not a number, or not an array.
Status NotATsvNumber(std::string_view text, std::string_view what);
Status NotATsvArray(std::string_view text, std::string_view what);

/// `text` as a whole number or a double, else an error naming `what`.
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
