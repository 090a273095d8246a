#pragma once
// Reading ClickHouse's TabSeparated answers: a line's fields, backslash escapes, arrays as
// ClickHouse writes them in a TSV field, and numbers, each failure a message naming what was
// expected. Shared by every query of the warehouse layer that reads aggregates back.
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

/// A TSV field with ClickHouse's backslash escapes undone.
std::string UnescapeTsv(std::string_view field);

/// The items of an array as ClickHouse writes it in TSV: ['a','b\'c'] or [1,2].
Result<std::vector<std::string>> TsvArrayItems(std::string_view text);

/// An error unless the line has `count` fields.
Status ExpectTsvFields(const std::vector<std::string_view>& fields, size_t count,
                       std::string_view what);

/// `text` as a whole number or a double, else an error naming `what`.
template <typename T>
Status ParseTsvNumber(std::string_view text, T& value, std::string_view what) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc() && end == text.data() + text.size()) return Status::Ok();
  return Status(ErrorCode::kParseError, "ClickHouse answered '" + std::string(text) + "' for " +
                                            std::string(what) + ": expected a number");
}

}  // namespace growthlens::warehouse
