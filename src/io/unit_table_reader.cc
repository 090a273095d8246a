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

struct Chunk {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::vector<std::string> labels;
  std::vector<std::uint32_t> label;
  std::vector<std::vector<double>> values;
  std::vector<std::uint8_t> binary;
  ChunkError error;
};

std::string Shown(std::string_view cell) {
  return cell.empty() ? std::string("an empty cell") : fmt::format("'{}'", cell);
}

void ParseChunkRows(std::string_view text, const CsvPreview& preview,
                    const UnitTableRequest& request, Chunk& chunk) {
  const std::size_t expected_rows = static_cast<std::size_t>(
      std::count(text.begin() + static_cast<std::ptrdiff_t>(chunk.begin),
                 text.begin() + static_cast<std::ptrdiff_t>(chunk.end), '\n') +
      1);
  chunk.label.reserve(expected_rows);
  chunk.values.assign(request.columns.size(), {});
  for (std::vector<double>& column : chunk.values) column.reserve(expected_rows);
  chunk.binary.assign(request.columns.size(), 1);
  const bool decimal_comma = preview.delimiter != ',';
  CsvCursor cursor(text, CsvDialect{preview.delimiter, '"'}, chunk.begin, chunk.end);
  std::vector<std::string_view> fields;
  std::uint32_t last_code = 0;
  if (!request.label_column) chunk.labels.assign(1, std::string());
  auto fail = [&](std::size_t column, std::string message) {
    chunk.error = {cursor.record_start(), column, std::move(message)};
  };
  while (cursor.Next(fields)) {
    if (cursor.blank_line()) continue;
    if (cursor.unterminated_quote()) return fail(0, "a quoted field is not closed");
    if (fields.size() != preview.header.size()) {
      return fail(
          0, fmt::format("{} fields, the header has {}", fields.size(), preview.header.size()));
    }
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
        const auto found = std::find(chunk.labels.begin(), chunk.labels.end(), label);
        if (found == chunk.labels.end()) {
          if (chunk.labels.size() >= request.max_labels) {
            return fail(*request.label_column + 1,
                        fmt::format("column '{}' has more than {} distinct values; a {} column "
                                    "holds a few arm names",
                                    preview.header[*request.label_column], request.max_labels,
                                    request.label_meaning));
          }
          chunk.labels.emplace_back(label);
        }
        code = static_cast<std::uint32_t>(
            std::find(chunk.labels.begin(), chunk.labels.end(), label) - chunk.labels.begin());
        last_code = code;
      }
    }
    chunk.label.push_back(code);
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
      chunk.values[col_idx].push_back(*value);
    }
  }
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

}  // namespace

std::optional<double> ParseUnitValue(std::string_view text, bool decimal_comma) {
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
  ParallelFor(chunks.size(), threads, [&](std::size_t chunk_idx) {
    ParseChunkRows(text, preview, request, chunks[chunk_idx]);
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

  UnitTable table;
  std::vector<std::vector<std::uint32_t>> remap(chunks.size());
  std::vector<std::size_t> first_row(chunks.size() + 1, 0);
  for (std::size_t chunk_idx = 0; chunk_idx < chunks.size(); ++chunk_idx) {
    for (const std::string& label : chunks[chunk_idx].labels) {
      auto found = std::find(table.labels.begin(), table.labels.end(), label);
      if (found == table.labels.end()) {
        table.labels.push_back(label);
        found = table.labels.end() - 1;
      }
      remap[chunk_idx].push_back(static_cast<std::uint32_t>(found - table.labels.begin()));
    }
    first_row[chunk_idx + 1] = first_row[chunk_idx] + chunks[chunk_idx].label.size();
  }
  if (table.labels.size() > request.max_labels) {
    return Status(ErrorCode::kDataError,
                  fmt::format("{}: column '{}' has more than {} distinct values; a {} column "
                              "holds a few arm names",
                              name, preview.header[*request.label_column], request.max_labels,
                              request.label_meaning));
  }
  const std::size_t rows = first_row.back();
  table.binary.assign(request.columns.size(), true);
  for (const Chunk& chunk : chunks)
    for (std::size_t col_idx = 0; col_idx < request.columns.size(); ++col_idx)
      if (!chunk.binary[col_idx]) table.binary[col_idx] = false;
  if (chunks.size() == 1) {
    table.label = std::move(chunks[0].label);
    table.values = std::move(chunks[0].values);
    for (std::uint32_t& code : table.label) code = remap[0][code];
    return table;
  }
  table.label.resize(rows);
  table.values.assign(request.columns.size(), std::vector<double>(rows));
  ParallelFor(chunks.size(), threads, [&](std::size_t chunk_idx) {
    Chunk& chunk = chunks[chunk_idx];
    const std::size_t offset = first_row[chunk_idx];
    for (std::size_t row = 0; row < chunk.label.size(); ++row)
      table.label[offset + row] = remap[chunk_idx][chunk.label[row]];
    for (std::size_t col_idx = 0; col_idx < request.columns.size(); ++col_idx) {
      std::copy(chunk.values[col_idx].begin(), chunk.values[col_idx].end(),
                table.values[col_idx].begin() + static_cast<std::ptrdiff_t>(offset));
      std::vector<double>().swap(chunk.values[col_idx]);
    }
  });
  return table;
}

}  // namespace growthlens
