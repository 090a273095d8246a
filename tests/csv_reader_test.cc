// Reader edge cases: quoting, line endings, encodings, delimiters, headers, malformed rows,
// gzip input, strict mode and the parallel reader agreeing with the single-threaded one.

#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/dataset.h"
#include "core/date.h"
#include "core/dictionary.h"
#include "dataset_expect.h"
#include "dataset_kinds.h"
#include "io/column_mapping.h"
#include "io/csv_cursor.h"
#include "io/csv_table_reader.h"
#include "io/encoding.h"
#include "io/input_buffer.h"
#include "io/staged_signups.h"
#include "io/staged_table.h"
#include "prep/cleaning_report.h"
#include "prep/cleaning_rules.h"
#include "prep/ingest.h"
#include "test_data.h"

namespace growthlens {
namespace {

using testing::kRetailHeader;
using testing::kUsageHeader;

Result<CleanedData> Ingest(std::string text, const IngestOptions& options = {}) {
  return IngestText(std::move(text), "test.csv", options);
}

TEST(CsvReader, NumericAndOtherUserIdsKeepTheirOwnCodes) {
  // Decimal ids take a table indexed by value; leading zeros, long ids, ids past the table
  // and text must still be their own users, the same id one user wherever it recurs.
  const std::vector<std::string> ids = {"7",  "07", "0",  "12345678", "4194304", "4194303", "7",
                                        "x7", "00", "-7", "12345678", "4194304", "007",     "70"};
  std::string text(kUsageHeader);
  for (size_t row = 0; row < ids.size(); ++row)
    text += fmt::format("{},2025-01-01,2025-01-{:02d},Dashboard,1\n", ids[row], row + 2);
  const Result<CleanedData> result = Ingest(text);
  ASSERT_TRUE(result.ok()) << result.status().message();
  const UsageLog& log = UsageOf(result->dataset);
  ASSERT_EQ(log.rows(), ids.size());
  for (size_t row = 0; row < ids.size(); ++row)
    EXPECT_EQ(log.users[log.usage.user[row]], ids[row]) << "row " << row;
  EXPECT_EQ(log.users.size(), 11u);  // 14 rows, "7", "12345678" and "4194304" twice
  EXPECT_EQ(log.usage.user[0], log.usage.user[6]);
}

uint64_t MalformedCount(const CleaningReport& report, ParseIssue issue) {
  return report.malformed[static_cast<size_t>(issue)];
}

const std::vector<RowExample>& MalformedExamples(const CleaningReport& report, ParseIssue issue) {
  return report.malformed_examples[static_cast<size_t>(issue)];
}

std::vector<uint64_t> LinesOf(const std::vector<RowExample>& examples) {
  std::vector<uint64_t> lines;
  for (const RowExample& example : examples) lines.push_back(example.line);
  return lines;
}

// The strings of a transaction row, through the side tables.
std::string_view DescriptionOf(const Dataset& dataset, size_t row) {
  return TransactionsOf(dataset).descriptions
      [TransactionsOf(dataset).items.description[TransactionsOf(dataset).transactions.item[row]]];
}
std::string_view StockCodeOf(const Dataset& dataset, size_t row) {
  return TransactionsOf(dataset).stock_codes
      [TransactionsOf(dataset).items.stock_code[TransactionsOf(dataset).transactions.item[row]]];
}
std::string_view InvoiceOf(const Dataset& dataset, size_t row) {
  return TransactionsOf(dataset).invoices
      [TransactionsOf(dataset).orders.invoice[TransactionsOf(dataset).transactions.order[row]]];
}
std::string_view CountryOf(const Dataset& dataset, size_t row) {
  return TransactionsOf(dataset).countries
      [TransactionsOf(dataset).orders.country[TransactionsOf(dataset).transactions.order[row]]];
}
std::string_view CustomerOf(const Dataset& dataset, size_t row) {
  return dataset.users()[UserOfRow(dataset, row)];
}
double PriceOf(const Dataset& dataset, size_t row) {
  return TransactionsOf(dataset).prices[TransactionsOf(dataset).transactions.price[row]];
}
Timestamp TimeOf(const Dataset& dataset, size_t row) {
  return TransactionsOf(dataset).orders.time[TransactionsOf(dataset).transactions.order[row]];
}

Timestamp At(int year, int month, int day, int hour = 0, int minute = 0) {
  return static_cast<Timestamp>(DaysFromCivil(year, month, day)) * kSecondsPerDay + hour * 3600 +
         minute * 60;
}

// A fresh directory under the test temp dir, removed when the test ends.
class TempDir {
 public:
  explicit TempDir(const std::string& tag)
      : path_(std::filesystem::path(::testing::TempDir()) /
              fmt::format("growthlens_{}_{}", tag, ::getpid())) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

void WriteFile(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// ---------------------------------------------------------------------------------------------
// CsvCursor

TEST(CsvCursor, QuotedFieldsHoldDelimitersDoubledQuotesAndLineBreaks) {
  const std::string text =
      "a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\"\n"
      "plain,\"\",x\"y,\"ab\"cd\r\n"
      "\n"
      "last";
  CsvCursor cursor(text, {',', '"'}, 0, text.size());
  std::vector<std::string_view> fields;

  ASSERT_TRUE(cursor.Next(fields));
  ASSERT_EQ(fields.size(), 4u);
  EXPECT_EQ(fields[0], "a");
  EXPECT_EQ(fields[1], "b,c");
  EXPECT_EQ(fields[2], "say \"hi\"");
  EXPECT_EQ(fields[3], "two\nlines");
  EXPECT_EQ(cursor.record_newlines(), 0u);
  EXPECT_EQ(cursor.newlines(), 2u);  // the one inside the quotes and the one ending the record
  EXPECT_FALSE(cursor.blank_line());
  EXPECT_FALSE(cursor.unterminated_quote());

  ASSERT_TRUE(cursor.Next(fields));
  ASSERT_EQ(fields.size(), 4u);
  EXPECT_EQ(fields[0], "plain");
  EXPECT_EQ(fields[1], "");
  EXPECT_EQ(fields[2], "x\"y");  // a quote inside an unquoted field is an ordinary character
  EXPECT_EQ(fields[3], "abcd");  // text after a closing quote is kept
  EXPECT_EQ(cursor.record_newlines(), 2u);  // the record starts on the third physical line
  EXPECT_EQ(cursor.newlines(), 3u);         // CRLF is one line break

  ASSERT_TRUE(cursor.Next(fields));
  EXPECT_TRUE(cursor.blank_line());
  EXPECT_EQ(cursor.record_newlines(), 3u);

  ASSERT_TRUE(cursor.Next(fields));
  ASSERT_EQ(fields.size(), 1u);
  EXPECT_EQ(fields[0], "last");
  EXPECT_FALSE(cursor.blank_line());
  EXPECT_EQ(cursor.record_newlines(), 4u);
  EXPECT_EQ(cursor.position(), text.size());
  EXPECT_FALSE(cursor.Next(fields));
}

TEST(CsvCursor, UnterminatedQuoteRunsToTheEnd) {
  const std::string text = "a,\"never closed\nb,c\n";
  CsvCursor cursor(text, {',', '"'}, 0, text.size());
  std::vector<std::string_view> fields;
  ASSERT_TRUE(cursor.Next(fields));
  EXPECT_TRUE(cursor.unterminated_quote());
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[1], "never closed\nb,c\n");
  EXPECT_EQ(cursor.newlines(), 2u);
  EXPECT_FALSE(cursor.Next(fields));
}

// Issue 14.3: quoted fields that need unescaping in several columns of one record. Their
// copies must all stay valid until the next record (a copy made for a later column once moved
// the earlier ones, and their short, inline bytes, leaving the earlier views dangling).
TEST(CsvCursor, EveryUnescapedFieldOfARecordStaysValid) {
  for (int record = 0; record < 50; ++record) {
    // A fresh cursor each time: its storage grows while it reads its first record.
    const std::string text =
        fmt::format("\"{}\"\"\",2025-01-01,\"x\"\"{}\",\"Dash\"\"board\",\"a\"b{}\n", record,
                    record, std::string(static_cast<size_t>(record), 'z'));
    CsvCursor cursor(text, {',', '"'}, 0, text.size());
    std::vector<std::string_view> fields;
    ASSERT_TRUE(cursor.Next(fields));
    std::vector<std::string> copies;
    for (int filler = 0; filler < 8; ++filler) copies.emplace_back(24, '#');  // reuse freed memory
    ASSERT_EQ(fields.size(), 5u);
    EXPECT_EQ(fields[0], fmt::format("{}\"", record));
    EXPECT_EQ(fields[1], "2025-01-01");
    EXPECT_EQ(fields[2], fmt::format("x\"{}", record));
    EXPECT_EQ(fields[3], "Dash\"board");
    EXPECT_EQ(fields[4], "ab" + std::string(static_cast<size_t>(record), 'z'));
  }
}

// Records read one by one with Next(), as the reference.
struct ReadRecord {
  std::vector<std::string> fields;
  size_t start = 0;
  uint64_t newlines_before = 0;
  bool blank = false;
  bool operator==(const ReadRecord&) const = default;
};

std::vector<ReadRecord> ReadEveryRecordWithNext(std::string_view text, CsvDialect dialect) {
  CsvCursor cursor(text, dialect, 0, text.size());
  std::vector<ReadRecord> records;
  std::vector<std::string_view> fields;
  while (cursor.Next(fields))
    records.push_back({std::vector<std::string>(fields.begin(), fields.end()),
                       cursor.record_start(), cursor.record_newlines(), cursor.blank_line()});
  return records;
}

// The chunk parser's loop: plain records in batches that stop every `batch_bytes` (as at the
// end of each checked window), Next() for the records the plain path refuses.
std::vector<ReadRecord> ReadWithPlainPath(std::string_view text, CsvDialect dialect,
                                          size_t field_count, size_t batch_bytes,
                                          size_t& plain_records) {
  CsvCursor cursor(text, dialect, 0, text.size());
  std::vector<ReadRecord> records;
  std::vector<std::string_view> fields;
  std::vector<std::string_view> plain(field_count);
  while (cursor.position() < text.size()) {
    const size_t stop = std::min(text.size(), cursor.position() + batch_bytes);
    cursor.ReadPlainRecords(plain, stop, [&](std::span<const std::string_view> record) {
      records.push_back({std::vector<std::string>(record.begin(), record.end()),
                         cursor.record_start(), cursor.record_newlines(), false});
      ++plain_records;
    });
    if (cursor.position() >= stop) continue;
    if (!cursor.Next(fields)) break;
    records.push_back({std::vector<std::string>(fields.begin(), fields.end()),
                       cursor.record_start(), cursor.record_newlines(), cursor.blank_line()});
  }
  return records;
}

// A text of three-field records, most of them plain, mixed with everything the plain path must
// leave to Next(): quotes, two or four fields, blank lines, lone CRs, and CRLF endings whose LF
// falls at every offset of a 64-byte block (field lengths vary).
std::string MixedRecords(std::mt19937& random, char delimiter, bool final_line_break) {
  auto field = [&] {
    std::string text(random() % 24, 'x');
    for (char& c : text) c = static_cast<char>('a' + random() % 26);
    return text;
  };
  std::string text;
  for (int record = 0; record < 3000; ++record) {
    const auto shape = random() % 20;
    std::string line;
    if (shape == 0) {
      line = "";  // blank line
    } else if (shape == 1) {
      line = field() + delimiter + "\"" + field() + delimiter + "q\"\"\n\"" + delimiter + field();
    } else if (shape == 2) {
      line = field() + delimiter + field() + "\"in" + delimiter + field();
    } else if (shape == 3) {
      line = field() + delimiter + field();
    } else if (shape == 4) {
      line = field() + delimiter + field() + delimiter + field() + delimiter + field();
    } else {
      line = field() + delimiter + field() + delimiter + field();
    }
    const auto ending = random() % 8;
    text += line + (ending == 0 ? "\r" : ending <= 3 ? "\r\n" : "\n");
  }
  text += "last" + std::string(1, delimiter) + "b" + std::string(1, delimiter) + "c";
  if (final_line_break) text += "\r\n";
  return text;
}

TEST(CsvCursor, PlainRecordPathReadsWhatNextReads) {
  std::mt19937 random(20261123);
  for (const char delimiter : {',', ';'}) {
    for (const bool final_line_break : {false, true}) {
      const std::string text = MixedRecords(random, delimiter, final_line_break);
      const CsvDialect dialect{delimiter, '"'};
      const std::vector<ReadRecord> expected = ReadEveryRecordWithNext(text, dialect);
      for (const size_t batch_bytes :
           {size_t{1}, size_t{63}, size_t{64}, size_t{1000}, text.size()}) {
        size_t plain_records = 0;
        const std::vector<ReadRecord> got =
            ReadWithPlainPath(text, dialect, 3, batch_bytes, plain_records);
        ASSERT_EQ(got.size(), expected.size()) << "batch " << batch_bytes;
        for (size_t idx = 0; idx < expected.size(); ++idx)
          ASSERT_EQ(got[idx], expected[idx]) << "record " << idx << " batch " << batch_bytes;
        // The plain path did the bulk of the work (else this compares Next() with itself).
        EXPECT_GT(plain_records, expected.size() / 2) << "batch " << batch_bytes;
      }
    }
  }
}

TEST(CsvCursor, DetectsDelimiters) {
  EXPECT_EQ(DetectDelimiter("a,b,c\n1,2,3\n"), ',');
  EXPECT_EQ(DetectDelimiter("a;b;c\n1;2,5;3\n4;5,5;6\n"), ';');
  EXPECT_EQ(DetectDelimiter("a\tb\tc\n1\t2\t3\n"), '\t');
  EXPECT_EQ(DetectDelimiter("a|b|c\n1|2|3\n"), '|');
  EXPECT_EQ(DetectDelimiter("single\ncolumn\n"), ',');
}

// ---------------------------------------------------------------------------------------------
// Quoting through the whole reader

TEST(CsvReader, QuotedFieldsAndPhysicalLineNumbers) {
  std::string text(kRetailHeader);
  // Line 2-3: one record whose description holds a comma, doubled quotes and a line break.
  text +=
      "536365,85123A,\"WHITE, HANGING \"\"HEART\"\"\nT-LIGHT HOLDER\",6,2010-12-01 08:26,2.55,"
      "17850,United Kingdom\n";
  // Line 4-6: two line breaks inside one field.
  text += "536366,71053,\"LANTERN\n\nMETAL\",2,2010-12-01 08:28,3.39,17850,United Kingdom\n";
  text += "536367,84406B,CREAM CUPID,abc,2010-12-01 08:34,2.75,13047,United Kingdom\n";  // 7
  text += "536368,22960,JAM MAKING SET,3,2010-12-01 08:34,4.25,13047\n";                 // 8
  text += "536369,21756,\"BATH\nBUILDING\",3,2010-12-01 08:35,5.95,13047,France\n";      // 9-10
  text += "536370,22728,ALARM CLOCK,x,2010-12-01 08:45,3.75,12583,France\n";             // 11

  const Result<CleanedData> result = Ingest(text);
  ASSERT_TRUE(result.ok()) << result.status().message();
  const Dataset& dataset = result->dataset;
  const CleaningReport& report = result->report;

  ASSERT_EQ(dataset.rows(), 3u);
  EXPECT_EQ(DescriptionOf(dataset, 0), "WHITE, HANGING \"HEART\"\nT-LIGHT HOLDER");
  EXPECT_EQ(DescriptionOf(dataset, 1), "LANTERN\n\nMETAL");
  EXPECT_EQ(DescriptionOf(dataset, 2), "BATH\nBUILDING");
  EXPECT_EQ(StockCodeOf(dataset, 0), "85123A");
  EXPECT_EQ(TransactionsOf(dataset).transactions.quantity[0], 6);
  EXPECT_DOUBLE_EQ(PriceOf(dataset, 0), 2.55);
  EXPECT_EQ(CountryOf(dataset, 2), "France");
  EXPECT_EQ(TimeOf(dataset, 1), At(2010, 12, 1, 8, 28));

  EXPECT_EQ(report.records, 6u);
  EXPECT_EQ(report.blank_lines, 0u);  // the empty line inside quotes is not a blank line
  EXPECT_EQ(MalformedCount(report, ParseIssue::kBadNumber), 2u);
  EXPECT_EQ(LinesOf(MalformedExamples(report, ParseIssue::kBadNumber)),
            (std::vector<uint64_t>{7, 11}));
  EXPECT_EQ(MalformedCount(report, ParseIssue::kWrongFieldCount), 1u);
  EXPECT_EQ(LinesOf(MalformedExamples(report, ParseIssue::kWrongFieldCount)),
            (std::vector<uint64_t>{8}));
  EXPECT_EQ(report.rows_kept, 3u);
}

// Issue 14.3: the audit's row, an escaped quote in the first and fourth fields.
TEST(CsvReader, EscapedQuotesInSeveralFieldsOfARecordKeepTheirValues) {
  std::string text(kUsageHeader);
  for (int row = 0; row < 20; ++row)
    text += fmt::format("\"{}\"\"\",2025-01-01,2025-01-02,\"Dash\"\"board\",3\n", row);
  const Result<CleanedData> result = Ingest(text);
  ASSERT_TRUE(result.ok()) << result.status().message();
  const Dataset& dataset = result->dataset;
  ASSERT_EQ(dataset.rows(), 20u);
  EXPECT_TRUE(dataset.users().Find("1\"").has_value());
  EXPECT_TRUE(dataset.users().Find("19\"").has_value());
  ASSERT_EQ(UsageOf(dataset).features.size(), 1u);
  EXPECT_EQ(UsageOf(dataset).features[0], "Dash\"board");
}

// ---------------------------------------------------------------------------------------------
// Line endings

TEST(CsvReader, LfCrlfAndMixedLineEndingsReadTheSame) {
  const std::vector<std::string> rows = {
      "u1,2023-01-01,2023-01-02,search,3", "u2,2023-01-01,2023-01-03,export,1",
      "u3,,2023-01-04,search", "u1,2023-01-01,2023-01-05,\"multi\nline\",2",
      "u4,2023-01-02,2023-01-06,share,4"};
  std::string lf(kUsageHeader),
      crlf("user_id,signup_date,event_date,feature_name,events_count\r\n"), mixed(kUsageHeader);
  for (size_t row_idx = 0; row_idx < rows.size(); ++row_idx) {
    lf += rows[row_idx] + "\n";
    crlf += rows[row_idx] + "\r\n";
    mixed += rows[row_idx] + (row_idx % 2 == 0 ? "\r\n" : "\n");
  }
  // The last line of the mixed file has no line break at all.
  mixed.pop_back();
  mixed.pop_back();

  for (const std::string* text : {&lf, &crlf, &mixed}) {
    SCOPED_TRACE(*text);
    const Result<CleanedData> result = Ingest(*text);
    ASSERT_TRUE(result.ok()) << result.status().message();
    const Dataset& dataset = result->dataset;
    ASSERT_EQ(dataset.rows(), 4u);
    // No carriage return leaks into the last field (events_count parses) or any string.
    EXPECT_EQ(UsageOf(dataset).usage.events, (Column<int32_t>{3, 1, 2, 4}));
    ASSERT_EQ(UsageOf(dataset).features.size(), 4u);
    EXPECT_EQ(UsageOf(dataset).features[0], "search");
    EXPECT_EQ(UsageOf(dataset).features[1], "export");
    EXPECT_EQ(UsageOf(dataset).features[2], "multi\nline");
    EXPECT_EQ(UsageOf(dataset).features[3], "share");
    EXPECT_EQ(dataset.users()[UsageOf(dataset).usage.user[3]], "u4");
    EXPECT_EQ(UsageOf(dataset).usage.day[3], DaysFromCivil(2023, 1, 6));
    EXPECT_EQ(result->report.records, 5u);
    EXPECT_EQ(MalformedCount(result->report, ParseIssue::kWrongFieldCount), 1u);
    EXPECT_EQ(LinesOf(MalformedExamples(result->report, ParseIssue::kWrongFieldCount)),
              (std::vector<uint64_t>{4}));
  }
}

TEST(CsvReader, CrlfInsideQuotedFieldIsKeptAndCountedAsOneLine) {
  std::string text = "user_id,signup_date,event_date,feature_name,events_count\r\n";
  text += "u1,2023-01-01,2023-01-02,\"a\r\nb\",1\r\n";  // lines 2-3
  text += "u2,2023-01-01,2023-01-02,search,zz\r\n";     // line 4
  const Result<CleanedData> result = Ingest(text);
  ASSERT_TRUE(result.ok()) << result.status().message();
  ASSERT_EQ(result->dataset.rows(), 1u);
  EXPECT_EQ(UsageOf(result->dataset).features[0], "a\r\nb");
  EXPECT_EQ(LinesOf(MalformedExamples(result->report, ParseIssue::kBadNumber)),
            (std::vector<uint64_t>{4}));
}

// ---------------------------------------------------------------------------------------------
// Encodings

TEST(CsvReader, Utf8BomIsSkippedAndReported) {
  std::string text = "\xEF\xBB\xBF";
  text += kUsageHeader;
  text += "u1,2023-01-01,2023-01-02,search,3\n";
  const Result<CleanedData> result = Ingest(text);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_TRUE(result->report.source.bom);
  EXPECT_EQ(result->report.source.encoding, Encoding::kUtf8);
  EXPECT_EQ(result->report.schema, SchemaName::kUsageLog);
  ASSERT_FALSE(result->report.columns.empty());
  EXPECT_EQ(result->report.columns[0].first, "user");
  EXPECT_EQ(result->report.columns[0].second, "user_id");  // no BOM bytes in the name
  ASSERT_EQ(result->dataset.rows(), 1u);
  EXPECT_EQ(result->dataset.users()[0], "u1");

  const Result<CleanedData> without = Ingest(std::string(kUsageHeader) + "u1,,2023-01-02,a,1\n");
  ASSERT_TRUE(without.ok()) << without.status().message();
  EXPECT_FALSE(without->report.source.bom);
}

TEST(CsvReader, SingleByteEncodingsAreTranscoded) {
  std::string text(kRetailHeader);
  text += "536365,POST,POSTAGE \xA3 5 \x80,1,2010-12-01 08:26,5,12583,France\n";
  text +=
      "536366,GIFT,CAF\xC9 GIFT,1,2010-12-01 08:27,2,12583,Espa\xF1"
      "a\n";

  {
    const Result<CleanedData> result = Ingest(text);  // auto: not UTF-8, so Windows-1252
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_EQ(result->report.source.encoding, Encoding::kWindows1252);
    ASSERT_EQ(result->dataset.rows(), 2u);
    EXPECT_EQ(DescriptionOf(result->dataset, 0), "POSTAGE \xC2\xA3 5 \xE2\x82\xAC");
    EXPECT_EQ(DescriptionOf(result->dataset, 1), "CAF\xC3\x89 GIFT");
    EXPECT_EQ(CountryOf(result->dataset, 1),
              "Espa\xC3\xB1"
              "a");
  }
  {
    IngestOptions options;
    options.encoding = Encoding::kWindows1252;
    const Result<CleanedData> result = Ingest(text, options);
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_EQ(result->report.source.encoding, Encoding::kWindows1252);
    EXPECT_EQ(DescriptionOf(result->dataset, 0), "POSTAGE \xC2\xA3 5 \xE2\x82\xAC");
  }
  {
    IngestOptions options;
    options.encoding = Encoding::kLatin1;  // 0x80 is a C1 control in Latin-1
    const Result<CleanedData> result = Ingest(text, options);
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_EQ(result->report.source.encoding, Encoding::kLatin1);
    EXPECT_EQ(DescriptionOf(result->dataset, 0), "POSTAGE \xC2\xA3 5 \xC2\x80");
    EXPECT_EQ(DescriptionOf(result->dataset, 1), "CAF\xC3\x89 GIFT");
  }
  {
    // Already UTF-8: auto leaves the bytes alone.
    std::string utf8(kRetailHeader);
    utf8 += "536365,POST,POSTAGE \xC2\xA3 5 \xE2\x82\xAC,1,2010-12-01 08:26,5,12583,France\n";
    const Result<CleanedData> result = Ingest(utf8);
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_EQ(result->report.source.encoding, Encoding::kUtf8);
    EXPECT_EQ(DescriptionOf(result->dataset, 0), "POSTAGE \xC2\xA3 5 \xE2\x82\xAC");
  }
}

TEST(CsvReader, EncodingHelpers) {
  EXPECT_EQ(TranscodeToUtf8("\xA3\x80\x9F", Encoding::kWindows1252),
            "\xC2\xA3\xE2\x82\xAC\xC5\xB8");
  EXPECT_EQ(TranscodeToUtf8("\xA3\x80", Encoding::kLatin1), "\xC2\xA3\xC2\x80");
  EXPECT_TRUE(IsValidUtf8("plain \xC2\xA3 \xE2\x82\xAC \xF0\x9F\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_EQ(FirstInvalidUtf8("abcdefghij\xA3k"), 10u);
  EXPECT_EQ(ParseEncodingName("CP1252"), Encoding::kWindows1252);
  EXPECT_EQ(ParseEncodingName("ISO-8859-1"), Encoding::kLatin1);
  EXPECT_EQ(ParseEncodingName("ebcdic"), std::nullopt);
}

std::string TextWithInvalidUtf8OnLine4() {
  std::string text(kRetailHeader);
  text += "536365,A,\"QUOTED\nTWO LINES\",1,2010-12-01 08:26,5,12583,France\n";  // lines 2-3
  text += "536366,B,POUND \xA3,1,2010-12-01 08:27,2,12583,France\n";             // line 4
  return text;
}

TEST(CsvReader, InvalidUtf8WithForcedUtf8IsAnErrorNamingTheLine) {
  IngestOptions options;
  options.encoding = Encoding::kUtf8;
  const Result<CleanedData> result = Ingest(TextWithInvalidUtf8OnLine4(), options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), ErrorCode::kParseError);
  EXPECT_NE(result.status().message().find("line 4"), std::string::npos)
      << result.status().message();
  EXPECT_NE(result.status().message().find("0xA3"), std::string::npos) << result.status().message();

  TempDir dir("invalid_utf8");
  const std::string path = dir.File("bad_bytes.csv");
  WriteFile(path, TextWithInvalidUtf8OnLine4());
  const Result<CleanedData> from_file = IngestFile(path, options);
  ASSERT_FALSE(from_file.ok());
  EXPECT_NE(from_file.status().message().find("bad_bytes.csv line 4"), std::string::npos)
      << from_file.status().message();
}

TEST(CsvReader, InvalidUtf8ErrorFromTextNamesTheGivenName) {
  // IngestText documents that `name` stands for the file in messages.
  IngestOptions options;
  options.encoding = Encoding::kUtf8;
  const Result<CleanedData> result =
      IngestText(TextWithInvalidUtf8OnLine4(), "upload.csv", options);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("upload.csv line 4"), std::string::npos)
      << result.status().message();
}

// ---------------------------------------------------------------------------------------------
// Malformed records

TEST(CsvReader, RaggedRowsAreCountedWithLinesAndKeptOut) {
  std::string text(kUsageHeader);
  text += "u1,2023-01-01,2023-01-02,search,3\n";        // 2
  text += "u2,2023-01-01,2023-01-02,search\n";          // 3: too few
  text += "u3,2023-01-01,2023-01-02,export,1\n";        // 4
  text += "u4,2023-01-01,2023-01-02,export,1,extra\n";  // 5: too many
  text += "u5\n";                                       // 6: too few
  text += "u6,2023-01-01,2023-01-03,\"a,b\",2\n";       // 7: a quoted comma is not extra
  const Result<CleanedData> result = Ingest(text);
  ASSERT_TRUE(result.ok()) << result.status().message();
  const CleaningReport& report = result->report;
  EXPECT_EQ(report.records, 6u);
  EXPECT_EQ(MalformedCount(report, ParseIssue::kWrongFieldCount), 3u);
  const std::vector<RowExample>& examples = MalformedExamples(report, ParseIssue::kWrongFieldCount);
  EXPECT_EQ(LinesOf(examples), (std::vector<uint64_t>{3, 5, 6}));
  ASSERT_EQ(examples.size(), 3u);
  EXPECT_NE(examples[0].message.find("expected 5 fields, found 4"), std::string::npos)
      << examples[0].message;
  EXPECT_NE(examples[1].message.find("found 6"), std::string::npos) << examples[1].message;
  EXPECT_EQ(report.rows_kept, 3u);
  EXPECT_EQ(report.MalformedTotal(), 3u);

  const Dataset& dataset = result->dataset;
  ASSERT_EQ(dataset.rows(), 3u);
  EXPECT_EQ(dataset.users().size(), 3u);
  EXPECT_FALSE(dataset.users().Find("u2").has_value());
  EXPECT_FALSE(dataset.users().Find("u4").has_value());
  EXPECT_FALSE(dataset.users().Find("u5").has_value());
  EXPECT_EQ(UsageOf(dataset).features[UsageOf(dataset).usage.feature[2]], "a,b");
}

TEST(CsvReader, UnterminatedQuoteIsAnErrorOrCutAtItsLineEnd) {
  std::string text(kUsageHeader);
  text += "u1,2023-01-01,2023-01-02,search,3\n";    // 2
  text += "u2,2023-01-01,2023-01-02,\"search,3\n";  // 3: the quote is never closed
  text += "u3,2023-01-01,2023-01-02,export,1\n";    // once swallowed by the open quote
  const Result<CleanedData> failed = Ingest(text);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), ErrorCode::kParseError);
  EXPECT_NE(failed.status().message().find("test.csv line 3: a quoted field is not closed"),
            std::string::npos)
      << failed.status().message();

