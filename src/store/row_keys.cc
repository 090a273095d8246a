#include "store/row_keys.h"

namespace growthlens::store {

namespace {

// A day's key in 64 bits (OneDayKeys): user << 32 | ms_of_day << 5 | feature & 31.
constexpr int kFeatureBits = 5;
constexpr uint32_t kMsLimit = uint32_t{1} << (32 - kFeatureBits);  // a day has 86,400,000 ms

uint32_t UserOf(RowKey key) {
  return static_cast<uint32_t>(key.high >> 32);
}
// 16 bits in a UsageKey (Packs sends any other key to the whole keys).
uint64_t FeatureOf(RowKey key) {
  return key.low >> 32;
}
uint32_t MsOf(RowKey key) {
  return static_cast<uint32_t>(key.low);
}

bool Packs(RowKey key) {
  return MsOf(key) < kMsLimit && FeatureOf(key) <= UINT16_MAX;
}

uint64_t Packed(RowKey key) {
  return (uint64_t{UserOf(key)} << 32) | (uint64_t{MsOf(key)} << kFeatureBits) |
         (FeatureOf(key) & ((1u << kFeatureBits) - 1));
}

size_t GroupOf(RowKey key) {
  return static_cast<size_t>(FeatureOf(key) >> kFeatureBits);
}

}  // namespace

void OneDayKeys::Add(RowKey key) {
  if (!Packs(key)) {
    unpacked_.Add(key);
    return;
  }
  const size_t group = GroupOf(key);
  if (group >= by_feature_group_.size()) by_feature_group_.resize(group + 1);
  by_feature_group_[group].Add(Packed(key));
}

void OneDayKeys::Seal() {
  for (SortedRuns<uint64_t>& group : by_feature_group_) group.Seal();
  unpacked_.Seal();
}

bool OneDayKeys::Contains(RowKey key) const {
  if (!Packs(key)) return unpacked_.Contains(key);
  const size_t group = GroupOf(key);
  return group < by_feature_group_.size() && by_feature_group_[group].Contains(Packed(key));
}

size_t OneDayKeys::size() const {
  size_t keys = unpacked_.size();
  for (const SortedRuns<uint64_t>& group : by_feature_group_) keys += group.size();
  return keys;
}

size_t OneDayKeys::bytes() const {
  size_t total = unpacked_.bytes() + by_feature_group_.capacity() * sizeof(SortedRuns<uint64_t>);
  for (const SortedRuns<uint64_t>& group : by_feature_group_) total += group.bytes();
  return total;
}

void DayKeySets::Add(RowKey key) {
  const auto held = days_.find(DayOfUsageKey(key));
  if (held != days_.end()) held->second.keys.Add(key);
}

void DayKeySets::Seal() {
  for (auto& [day, held] : days_) held.keys.Seal();
}

bool DayKeySets::Contains(RowKey key) const {
  const auto held = days_.find(DayOfUsageKey(key));
  return held != days_.end() && held->second.keys.Contains(key);
}

void DayKeySets::Touch(Day day, uint64_t load) {
  const auto held = days_.find(day);
  if (held != days_.end()) held->second.touched = load;
}

void DayKeySets::ForgetTouchedBefore(uint64_t load) {
  std::erase_if(days_, [load](const auto& entry) { return entry.second.touched < load; });
}

std::vector<Day> DayKeySets::HeldDays() const {
  std::vector<Day> days;
  days.reserve(days_.size());
  for (const auto& [day, held] : days_) days.push_back(day);
  return days;
}

size_t DayKeySets::size() const {
  size_t keys = 0;
  for (const auto& [day, held] : days_) keys += held.keys.size();
  return keys;
}

size_t DayKeySets::bytes() const {
  size_t total = 0;
  for (const auto& [day, held] : days_) total += held.keys.bytes();
  return total;
}

}  // namespace growthlens::store
