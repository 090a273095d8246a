// The live fold's sets of stored row keys (store/sorted_runs.h, store/row_keys.h) against a
// std::set of the same keys: the same answer for every key added and for keys next to them, in
// runs of any size (merges across chunk boundaries), with the day's keys packed into 64 bits and
// those that do not pack (a time outside the day) kept whole.

#include <cstdint>
#include <random>
#include <set>
#include <vector>

#include <gtest/gtest.h>

#include "store/row_keys.h"
#include "store/sorted_runs.h"

namespace growthlens {
namespace {

using store::RowKey;
using store::UsageKey;

TEST(SortedRunsTest, RunsOfAnySizeAnswerAsASetDoes) {
  store::SortedRuns<uint64_t> keys;
  std::set<uint64_t> oracle;
  std::mt19937_64 random(19);
  // Sizes around the chunk size make merges cross chunk boundaries; a narrow key range gives
  // repeated keys across runs.
  const size_t chunk = store::SortedRuns<uint64_t>::kChunkKeys;
  size_t added = 0;
  for (const size_t run : {size_t{1}, size_t{3}, chunk - 1, size_t{2}, chunk + 1, size_t{700},
                           size_t{1}, 2 * chunk, size_t{5}, size_t{64}}) {
    for (size_t i = 0; i < run; ++i) {
      const uint64_t key = random() % 2'000'000;
      keys.Add(key);
      oracle.insert(key);
    }
    added += run;
    keys.Seal();
    EXPECT_EQ(keys.size(), added);
  }
  for (uint64_t key = 0; key < 2'000'010; ++key)
    ASSERT_EQ(keys.Contains(key), oracle.contains(key)) << key;
  EXPECT_FALSE(keys.Contains(UINT64_MAX));
}

TEST(SortedRunsTest, KeysAtTheEndsOfTheRange) {
  store::SortedRuns<uint64_t> keys;
  keys.Add(0);
  keys.Seal();
  keys.Add(UINT64_MAX);
  keys.Seal();
  EXPECT_TRUE(keys.Contains(0));
  EXPECT_TRUE(keys.Contains(UINT64_MAX));
  EXPECT_FALSE(keys.Contains(1));
  EXPECT_FALSE(keys.Contains(UINT64_MAX - 1));
}

// The fields' edges: the day's first and last millisecond, features on both sides of a group of
// 32 and above 1024, the first and last user, and times that do not pack (negative, 2^27 and
// beyond), whose low bits equal a packed key's.
TEST(DayKeySetsTest, AnswersExactlyAsASetOfTheWholeKeys) {
  constexpr int32_t kLastMs = 86'399'999;
  constexpr int32_t kPackLimit = int32_t{1} << 27;
  const std::vector<uint32_t> users = {0, 1, 2, 77, UINT32_MAX - 1, UINT32_MAX};
  const std::vector<uint16_t> features = {0,    1,    31,   32,   33,    63,
                                          1023, 1024, 1025, 1055, 65504, UINT16_MAX};
  const std::vector<int32_t> times = {0,         1,          5,          kLastMs - 1,
                                      kLastMs,   86'400'000, kPackLimit, kPackLimit + 5,
                                      INT32_MAX, -1,         INT32_MIN,  kPackLimit - 1};
  const std::vector<Day> days = {-3, 10, 11, 12};  // 12 is not held
  std::mt19937 random(1919);
  const auto pick = [&random](const auto& values) { return values[random() % values.size()]; };
  const auto random_key = [&] {
    const uint32_t user = random() % 3 ? pick(users) : static_cast<uint32_t>(random());
    const uint16_t feature = random() % 3 ? pick(features) : static_cast<uint16_t>(random());
    const int32_t ms = random() % 3 ? pick(times) : static_cast<int32_t>(random() % 86'400'000);
    return UsageKey(user, pick(days), feature, ms);
  };

  store::DayKeySets keys;
  for (const Day day : {Day{-3}, Day{10}, Day{11}}) keys.Cover(day);
  std::set<RowKey> oracle;
  size_t held = 0;
  for (const size_t run : {1, 10, 4000, 3, 70'000, 2, 150}) {
    for (size_t i = 0; i < run; ++i) {
      const RowKey key = random_key();
      if (oracle.contains(key)) continue;
      keys.Add(key);
      oracle.insert(key);
      held += store::DayOfUsageKey(key) != 12;
    }
    keys.Seal();
    EXPECT_EQ(keys.size(), held);
  }
  const auto expect_as_oracle = [&](RowKey key) {
    const bool expected = store::DayOfUsageKey(key) != 12 && oracle.contains(key);
    ASSERT_EQ(keys.Contains(key), expected) << key.high << " " << key.low;
  };
  for (const RowKey& key : oracle) {
    expect_as_oracle(key);
    // The same key one step off in each field, the feature also a group of 32 off.
    const uint32_t user = static_cast<uint32_t>(key.high >> 32);
    const Day day = store::DayOfUsageKey(key);
    const auto feature = static_cast<uint16_t>(key.low >> 32);
    const auto ms_bits = static_cast<uint32_t>(key.low);  // wraps at the ends, as int32_t does not
    const auto ms = static_cast<int32_t>(ms_bits);
    for (const RowKey near :
         {UsageKey(user + 1, day, feature, ms), UsageKey(user - 1, day, feature, ms),
          UsageKey(user, day + 1, feature, ms), UsageKey(user, day - 1, feature, ms),
          UsageKey(user, day, static_cast<uint16_t>(feature + 1), ms),
          UsageKey(user, day, static_cast<uint16_t>(feature ^ 32), ms),
          UsageKey(user, day, static_cast<uint16_t>(feature + 1024), ms),
          UsageKey(user, day, feature, static_cast<int32_t>(ms_bits + 1)),
          UsageKey(user, day, feature, static_cast<int32_t>(ms_bits - 1)),
          UsageKey(user, day, feature, static_cast<int32_t>(ms_bits ^ uint32_t{kPackLimit}))})
      expect_as_oracle(near);
  }
  for (int probe = 0; probe < 200'000; ++probe) expect_as_oracle(random_key());
}

TEST(DayKeySetsTest, ATimeOutsideTheDayIsKeptWholeAndNotMistakenForOneInside) {
  store::DayKeySets keys;
  keys.Cover(5);
  // 2^27 + 7 has the low 27 bits of 7: packed, the two would be one key.
  keys.Add(UsageKey(9, 5, 3, (int32_t{1} << 27) + 7));
  keys.Add(UsageKey(9, 5, 3, -1));
  keys.Seal();
  EXPECT_EQ(keys.size(), 2u);
  EXPECT_TRUE(keys.Contains(UsageKey(9, 5, 3, (int32_t{1} << 27) + 7)));
  EXPECT_TRUE(keys.Contains(UsageKey(9, 5, 3, -1)));
  EXPECT_FALSE(keys.Contains(UsageKey(9, 5, 3, 7)));
  EXPECT_FALSE(keys.Contains(UsageKey(9, 5, 3, INT32_MAX)));
  keys.Add(UsageKey(9, 5, 3, 7));
  keys.Seal();
  EXPECT_TRUE(keys.Contains(UsageKey(9, 5, 3, 7)));
  EXPECT_EQ(keys.size(), 3u);
}

// A live ingest puts every event on one day: its keys take 8 bytes each (and a little for the
// chunks), not the 16 of a whole key.
TEST(DayKeySetsTest, ADayOfEventsTakesEightBytesAKey) {
  store::DayKeySets keys;
  keys.Cover(20'000);
  uint32_t ms = 0;
  for (int load = 0; load < 40; ++load) {
    for (int event = 0; event < 10'000; ++event, ms += 7)
      keys.Add(UsageKey(static_cast<uint32_t>(event * 7919 % 50'000), 20'000,
                        static_cast<uint16_t>(event % 24), static_cast<int32_t>(ms)));
    keys.Seal();
  }
  ASSERT_EQ(keys.size(), 400'000u);
  EXPECT_LT(static_cast<double>(keys.bytes()) / static_cast<double>(keys.size()), 8.5);
}

}  // namespace
}  // namespace growthlens