  IngestOptions cut;
  cut.read.cut_unclosed_quotes = true;
  const Result<CleanedData> result = Ingest(text, cut);
  ASSERT_TRUE(result.ok()) << result.status().message();
  const CleaningReport& report = result->report;
  EXPECT_EQ(MalformedCount(report, ParseIssue::kUnterminatedQuote), 1u);
  EXPECT_EQ(LinesOf(MalformedExamples(report, ParseIssue::kUnterminatedQuote)),
            (std::vector<uint64_t>{3}));
  EXPECT_EQ(report.records, 3u);
  EXPECT_EQ(report.rows_kept, 2u);
  ASSERT_EQ(result->dataset.rows(), 2u);
  EXPECT_EQ(result->dataset.users()[0], "u1");
  EXPECT_FALSE(result->dataset.users().Find("u2").has_value());
  EXPECT_TRUE(result->dataset.users().Find("u3").has_value());
}

TEST(CsvReader, EmptyFileIsAnError) {
  for (const std::string& text : {std::string(), std::string(40, '\n'),
                                  std::string(" \r\n\t\n") + std::string(30, ' ') + "\r\n"}) {
    const Result<CleanedData> result = Ingest(text);
    ASSERT_FALSE(result.ok()) << '"' << text << '"';
    EXPECT_EQ(result.status().code(), ErrorCode::kParseError);
    EXPECT_NE(result.status().message().find("empty"), std::string::npos)
        << result.status().message();
    EXPECT_NE(result.status().message().find("test.csv"), std::string::npos)
        << result.status().message();
  }
}

// Texts short enough for std::string's small-buffer optimisation: the buffer's view must
// follow the bytes when the InputBuffer is moved (as returning it in a Result does).
TEST(CsvReader, ShortTextsSurviveBeingMoved) {
  const Result<InputBuffer> first = InputBuffer::FromText("id,x\n", Encoding::kUtf8);
  const Result<InputBuffer> second = InputBuffer::FromText("zz,yy\n", Encoding::kUtf8);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->text(), "id,x\n");
  EXPECT_EQ(second->text(), "zz,yy\n");

