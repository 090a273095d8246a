#pragma once
// DistinctKeys: counts distinct 64-bit keys within one small group (one user's rows) and is
// reset in O(1) for the next group by bumping a generation stamp, so a pass over millions of
// users never clears memory. Open addressing, linear probing, kept at most half full.

#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>

#include "core/hash.h"

namespace growthlens {

class DistinctKeys {
 public:
  /// Starts a new group of at most `max_keys` keys.
  void Reset(size_t max_keys) {
    const size_t wanted = std::bit_ceil(std::max<size_t>(16, max_keys * 2));
    if (wanted > slots_.size()) {
      slots_.assign(wanted, Slot{});
      generation_ = 0;
    }
    mask_ = wanted - 1;        // a prefix: small groups stay in cache after one large group
    if (++generation_ == 0) {  // wrapped: stale stamps could match again
      slots_.assign(slots_.size(), Slot{});
      generation_ = 1;
    }
  }

  /// True the first time `key` is inserted in the current group.
  bool Insert(uint64_t key) {
    size_t slot = MixBits(key) & mask_;
    while (slots_[slot].generation == generation_) {
      if (slots_[slot].key == key) return false;
      slot = (slot + 1) & mask_;
    }
    slots_[slot] = Slot{key, generation_};
    return true;
  }

 private:
  struct Slot {
    uint64_t key = 0;
    uint32_t generation = 0;
  };
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  uint32_t generation_ = 0;
};

}  // namespace growthlens
