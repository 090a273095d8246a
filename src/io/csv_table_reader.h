#pragma once
// Reads a whole CSV input into a StagedTable using every core: the header is mapped onto the
// Dataset's roles, the body is cut into one chunk per thread at line breaks, chunks are parsed
// in parallel, and a chunk whose guessed start turns out to fall inside a quoted field is
// parsed again from where its predecessor really stopped, so the result never depends on
// where the cuts fell.

#include <atomic>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "io/column_mapping.h"
#include "io/csv_cursor.h"
#include "io/input_buffer.h"
#include "io/staged_table.h"

namespace growthlens {

struct CsvReadOptions {
  std::optional<char> delimiter;     // detected when not given
  std::string date_format = "auto";  // see DateParser::FromSpec
  ColumnOverrides columns;
  unsigned threads = 0;     // 0 = all hardware threads
  size_t max_examples = 5;  // kept per issue
  /// A quoted field not closed within this many bytes is a quote left open.
  size_t max_quoted_bytes = kDefaultMaxQuotedBytes;
  /// A quote left open (not closed within max_quoted_bytes or by the end of the input) is an
  /// error naming its line; with this, its record is cut at the line end and dropped, counted
  /// as unterminated_quote, and the next line read.
  bool cut_unclosed_quotes = false;
};

/// How the input was read, for the report.
struct CsvSourceInfo {
  std::string name;
  size_t source_bytes = 0;  // as stored (compressed for gzip)
  size_t text_bytes = 0;    // UTF-8 text parsed
  Encoding encoding = Encoding::kUtf8;
  bool gzip = false;
  bool bom = false;
  char delimiter = ',';
  bool json_lines = false;  // NDJSON (io/ndjson_reader.h), not CSV
  unsigned threads = 1;
};

struct CsvReadResult {
  StagedTable table;
  CsvSourceInfo source;
};

/// What the report says of an input before it is parsed: name, sizes, encoding, gzip, BOM.
CsvSourceInfo DescribeSource(const InputBuffer& input, const std::string& name);
/// Start of the line after `pos` (or the end of `text`): where a chunk of lines can begin.
size_t NextLineStart(std::string_view text, size_t pos);

/// `name` is used in messages ("orders.csv line 12: ..."). When the input left its UTF-8 check
/// to the reader and the text is not UTF-8, the input is settled (transcoded, or an error for
/// a forced UTF-8) and read again.
Result<CsvReadResult> ReadCsv(InputBuffer& input, const std::string& name,
                              const CsvReadOptions& options);

}  // namespace growthlens