  // Whitespace-only inputs of a few bytes are empty files too.
  for (const char* text : {"\n\n", " \r\n\t\n"}) {
    const Result<CleanedData> result = Ingest(text);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), ErrorCode::kParseError) << result.status().message();
    EXPECT_NE(result.status().message().find("empty"), std::string::npos)
        << result.status().message();
  }
}

TEST(CsvReader, HeaderOnlyFileHasNoRows) {
  for (const std::string& text :
       {std::string(kUsageHeader), std::string(kUsageHeader.substr(0, kUsageHeader.size() - 1)),
        std::string(kRetailHeader) + "\n"}) {
    SCOPED_TRACE(text);
    const Result<CleanedData> result = Ingest(text);
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_EQ(result->dataset.rows(), 0u);
    EXPECT_EQ(result->report.records, 0u);
    EXPECT_EQ(result->report.rows_kept, 0u);
    EXPECT_EQ(result->report.MalformedTotal(), 0u);
    EXPECT_EQ(result->report.DroppedByRules(), 0u);
    EXPECT_TRUE(result->dataset.users().empty());
  }
}

TEST(CsvReader, BlankLinesAreCountedNotRows) {
  std::string text(kUsageHeader);
  text += "\n";                                     // 2
  text += "u1,2023-01-01,2023-01-02,search,3\n";    // 3
  text += "\r\n";                                   // 4
  text += "\n";                                     // 5
  text += "u2,2023-01-01,2023-01-02,search,bad\n";  // 6
  text += "u3,2023-01-01,2023-01-02,search,1\n";    // 7
  text += "\n";                                     // 8
  const Result<CleanedData> result = Ingest(text);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result->report.blank_lines, 4u);
  EXPECT_EQ(result->report.records, 3u);
  EXPECT_EQ(result->report.rows_kept, 2u);
  EXPECT_EQ(LinesOf(MalformedExamples(result->report, ParseIssue::kBadNumber)),
            (std::vector<uint64_t>{6}));
  EXPECT_EQ(result->dataset.rows(), 2u);
}

