// KeyInterner numbers distinct keys in order of first appearance, as a map from key to its
// count of earlier distinct keys would, through growth and whatever the hash.

#include "prep/key_interner.h"

#include <cstdint>
#include <map>
#include <random>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "core/hash.h"

namespace growthlens {
namespace {

using Key = std::pair<uint32_t, uint32_t>;

struct GoodHash {
  size_t operator()(const Key& key) const { return HashCombine(key.first, key.second); }
};
// Every key in one probe sequence: ids must still come from comparing keys.
struct ConstantHash {
  size_t operator()(const Key&) const { return 12345; }
};
// Low bits equal for keys 64 apart: long clusters in small tables.
struct ClusteringHash {
  size_t operator()(const Key& key) const { return key.first * 64 + key.second; }
};

template <typename Hash>
void ExpectFirstAppearanceIds(size_t draws, uint32_t distinct) {
  KeyInterner<Key, Hash> interner;
  std::map<Key, uint32_t> expected;
  std::vector<Key> order;
  std::mt19937 random(29);
  for (size_t draw = 0; draw < draws; ++draw) {
    // Runs of one key, as the lines of an order come together.
    const Key key{static_cast<uint32_t>(random() % distinct), static_cast<uint32_t>(random() % 3)};
    for (int repeat = 0; repeat < 1 + static_cast<int>(random() % 3); ++repeat) {
      const auto [it, inserted] = expected.try_emplace(key, static_cast<uint32_t>(order.size()));
      if (inserted) order.push_back(key);
      const auto [id, is_new] = interner.Intern(key);
      ASSERT_EQ(id, it->second) << draw;
      ASSERT_EQ(is_new, inserted) << draw;
    }
  }
  EXPECT_EQ(interner.keys(), order);
  EXPECT_GT(order.size(), 100u);  // several doublings of the table
}

TEST(KeyInterner, IdsFollowFirstAppearance) {
  ExpectFirstAppearanceIds<GoodHash>(50'000, 20'000);
}

TEST(KeyInterner, IdsFollowFirstAppearanceWhenEveryHashCollides) {
  ExpectFirstAppearanceIds<ConstantHash>(3'000, 200);
}

TEST(KeyInterner, IdsFollowFirstAppearanceInLongClusters) {
  ExpectFirstAppearanceIds<ClusteringHash>(20'000, 5'000);
}

}  // namespace
}  // namespace growthlens
