#pragma once
// Reads events from NDJSON (JSON Lines): one JSON object per line with the user (user_id or
// distinct_id), the event, its timestamp (ISO 8601 with or without offset, or epoch seconds or
// milliseconds, as a string or a number), an optional count and an optional `properties`
// object; other top-level keys are properties too (a uuid is not). The column options
// (--user-col, --time-col, --event-col, --count-col, --where) name top-level keys. Lines are
// cut into one chunk per thread and parsed in parallel into a StagedTable, which cleaning
// turns into an event log exactly as it does a CSV's; a line that is not a JSON object, or
// lacks the time or the event, is counted by reason with its line number.

#include <string>
#include <string_view>

#include "core/status.h"
#include "io/csv_table_reader.h"
#include "io/input_buffer.h"

namespace growthlens {

/// Whether a file should be read as NDJSON: named .ndjson or .jsonl (before a .gz), or, for
/// other names, text whose first non-blank character opens an object ("{").
bool IsNdjsonName(std::string_view name);
bool LooksLikeNdjson(std::string_view name, std::string_view text);

/// Reads `input` as NDJSON events. `name` is used in messages ("events.ndjson line 12: ...").
/// Uses options.date_format, columns (overrides, --where, properties), threads and
/// max_examples; the CSV-only options are ignored.
Result<CsvReadResult> ReadNdjson(InputBuffer& input, const std::string& name,
                                 const CsvReadOptions& options);

}  // namespace growthlens