// ---------------------------------------------------------------------------------------------
// Delimiters

TEST(CsvReader, SemicolonFileWithDecimalCommas) {
  const std::string text =
      "InvoiceNo;StockCode;Description;Quantity;InvoiceDate;UnitPrice;CustomerID;Country\n"
      "536365;85123A;RED, WHITE HEART;6;2010-12-01 08:26;2,55;17850;United Kingdom\n"
      "536365;71053;\"LANTERN; METAL\";2;2010-12-01 08:26;3,39;17850;United Kingdom\n"
      "536366;22633;HAND WARMER;4;2010-12-01 08:28;1.85;17850;United Kingdom\n"
      "536367;22960;JAM SET;1;2010-12-01 08:34;1,2,3;13047;United Kingdom\n";
  const Result<CleanedData> result = Ingest(text);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result->report.source.delimiter, ';');
  EXPECT_EQ(result->report.schema, SchemaName::kOnlineRetail);
  const Dataset& dataset = result->dataset;
  ASSERT_EQ(dataset.rows(), 3u);
  EXPECT_EQ(DescriptionOf(dataset, 0), "RED, WHITE HEART");
  EXPECT_EQ(DescriptionOf(dataset, 1), "LANTERN; METAL");
  EXPECT_DOUBLE_EQ(PriceOf(dataset, 0), 2.55);
  EXPECT_DOUBLE_EQ(PriceOf(dataset, 1), 3.39);
  EXPECT_DOUBLE_EQ(PriceOf(dataset, 2), 1.85);
  EXPECT_DOUBLE_EQ(TransactionsOf(dataset).AmountOfRow(0), 6 * 2.55);
  EXPECT_DOUBLE_EQ(TransactionsOf(dataset).AmountOfRow(1), 2 * 3.39);
  // "1,2,3" is not a number in any locale.
  EXPECT_EQ(MalformedCount(result->report, ParseIssue::kBadNumber), 1u);
  ASSERT_EQ(MalformedExamples(result->report, ParseIssue::kBadNumber).size(), 1u);
  EXPECT_EQ(MalformedExamples(result->report, ParseIssue::kBadNumber)[0].line, 5u);
  EXPECT_EQ(MalformedExamples(result->report, ParseIssue::kBadNumber)[0].column, "UnitPrice");
}

