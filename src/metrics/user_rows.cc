#include "metrics/user_rows.h"

#include <algorithm>

namespace growthlens {

namespace {

/// Runs of equal users in row order, or nothing when a user occurs in two runs or a row has
/// no user: then the rows need sorting.
template <typename Log>
bool FindRuns(const Log& dataset, std::vector<uint32_t>& users, std::vector<size_t>& begin) {
  std::vector<uint8_t> seen(dataset.users.size(), 0);
  uint32_t previous = kNullCode;
  for (size_t row = 0; row < dataset.rows(); ++row) {
    const uint32_t user = UserOfRow(dataset, row);
    if (user == previous) continue;
    if (user == kNullCode || seen[user]) return false;
    seen[user] = 1;
    users.push_back(user);
    begin.push_back(row);
    previous = user;
  }
  begin.push_back(dataset.rows());
  return true;
}

}  // namespace

UserRows::UserRows(const Dataset& dataset) {
  dataset.Visit([this](const auto& log) { Group(log); });
}

UserRows::UserRows(const UsageLog& log) {
  Group(log);
}

UserRows::UserRows(const TransactionLog& log) {
  Group(log);
}

template <typename Log>
void UserRows::Group(const Log& dataset) {
  if (FindRuns(dataset, users_, begin_)) return;
  users_.clear();
  begin_.clear();
  // Counting sort by user code; rows keep their order within a user.
  std::vector<size_t> count(dataset.users.size() + 1, 0);
  for (size_t row = 0; row < dataset.rows(); ++row) {
    const uint32_t user = UserOfRow(dataset, row);
    if (user != kNullCode) ++count[user + 1];
  }
  for (uint32_t user = 0; user < dataset.users.size(); ++user) {
    if (count[user + 1] == 0) continue;
    users_.push_back(user);
  }
  std::vector<size_t> cursor(dataset.users.size(), 0);
  size_t total = 0;
  begin_.reserve(users_.size() + 1);
  for (uint32_t user : users_) {
    begin_.push_back(total);
    cursor[user] = total;
    total += count[user + 1];
  }
  begin_.push_back(total);
  order_.resize(total);
  for (size_t row = 0; row < dataset.rows(); ++row) {
    const uint32_t user = UserOfRow(dataset, row);
    if (user != kNullCode) order_[cursor[user]++] = static_cast<uint32_t>(row);
  }
}

std::vector<size_t> UserRows::ChunkBounds(size_t chunks) const {
  std::vector<size_t> bounds = {0};
  const size_t groups = users_.size();
  if (groups == 0) {
    bounds.push_back(0);
    return bounds;
  }
  chunks = std::clamp<size_t>(chunks, 1, groups);
  const size_t first_row = begin_.front();
  const size_t rows = begin_.back() - first_row;
  for (size_t chunk = 1; chunk < chunks; ++chunk) {
    // The first group starting at or after the chunk's share of rows.
    const size_t target = first_row + rows * chunk / chunks;
    const auto it = std::lower_bound(begin_.begin() + static_cast<std::ptrdiff_t>(bounds.back()),
                                     begin_.end() - 1, target);
    const auto group = static_cast<size_t>(it - begin_.begin());
    if (group > bounds.back() && group < groups) bounds.push_back(group);
  }
  bounds.push_back(groups);
  return bounds;
}

size_t UserRows::MemoryBytes() const {
  return users_.capacity() * sizeof(uint32_t) + begin_.capacity() * sizeof(size_t) +
         order_.capacity() * sizeof(uint32_t);
}

}  // namespace growthlens
