#include "metrics/user_rows.h"

#include <algorithm>
#include <span>
#include <utility>

#include "core/counting_sort.h"

namespace growthlens {

namespace {

/// Rows per part of the parallel counting sort: below this, one thread sorts.
constexpr size_t kRowsPerSortPart = size_t{1} << 18;

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

UserRows::UserRows(const Dataset& dataset, unsigned threads) {
  dataset.Visit([this, threads](const auto& log) { Group(log, threads); });
}

UserRows::UserRows(const UsageLog& log, unsigned threads) {
  Group(log, threads);
}

UserRows::UserRows(const TransactionLog& log, unsigned threads) {
  Group(log, threads);
}

template <typename Log>
void UserRows::Group(const Log& dataset, unsigned threads) {
  if (FindRuns(dataset, users_, begin_)) return;
  users_.clear();
  begin_.clear();
  // A stable counting sort by user code: rows keep their order within a user.
  const size_t rows = dataset.rows();
  const size_t users = dataset.users.size();
  if (threads == 0) threads = HardwareThreads();
  const size_t parts = std::clamp<size_t>(rows / kRowsPerSortPart, 1, threads);
  auto part_rows = [&](size_t part) {
    return std::pair{rows * part / parts, rows * (part + 1) / parts};
  };
  CountingSortSlots<uint32_t> slots = PlanCountingSort<uint32_t>(
      parts, users, threads, [&](size_t part, std::span<uint32_t> count) {
        const auto [first, end] = part_rows(part);
        for (size_t row = first; row < end; ++row) {
          const uint32_t user = UserOfRow(dataset, row);
          if (user != kNullCode) ++count[user];
        }
      });
  for (uint32_t user = 0; user < users; ++user) {
    if (slots.key_begin[user + 1] == slots.key_begin[user]) continue;
    users_.push_back(user);
    begin_.push_back(slots.key_begin[user]);
  }
  begin_.push_back(slots.key_begin[users]);
  order_.resize(slots.key_begin[users]);
  ParallelFor(parts, threads, [&](size_t part) {
    std::span<uint32_t> cursor = slots.cursor(part);
    const auto [first, end] = part_rows(part);
    for (size_t row = first; row < end; ++row) {
      const uint32_t user = UserOfRow(dataset, row);
      if (user != kNullCode) order_[cursor[user]++] = static_cast<uint32_t>(row);
    }
  });
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
