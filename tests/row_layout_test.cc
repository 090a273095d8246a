// How a write lays rows out in blocks (src/store/row_layout.h): rows in time order stay as they
// are with blocks cut at month boundaries; rows grouped by user are stored month by month and
// read back in source order; anything else keeps its order.

#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "core/date.h"
#include "core/dictionary.h"
#include "store/row_layout.h"

namespace growthlens {
namespace {

const Day kJan = DaysFromCivil(2025, 1, 10);
const Day kFeb = DaysFromCivil(2025, 2, 3);
const Day kMar = DaysFromCivil(2025, 3, 31);

std::vector<std::pair<size_t, size_t>> Bounds(const store::RowLayout& layout) {
  std::vector<std::pair<size_t, size_t>> bounds;
  for (const store::RowPart& part : layout.parts) bounds.emplace_back(part.begin, part.end);
  return bounds;
}

/// The source order read back from stored `users` (source users permuted by `order`).
std::vector<uint32_t> ReadBack(const std::vector<uint32_t>& users,
                               const std::vector<uint32_t>& order, uint32_t user_count) {
  std::vector<uint32_t> stored(order.size());
  for (size_t row = 0; row < order.size(); ++row) stored[row] = order[row];
  std::vector<uint32_t> stored_users(order.size());
  for (size_t row = 0; row < order.size(); ++row) stored_users[row] = users[order[row]];
  const std::vector<store::RegroupSlice> slices = store::RegroupSlices(stored_users, user_count);
  if (slices.empty()) return stored;
  std::vector<uint32_t> source;
  for (const store::RegroupSlice& slice : slices)
    for (size_t row = slice.begin; row < slice.begin + slice.rows; ++row)
      source.push_back(stored[row]);
  return source;
}

TEST(RowLayoutTest, RowsInTimeOrderStayAndBlocksStartAtMonths) {
  const std::vector<uint32_t> users = {3, 1, 2, 1, 0};
  const std::vector<Day> days = {kJan, kJan, kFeb, kMar, kMar};
  const store::RowLayout layout = store::PlanRowLayout(users, days, 2);
  EXPECT_TRUE(layout.order.empty());
  // January fills a block; February alone would not, so it shares one with March.
  EXPECT_EQ(Bounds(layout), (std::vector<std::pair<size_t, size_t>>{{0, 2}, {2, 5}}));
  for (const store::RowPart& part : layout.parts) EXPECT_FALSE(part.regrouped);
}

TEST(RowLayoutTest, RowsGroupedByUserAreStoredByMonthAndReadBackInSourceOrder) {
  const std::vector<uint32_t> users = {0, 0, 0, 1, 1, 2, kNullCode, kNullCode};
  const std::vector<Day> days = {kJan, kFeb, kMar, kJan, kMar, kFeb, kJan, kMar};
  const store::RowLayout layout = store::PlanRowLayout(users, days, 2);
  EXPECT_EQ(layout.order, (std::vector<uint32_t>{0, 3, 6, 1, 5, 2, 4, 7}));
  EXPECT_EQ(Bounds(layout), (std::vector<std::pair<size_t, size_t>>{{0, 3}, {3, 5}, {5, 8}}));
  for (const store::RowPart& part : layout.parts) EXPECT_TRUE(part.regrouped);
  EXPECT_TRUE(layout.parts[0].starts_unit);
  EXPECT_FALSE(layout.parts[1].starts_unit);
  EXPECT_EQ(ReadBack(users, layout.order, 3),
            (std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7}));  // the source order again
  // A range of months (here February and March: stored rows 3..8) reads back in source order.
  const std::vector<uint32_t> tail(layout.order.begin() + 3, layout.order.end());
  EXPECT_EQ(ReadBack(users, tail, 3), (std::vector<uint32_t>{1, 2, 4, 5, 7}));
  // One month of a unit is in source order already: nothing to move.
  const std::vector<uint32_t> january = {users[layout.order[0]], users[layout.order[1]],
                                         users[layout.order[2]]};
  EXPECT_TRUE(store::RegroupSlices(january, 3).empty());
}

TEST(RowLayoutTest, TwoLoadsGroupedByUserAreTwoUnits) {
  // Users 0..1 of one export, then users 0..1 again of the next (codes start over).
  const std::vector<uint32_t> users = {0, 0, 1, 1, 0, 0, 1, 1};
  const std::vector<Day> days = {kJan, kFeb, kJan, kFeb, kFeb, kMar, kFeb, kMar};
  const store::RowLayout layout = store::PlanRowLayout(users, days, 2);
  EXPECT_EQ(layout.order, (std::vector<uint32_t>{0, 2, 1, 3, 4, 6, 5, 7}));
  ASSERT_EQ(layout.parts.size(), 4u);
  EXPECT_TRUE(layout.parts[0].starts_unit);
  EXPECT_TRUE(layout.parts[2].starts_unit);
}

TEST(RowLayoutTest, RowsInNoUsefulOrderKeepTheirOrder) {
  const std::vector<uint32_t> users = {1, 0, 1, 0};
  const std::vector<Day> days = {kFeb, kJan, kJan, kFeb};
  const store::RowLayout layout = store::PlanRowLayout(users, days, 2);
  EXPECT_TRUE(layout.order.empty());
  EXPECT_EQ(Bounds(layout), (std::vector<std::pair<size_t, size_t>>{{0, 4}}));
  EXPECT_FALSE(layout.parts[0].regrouped);
  EXPECT_TRUE(store::PlanRowLayout({}, {}, 2).parts.empty());
}

TEST(RowLayoutTest, StableOrderByKeepsTiesInOrder) {
  const std::vector<uint32_t> keys = {2, 0, 2, 1, 0};
  EXPECT_EQ(store::StableOrderBy(keys, 3), (std::vector<uint32_t>{1, 4, 3, 0, 2}));
}

}  // namespace
}  // namespace growthlens
