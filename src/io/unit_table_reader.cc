#include "io/unit_table_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include <fmt/format.h>

#include "core/parallel.h"
#include "io/csv_cursor.h"
#include "io/number_parser.h"

namespace growthlens {
namespace {

constexpr std::size_t kNoOffset = std::numeric_limits<std::size_t>::max();
constexpr std::size_t kMinChunkBytes = std::size_t{1} << 20;

bool EqualsIgnoreCase(std::string_view text, std::string_view lower) {
  return text.size() == lower.size() &&
         std::equal(text.begin(), text.end(), lower.begin(), [](char a, char b) {
           return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
         });
}

/// The first failure of a chunk: where its record starts, the 1-based column (0: none), and
/// the message after "file:line:column: ".
struct ChunkError {
  std::size_t offset = kNoOffset;
  std::size_t column = 0;
  std::string message;
};

/// A run of records parsed by one thread straight into the table's columns, from row
/// `first_row` on; `capacity` rows are reserved for it (its line breaks).
struct Chunk {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t first_row = 0;
  std::size_t capacity = 0;
  std::size_t rows = 0;
  std::vector<std::string> labels;  // chunk-local codes, remapped after the merge
  std::vector<std::uint8_t> binary;
  ChunkError error;
};

std::string Shown(std::string_view cell) {
  return cell.empty() ? std::string("an empty cell") : fmt::format("'{}'", cell);
}

void ParseChunkRows(std::string_view text, const CsvPreview& preview,
                    const UnitTableRequest& request, Chunk& chunk, UnitTable& table) {
  chunk.binary.assign(request.columns.size(), 1);
  std::uint32_t* label_out = table.label.data() + chunk.first_row;
  std::vector<double*> value_out;
  for (Column<double>& column : table.values) value_out.push_back(column.data() + chunk.first_row);
  const bool decimal_comma = preview.delimiter != ',';
  CsvCursor cursor(text, CsvDialect{preview.delimiter, '"'}, chunk.begin, chunk.end);
  std::vector<std::string_view> fields;
  std::uint32_t last_code = 0;
  if (!request.label_column) chunk.labels.assign(1, std::string());
  auto fail = [&](std::size_t column, std::string message) {
    chunk.error = {cursor.record_start(), column, std::move(message)};
  };
  std::size_t row = 0;
  while (cursor.Next(fields)) {
    if (cursor.blank_line()) continue;
    if (cursor.unterminated_quote())
      return fail(0, fmt::format("a quoted field opened on this line is not closed (before the "
                                 "end of the file, or within {} bytes)",
                                 kDefaultMaxQuotedBytes));
    if (fields.size() != preview.header.size()) {
      if (cursor.quoted_line_breaks() > 0)
        return fail(0,
                    fmt::format("a quoted field runs over {} line breaks and leaves its record "
                                "with {} fields, the header has {}: a quote left open?",
                                cursor.quoted_line_breaks(), fields.size(), preview.header.size()));
      return fail(
          0, fmt::format("{} fields, the header has {}", fields.size(), preview.header.size()));
    }
    if (row == chunk.capacity) return fail(0, "more records than line breaks");  // never
    std::uint32_t code = 0;
    if (request.label_column) {
      const std::string_view label = fields[*request.label_column];
      if (label.empty()) {
        return fail(*request.label_column + 1,
                    fmt::format("column '{}': empty; every row needs a {}",
                                preview.header[*request.label_column], request.label_meaning));
      }
      if (last_code < chunk.labels.size() && chunk.labels[last_code] == label) {
        code = last_code;
      } else {
        auto found = std::find(chunk.labels.begin(), chunk.labels.end(), label);
        if (found == chunk.labels.end()) {
          if (chunk.labels.size() >= request.max_labels) {
            return fail(*request.label_column + 1,
                        fmt::format("column '{}' has more than {} distinct values; a {} column "
                                    "holds a few arm names",
                                    preview.header[*request.label_column], request.max_labels,
                                    request.label_meaning));
          }
          chunk.labels.emplace_back(label);
          found = chunk.labels.end() - 1;
        }
        code = static_cast<std::uint32_t>(found - chunk.labels.begin());
        last_code = code;
      }
    }
    label_out[row] = code;
    for (std::size_t col_idx = 0; col_idx < request.columns.size(); ++col_idx) {
      const UnitColumnRequest& column = request.columns[col_idx];
      const std::string_view cell = fields[column.index];
      const std::optional<double> value = ParseUnitValue(cell, decimal_comma);
      if (!value) {
        return fail(column.index + 1, fmt::format("column '{}': expected a number, found {}",
                                                  preview.header[column.index], Shown(cell)));
      }
      if (column.non_negative && *value < 0) {
        return fail(column.index + 1,
                    fmt::format("column '{}': expected a non-negative count, found '{}'",
                                preview.header[column.index], cell));
      }
      if (*value != 0.0 && *value != 1.0) chunk.binary[col_idx] = 0;
      value_out[col_idx][row] = *value;
    }
    ++row;
  }
  chunk.rows = row;
}

/// Chunk boundaries: one chunk when a quote could hide a line break, else cuts after line
/// breaks near equal shares of the body.
std::vector<Chunk> CutChunks(std::string_view text, std::size_t body, unsigned threads) {
  const std::size_t size = text.size() - body;
  const bool quoted = std::memchr(text.data() + body, '"', size) != nullptr;
  std::size_t count = quoted ? 1 : std::max<std::size_t>(1, size / kMinChunkBytes);
  count = std::min<std::size_t>(count, std::size_t{threads} * 4);
  std::vector<Chunk> chunks;
  std::size_t begin = body;
  for (std::size_t chunk_idx = 1; chunk_idx <= count; ++chunk_idx) {
    std::size_t end = text.size();
    if (chunk_idx < count) {
      const std::size_t nominal = body + size / count * chunk_idx;
      const std::size_t newline = text.find('\n', std::max(nominal, begin));
      end = newline == std::string_view::npos ? text.size() : newline + 1;
    }
    if (end > begin) {
      chunks.emplace_back();
      chunks.back().begin = begin;
      chunks.back().end = end;
    }
    begin = end;
  }
  return chunks;
}

/// Exact powers of ten up to 10^15 (all representable).
constexpr double kPowersOfTen[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

/// Clinger's fast path for the plain decimals exports are full of ("-12.34", "0", "7"): with
/// at most 15 digits the digits form an exact integer m < 2^53 and m / 10^k is one correctly
/// rounded division, the same double from_chars returns. nullopt for anything else.
std::optional<double> ParsePlainDecimal(std::string_view text) {
  size_t pos = 0;
  const bool negative = !text.empty() && text[0] == '-';
  pos += negative ? 1 : 0;
  std::uint64_t mantissa = 0;
  int digits = 0;
  int fraction = -1;  // digits after the point, -1 before it
  for (; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (c >= '0' && c <= '9') {
      mantissa = mantissa * 10 + static_cast<std::uint64_t>(c - '0');
      ++digits;
      if (fraction >= 0) ++fraction;
    } else if (c == '.' && fraction < 0) {
      fraction = 0;
    } else {
      return std::nullopt;
    }
  }
  if (digits == 0 || digits > 15 || fraction == 0) return std::nullopt;
  double value = static_cast<double>(mantissa);
  if (fraction > 0) value /= kPowersOfTen[fraction];
  return negative ? -value : value;
}

}  // namespace

std::optional<double> ParseUnitValue(std::string_view text, bool decimal_comma) {
  if (const std::optional<double> plain = ParsePlainDecimal(text)) return plain;
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc() && end == text.data() + text.size() && !text.empty()) {
    if (std::isfinite(value)) return value;
    return std::nullopt;
  }
  if (const std::optional<double> parsed = ParseDouble(text, decimal_comma)) {
    if (std::isfinite(*parsed)) return parsed;
    return std::nullopt;
  }
  if (EqualsIgnoreCase(text, "true")) return 1.0;
  if (EqualsIgnoreCase(text, "false")) return 0.0;
  return std::nullopt;
}

Result<CsvPreview> PreviewCsv(std::string_view text, const std::string& name,
                              std::size_t sample_rows) {
  CsvPreview preview;
  preview.delimiter = DetectDelimiter(text);
  CsvCursor cursor(text, CsvDialect{preview.delimiter, '"'}, 0, text.size());
  std::vector<std::string_view> fields;
  while (cursor.Next(fields)) {
    if (cursor.blank_line()) continue;
    if (preview.header.empty()) {
      preview.header.assign(fields.begin(), fields.end());
      preview.body_offset = cursor.position();
      continue;
    }
    if (preview.sample.size() >= sample_rows) break;
    preview.sample.emplace_back(fields.begin(), fields.end());
  }
  if (preview.header.empty()) {
    return Status(ErrorCode::kParseError, fmt::format("{}: empty file, expected a header", name));
  }
  return preview;
}

Result<UnitTable> ReadUnitTable(std::string_view text, const std::string& name,
                                const CsvPreview& preview, const UnitTableRequest& request) {
  const auto out_of_range = [&](std::size_t index) { return index >= preview.header.size(); };
  if ((request.label_column && out_of_range(*request.label_column)) ||
      std::any_of(request.columns.begin(), request.columns.end(),
                  [&](const UnitColumnRequest& column) { return out_of_range(column.index); })) {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{}: a requested column is past the header's {} columns", name,
                              preview.header.size()));
  }
  const unsigned threads = request.threads == 0 ? HardwareThreads() : request.threads;
  std::vector<Chunk> chunks = CutChunks(text, preview.body_offset, threads);
  // Rows are at most the line breaks (plus an unterminated last line): reserve that many per
  // chunk, so that every chunk parses straight into the columns.
  ParallelFor(chunks.size(), threads, [&](std::size_t chunk_idx) {
    Chunk& chunk = chunks[chunk_idx];
    const auto first = text.begin() + static_cast<std::ptrdiff_t>(chunk.begin);
    const auto last = text.begin() + static_cast<std::ptrdiff_t>(chunk.end);
    chunk.capacity = static_cast<std::size_t>(std::count(first, last, '\n')) +
                     (text[chunk.end - 1] != '\n' ? 1 : 0);
  });
  std::size_t capacity = 0;
  for (Chunk& chunk : chunks) {
    chunk.first_row = capacity;
    capacity += chunk.capacity;
  }
  UnitTable table;
  table.label.resize(capacity);  // default-initialised: first touched by the parsing thread
  table.values.resize(request.columns.size());
  for (Column<double>& column : table.values) column.resize(capacity);
  ParallelFor(chunks.size(), threads, [&](std::size_t chunk_idx) {
    ParseChunkRows(text, preview, request, chunks[chunk_idx], table);
  });

  // The first error in file order, with its line counted only now.
  for (const Chunk& chunk : chunks) {
    if (chunk.error.offset == kNoOffset) continue;
    const std::size_t line =
        static_cast<std::size_t>(std::count(
            text.begin(), text.begin() + static_cast<std::ptrdiff_t>(chunk.error.offset), '\n')) +
        1;
    const std::string where = chunk.error.column > 0
                                  ? fmt::format("{}:{}:{}", name, line, chunk.error.column)
                                  : fmt::format("{}:{}", name, line);
    return Status(ErrorCode::kParseError, fmt::format("{}: {}", where, chunk.error.message));
  }

  // Labels in first-seen order over the whole file; chunk codes remapped in place.
  std::vector<std::vector<std::uint32_t>> remap(chunks.size());
  for (std::size_t chunk_idx = 0; chunk_idx < chunks.size(); ++chunk_idx) {
    for (const std::string& label : chunks[chunk_idx].labels) {
      auto found = std::find(table.labels.begin(), table.labels.end(), label);
      if (found == table.labels.end()) {
        table.labels.push_back(label);
        found = table.labels.end() - 1;
      }
      remap[chunk_idx].push_back(static_cast<std::uint32_t>(found - table.labels.begin()));
    }
  }
  if (table.labels.size() > request.max_labels) {
    return Status(ErrorCode::kDataError,
                  fmt::format("{}: column '{}' has more than {} distinct values; a {} column "
                              "holds a few arm names",
                              name, preview.header[*request.label_column], request.max_labels,
                              request.label_meaning));
  }
  ParallelFor(chunks.size(), threads, [&](std::size_t chunk_idx) {
    const Chunk& chunk = chunks[chunk_idx];
    std::uint32_t* labels = table.label.data() + chunk.first_row;
    for (std::size_t row = 0; row < chunk.rows; ++row) labels[row] = remap[chunk_idx][labels[row]];
  });
  table.binary.assign(request.columns.size(), true);
  for (const Chunk& chunk : chunks)
    for (std::size_t col_idx = 0; col_idx < request.columns.size(); ++col_idx)
      if (!chunk.binary[col_idx]) table.binary[col_idx] = false;

  // Close the gaps blank lines left (none in most files), then drop the spare capacity.
  std::size_t rows = 0;
  for (const Chunk& chunk : chunks) {
    if (chunk.first_row != rows) {
      const auto move = [&](auto& column) {
        std::copy(column.begin() + static_cast<std::ptrdiff_t>(chunk.first_row),
                  column.begin() + static_cast<std::ptrdiff_t>(chunk.first_row + chunk.rows),
                  column.begin() + static_cast<std::ptrdiff_t>(rows));
      };
      move(table.label);
      for (Column<double>& column : table.values) move(column);
    }
    rows += chunk.rows;
  }
  table.label.resize(rows);
  for (Column<double>& column : table.values) column.resize(rows);
  return table;
}

}  // namespace growthlens
