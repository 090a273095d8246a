#pragma once
// Parses one chunk of CSV records into a StagedChunk (the per-thread stage of the reader).

#include <atomic>
#include <string_view>

#include "io/column_mapping.h"
#include "io/csv_cursor.h"
#include "io/date_parser.h"
#include "io/input_buffer.h"
#include "io/staged_table.h"

namespace growthlens {

struct ChunkParseOptions {
  const ColumnMapping* mapping = nullptr;
  const DateParser* dates = nullptr;
  CsvDialect dialect;
  size_t max_examples = 5;                           // kept per issue
  size_t max_quoted_bytes = kDefaultMaxQuotedBytes;  // a longer quoted field is left open
  // The input the text belongs to, for its UTF-8 check and releasing pages (see TextWindow);
  // null for text that needs neither.
  const InputBuffer* input = nullptr;
  std::atomic<bool>* utf8_failed = nullptr;  // shared by the chunks of one read
};

/// Parses the records that start in text[begin, nominal_end); the last one may run past
/// nominal_end. Returns the offset where parsing stopped: the start of the first record at or
/// after nominal_end, which is where the next chunk must begin. Columns are reserved for the
/// rows expected in [begin, reserve_until), nominal_end when 0. Line numbers are counted from
/// `begin` plus `line_offset` (the lines before it, when known). Sets out.invalid_utf8 when
/// the input's text turned out not to be UTF-8 (the parse is then incomplete and void).
size_t ParseChunk(std::string_view text, size_t begin, size_t nominal_end,
                  const ChunkParseOptions& options, StagedChunk& out, size_t reserve_until = 0,
                  uint64_t line_offset = 0);

}  // namespace growthlens
