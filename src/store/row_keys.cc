#include "store/row_keys.h"

#include <algorithm>
#include <iterator>

namespace growthlens::store {

std::vector<RowKey> UsageKeysOf(const UsageColumns& rows) {
  std::vector<RowKey> keys;
  keys.reserve(rows.user.size());
  for (size_t row = 0; row < rows.user.size(); ++row)
    keys.push_back(UsageKey(rows.user[row], rows.day[row], rows.feature[row],
                            rows.ms_of_day.empty() ? 0 : rows.ms_of_day[row]));
  return keys;
}

void RowKeySet::Seal() {
  if (pending_.empty()) return;
  std::vector<RowKey> run = std::move(pending_);
  pending_ = {};
  std::sort(run.begin(), run.end());
  while (!runs_.empty() && runs_.back().size() <= run.size()) {
    std::vector<RowKey> merged;
    merged.reserve(runs_.back().size() + run.size());
    std::merge(runs_.back().begin(), runs_.back().end(), run.begin(), run.end(),
               std::back_inserter(merged));
    runs_.pop_back();
    run = std::move(merged);
  }
  runs_.push_back(std::move(run));
}

bool RowKeySet::Contains(RowKey key) const {
  return std::any_of(runs_.begin(), runs_.end(), [key](const std::vector<RowKey>& run) {
    return std::binary_search(run.begin(), run.end(), key);
  });
}

size_t RowKeySet::size() const {
  size_t keys = pending_.size();
  for (const std::vector<RowKey>& run : runs_) keys += run.size();
  return keys;
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

}  // namespace growthlens::store
