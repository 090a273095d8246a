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

}  // namespace growthlens::store