TEST(CsvReader, CommaFileDoesNotReadDecimalCommas) {
  std::string text(kRetailHeader);
  text += "536365,85123A,HEART,6,2010-12-01 08:26,\"2,55\",17850,United Kingdom\n";
  const Result<CleanedData> result = Ingest(text);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result->dataset.rows(), 0u);
  EXPECT_EQ(MalformedCount(result->report, ParseIssue::kBadNumber), 1u);
}

TEST(CsvReader, TabDelimiterIsDetected) {
  const std::string text =
      "user_id\tsignup_date\tevent_date\tfeature_name\tevents_count\n"
      "u1\t2023-01-01\t2023-01-02\tsearch, advanced\t3\n"
      "u2\t\t2023-01-03\texport\t1\n";
  const Result<CleanedData> result = Ingest(text);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result->report.source.delimiter, '\t');
  ASSERT_EQ(result->dataset.rows(), 2u);
  EXPECT_EQ(UsageOf(result->dataset).features[0], "search, advanced");
  EXPECT_EQ(UsageOf(result->dataset).usage.events, (Column<int32_t>{3, 1}));
  EXPECT_EQ(result->dataset.user_signup()[1], kNoDay);
}

TEST(CsvReader, ExplicitDelimiterIsUsed) {
  const std::string piped =
      "user_id|signup_date|event_date|feature_name|events_count\n"
      "u1|2023-01-01|2023-01-02|search,export;share|3\n";
  IngestOptions options;
  options.read.delimiter = '|';
  const Result<CleanedData> result = Ingest(piped, options);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result->report.source.delimiter, '|');
  ASSERT_EQ(result->dataset.rows(), 1u);
  EXPECT_EQ(UsageOf(result->dataset).features[0], "search,export;share");

  // A semicolon forced onto a comma file: the header is one column, so nothing maps.
  IngestOptions wrong;
  wrong.read.delimiter = ';';
  const Result<CleanedData> forced =
      Ingest(std::string(kUsageHeader) + "u1,2023-01-01,2023-01-02,search,3\n", wrong);
  ASSERT_FALSE(forced.ok());
  EXPECT_EQ(forced.status().code(), ErrorCode::kSchemaError);
}

// ---------------------------------------------------------------------------------------------
// Gzip

TEST(CsvReader, GzipFileIsReadDirectly) {
  std::string text(kRetailHeader);
  for (int row_idx = 0; row_idx < 50; ++row_idx)
    text +=
        fmt::format("5363{},85123A,\"WHITE, HEART\",6,2010-12-01 08:26,2.55,17850,United Kingdom\n",
                    10 + row_idx);
  TempDir dir("gzip");
  const std::string path = dir.File("orders.csv.gz");
  gzFile file = gzopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr);
  ASSERT_EQ(gzwrite(file, text.data(), static_cast<unsigned>(text.size())),
            static_cast<int>(text.size()));
  ASSERT_EQ(gzclose(file), Z_OK);
  const auto compressed_size = static_cast<size_t>(std::filesystem::file_size(path));
  ASSERT_LT(compressed_size, text.size());

  const Result<CleanedData> result = IngestFile(path, IngestOptions());
  ASSERT_TRUE(result.ok()) << result.status().message();
  const CleaningReport& report = result->report;
  EXPECT_TRUE(report.source.gzip);
  EXPECT_EQ(report.source.name, "orders.csv.gz");
  EXPECT_EQ(report.source.source_bytes, compressed_size);
  EXPECT_EQ(report.source.text_bytes, text.size());
  EXPECT_EQ(report.schema, SchemaName::kOnlineRetail);
  EXPECT_EQ(report.records, 50u);
  EXPECT_EQ(report.rows_kept, 50u);
  ASSERT_EQ(result->dataset.rows(), 50u);
  EXPECT_EQ(DescriptionOf(result->dataset, 49), "WHITE, HEART");
  EXPECT_EQ(InvoiceOf(result->dataset, 49), "536359");
  EXPECT_EQ(TransactionsOf(result->dataset).orders.size(), 50u);

  // The same text uncompressed reads identically but says so.
  const std::string plain_path = dir.File("orders.csv");
  WriteFile(plain_path, text);
  const Result<CleanedData> plain = IngestFile(plain_path, IngestOptions());
  ASSERT_TRUE(plain.ok()) << plain.status().message();
  EXPECT_FALSE(plain->report.source.gzip);
  EXPECT_EQ(plain->report.source.source_bytes, text.size());
  EXPECT_EQ(plain->dataset.rows(), 50u);
}

// ---------------------------------------------------------------------------------------------
// Headers

TEST(CsvReader, OnlineRetailIIHeaderIsRecognised) {
  const std::string text =
      "Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country\n"
      "489434,85048,15CM CHRISTMAS GLASS BALL,12,2009-12-01 07:45:00,6.95,13085.0,United "
      "Kingdom\n";
  const Result<CleanedData> result = Ingest(text);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result->report.schema, SchemaName::kOnlineRetailII);
  EXPECT_EQ(result->report.kind, DataKind::kTransactions);
  const auto& columns = result->report.columns;
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"user", "Customer ID"},        {"time", "InvoiceDate"}, {"item", "StockCode"},
      {"count", "Quantity"},          {"price", "Price"},      {"order", "Invoice"},
      {"description", "Description"}, {"country", "Country"}};
  EXPECT_EQ(columns, expected);
  ASSERT_EQ(result->dataset.rows(), 1u);
  EXPECT_EQ(CustomerOf(result->dataset, 0), "13085.0");
  EXPECT_DOUBLE_EQ(PriceOf(result->dataset, 0), 6.95);
  EXPECT_EQ(TimeOf(result->dataset, 0), At(2009, 12, 1, 7, 45));

  const Result<CleanedData> classic = Ingest(std::string(kRetailHeader));
  ASSERT_TRUE(classic.ok()) << classic.status().message();
  EXPECT_EQ(classic->report.schema, SchemaName::kOnlineRetail);
}

