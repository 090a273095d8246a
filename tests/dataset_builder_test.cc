// The usage Dataset is built in the reader's memory: chunk 0 compacted in place, the other
// chunks' kept rows copied in behind it, slice by slice, straight when a slice keeps every
// row. Whatever each slice drops, the Dataset holds exactly the kept rows, in file order, with
// their users and features re-coded. Transaction lines find their item and price through the
// last item of their stock code and the last price of their item, checked against the line;
// each chunk's lines are interned on their own, and the chunks merged in file order.

#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/dataset.h"
#include "core/date.h"
#include "core/dictionary.h"
#include "dataset_expect.h"
#include "dataset_kinds.h"
#include "prep/ingest.h"
#include "test_data.h"

namespace growthlens {
namespace {

struct ExpectedRow {
  std::string user;
  Day day;
  std::string feature;
  int32_t events;
};

TEST(DatasetBuilder, UsageRowsAreCopiedWhateverEachSliceOfAChunkDrops) {
  std::string text(testing::kUsageHeader);
  // The first row's user and feature are used by dropped rows only: both dictionaries are
  // re-coded, so even slices copied straight must translate their codes.
  text += "ghost,2023-01-01,2023-01-02,unused,0\n";
  std::vector<ExpectedRow> expected;
  int dropped = 0;
  for (int row_idx = 0; text.size() < (2u << 20) + 300'000; ++row_idx) {
    // The second half drops a single row every 9,000 rows, so some of its slices (an eighth
    // of a chunk, about 4,000 rows here) drop one row and the others none; the first half
    // drops every 400th row.
    const bool second_half = text.size() > (1u << 20) + 150'000;
    const bool drop = second_half ? row_idx % 9000 == 4321 : row_idx % 400 == 17;
    const std::string user = fmt::format("u{}", row_idx / 30);
    const int day = 1 + (row_idx % 30) / 3;
    const std::string feature = fmt::format("f{}", row_idx % 3);
    const int32_t events = drop ? 0 : 1 + row_idx % 5;
    text += fmt::format("{},2023-01-01,2023-02-{:02d},{},{}\n", user, day, feature, events);
    if (drop)
      ++dropped;
    else
      expected.push_back({user, DaysFromCivil(2023, 2, day), feature, events});
  }
  ASSERT_GT(dropped, 50);
  for (unsigned threads : {1u, 2u}) {
    SCOPED_TRACE(threads);
    IngestOptions options;
    options.read.threads = threads;
    const Result<CleanedData> result = IngestText(text, "slices.csv", options);
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_EQ(result->report.source.threads, threads);
    const Dataset& dataset = result->dataset;
    EXPECT_FALSE(dataset.users().Find("ghost").has_value());
    EXPECT_FALSE(UsageOf(dataset).features.Find("unused").has_value());
    ASSERT_EQ(dataset.rows(), expected.size());
    for (size_t row = 0; row < expected.size(); ++row) {
      ASSERT_EQ(dataset.users()[UsageOf(dataset).usage.user[row]], expected[row].user) << row;
      ASSERT_EQ(UsageOf(dataset).usage.day[row], expected[row].day) << row;
      ASSERT_EQ(UsageOf(dataset).features[UsageOf(dataset).usage.feature[row]],
                expected[row].feature)
          << row;
      ASSERT_EQ(UsageOf(dataset).usage.events[row], expected[row].events) << row;
    }
  }
}

TEST(DatasetBuilder, TransactionLinesKeepTheirItemAndPriceWhenTheseChangeBack) {
  std::string text(testing::kRetailHeader);
  struct Line {
    std::string stock_code, description, price;
  };
  std::vector<Line> expected;
  for (int row_idx = 0; row_idx < 3000; ++row_idx) {
    // Stock code S<n> alternates between two descriptions; each item's price comes back.
    const int stock = row_idx % 7;
    const Line line{fmt::format("S{}", stock), fmt::format("ITEM {} {}", stock, row_idx / 7 % 2),
                    fmt::format("{}.25", 1 + row_idx / 14 % 3)};
    text += fmt::format("{},{},{},2,2010-12-01 08:26,{},{},United Kingdom\n", 536000 + row_idx / 5,
                        line.stock_code, line.description, line.price, 12000 + row_idx % 9);
    expected.push_back(line);
  }
  const Result<CleanedData> result = IngestText(text, "items.csv", {});
  ASSERT_TRUE(result.ok()) << result.status().message();
  const Dataset& dataset = result->dataset;
  ASSERT_EQ(dataset.rows(), expected.size());
  EXPECT_EQ(TransactionsOf(dataset).items.size(), 14u);
  EXPECT_EQ(TransactionsOf(dataset).prices.size(), 3u);
  for (size_t row = 0; row < expected.size(); ++row) {
    const uint32_t item = TransactionsOf(dataset).transactions.item[row];
    ASSERT_EQ(TransactionsOf(dataset).stock_codes[TransactionsOf(dataset).items.stock_code[item]],
              expected[row].stock_code)
        << row;
    ASSERT_EQ(TransactionsOf(dataset).descriptions[TransactionsOf(dataset).items.description[item]],
              expected[row].description)
        << row;
    ASSERT_EQ(fmt::format(
                  "{:.2f}",
                  TransactionsOf(dataset).prices[TransactionsOf(dataset).transactions.price[row]]),
              expected[row].price)
        << row;
  }
}

// Orders, items, prices and codes first seen in the second chunk, among ones seen in the first:
// the Dataset built from two chunks is the one built from one.
TEST(DatasetBuilder, TransactionsFromTwoChunksAreNumberedAsFromOne) {
  std::string text(testing::kRetailHeader);
  for (int row_idx = 0; text.size() < (2u << 20) + 300'000; ++row_idx) {
    // New invoices, customers, countries, items and prices keep coming; old ones come back.
    const int era = row_idx / 4000;
    const int invoice = row_idx % 3 == 0 ? row_idx / 4 : row_idx / 40;
    const int stock = row_idx % 5 == 0 ? era * 50 + row_idx % 50 : row_idx % 37;
    const std::string customer =
        row_idx % 97 == 0 ? "" : fmt::format("{}", 12000 + (row_idx % 7 == 0 ? era : row_idx % 60));
    text += fmt::format("{},S{},ITEM {} {},{},2010-12-{:02d} 08:{:02d},{}.{:02d},{},Country{}\n",
                        536000 + invoice, stock, stock, row_idx % 11 == 0 ? era : 0,
                        row_idx % 13 == 0 ? -1 : 1 + row_idx % 4, 1 + invoice % 28, invoice % 60,
                        1 + stock % 9, row_idx % 6 == 0 ? era : 50, customer,
                        row_idx % 9 == 0 ? era : row_idx % 4);
  }
  IngestOptions options;
  options.read.threads = 1;
  const Result<CleanedData> one = IngestText(text, "lines.csv", options);
  options.read.threads = 2;
  const Result<CleanedData> two = IngestText(text, "lines.csv", options);
  ASSERT_TRUE(one.ok()) << one.status().message();
  ASSERT_TRUE(two.ok()) << two.status().message();
  ASSERT_EQ(two->report.source.threads, 2u);
  const Dataset& a = one->dataset;
  const Dataset& b = two->dataset;
  ASSERT_GT(a.rows(), 30'000u);
  ASSERT_GT(TransactionsOf(a).orders.size(), 1000u);
  ASSERT_GT(TransactionsOf(a).items.size(), 200u);
  ASSERT_GT(TransactionsOf(a).prices.size(), 20u);
  testing::ExpectSameDataset(a, b);
}

}  // namespace
}  // namespace growthlens
