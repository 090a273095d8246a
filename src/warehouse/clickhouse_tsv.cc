#include "warehouse/clickhouse_tsv.h"

#include <fmt/format.h>

#include <algorithm>

namespace growthlens::warehouse {

char UnescapedTsvChar(char c) {
  switch (c) {
    case 'b':
      return '\b';
    case 'f':
      return '\f';
    case 't':
      return '\t';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case '0':
      return '\0';
    default:
      return c;
  }
}

std::vector<std::string_view> TsvFields(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  for (size_t tab; (tab = line.find('\t', start)) != std::string_view::npos; start = tab + 1)
    fields.push_back(line.substr(start, tab - start));
  fields.push_back(line.substr(start));
  return fields;
}

std::string UnescapeTsv(std::string_view field) {
  if (field.find('\\') == std::string_view::npos) return std::string(field);
  std::string out;
  out.reserve(field.size());
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 1 < field.size())
      out.push_back(UnescapedTsvChar(field[++i]));
    else
      out.push_back(field[i]);
  }
  return out;
}

/// The items of an array as ClickHouse writes it in TSV: ['a','b\'c'] or [1,2].
Result<std::vector<std::string>> TsvArrayItems(std::string_view text) {
  const auto malformed = [&] {
    return Status(ErrorCode::kParseError,
                  fmt::format("ClickHouse answered '{}' for an array: expected [a,b,...]",
                              text.substr(0, 200)));
  };
  if (text.size() < 2 || text.front() != '[' || text.back() != ']') return malformed();
  std::vector<std::string> items;
  size_t at = 1;
  const size_t end = text.size() - 1;
  while (at < end) {
    std::string item;
    if (text[at] == '\'') {
      for (++at; at < end && text[at] != '\''; ++at) {
        if (text[at] == '\\' && at + 1 < end)
          item.push_back(UnescapedTsvChar(text[++at]));
        else
          item.push_back(text[at]);
      }
      if (at >= end) return malformed();
      ++at;  // the closing quote
    } else {
      const size_t comma = std::min(text.find(',', at), end);
      item = std::string(text.substr(at, comma - at));
      at = comma;
    }
    items.push_back(std::move(item));
    if (at < end && text[at] != ',') return malformed();
    if (at < end) ++at;
  }
  return items;
}

Status NotATsvNumber(std::string_view text, std::string_view what) {
  return Status(
      ErrorCode::kParseError,
      fmt::format("ClickHouse answered '{}' for {}: expected a number", text.substr(0, 200), what));
}

Status NotATsvArray(std::string_view text, std::string_view what) {
  return Status(ErrorCode::kParseError,
                fmt::format("ClickHouse answered '{}' for {}: expected an array [1,2,...]",
                            text.substr(0, 200), what));
}

Status ExpectTsvFields(const std::vector<std::string_view>& fields, size_t count,
                       std::string_view what) {
  if (fields.size() == count) return Status::Ok();
  return Status(
      ErrorCode::kParseError,
      fmt::format("ClickHouse answered {} fields for {}: expected {}", fields.size(), what, count));
}

}  // namespace growthlens::warehouse