TEST(CsvReader, HeaderMatchingIgnoresCaseSpacesAndUnderscores) {
  const std::string text =
      "USER ID, Signup_Date , Event_Date ,Feature Name,EVENTS_COUNT\n"
      "u1,2023-01-01,2023-01-02,search,3\n";
  const Result<CleanedData> result = Ingest(text);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result->report.schema, SchemaName::kUsageLog);
  const std::vector<std::pair<std::string, std::string>> expected = {{"user", "USER ID"},
                                                                     {"signup", "Signup_Date"},
                                                                     {"time", "Event_Date"},
                                                                     {"item", "Feature Name"},
                                                                     {"count", "EVENTS_COUNT"}};
  EXPECT_EQ(result->report.columns, expected);
  ASSERT_EQ(result->dataset.rows(), 1u);
  EXPECT_EQ(result->dataset.user_signup()[0], DaysFromCivil(2023, 1, 1));
  EXPECT_EQ(UsageOf(result->dataset).usage.day[0], DaysFromCivil(2023, 1, 2));
  EXPECT_EQ(NormalizeColumnName(" Customer_ID "), "customerid");
}

TEST(CsvReader, UnknownHeaderIsASchemaErrorListingTheColumns) {
  const Result<CleanedData> result = Ingest("foo,Bar Baz,qux\n1,2,3\n");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), ErrorCode::kSchemaError);
  const std::string& message = result.status().message();
  EXPECT_NE(message.find("found columns: foo, Bar Baz, qux"), std::string::npos) << message;
  EXPECT_NE(message.find("test.csv line 1"), std::string::npos) << message;
}

TEST(CsvReader, CustomMappingByColumnOverrides) {
  const std::string text =
      "who,when,what,ignored\n"
      "alice,2023-03-01,search,x\n"
      "bob,2023-03-02 10:00,export,y\n"
      "alice,2023-04-15,search,z\n";
  IngestOptions options;
  options.read.columns.name[static_cast<size_t>(Role::kUser)] = "who";
  options.read.columns.name[static_cast<size_t>(Role::kTime)] = "WHEN";
  options.read.columns.name[static_cast<size_t>(Role::kItem)] = "what";
  const Result<CleanedData> result = Ingest(text, options);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result->report.schema, SchemaName::kCustom);
  EXPECT_EQ(result->report.kind, DataKind::kUsage);
  const Dataset& dataset = result->dataset;
  ASSERT_EQ(dataset.rows(), 3u);
  EXPECT_EQ(UsageOf(dataset).usage.events, (Column<int32_t>{1, 1, 1}));  // no count column
  EXPECT_EQ(dataset.users().size(), 2u);
  EXPECT_EQ(dataset.users()[UsageOf(dataset).usage.user[1]], "bob");
  EXPECT_EQ(UsageOf(dataset).features[UsageOf(dataset).usage.feature[1]], "export");
  EXPECT_EQ(UsageOf(dataset).usage.day[2], DaysFromCivil(2023, 4, 15));
  EXPECT_EQ(dataset.user_signup(), (std::vector<Day>{kNoDay, kNoDay}));

  IngestOptions missing = options;
  missing.read.columns.name[static_cast<size_t>(Role::kItem)] = "nope";
  const Result<CleanedData> error = Ingest(text, missing);
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.status().code(), ErrorCode::kSchemaError);
  EXPECT_NE(error.status().message().find("'nope'"), std::string::npos) << error.status().message();
}

// ---------------------------------------------------------------------------------------------
// Numbers and strict mode

TEST(CsvReader, BadNumbersAreCountedWithTheirColumn) {
  std::string text(kRetailHeader);
  text += "536365,85123A,HEART,abc,2010-12-01 08:26,2.55,17850,United Kingdom\n";  // 2
  text += "536366,85123A,HEART,6.0,2010-12-01 08:26,2.55,17850,United Kingdom\n";  // 3: ok
  text += "536367,85123A,HEART,6,2010-12-01 08:26,two,17850,United Kingdom\n";     // 4
  text += "536368,85123A,HEART,1.5,2010-12-01 08:26,2.55,17850,United Kingdom\n";  // 5
  text += "536369,85123A,HEART,3,2010-12-01 08:26,nan,17850,United Kingdom\n";     // 6
  const Result<CleanedData> result = Ingest(text);
  ASSERT_TRUE(result.ok()) << result.status().message();
  const CleaningReport& report = result->report;
  EXPECT_EQ(MalformedCount(report, ParseIssue::kBadNumber), 4u);
  const std::vector<RowExample>& examples = MalformedExamples(report, ParseIssue::kBadNumber);
  ASSERT_EQ(examples.size(), 4u);
  EXPECT_EQ(examples[0].line, 2u);
  EXPECT_EQ(examples[0].column, "Quantity");
  EXPECT_EQ(examples[0].value, "abc");
  EXPECT_EQ(examples[1].line, 4u);
  EXPECT_EQ(examples[1].column, "UnitPrice");
  EXPECT_EQ(examples[1].value, "two");
  EXPECT_EQ(examples[2].line, 5u);
  EXPECT_EQ(examples[2].column, "Quantity");
  EXPECT_EQ(examples[3].line, 6u);
  EXPECT_EQ(examples[3].column, "UnitPrice");
  ASSERT_EQ(result->dataset.rows(), 1u);
  EXPECT_EQ(TransactionsOf(result->dataset).transactions.quantity[0], 6);
  EXPECT_EQ(InvoiceOf(result->dataset, 0), "536366");

  const Result<CleanedData> usage =
      Ingest(std::string(kUsageHeader) + "u1,2023-01-01,2023-01-02,search,many\n");
  ASSERT_TRUE(usage.ok()) << usage.status().message();
  ASSERT_EQ(MalformedExamples(usage->report, ParseIssue::kBadNumber).size(), 1u);
  EXPECT_EQ(MalformedExamples(usage->report, ParseIssue::kBadNumber)[0].column, "events_count");
}

TEST(CsvReader, StrictModeTurnsTheFirstMalformedRowIntoAnError) {
  std::string text(kRetailHeader);
  text += "536365,85123A,\"TWO\nLINES\",6,2010-12-01 08:26,2.55,17850,United Kingdom\n";  // 2-3
  text += "536366,85123A,HEART,6,2010-12-01 08:26,2.55,17850\n";                          // 4
  text += "536367,85123A,HEART,abc,2010-12-01 08:26,2.55,17850,United Kingdom\n";         // 5
  text += "536368,85123A,HEART,def,2010-12-01 08:26,2.55,17850,United Kingdom\n";         // 6
  IngestOptions options;
  options.strict = true;
  {
    // The first malformed row is the ragged one on line 4.
    const Result<CleanedData> result = IngestText(text, "orders.csv", options);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), ErrorCode::kDataError);
    EXPECT_NE(result.status().message().find("orders.csv line 4"), std::string::npos)
        << result.status().message();
  }
  {
    std::string without_ragged(kRetailHeader);
    without_ragged += "536365,85123A,\"TWO\nLINES\",6,2010-12-01 08:26,2.55,17850,UK\n";  // 2-3
    without_ragged += "536367,85123A,HEART,abc,2010-12-01 08:26,2.55,17850,UK\n";         // 4
    without_ragged += "536368,85123A,HEART,def,2010-12-01 08:26,2.55,17850,UK\n";         // 5
    const Result<CleanedData> result = IngestText(without_ragged, "orders.csv", options);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), ErrorCode::kDataError);
    const std::string& message = result.status().message();
    EXPECT_NE(message.find("orders.csv line 4, column Quantity"), std::string::npos) << message;
    EXPECT_NE(message.find("'abc'"), std::string::npos) << message;
    EXPECT_NE(message.find("2 malformed"), std::string::npos) << message;
  }
  {
    // Rows dropped by cleaning rules are not malformed: strict mode accepts them.
    std::string clean(kRetailHeader);
    clean += "C536365,85123A,HEART,-6,2010-12-01 08:26,2.55,17850,United Kingdom\n";
    clean += "536366,85123A,HEART,6,2010-12-01 08:26,2.55,17850,United Kingdom\n";
    const Result<CleanedData> result = IngestText(clean, "orders.csv", options);
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_EQ(result->report.rows_kept, 1u);
  }
}

// ---------------------------------------------------------------------------------------------
// Parallel reading

struct LargeInput {
  std::string text;
  uint64_t newlines = 0;     // line breaks in `text` so far
  size_t special_open = 0;   // offset of the opening quote of the long multi-line field
  size_t special_close = 0;  // offset of its closing quote
  std::vector<uint64_t> bad_number_lines;
  std::vector<uint64_t> wrong_field_lines;
  uint64_t blank_lines = 0;
  uint64_t records = 0;

