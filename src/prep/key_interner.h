#pragma once
// KeyInterner: dense ids for distinct keys, numbered in order of first appearance, in an
// open-addressing table of ids (linear probing, at most half full) over the keys kept in id
// order. It remembers the last key, since consecutive rows usually repeat it (the lines of one
// order). Used for the side tables of transactions: orders, items, prices.
//
//   KeyInterner<uint64_t, BitsHash> prices;
//   const auto [id, is_new] = prices.Intern(bits);

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace growthlens {

template <typename Key, typename Hash>
class KeyInterner {
 public:
  /// The key's id and whether it is new.
  std::pair<uint32_t, bool> Intern(const Key& key) {
    if (!keys_.empty() && key == keys_[last_]) return {last_, false};
    if ((keys_.size() + 1) * 2 > slots_.size()) Grow();
    for (size_t slot = Hash()(key) & mask_;; slot = (slot + 1) & mask_) {
      const uint32_t id = slots_[slot];
      if (id == kEmpty) {
        last_ = static_cast<uint32_t>(keys_.size());
        slots_[slot] = last_;
        keys_.push_back(key);
        return {last_, true};
      }
      if (keys_[id] == key) {
        last_ = id;
        return {id, false};
      }
    }
  }

  /// The distinct keys, by id.
  const std::vector<Key>& keys() const { return keys_; }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;

  void Grow() {
    slots_.assign(slots_.empty() ? 64 : slots_.size() * 2, kEmpty);
    mask_ = slots_.size() - 1;
    for (uint32_t id = 0; id < keys_.size(); ++id) {
      size_t slot = Hash()(keys_[id]) & mask_;
      while (slots_[slot] != kEmpty) slot = (slot + 1) & mask_;
      slots_[slot] = id;
    }
  }

  std::vector<uint32_t> slots_;  // ids, kEmpty where free; a power of two in size
  size_t mask_ = 0;
  std::vector<Key> keys_;
  uint32_t last_ = 0;  // id of the last key interned
};

}  // namespace growthlens
