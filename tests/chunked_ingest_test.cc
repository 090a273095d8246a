// Cleaning a file in chunks (prep/chunked_ingest.h) keeps the rows and the report of cleaning
// it whole: an event log grouped by user and a usage log in time order, with duplicates,
// unparsable dates, malformed and blank lines and a quoted line break, cut into many chunks;
// files whose chunks could clean differently (a duplicate in another chunk, no order) are
// planned whole.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include "app/cleaning_report_view.h"
#include "core/dataset.h"
#include "core/date.h"
#include "prep/chunked_ingest.h"
#include "prep/ingest.h"

namespace growthlens {
namespace {

class TempCsv {
 public:
  explicit TempCsv(const std::string& text)
      : path_(std::filesystem::temp_directory_path() /
              fmt::format("chunked_ingest_test_{}_{}.csv", ::getpid(), counter_++)) {
    std::ofstream(path_) << text;
  }
  ~TempCsv() { std::filesystem::remove(path_); }
  TempCsv(const TempCsv&) = delete;
  TempCsv& operator=(const TempCsv&) = delete;
  std::string path() const { return path_.string(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

/// An event log grouped by user (time order within a user), with dirt: every 37th row twice,
/// every 53rd followed by its copy with an unparsable time, every 71st followed by a malformed
/// line, a blank line, and a platform holding a quoted line break.
std::string EventLogText(int users) {
  std::string text = "user_id,timestamp,event,platform\n";
  int row = 0;
  for (int user = 1; user <= users; ++user)
    for (int event = 0; event < 25; ++event) {
      ++row;
      const std::string platform = row == 400 ? "\"we\nb\"" : (event % 3 == 0 ? "ios" : "web");
      const std::string line =
          fmt::format("u{},2025-{:02}-{:02}T{:02}:15:00.{:03}Z,feature_{},{}\n", user,
                      1 + user % 12, 1 + event % 28, event % 24, user % 1000, event % 7, platform);
      text += line;
      if (row % 37 == 0) text += line;
      if (row % 53 == 0) text += fmt::format("u{},2025-13-45T00:00:00Z,feature_1,web\n", user);
      if (row % 71 == 0) text += "only,two\n";
      if (row == 300) text += "\n";
    }
  return text;
}

/// A usage log in time order (by day, then user), with the same kinds of dirt.
std::string UsageLogText(int days, int users) {
  std::string text = "user_id,event_date,feature_name,events_count\n";
  int row = 0;
  for (int day = 0; day < days; ++day)
    for (int user = 1; user <= users; ++user) {
      if ((user + day) % 3 == 0) continue;
      ++row;
      const std::string line =
          fmt::format("u{},{},{},{}\n", user, FormatDate(DaysFromCivil(2025, 1, 1) + day),
                      user % 2 == 0 ? "Search" : "Reports", 1 + user % 5);
      text += line;
      if (row % 37 == 0) text += line;
      if (row % 53 == 0) text += fmt::format("u{},not a date,Search,{}\n", user, row);
      if (row % 71 == 0) text += "only,two\n";
    }
  return text;
}

/// The kept rows as text, sorted: user, day, time of day, feature, count.
std::vector<std::string> RowsOf(const Dataset& dataset) {
  std::vector<std::string> rows;
  const auto* log = dataset.As<UsageLog>();
  if (log == nullptr) return rows;
  const RowCounts counts(log->usage);
  for (size_t row = 0; row < log->rows(); ++row)
    rows.push_back(fmt::format("{} {} {} {} {}", log->users[log->usage.user[row]],
                               log->usage.day[row],
                               log->usage.ms_of_day.size() == 0 ? 0 : log->usage.ms_of_day[row],
                               log->features[log->usage.feature[row]], counts[row]));
  std::sort(rows.begin(), rows.end());
  return rows;
}

/// The report's JSON without what depends on how the data was held.
nlohmann::json Comparable(const CleaningReport& report) {
  nlohmann::json json = app::CleaningReportJsonWithoutData(report);
  json.erase("seconds");
  json["source"].erase("threads");
  return json;
}

/// Cleans `text` whole and in chunks of `chunk_bytes`; expects the same rows and report, and
/// returns how many chunks there were.
size_t ExpectSameAsWhole(const std::string& text, size_t chunk_bytes) {
  const TempCsv file(text);
  IngestOptions options;
  Result<CleanedData> whole = IngestFile(file.path(), options);
  EXPECT_TRUE(whole.ok()) << whole.status().message();
  Result<ChunkedFile> chunked = ChunkedFile::Plan(file.path(), options, chunk_bytes);
  EXPECT_TRUE(chunked.ok()) << chunked.status().message();
  if (!whole.ok() || !chunked.ok()) return 0;
  EXPECT_EQ(chunked->whole_file_reason(), "");
  CleaningReport total;
  std::vector<std::string> rows;
  for (size_t chunk = 0; chunk < chunked->chunks(); ++chunk) {
    Result<CleanedData> part = chunked->Clean(chunk);
    EXPECT_TRUE(part.ok()) << part.status().message();
    if (!part.ok()) return 0;
    const std::vector<std::string> part_rows = RowsOf(part->dataset);
    rows.insert(rows.end(), part_rows.begin(), part_rows.end());
    AddChunkReport(total, std::move(part->report), options.read.max_examples);
  }
  std::sort(rows.begin(), rows.end());
  EXPECT_EQ(rows, RowsOf(whole->dataset));
  EXPECT_EQ(Comparable(total).dump(1), Comparable(whole->report).dump(1));
  EXPECT_GT(whole->report.rules[static_cast<size_t>(CleaningRule::kDuplicate)].dropped, 10u);
  EXPECT_GT(whole->report.rules[static_cast<size_t>(CleaningRule::kInvalidDate)].dropped, 10u);
  EXPECT_GT(whole->report.MalformedTotal(), 5u);
  return chunked->chunks();
}

TEST(ChunkedIngestTest, EventLogGroupedByUserCleansAsWhole) {
  EXPECT_GT(ExpectSameAsWhole(EventLogText(300), 20000), 5u);
}

TEST(ChunkedIngestTest, UsageLogInTimeOrderCleansAsWhole) {
  EXPECT_GT(ExpectSameAsWhole(UsageLogText(120, 90), 20000), 5u);
}

TEST(ChunkedIngestTest, ChunksGrowUntilADayEnds) {
  // One day's rows (about 5 kB) are more than a chunk asked for: it grows until the day ends.
  EXPECT_GE(ExpectSameAsWhole(UsageLogText(20, 300), kMinChunkBytes), 2u);
}

TEST(ChunkedIngestTest, DuplicateInAnotherChunkIsReadWhole) {
  std::string text = EventLogText(300);
  const size_t second = text.find('\n') + 1;
  text += text.substr(second, text.find('\n', second) + 1 - second);  // row 1 again at the end
  const TempCsv file(text);
  Result<ChunkedFile> chunked = ChunkedFile::Plan(file.path(), IngestOptions(), 20000);
  ASSERT_TRUE(chunked.ok());
  EXPECT_NE(chunked->whole_file_reason().find("two parts"), std::string::npos)
      << chunked->whole_file_reason();
}

TEST(ChunkedIngestTest, TransactionsAndStrictAreReadWhole) {
  std::string text =
      "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,"
      "Country\n";
  for (int line = 0; line < 2000; ++line)
    text += fmt::format("{},85123A,HEART,6,2010-12-01 08:26,2.55,{},United Kingdom\n",
                        536365 + line, 17850 + line % 50);
  const TempCsv file(text);
  Result<ChunkedFile> chunked = ChunkedFile::Plan(file.path(), IngestOptions(), kMinChunkBytes);
  ASSERT_TRUE(chunked.ok());
  EXPECT_NE(chunked->whole_file_reason().find("netted"), std::string::npos);
  const TempCsv events(EventLogText(50));
  IngestOptions strict;
  strict.strict = true;
  Result<ChunkedFile> strict_plan = ChunkedFile::Plan(events.path(), strict, kMinChunkBytes);
  ASSERT_TRUE(strict_plan.ok());
  EXPECT_NE(strict_plan->whole_file_reason(), "");
}

}  // namespace
}  // namespace growthlens
