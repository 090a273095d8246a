#include "core/dictionary.h"

#include <bit>

namespace growthlens {

namespace {
constexpr size_t kInitialSlots = 64;
uint32_t TagOf(uint64_t hash) {
  return static_cast<uint32_t>(hash >> 32);
}
}  // namespace

StringDictionary::StringDictionary()
    : offsets_{0}, slots_(kInitialSlots), slot_mask_(kInitialSlots - 1) {
  tag_shift_ = static_cast<unsigned>(32 - std::countr_zero(kInitialSlots));
}

void StringDictionary::Reserve(size_t strings) {
  offsets_.reserve(strings + 1);
  while (strings * 2 > slots_.size()) Grow();
}

uint32_t StringDictionary::Intern(std::string_view text, uint64_t hash) {
  const uint32_t tag = TagOf(hash);
  for (uint64_t slot_idx = SlotOf(tag);; slot_idx = (slot_idx + 1) & slot_mask_) {
    Slot& slot = slots_[slot_idx];
    if (slot.code == kNullCode) {
      const uint32_t code = size();
      arena_.append(text);
      offsets_.push_back(static_cast<uint32_t>(arena_.size()));
      slot = {tag, code};
      if (static_cast<size_t>(size()) * 2 > slots_.size()) Grow();
      return code;
    }
    if (slot.hash_tag == tag && ShortStringEquals((*this)[slot.code], text)) return slot.code;
  }
}

std::optional<uint32_t> StringDictionary::Find(std::string_view text) const {
  const uint64_t hash = HashBytes(text);
  const uint32_t tag = TagOf(hash);
  for (uint64_t slot_idx = SlotOf(tag);; slot_idx = (slot_idx + 1) & slot_mask_) {
    const Slot& slot = slots_[slot_idx];
    if (slot.code == kNullCode) return std::nullopt;
    if (slot.hash_tag == tag && ShortStringEquals((*this)[slot.code], text)) return slot.code;
  }
}

void StringDictionary::Grow() {
  std::vector<Slot> old_slots(slots_.size() * 2);
  old_slots.swap(slots_);
  slot_mask_ = slots_.size() - 1;
  --tag_shift_;
  // The slot comes from the tag alone, so no string is read or hashed again.
  for (const Slot& old_slot : old_slots) {
    if (old_slot.code == kNullCode) continue;
    uint64_t slot_idx = SlotOf(old_slot.hash_tag);
    while (slots_[slot_idx].code != kNullCode) slot_idx = (slot_idx + 1) & slot_mask_;
    slots_[slot_idx] = old_slot;
  }
}

size_t StringDictionary::MemoryBytes() const {
  return arena_.capacity() + offsets_.capacity() * sizeof(uint32_t) +
         slots_.capacity() * sizeof(Slot);
}

}  // namespace growthlens
