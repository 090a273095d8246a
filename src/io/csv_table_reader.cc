#include "io/csv_table_reader.h"

#include <algorithm>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "core/parallel.h"
#include "io/chunk_parser.h"
#include "io/encoding.h"
#include "io/staged_properties.h"

namespace growthlens {

namespace {

// Below this a second thread costs more than it saves.
constexpr size_t kMinBytesPerThread = 1 << 20;

unsigned ThreadCount(unsigned requested) {
  if (requested > 0) return requested;
  return std::max(1u, std::thread::hardware_concurrency());
}

// Reads the input once; nullopt when its unchecked text turned out not to be UTF-8.
Result<std::optional<CsvReadResult>> ReadText(const InputBuffer& input, const std::string& name,
                                              const CsvReadOptions& options) {
  const std::string_view text = input.text();
  CsvReadResult result;
  CsvSourceInfo& source = result.source;
  source = DescribeSource(input, name);

  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return Status(ErrorCode::kParseError, fmt::format("{}: the file is empty; expected a header "
                                                      "line followed by data rows",
                                                      name));
  const CsvDialect dialect{options.delimiter.value_or(DetectDelimiter(text)), '"'};
  source.delimiter = dialect.delimiter;

  CsvCursor header_cursor(text, dialect, 0, text.size());
  std::vector<std::string_view> header_fields;
  do {
    header_cursor.Next(header_fields);
  } while (header_cursor.blank_line() && header_cursor.position() < text.size());
  const size_t body_begin = header_cursor.position();
  if (input.utf8_unchecked() &&
      FirstInvalidUtf8(text.substr(0, body_begin)) != std::string_view::npos)
    return std::optional<CsvReadResult>();
  std::vector<std::string> header;
  for (std::string_view field : header_fields) {
    while (!field.empty() && field.front() == ' ') field.remove_prefix(1);
    while (!field.empty() && field.back() == ' ') field.remove_suffix(1);
    header.emplace_back(field);
  }
  Result<ColumnMapping> mapping = MapColumnsAndFilters(header, options.columns);
  if (!mapping.ok()) return mapping.status().WithContext(fmt::format("{} line 1", name));
  Result<DateParser> dates = DateParser::FromSpec(options.date_format);
  if (!dates.ok()) return dates.status();

  StagedTable& table = result.table;
  table.mapping = std::move(mapping).value();
  table.date_expectation = dates->Expected();
  const size_t body_bytes = text.size() - body_begin;
  const unsigned threads = static_cast<unsigned>(
      std::clamp<size_t>(body_bytes / kMinBytesPerThread, 1, ThreadCount(options.threads)));
  source.threads = threads;

  // Nominal chunk ends are cut evenly; starts are guessed at the next line break.
  std::vector<size_t> nominal_end(threads), begin(threads), stop(threads);
  for (unsigned chunk_idx = 0; chunk_idx < threads; ++chunk_idx) {
    const size_t cut = body_begin + body_bytes * (chunk_idx + 1) / threads;
    nominal_end[chunk_idx] = chunk_idx + 1 == threads ? text.size() : NextLineStart(text, cut - 1);
    begin[chunk_idx] = chunk_idx == 0 ? body_begin : nominal_end[chunk_idx - 1];
  }
  table.chunks.resize(threads);
  std::atomic<bool> utf8_failed = false;
  ChunkParseOptions parse_options{&table.mapping,       &dates.value(),           dialect,
                                  options.max_examples, options.max_quoted_bytes, &input,
                                  &utf8_failed};
  {
    std::vector<std::jthread> workers;
    for (unsigned chunk_idx = 1; chunk_idx < threads; ++chunk_idx)
      workers.emplace_back([&, chunk_idx] {
        stop[chunk_idx] = ParseChunk(text, begin[chunk_idx], nominal_end[chunk_idx], parse_options,
                                     table.chunks[chunk_idx]);
      });
    // Chunk 0 reserves room for every row, so the Dataset can grow inside its columns.
    stop[0] = ParseChunk(text, begin[0], nominal_end[0], parse_options, table.chunks[0],
                         /*reserve_until=*/text.size(), /*line_offset=*/header_cursor.newlines());
  }
  // A chunk must start where its predecessor stopped; otherwise its guess fell inside a quoted
  // field (or a record ran long), and it is parsed again from the right place.
  for (unsigned chunk_idx = 1; chunk_idx < threads; ++chunk_idx) {
    if (stop[chunk_idx - 1] == begin[chunk_idx]) continue;
    begin[chunk_idx] = stop[chunk_idx - 1];
    table.chunks[chunk_idx] = StagedChunk();
    stop[chunk_idx] = ParseChunk(text, begin[chunk_idx], nominal_end[chunk_idx], parse_options,
                                 table.chunks[chunk_idx]);
  }
  for (const StagedChunk& chunk : table.chunks)
    if (chunk.invalid_utf8) return std::optional<CsvReadResult>();

  MergeStagedChunks(table, header_cursor.newlines(), threads);
  MergeStagedProperties(table, threads);
  table.property_notes.insert(table.property_notes.begin(), table.mapping.property_notes.begin(),
                              table.mapping.property_notes.end());
  TotalStagedIssues(table, header_cursor.newlines(), options.max_examples);
  if (table.first_open_quote.line != 0 && !options.cut_unclosed_quotes) {
    const RowExample& open = table.first_open_quote;
    return Status(ErrorCode::kParseError,
                  fmt::format("{} line {}: {} (the line starts '{}'); close the quote, or pass "
                              "--unclosed-quotes cut to drop such records at their line end",
                              name, open.line, open.message, open.value));
  }
  if (table.dictionaries.countries.size() > UINT16_MAX)
    return Status(ErrorCode::kDataError,
                  fmt::format("{}: {} distinct countries; at most {} are supported", name,
                              table.dictionaries.countries.size(), UINT16_MAX));
  if (table.dictionaries.features.size() > UINT16_MAX)
    return Status(
        ErrorCode::kDataError,
        fmt::format("{}: {} distinct values in column {}; at most {} features are supported", name,
                    table.dictionaries.features.size(), table.mapping.NameOf(Role::kItem),
                    UINT16_MAX));
  return std::optional<CsvReadResult>(std::move(result));
}

}  // namespace

size_t NextLineStart(std::string_view text, size_t pos) {
  if (pos >= text.size()) return text.size();
  const void* newline = std::memchr(text.data() + pos, '\n', text.size() - pos);
  return newline == nullptr
             ? text.size()
             : static_cast<size_t>(static_cast<const char*>(newline) - text.data()) + 1;
}

CsvSourceInfo DescribeSource(const InputBuffer& input, const std::string& name) {
  CsvSourceInfo source;
  source.name = name;
  source.source_bytes = input.source_bytes();
  source.text_bytes = input.text().size();
  source.encoding = input.source_encoding();
  source.gzip = input.was_gzip();
  source.bom = input.had_bom();
  return source;
}

Result<CsvReadResult> ReadCsv(InputBuffer& input, const std::string& name,
                              const CsvReadOptions& options) {
  Result<std::optional<CsvReadResult>> read = ReadText(input, name, options);
  if (!read.ok()) return read.status();
  if (read->has_value()) return std::move(**read);
  GROWTHLENS_RETURN_IF_ERROR(input.OnInvalidUtf8(name));
  read = ReadText(input, name, options);
  if (!read.ok()) return read.status();
  if (!read->has_value())
    return Status(ErrorCode::kInternal, fmt::format("{}: the text is still not UTF-8", name));
  return std::move(**read);
}

}  // namespace growthlens
