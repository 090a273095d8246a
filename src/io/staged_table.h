#pragma once
// The parser's output before cleaning: every well-formed row with its values as parsed
// (including values the cleaning rules will reject), split into the chunks the threads read.
// Malformed rows never reach it; they are counted here by reason, with examples.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/column.h"
#include "core/dataset.h"
#include "core/dictionary.h"
#include "io/column_mapping.h"
#include "io/row_lines.h"
#include "io/staged_signups.h"

namespace growthlens {

/// A day or timestamp that could not be parsed (distinct from kNoDay, "not given").
inline constexpr Day kInvalidDay = INT32_MIN + 1;
inline constexpr Timestamp kInvalidTime = INT64_MIN;

/// Why a record could not be read as a row at all.
/// kUnparsableDate is raised by cleaning, and only when the invalid_date rule is off: such a
/// row cannot be placed in time, so it is malformed rather than kept.
enum class ParseIssue : uint8_t {
  kWrongFieldCount,
  kBadNumber,
  kUnterminatedQuote,
  kUnparsableDate,
  kBadJson,       // NDJSON: a line that is not one JSON object; CSV: a properties cell likewise
  kMissingField,  // NDJSON: a line without the user, time or event key
};
inline constexpr size_t kParseIssueCount = 6;
const char* ParseIssueName(ParseIssue issue);

/// One rejected record, for the report: where, which column, what was there, what was wanted.
struct RowExample {
  uint64_t line = 0;  // 1-based physical line where the record starts
  std::string column;
  std::string value;
  std::string message;
};

/// One event property of a chunk: a code per row into `values` ("" = not set, always code 0).
struct StagedProperty {
  std::string name;
  std::vector<uint32_t> codes;  // chunk rows; after the merge, codes into the table's values
  StringDictionary values;      // chunk-local until the merge, then emptied
};

/// The string dictionaries filled while parsing, by role.
struct StagedDictionaries {
  StringDictionary users, features, invoices, stock_codes, descriptions, countries;
};

struct StagedChunk {
  RowLines lines;  // physical line of each row (chunk-relative until the merge)

  // Usage logs and events (an event's name is its feature; a missing count stages as 1).
  Column<uint32_t> user;     // kNullCode when empty
  StagedSignups signup;      // kNoDay when absent, kInvalidDay when unparsable (2 bytes a row)
  Column<Day> day;           // kInvalidDay when unparsable
  Column<uint16_t> feature;  // features beyond 65,535 are refused by the reader
  Column<int32_t> events;
  Column<int32_t> ms_of_day;  // events only: UTC milliseconds since midnight

  // Transactions (user holds the customer).
  Column<uint32_t> invoice, stock_code, description, country;
  Column<int32_t> quantity;
  Column<Timestamp> time;  // kInvalidTime when unparsable
  Column<double> price;

  StagedDictionaries dictionaries;  // chunk-local until the merge, then emptied
  /// Events: property columns in order of first appearance in the chunk; after the merge, in
  /// the table's order (StagedTable::properties), each with a code per row.
  std::vector<StagedProperty> properties;
  std::vector<std::string> properties_over_limit;  // names past kMaxEventProperties

  uint64_t records = 0;  // data records seen (rows + malformed + filtered), blank lines excluded
  uint64_t blank_lines = 0;
  uint64_t filtered_out = 0;  // well-formed records a --where filter left out
  std::vector<RowExample> filtered_examples;
  uint64_t newlines = 0;      // line breaks consumed, to place the next chunk's lines
  bool invalid_utf8 = false;  // the text was not UTF-8: this chunk's parse is void
  std::array<uint64_t, kParseIssueCount> issue_counts{};
  std::array<std::vector<RowExample>, kParseIssueCount> issue_examples;
  RowExample first_open_quote;  // line 0: none; kept whatever max_examples is

  /// Every unparsable date with its text, so the report can show what was written.
  struct UnparsableDate {
    uint32_t row;   // row index in this chunk
    uint32_t text;  // code into unparsable_date_texts
    Role role;      // kTime or kSignup
  };
  std::vector<UnparsableDate> unparsable_dates;  // in row order
  StringDictionary unparsable_date_texts;        // chunk-local, never merged

  size_t rows() const { return user.size(); }  // every kind has a user column
};

/// Everything parsed from one input: chunks in file order sharing global dictionaries.
struct StagedTable {
  ColumnMapping mapping;
  std::vector<StagedChunk> chunks;  // their codes point into `dictionaries`
  StagedDictionaries dictionaries;
  /// Events: every property kept, its name and global dictionary ("" is code 0).
  std::vector<StagedProperty> properties;   // codes empty: they live in the chunks
  std::vector<std::string> property_notes;  // properties dropped and why, for the report

  uint64_t records = 0;
  uint64_t blank_lines = 0;
  uint64_t filtered_out = 0;  // left out by --where, first examples in file order
  std::vector<RowExample> filtered_examples;
  std::array<uint64_t, kParseIssueCount> issue_counts{};
  std::array<std::vector<RowExample>, kParseIssueCount>
      issue_examples;            // first ones, in file order
  RowExample first_open_quote;   // the first quote left open (line 0: none), file line
  std::string date_expectation;  // what a valid date looks like, for messages

  size_t rows() const {
    size_t total = 0;
    for (const StagedChunk& chunk : chunks) total += chunk.rows();
    return total;
  }
};

/// Folds the chunks' local codes into the table's dictionaries (chunk 0's become the global
/// ones) and makes chunk-relative line numbers file line numbers (`header_lines` before the
/// body). Dictionaries merge in order; the column rewrites run on `threads` threads.
void MergeStagedChunks(StagedTable& table, uint64_t header_lines, unsigned threads);
/// Totals the chunks' counts into the table and keeps the first examples, with file lines.
void TotalStagedIssues(StagedTable& table, uint64_t header_lines, size_t max_examples);

}  // namespace growthlens
