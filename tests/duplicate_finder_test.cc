// Duplicate detection split into many partitions and waves agrees with one partition, and
// with the first occurrence of each distinct row found by brute force.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/parallel.h"
#include "io/csv_table_reader.h"
#include "io/input_buffer.h"
#include "prep/duplicate_finder.h"
#include "test_data.h"

namespace growthlens {
namespace {

using testing::kRetailHeader;
using testing::kUsageHeader;

constexpr uint8_t kKeep = 0xFF;
constexpr uint8_t kDuplicate = 0;

CsvReadResult Read(const std::string& text, unsigned threads) {
  Result<InputBuffer> input = InputBuffer::FromText(text, Encoding::kUtf8);
  EXPECT_TRUE(input.ok());
  CsvReadOptions options;
  options.threads = threads;
  Result<CsvReadResult> read = ReadCsv(*input, "dups.csv", options);
  EXPECT_TRUE(read.ok()) << read.status().message();
  return std::move(read).value();
}

std::vector<std::vector<uint8_t>> AllKept(const StagedTable& table) {
  std::vector<std::vector<uint8_t>> status;
  for (const StagedChunk& chunk : table.chunks) status.emplace_back(chunk.rows(), kKeep);
  return status;
}

// 1 for each row marked a duplicate, in row order.
std::vector<uint8_t> FlagsOf(const std::vector<std::vector<uint8_t>>& status) {
  std::vector<uint8_t> flags;
  for (const auto& chunk_status : status)
    for (uint8_t row_status : chunk_status) flags.push_back(row_status == kDuplicate ? 1 : 0);
  return flags;
}

// Marks duplicates of `table` (read on `threads`) with `layout`; returns the flags in row order.
std::vector<uint8_t> Flags(const StagedTable& table, unsigned threads,
                           const DuplicateLayout& layout) {
  std::vector<std::vector<uint8_t>> status = AllKept(table);
  MarkDuplicateRows(table, status, kDuplicate, threads, layout);
  return FlagsOf(status);
}

// The same of `text`, read on `threads`.
std::vector<uint8_t> Flags(const std::string& text, unsigned threads,
                           const DuplicateLayout& layout) {
  return Flags(Read(text, threads).table, threads, layout);
}

// The same, with each chunk's runs scanned `block` rows at a time, as the cleaner feeds them:
// runs and days cross the block ends.
std::vector<uint8_t> FlagsFedInBlocks(const StagedTable& table, unsigned threads, size_t block) {
  std::vector<std::vector<uint8_t>> status = AllKept(table);
  DuplicateFinder finder(table, kDuplicate);
  ParallelFor(table.chunks.size(), threads, [&](size_t chunk_idx) {
    DuplicateFinder::ChunkScan scan = finder.ScanChunk(chunk_idx, status[chunk_idx]);
    for (size_t end = block; end < table.chunks[chunk_idx].rows(); end += block) scan.ScanTo(end);
    scan.Finish();
  });
  finder.MarkAcrossRuns(status, threads);
  return FlagsOf(status);
}

void ExpectWavesAgree(const std::string& text, const std::vector<uint8_t>& expected) {
  for (unsigned threads : {1u, 2u}) {
    const CsvReadResult read = Read(text, threads);  // once: every variant only reads the table
    const StagedTable& table = read.table;
    EXPECT_EQ(FlagsFedInBlocks(table, threads, 1), expected) << threads;
    EXPECT_EQ(FlagsFedInBlocks(table, threads, 7), expected) << threads;
    EXPECT_EQ(Flags(table, threads, DuplicateLayout{}), expected) << threads;
    // Many small partitions over many waves, and a few larger ones; on the threads however
    // few rows are left to the partitions.
    EXPECT_EQ(Flags(table, threads, DuplicateLayout{64, 300, true, 16, 0}), expected) << threads;
    EXPECT_EQ(Flags(table, threads, DuplicateLayout{16, 5000, true, 16, 0}), expected) << threads;
    // Every row through the partitioned path, none checked within its run.
    EXPECT_EQ(Flags(table, threads, DuplicateLayout{64, 300, false, 16, 0}), expected) << threads;
    // The partitions visit the listed runs of keys with several runs, or every row.
    EXPECT_EQ(Flags(table, threads, DuplicateLayout{64, 300, true, 1, 0}), expected) << threads;
    EXPECT_EQ(Flags(table, threads, DuplicateLayout{64, 300, true, SIZE_MAX, 0}), expected)
        << threads;
    // Without the day runs of step 2, and with them listed in every chunk.
    EXPECT_EQ(Flags(table, threads, DuplicateLayout{64, 300, true, 16, 0, false}), expected)
        << threads;
    EXPECT_EQ(Flags(table, threads, DuplicateLayout{64, 300, true, 1, 0, true}), expected)
        << threads;
  }
}

TEST(DuplicateFinder, WavesOfPartitionsFindTheSameDuplicatesInUsageLogs) {
  std::string text(kUsageHeader);
  std::map<std::tuple<int, int, int, int>, bool> seen;
  std::vector<uint8_t> expected;
  std::mt19937 draws(7);
  while (text.size() < (1u << 20) + 200'000) {  // two chunks on two threads
    const int user = static_cast<int>(draws() % 400), day = 1 + static_cast<int>(draws() % 28);
    const int feature = static_cast<int>(draws() % 5), events = 1 + static_cast<int>(draws() % 4);
    const bool duplicate = !seen.emplace(std::tuple(user, day, feature, events), true).second;
    expected.push_back(duplicate ? 1 : 0);
    text += fmt::format("u{},2023-01-01,2023-02-{:02d},f{},{}\n", user, day, feature, events);
  }
  ASSERT_GT(std::count(expected.begin(), expected.end(), 1), 1000);
  ExpectWavesAgree(text, expected);
}

TEST(DuplicateFinder, WavesOfPartitionsFindTheSameDuplicatesInTransactions) {
  std::string text(kRetailHeader);
  std::map<std::tuple<int, int, int>, bool> seen;
  std::vector<uint8_t> expected;
  std::mt19937 draws(11);
  for (int row_idx = 0; row_idx < 20'000; ++row_idx) {
    const int invoice = static_cast<int>(draws() % 1500), stock = static_cast<int>(draws() % 20);
    const int quantity = 1 + static_cast<int>(draws() % 3);
    const bool duplicate = !seen.emplace(std::tuple(invoice, stock, quantity), true).second;
    expected.push_back(duplicate ? 1 : 0);
    text += fmt::format("{},S{},ITEM {},{},2010-12-01 08:26,2.55,{},United Kingdom\n",
                        500000 + invoice, stock, stock, quantity, 12000 + invoice % 50);
  }
  ASSERT_GT(std::count(expected.begin(), expected.end(), 1), 1000);
  ExpectWavesAgree(text, expected);
}

// Users whose rows come together (most of them here) are checked within their run; a few come
// back later in the file, and one spans the boundary of the two threads' chunks: those take the
// partitioned path. Both kinds of duplicate must be found, and only them.
TEST(DuplicateFinder, RowsGroupedByUserFindTheSameDuplicatesAsThePartitions) {
  std::string text(kUsageHeader);
  std::map<std::tuple<int, int, int, int>, bool> seen;
  std::vector<uint8_t> expected;
  std::mt19937 draws(5);
  auto add = [&](int user, int rows) {
    for (int row_idx = 0; row_idx < rows; ++row_idx) {
      const int day = 1 + static_cast<int>(draws() % 5), feature = static_cast<int>(draws() % 3);
      const int events = 1 + static_cast<int>(draws() % 2);
      const bool duplicate = !seen.emplace(std::tuple(user, day, feature, events), true).second;
      expected.push_back(duplicate ? 1 : 0);
      text += fmt::format("u{},2023-01-01,2023-02-{:02d},f{},{}\n", user, day, feature, events);
    }
  };
  for (int user = 0; text.size() < (1u << 20) + 200'000; ++user) {
    add(user, 1 + static_cast<int>(draws() % 60));
    if (user % 97 == 0) add(user / 2, 5);  // an earlier user again: two runs
  }
  ASSERT_GT(std::count(expected.begin(), expected.end(), 1), 1000);
  ExpectWavesAgree(text, expected);
  // One long run across the middle of the file, where the two chunks meet.
  const size_t middle = text.size() / 2;
  text.insert(text.find('\n', middle) + 1, [&] {
    std::string run;
    for (int row_idx = 0; row_idx < 4000; ++row_idx)
      run += fmt::format("boundary,2023-01-01,2023-02-{:02d},f1,1\n", 1 + row_idx % 3);
    return run;
  }());
  const size_t rows_before = static_cast<size_t>(
      std::count(text.begin(), text.begin() + static_cast<long>(text.find("boundary")), '\n') - 1);
  std::vector<uint8_t> with_run(expected.begin(),
                                expected.begin() + static_cast<long>(rows_before));
  for (int row_idx = 0; row_idx < 4000; ++row_idx) with_run.push_back(row_idx < 3 ? 0 : 1);
  with_run.insert(with_run.end(), expected.begin() + static_cast<long>(rows_before),
                  expected.end());
  ExpectWavesAgree(text, with_run);
}

// A row without a user id between two rows of one user ends that user's run: the user has
// two runs, and a row after the gap that repeats one before it is a duplicate. (Skipping the
// keyless row when counting runs took the two for one run, each checked on its own.)
TEST(DuplicateFinder, ARowWithoutAUserSplitsTheRunAroundIt) {
  std::string text(kUsageHeader);
  std::map<std::tuple<std::string, int, int>, bool> seen;
  std::vector<uint8_t> expected;
  auto add = [&](const std::string& user, int day, int feature) {
    const bool duplicate = !seen.emplace(std::tuple(user, day, feature), true).second;
    expected.push_back(duplicate ? 1 : 0);
    text += fmt::format("{},2023-01-01,2023-02-{:02d},f{},1\n", user, day, feature);
  };
  for (int user = 0; user < 300; ++user) {
    const std::string name = fmt::format("u{}", user);
    add(name, 1, 0);
    add(name, 2, 1);
    add("", 1 + user % 4, user % 3);  // no user: ends the run
    add(name, 1, 0);                  // repeats the run's first row
    add(name, 3, user % 2);
  }
  ASSERT_EQ(std::count(expected.begin(), expected.end(), 1), 300 + 300 - 12);
  ExpectWavesAgree(text, expected);
}

// Users one after the other. Most users' days ascend, and their rows are checked day by day as
// they are read, through a filter of feature codes mod 64: features 0..149 make codes 64 apart
// share a filter bit, and some days have more than 64 rows. Every 7th user's days go back, so
// the run is checked as a whole when it ends: a table for runs over 64 rows, the filter below.
/// A usage log written row by row, with the flags a brute-force check gives its rows.
struct UsageLogText {
  std::string text{kUsageHeader};
  std::vector<uint8_t> expected;
  std::map<std::tuple<int, int, int, int, int>, bool> seen;

