// The shared stable counting sort (core/counting_sort.h): the same order as std::stable_sort
// by key for any number of parts and threads, and each key's slice where key_begin says.

#include "core/counting_sort.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <random>
#include <span>
#include <vector>

#include "core/parallel.h"

namespace growthlens {
namespace {

/// Item indices sorted by keys[item] on `parts` parts and `threads` threads.
std::vector<uint32_t> SortedByCounting(const std::vector<uint32_t>& keys, size_t key_count,
                                       size_t parts, unsigned threads,
                                       std::vector<uint32_t>* key_begin = nullptr) {
  const size_t items = keys.size();
  auto range = [&](size_t part) {
    return std::pair{items * part / parts, items * (part + 1) / parts};
  };
  CountingSortSlots<uint32_t> slots = PlanCountingSort<uint32_t>(
      parts, key_count, threads, [&](size_t part, std::span<uint32_t> counts) {
        const auto [first, end] = range(part);
        for (size_t item = first; item < end; ++item) ++counts[keys[item]];
      });
  std::vector<uint32_t> sorted(slots.key_begin.back(), UINT32_MAX);
  ParallelFor(parts, threads, [&](size_t part) {
    std::span<uint32_t> cursor = slots.cursor(part);
    const auto [first, end] = range(part);
    for (size_t item = first; item < end; ++item)
      sorted[cursor[keys[item]]++] = static_cast<uint32_t>(item);
  });
  if (key_begin != nullptr) *key_begin = slots.key_begin;
  return sorted;
}

TEST(CountingSort, StableForAnyNumberOfPartsAndThreads) {
  std::mt19937 draws(5);
  const size_t key_count = 97;  // some keys without items
  std::vector<uint32_t> keys(20'000);
  for (uint32_t& key : keys) key = static_cast<uint32_t>(draws() % 90 + (draws() % 2) * 7);
  std::vector<uint32_t> expected(keys.size());
  std::iota(expected.begin(), expected.end(), 0u);
  std::stable_sort(expected.begin(), expected.end(),
                   [&](uint32_t a, uint32_t b) { return keys[a] < keys[b]; });
  for (size_t parts : {1u, 2u, 3u, 7u}) {
    for (unsigned threads : {1u, 2u}) {
      std::vector<uint32_t> key_begin;
      EXPECT_EQ(SortedByCounting(keys, key_count, parts, threads, &key_begin), expected)
          << parts << " parts, " << threads << " threads";
      ASSERT_EQ(key_begin.size(), key_count + 1);
      EXPECT_EQ(key_begin.back(), keys.size());
      for (uint32_t key = 0; key < key_count; ++key) {
        const auto count = static_cast<uint32_t>(std::count(keys.begin(), keys.end(), key));
        EXPECT_EQ(key_begin[key + 1] - key_begin[key], count) << key;
        for (uint32_t slot = key_begin[key]; slot < key_begin[key + 1]; ++slot)
          EXPECT_EQ(keys[expected[slot]], key);
      }
    }
  }
}

TEST(CountingSort, NoItemsNoKeys) {
  EXPECT_TRUE(SortedByCounting({}, 4, 2, 2).empty());
  std::vector<uint32_t> key_begin;
  EXPECT_TRUE(SortedByCounting({}, 0, 1, 1, &key_begin).empty());
  EXPECT_EQ(key_begin, (std::vector<uint32_t>{0}));
}

}  // namespace
}  // namespace growthlens