  void Append(std::string_view record) {
    text += record;
    for (char c : record) newlines += c == '\n' ? 1 : 0;
  }
};

// Appends one generated record (or a blank line) to `input`, tracking where malformed ones land.
void AppendRow(LargeInput& input, int row_idx) {
  const uint64_t line = input.newlines + 1;
  if (row_idx % 777 == 5) {
    input.Append(row_idx % 2 == 0 ? "\r\n" : "\n");
    ++input.blank_lines;
    return;
  }
  ++input.records;
  const bool cancelled = row_idx % 97 == 3;
  const std::string invoice = fmt::format("{}{}", cancelled ? "C" : "", 500000 + row_idx / 4);
  const std::string stock = fmt::format("{}", 20000 + row_idx % 613);
  std::string description;
  switch (row_idx % 5) {
    case 0:
      description = fmt::format("\"PLAIN {}\"", row_idx % 211);
      break;
    case 1:
      description = fmt::format("\"TWO,\nLINES {}\"", row_idx % 17);
      break;
    case 2:
      description = fmt::format("\"SAY \"\"HI\"\"\r\nAND\nMORE {}\"", row_idx % 13);
      break;
    case 3:
      description = fmt::format("UNQUOTED {}", row_idx % 29);
      break;
    default:
      description = "\"\n\nLEADING BREAKS\"";
      break;
  }
  std::string quantity = fmt::format("{}", 1 + row_idx % 24 - (row_idx % 211 == 7 ? 30 : 0));
  if (row_idx % 1501 == 11) {
    quantity = "lots";
    input.bad_number_lines.push_back(line);
  }
  const int day = 1 + row_idx % 28;
  std::string date =
      fmt::format("2011-{:02d}-{:02d} {}:30", 1 + row_idx % 9, day, 10 + row_idx % 12);
  if (row_idx % 1999 == 17) date = "sometime";
  std::string price = fmt::format("{}.{}", 1 + row_idx % 7, row_idx % 100);
  if (row_idx % 401 == 19) price = "0";
  const std::string customer = row_idx % 301 == 9 ? "" : fmt::format("{}", 12000 + row_idx % 4001);
  const std::string country = row_idx % 3 == 0 ? "United Kingdom" : "\"Korea, Republic of\"";
  std::string row = fmt::format("{},{},{},{},{},{},{}", invoice, stock, description, quantity, date,
                                price, customer);
  if (row_idx % 2003 == 13) {
    input.wrong_field_lines.push_back(line);
  } else {
    row += ',';
    row += country;
  }
  row += row_idx % 4 == 0 ? "\r\n" : "\n";
  input.Append(row);
}

// A transactions file over 2 MB whose middle, where the reader cuts it for two threads, falls
// inside a long quoted field full of line breaks, commas and doubled quotes.
LargeInput MakeLargeInput() {
  LargeInput input;
  input.Append(kRetailHeader);
  const size_t header_size = input.text.size();
  constexpr size_t kHalf = 1'300'000;
  int row_idx = 0;
  while (input.text.size() < header_size + kHalf) AppendRow(input, row_idx++);
  const size_t first_half = input.text.size() - header_size;

  // A purchase that a cancellation near the end takes back: netting across the chunks.
  input.Append("777777,NETTED,PURCHASE,4,2011-01-02 10:00,1.5,13000,UK\n");
  ++input.records;

  std::string special = "999999,SPECIAL,\"";
  for (int line_idx = 0; line_idx < 60; ++line_idx)
    special += fmt::format("line {}, \"\"quoted\"\" 12,2,3\n", line_idx);
  special += "end\",5,2011-05-05 05:05,1.25,12345,France\n";
  input.special_open = input.text.size() + special.find('"');
  input.special_close = input.text.size() + special.find("end\"") + 3;
  input.Append(special);
  ++input.records;

  // The second half is as long as the first, so the midpoint lands in the special record.
  const size_t second_start = input.text.size();
  while (input.text.size() - second_start < first_half) AppendRow(input, row_idx++);
  input.Append("C777778,NETTED,CANCELLED,-4,2011-02-02 10:00,1.5,13000,UK\n");
  ++input.records;
  // An exact duplicate of the first data row, far from it.
  const size_t first_row_end = input.text.find('\n', header_size) + 1;
  input.Append(input.text.substr(header_size, first_row_end - header_size));
  ++input.records;
  return input;
}

void ExpectSameExamples(const std::vector<RowExample>& a, const std::vector<RowExample>& b,
                        const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (size_t example_idx = 0; example_idx < a.size(); ++example_idx) {
    EXPECT_EQ(a[example_idx].line, b[example_idx].line) << what;
    EXPECT_EQ(a[example_idx].column, b[example_idx].column) << what;
    EXPECT_EQ(a[example_idx].value, b[example_idx].value) << what;
    EXPECT_EQ(a[example_idx].message, b[example_idx].message) << what;
  }
}

// Two ingests of the same text agree on the whole report and the whole Dataset.
void ExpectSameResult(const CleanedData& actual, const CleanedData& expected) {
  const CleaningReport& report = expected.report;
  const CleaningReport& other = actual.report;
  EXPECT_EQ(other.records, report.records);
  EXPECT_EQ(other.blank_lines, report.blank_lines);
  EXPECT_EQ(other.rows_kept, report.rows_kept);
  EXPECT_EQ(other.signup_conflicts, report.signup_conflicts);
  for (size_t issue_idx = 0; issue_idx < kParseIssueCount; ++issue_idx) {
    EXPECT_EQ(other.malformed[issue_idx], report.malformed[issue_idx]) << issue_idx;
    ExpectSameExamples(other.malformed_examples[issue_idx], report.malformed_examples[issue_idx],
                       ParseIssueName(static_cast<ParseIssue>(issue_idx)));
  }
  for (size_t rule_idx = 0; rule_idx < kCleaningRuleCount; ++rule_idx) {
    EXPECT_EQ(other.rules[rule_idx].dropped, report.rules[rule_idx].dropped) << rule_idx;
    ExpectSameExamples(other.rules[rule_idx].examples, report.rules[rule_idx].examples,
                       CleaningRuleName(static_cast<CleaningRule>(rule_idx)));
  }
  testing::ExpectSameDataset(expected.dataset, actual.dataset);
}

TEST(CsvReader, ParallelReadMatchesSingleThread) {
  const LargeInput input = MakeLargeInput();
  ASSERT_GT(input.text.size(), 2u << 20);

  // The premise: where the reader guesses the second chunk starts (the line after the byte
  // cut) is inside the special quoted field.
  const size_t body_begin = kRetailHeader.size();
  const size_t cut = body_begin + (input.text.size() - body_begin) / 2;
  const size_t guess = input.text.find('\n', cut - 1) + 1;
  ASSERT_GT(guess, input.special_open);
  ASSERT_LT(guess, input.special_close);
  ASSERT_EQ(input.text[input.special_close], '"');

  IngestOptions single;
  single.read.threads = 1;
  single.read.max_examples = 1000;
  IngestOptions parallel = single;
  parallel.read.threads = 2;
  const Result<CleanedData> one = Ingest(input.text, single);
  const Result<CleanedData> two = Ingest(input.text, parallel);
  ASSERT_TRUE(one.ok()) << one.status().message();
  ASSERT_TRUE(two.ok()) << two.status().message();
  EXPECT_EQ(one->report.source.threads, 1u);
  EXPECT_EQ(two->report.source.threads, 2u);

  // The single-threaded read against what the generator knows.
  const CleaningReport& report = one->report;
  EXPECT_EQ(report.records, input.records);
  EXPECT_EQ(report.blank_lines, input.blank_lines);
  EXPECT_EQ(LinesOf(MalformedExamples(report, ParseIssue::kBadNumber)), input.bad_number_lines);
  EXPECT_EQ(LinesOf(MalformedExamples(report, ParseIssue::kWrongFieldCount)),
            input.wrong_field_lines);
  EXPECT_EQ(report.rules[static_cast<size_t>(CleaningRule::kDuplicate)].dropped, 1u);
  EXPECT_EQ(report.rules[static_cast<size_t>(CleaningRule::kDuplicate)].examples.at(0).line,
            input.newlines);
  EXPECT_EQ(report.records, report.rows_kept + report.DroppedByRules() + report.MalformedTotal());
  for (size_t rule_idx = 0; rule_idx < kCleaningRuleCount; ++rule_idx) {
    if (report.rules[rule_idx].applies) {
      EXPECT_GT(report.rules[rule_idx].dropped, 0u) << "fixture should exercise rule " << rule_idx;
    }
  }
  ASSERT_TRUE(TransactionsOf(one->dataset).stock_codes.Find("SPECIAL").has_value());

  // The parallel read against the single-threaded one.
  ExpectSameResult(*two, *one);
}

