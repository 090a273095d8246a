#include "warehouse/clickhouse_live_insert.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace growthlens::warehouse {
namespace {

// Expected values from Python, independently of the code under test:
//   fnv = FNV-1a 64 (offset 0xcbf29ce484222325, prime 0x100000001b3) over bytes
//   'live-%016x' % fnv(b''.join(struct.pack('<Q', k) for k in sorted(keys)))
// They are stored in ClickHouse (keys) or sent as insert tokens, so they must never change.
TEST(ClickHouseLiveInsert, TokenIsTheStableHashOfTheSortedKeysInAnyOrder) {
  const std::vector<uint64_t> keys = {3, 1, 0xfedcba9876543210ULL};
  EXPECT_EQ(LiveInsertToken(keys), "live-78a3b30cb7f0b077");
  const std::vector<uint64_t> reordered = {0xfedcba9876543210ULL, 3, 1};
  EXPECT_EQ(LiveInsertToken(reordered), "live-78a3b30cb7f0b077");
  EXPECT_EQ(LiveInsertToken({}), "live-cbf29ce484222325");
  const std::vector<uint64_t> other = {3, 1, 0xfedcba9876543211ULL};
  EXPECT_NE(LiveInsertToken(other), "live-78a3b30cb7f0b077");
}

TEST(ClickHouseLiveInsert, EventKeyIsFnv1aOfTheUuid) {
  EXPECT_EQ(LiveEventKey("0f8fad5b-d9cb-469f-a165-70867728950e"), 0x3ec72038cdc744c1ULL);
}

}  // namespace
}  // namespace growthlens::warehouse
