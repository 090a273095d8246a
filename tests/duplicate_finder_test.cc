// Duplicate detection split into many partitions and waves agrees with one partition, and
// with the first occurrence of each distinct row found by brute force.

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

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

// Reads `text` on `threads` and marks duplicates with `layout`; returns the flags in row order.
std::vector<uint8_t> Flags(const std::string& text, unsigned threads,
                           const DuplicateLayout& layout) {
  Result<InputBuffer> input = InputBuffer::FromText(text, Encoding::kUtf8);
  EXPECT_TRUE(input.ok());
  CsvReadOptions options;
  options.threads = threads;
  Result<CsvReadResult> read = ReadCsv(*input, "dups.csv", options);
  EXPECT_TRUE(read.ok()) << read.status().message();
  const StagedTable& table = read->table;
  std::vector<std::vector<uint8_t>> status;
  for (const StagedChunk& chunk : table.chunks) status.emplace_back(chunk.rows(), kKeep);
  MarkDuplicateRows(table, status, kDuplicate, threads, layout);
  std::vector<uint8_t> flags;
  for (const auto& chunk_status : status)
    for (uint8_t row_status : chunk_status) flags.push_back(row_status == kDuplicate ? 1 : 0);
  return flags;
}

void ExpectWavesAgree(const std::string& text, const std::vector<uint8_t>& expected) {
  for (unsigned threads : {1u, 2u}) {
    EXPECT_EQ(Flags(text, threads, DuplicateLayout{}), expected) << threads;
    // Many small partitions over many waves, and a few larger ones.
    EXPECT_EQ(Flags(text, threads, DuplicateLayout{64, 300}), expected) << threads;
    EXPECT_EQ(Flags(text, threads, DuplicateLayout{16, 5000}), expected) << threads;
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

}  // namespace
}  // namespace growthlens