// A mapped file is checked as UTF-8 block by block while it is parsed, its pages released
// behind the parser: the result is the text's, whatever the threads.
TEST(CsvReader, FileReadMatchesTextRead) {
  const LargeInput input = MakeLargeInput();
  TempDir dir("file_read");
  const std::string path = dir.File("large.csv");
  WriteFile(path, input.text);
  IngestOptions single;
  single.read.threads = 1;
  single.read.max_examples = 1000;
  const Result<CleanedData> from_text = IngestText(input.text, "large.csv", single);
  ASSERT_TRUE(from_text.ok()) << from_text.status().message();
  for (unsigned threads : {1u, 2u}) {
    IngestOptions options = single;
    options.read.threads = threads;
    const Result<CleanedData> from_file = IngestFile(path, options);
    ASSERT_TRUE(from_file.ok()) << from_file.status().message();
    EXPECT_EQ(from_file->report.source.threads, threads);
    EXPECT_EQ(from_file->report.source.encoding, Encoding::kUtf8);
    ExpectSameResult(*from_file, *from_text);
  }
}

// An invalid byte far into a file, found by one of the threads while parsing: an auto read
// starts again as Windows-1252, a forced UTF-8 read names the line of the first invalid byte.
TEST(CsvReader, LateInvalidUtf8InAFileIsFoundWhileParsing) {
  LargeInput input = MakeLargeInput();
  const size_t invalid_at = input.text.size() * 11 / 20;  // early in the second thread's half
  const size_t line_start = input.text.rfind('\n', invalid_at) + 1;
  ASSERT_EQ(input.text.substr(line_start, 1).find_first_of("0123456789C"), 0u);
  input.text.insert(line_start, "\xA3");  // a pound sign in Windows-1252, in the invoice
  const uint64_t line = 1 + static_cast<uint64_t>(std::count(
                                input.text.begin(), input.text.begin() + line_start, '\n'));
  TempDir dir("late_invalid");
  const std::string path = dir.File("late.csv");
  WriteFile(path, input.text);

  IngestOptions options;
  options.read.threads = 2;
  options.read.max_examples = 1000;
  const Result<CleanedData> from_text = IngestText(input.text, "late.csv", options);
  ASSERT_TRUE(from_text.ok()) << from_text.status().message();
  EXPECT_EQ(from_text->report.source.encoding, Encoding::kWindows1252);
  const Result<CleanedData> from_file = IngestFile(path, options);
  ASSERT_TRUE(from_file.ok()) << from_file.status().message();
  EXPECT_EQ(from_file->report.source.encoding, Encoding::kWindows1252);
  ExpectSameResult(*from_file, *from_text);

  // A second invalid byte, earlier but late in the first thread's half, which the second
  // thread's find may stop before it gets there: the first one is still the one named.
  const size_t early = input.text.rfind('\n', input.text.size() * 9 / 20) + 1;
  input.text.insert(early, "\xFF");
  const uint64_t early_line =
      1 + static_cast<uint64_t>(std::count(input.text.begin(), input.text.begin() + early, '\n'));
  ASSERT_LT(early_line, line);
  WriteFile(path, input.text);
  options.encoding = Encoding::kUtf8;
  const Result<CleanedData> forced = IngestFile(path, options);
  ASSERT_FALSE(forced.ok());
  EXPECT_EQ(forced.status().code(), ErrorCode::kParseError);
  EXPECT_NE(forced.status().message().find(fmt::format("late.csv line {}:", early_line)),
            std::string::npos)
      << forced.status().message();
  EXPECT_NE(forced.status().message().find("0xFF"), std::string::npos);
}

// A usage log over 2 MB with rows each rule drops, placed after blank lines, multi-line quoted
// records and malformed records: the examples name the physical line of each dropped row,
// which the reader keeps only where a row does not follow the previous row's line.
TEST(CsvReader, DroppedRowExamplesNameTheirLinesAfterIrregularLines) {
  std::string text(kUsageHeader);
  uint64_t line = 2;  // of the next record
  std::map<CleaningRule, std::vector<uint64_t>> expected;
  for (int row_idx = 0; text.size() < (2u << 20) + 300'000; ++row_idx) {
    if (row_idx % 101 == 7) {  // a blank line, LF or CRLF
      text += row_idx % 2 == 0 ? "\n" : "\r\n";
      ++line;
    }
    if (row_idx % 211 == 13) {  // a malformed record: too few fields
      text += "u0,2023-01-01\n";
      ++line;
    }
    const bool multi_line = row_idx % 53 == 5;
    const std::string feature = multi_line ? "\"multi\nline\"" : "search";
    std::string user = fmt::format("u{}", row_idx);
    std::string events = fmt::format("{}", 1 + row_idx);  // keeps rows without a user distinct
    std::string signup = "2023-01-01";
    if (row_idx % 307 == 11) {
      user.clear();
      expected[CleaningRule::kMissingId].push_back(line);
    } else if (row_idx % 389 == 17) {
      events = "0";
      expected[CleaningRule::kNonPositiveEvents].push_back(line);
    } else if (row_idx % 457 == 19) {
      signup = "2023-02-01";
      expected[CleaningRule::kEventBeforeSignup].push_back(line);
    }
    text += fmt::format("{},{},2023-01-{:02d},{},{}\n", user, signup, 2 + row_idx % 27, feature,
                        events);
    line += multi_line ? 2 : 1;
  }
  TempDir dir("row_lines");
  const std::string path = dir.File("usage.csv");
  WriteFile(path, text);
  IngestOptions options;
  options.read.max_examples = 100'000;
  std::optional<CleanedData> single_thread;
  for (unsigned threads : {1u, 2u}) {
    options.read.threads = threads;
    for (const bool from_file : {false, true}) {
      Result<CleanedData> result = from_file ? IngestFile(path, options) : Ingest(text, options);
      ASSERT_TRUE(result.ok()) << result.status().message();
      EXPECT_EQ(result->report.source.threads, threads);
      for (const auto& [rule, lines] : expected) {
        ASSERT_GT(lines.size(), 5u);
        EXPECT_EQ(LinesOf(result->report.rules[static_cast<size_t>(rule)].examples), lines)
            << CleaningRuleName(rule) << " threads " << threads << " file " << from_file;
      }
      // Both chunks dropped rows: the Dataset built from two chunks equals the one from one.
      if (single_thread)
        ExpectSameResult(*result, *single_thread);
      else
        single_thread = std::move(result).value();
    }
  }
}

TEST(StagedSignups, TwoBytesARowGiveBackEverySignup) {
  // Near signups as offsets, absent ones, and far ones (unparsable, beside an unparsable day,
  // more than 32,767 days away, or at the edge of the offset range) kept beside the codes.
  const Day day = DaysFromCivil(2023, 3, 1);
  const std::vector<std::pair<Day, Day>> rows = {
      {day - 10, day},    {kNoDay, day},      {kInvalidDay, day},      {day, day},
      {day + 5, day},     {day - 40000, day}, {day - 20, kInvalidDay}, {day - 32767, day},
      {day + 32766, day}, {day + 32767, day}, {day + 32768, day},      {kNoDay, kInvalidDay},
      {day - 1, day + 1},
  };
  StagedSignups signups;
  signups.resize(rows.size());
  std::vector<Day> days;
  for (size_t row = 0; row < rows.size(); ++row) {
    signups.Put(row, rows[row].first, rows[row].second);
    days.push_back(rows[row].second);
  }
  for (size_t row = 0; row < rows.size(); ++row)
    EXPECT_EQ(signups.Of(row, days[row]), rows[row].first) << row;
  // Any block of rows decodes to the same signups.
  for (size_t begin = 0; begin < rows.size(); ++begin) {
    for (size_t end = begin; end <= rows.size(); ++end) {
      std::vector<Day> out(end - begin, 0);
      signups.Decode(begin, end, days.data(), out.data());
      for (size_t row = begin; row < end; ++row)
        EXPECT_EQ(out[row - begin], rows[row].first) << begin << " " << row;
    }
  }
  // Equal (signup, day) pairs have equal codes, as the duplicate finder's hash needs.
  StagedSignups again;
  for (const auto& [signup, row_day] : rows) again.Append(signup, row_day);
  for (size_t row = 0; row < rows.size(); ++row) EXPECT_EQ(again.CodeOf(row), signups.CodeOf(row));
}

}  // namespace
}  // namespace growthlens
