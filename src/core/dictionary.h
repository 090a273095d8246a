#pragma once
// StringDictionary: dictionary encoding for string columns. Each distinct string gets a dense
// uint32 code in order of first appearance; the bytes live once in an arena, so hot loops
// only see codes. Open addressing with stored hashes keeps lookups to one cache line.

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/hash.h"

namespace growthlens {

/// Equality for short strings without a call to memcmp: ids and names are mostly under 16
/// bytes, and the dictionary compares one on almost every row.
inline bool ShortStringEquals(std::string_view a, std::string_view b) {
  const size_t size = a.size();
  if (size != b.size()) return false;
  if (size >= 8 && size <= 16) {
    uint64_t a_head, b_head, a_tail, b_tail;
    std::memcpy(&a_head, a.data(), 8);
    std::memcpy(&b_head, b.data(), 8);
    std::memcpy(&a_tail, a.data() + size - 8, 8);
    std::memcpy(&b_tail, b.data() + size - 8, 8);
    return a_head == b_head && a_tail == b_tail;
  }
  if (size >= 4 && size < 8) {  // two overlapping 4-byte words: ids such as "104233"
    uint32_t a_head, b_head, a_tail, b_tail;
    std::memcpy(&a_head, a.data(), 4);
    std::memcpy(&b_head, b.data(), 4);
    std::memcpy(&a_tail, a.data() + size - 4, 4);
    std::memcpy(&b_tail, b.data() + size - 4, 4);
    return a_head == b_head && a_tail == b_tail;
  }
  if (size < 4) {
    for (size_t byte_idx = 0; byte_idx < size; ++byte_idx)
      if (a[byte_idx] != b[byte_idx]) return false;
    return true;
  }
  return a == b;
}

/// Code meaning "no value" (a missing id, for example).
inline constexpr uint32_t kNullCode = UINT32_MAX;

class StringDictionary {
 public:
  StringDictionary();

  /// The code of `text`, adding it when new. `hash` must be HashBytes(text).
  uint32_t Intern(std::string_view text, uint64_t hash);
  uint32_t Intern(std::string_view text) { return Intern(text, HashBytes(text)); }

  /// Room for `strings` strings, so adding them never grows the table.
  void Reserve(size_t strings);

  /// The code of `text` if present.
  std::optional<uint32_t> Find(std::string_view text) const;

  std::string_view operator[](uint32_t code) const {
    return {arena_.data() + offsets_[code], offsets_[code + 1] - offsets_[code]};
  }
  uint32_t size() const { return static_cast<uint32_t>(offsets_.size() - 1); }
  bool empty() const { return size() == 0; }

  /// Bytes held: arena, offsets and hash table.
  size_t MemoryBytes() const;

 private:
  struct Slot {
    uint32_t hash_tag = 0;  // upper hash bits, to skip most string comparisons
    uint32_t code = kNullCode;
  };
  void Grow();
  // A slot is picked by the top bits of the hash, which the tag keeps: growing the table
  // moves tags without hashing the strings again.
  uint64_t SlotOf(uint32_t tag) const { return tag >> tag_shift_; }

  std::string arena_;
  std::vector<uint32_t> offsets_;  // size() + 1 entries; string i is [offsets_[i], offsets_[i+1])
  std::vector<Slot> slots_;        // power-of-two size, at most half full
  uint64_t slot_mask_ = 0;
  unsigned tag_shift_ = 32;  // 32 - log2(slot count)
};

}  // namespace growthlens