  void Add(int user, int signup, int day, int feature, int events) {
    const bool duplicate =
        !seen.emplace(std::tuple(user, signup, day, feature, events), true).second;
    expected.push_back(duplicate ? 1 : 0);
    text += fmt::format("u{},2023-01-{:02d},2023-02-{:02d},f{},{}\n", user, signup, day, feature,
                        events);
  }
};

TEST(DuplicateFinder, UsageRunsFindTheSameDuplicatesDayByDayAndAsAWhole) {
  UsageLogText log;
  std::string& text = log.text;
  std::vector<uint8_t>& expected = log.expected;
  std::mt19937 draws(17);
  auto add = [&](int user, int signup, int day, int feature, int events) {
    log.Add(user, signup, day, feature, events);
  };
  size_t long_days = 0, back_runs_long = 0, back_runs_short = 0;
  for (int user = 0; text.size() < (1u << 20) + 200'000; ++user) {
    const bool back = user % 7 == 3;
    const int days = back ? (user % 14 == 3 ? 14 : 3) : 1 + static_cast<int>(draws() % 6);
    const int signup = 1 + user % 2;
    size_t rows = 0;
    for (int day_idx = 0; day_idx < days; ++day_idx) {
      const int day = back ? 1 + static_cast<int>(draws() % 4) : 1 + day_idx * 4;
      const int day_rows = user % 50 == 0 ? 70 : 1 + static_cast<int>(draws() % 12);
      long_days += day_rows > 64 ? 1 : 0;
      for (int row_idx = 0; row_idx < day_rows; ++row_idx, ++rows)
        add(user, signup + static_cast<int>(draws() % 40 == 0), day,
            static_cast<int>(draws() % 150), 1 + static_cast<int>(draws() % 2));
    }
    if (back) ++(rows > 64 ? back_runs_long : back_runs_short);
  }
  ASSERT_GT(std::count(expected.begin(), expected.end(), 1), 1000);
  ASSERT_GT(long_days, 10u);
  ASSERT_GT(back_runs_long, 10u);
  ASSERT_GT(back_runs_short, 10u);
  ExpectWavesAgree(text, expected);
}

// Rows in time order, as exports write them: each day is one run of the file (the middle one
// crosses the two threads' chunks), users come back day after day, so step 2 checks the rows
// day run by day run. Then one day comes back at the end: two runs of that day, the partitions.
TEST(DuplicateFinder, RowsInTimeOrderAreCheckedDayByDay) {
  std::mt19937 draws(29);
  auto make = [&](bool day_comes_back) {
    UsageLogText log;
    for (int day = 1; day <= 9; ++day)
      for (int row_idx = 0; row_idx < 14'000; ++row_idx)
        log.Add(static_cast<int>(draws() % 3000), 1 + static_cast<int>(draws() % 40 == 0), day,
                static_cast<int>(draws() % 6), 1 + static_cast<int>(draws() % 2));
    if (day_comes_back)
      for (int row_idx = 0; row_idx < 3000; ++row_idx)
        log.Add(static_cast<int>(draws() % 3000), 1, 4, static_cast<int>(draws() % 6), 1);
    EXPECT_GT(log.text.size(), (1u << 20) + 200'000);  // two chunks on two threads
    EXPECT_GT(std::count(log.expected.begin(), log.expected.end(), 1), 1000);
    return std::pair{log.text, log.expected};
  };
  for (const bool day_comes_back : {false, true}) {
    const auto [text, expected] = make(day_comes_back);
    ExpectWavesAgree(text, expected);
  }
}

// The second thread's chunk holds no row at all (only malformed lines): it has no run counts,
// and the first chunk's users are still checked.
TEST(DuplicateFinder, AChunkWithoutRowsLeavesTheOthersChecked) {
  std::string text(kUsageHeader);
  std::map<std::tuple<int, int, int>, bool> seen;
  std::vector<uint8_t> expected;
  std::mt19937 draws(23);
  for (int row_idx = 0; text.size() < (1u << 20) + 100'000; ++row_idx) {
    const int user = row_idx / 20 - (row_idx % 50 == 0 ? 7 : 0);  // some users come back
    const int day = 1 + static_cast<int>(draws() % 3), feature = static_cast<int>(draws() % 3);
    const bool duplicate = !seen.emplace(std::tuple(user, day, feature), true).second;
    expected.push_back(duplicate ? 1 : 0);
    text += fmt::format("u{},2023-01-01,2023-02-{:02d},f{},1\n", user, day, feature);
  }
  while (text.size() < (3u << 20)) text += "not,a,row\n";  // wrong field count: malformed
  ASSERT_GT(std::count(expected.begin(), expected.end(), 1), 1000);
  for (unsigned threads : {1u, 2u}) {
    EXPECT_EQ(Flags(text, threads, DuplicateLayout{}), expected) << threads;
    EXPECT_EQ(Flags(text, threads, DuplicateLayout{64, 300, true, 16, 0}), expected) << threads;
  }
}

TEST(DuplicateFinder, LinesGroupedByInvoiceFindTheSameDuplicatesAsThePartitions) {
  std::string text(kRetailHeader);
  std::map<std::tuple<int, int, int>, bool> seen;
  std::vector<uint8_t> expected;
  std::mt19937 draws(13);
  for (int invoice = 0; invoice < 2'000; ++invoice) {
    // Every 40th invoice is long: checked in a table rather than through the filter.
    const int lines = invoice % 40 == 7 ? 120 : 1 + static_cast<int>(draws() % 25);
    // Every 50th invoice reuses an earlier number: its lines are in two runs.
    const int number = invoice % 50 == 49 ? invoice / 3 : invoice;
    for (int line = 0; line < lines; ++line) {
      const int stock = static_cast<int>(draws() % (lines > 25 ? 70 : 8));
      const int quantity = 1 + static_cast<int>(draws() % 2);
      const bool duplicate = !seen.emplace(std::tuple(number, stock, quantity), true).second;
      expected.push_back(duplicate ? 1 : 0);
      text += fmt::format("{},S{},ITEM {},{},2010-12-01 08:26,2.55,{},United Kingdom\n",
                          500000 + number, stock, stock, quantity, 12000 + number % 50);
    }
  }
  ASSERT_GT(std::count(expected.begin(), expected.end(), 1), 1000);
  ExpectWavesAgree(text, expected);
}

}  // namespace
}  // namespace growthlens
