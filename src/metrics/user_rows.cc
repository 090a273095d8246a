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
  dataset.Visit([this, threads](const auto& log) { Group(log, threads, true); });
}

UserRows::UserRows(const UsageLog& log, unsigned threads) {
  Group(log, threads, true);
}

UserRows::UserRows(const TransactionLog& log, unsigned threads) {
  Group(log, threads, true);
}

UserRows::UserRows(const UsageLog& log, unsigned threads, ByBand) {
  Group(log, threads, false);
}

template <typename Log>
void UserRows::Group(const Log& dataset, unsigned threads, bool with_order) {
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
  if (!with_order && parts * users < rows) {
    // The slots are kept (parts x users, 8 MB at 1M users on 2 threads) for OrderOfBand; where
    // they would not be smaller than the order of every row (many threads, few rows per user),
    // the whole order is made instead.
    by_band_ = true;
    sort_parts_ = parts;
    band_slots_.resize(parts * users);
    for (size_t part = 0; part < parts; ++part)
      std::copy_n(slots.cursor(part).data(), users, band_slots_.data() + part * users);
    return;
  }
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

std::vector<size_t> UserRows::ChunkBounds(size_t chunks, size_t first_group,
                                          size_t end_group) const {
  std::vector<size_t> bounds = {first_group};
  const size_t groups = end_group - first_group;
  if (groups == 0) {
    bounds.push_back(end_group);
    return bounds;
  }
  chunks = std::clamp<size_t>(chunks, 1, groups);
  const size_t first_row = begin_[first_group];
  const size_t rows = begin_[end_group] - first_row;
  for (size_t chunk = 1; chunk < chunks; ++chunk) {
    // The first group starting at or after the chunk's share of rows.
    const size_t target = first_row + rows * chunk / chunks;
    const auto it =
        std::lower_bound(begin_.begin() + static_cast<std::ptrdiff_t>(bounds.back()),
                         begin_.begin() + static_cast<std::ptrdiff_t>(end_group), target);
    const auto group = static_cast<size_t>(it - begin_.begin());
    if (group > bounds.back() && group < end_group) bounds.push_back(group);
  }
  bounds.push_back(end_group);
  return bounds;
}

std::vector<size_t> UserRows::BandBounds(size_t rows_per_band) const {
  const size_t rows = begin_.back() - begin_.front();
  rows_per_band = std::max<size_t>(1, rows_per_band);
  return ChunkBounds(std::max<size_t>(1, (rows + rows_per_band - 1) / rows_per_band));
}

Column<uint32_t> UserRows::OrderOfBand(const UsageLog& log, size_t first_group, size_t end_group,
                                       unsigned threads) const {
  Column<uint32_t> order;
  if (first_group >= end_group) return order;
  const size_t base = begin_[first_group];
  const size_t band_rows = begin_[end_group] - base;
  // A slot past the band's rows per part takes the part's other rows, so that the scatter has
  // no branch (whether a row of a time-ordered log is in the band is a coin toss).
  order.resize(band_rows + sort_parts_);
  // The band's users are the codes [low, low + span): groups sorted by counting are in code
  // order. A row without a user (kNullCode) falls outside any band.
  const uint32_t low = users_[first_group];
  const uint32_t span = users_[end_group - 1] - low + 1;
  const size_t rows = log.rows();
  const size_t users = log.users.size();
  ParallelFor(sort_parts_, threads, [&](size_t part) {
    // The part's next slot per user of the band, from the band's start; the last one the sink.
    std::vector<uint32_t> cursor(span + 1);
    const uint32_t* slots = band_slots_.data() + part * users + low;
    for (uint32_t offset = 0; offset < span; ++offset)
      cursor[offset] = static_cast<uint32_t>(slots[offset] - base);
    cursor[span] = static_cast<uint32_t>(band_rows + part);
    const uint32_t* user_of = log.usage.user.data();
    uint32_t* out = order.data();
    const size_t end = rows * (part + 1) / sort_parts_;
    for (size_t row = rows * part / sort_parts_; row < end; ++row) {
      const uint32_t offset = user_of[row] - low;
      const uint32_t key = offset < span ? offset : span;
      const uint32_t slot = cursor[key];
      out[slot] = static_cast<uint32_t>(row);
      cursor[key] = slot + (key != span ? 1 : 0);
    }
  });
  order.resize(band_rows);
  return order;
}

size_t UserRows::MemoryBytes() const {
  return users_.capacity() * sizeof(uint32_t) + begin_.capacity() * sizeof(size_t) +
         (order_.capacity() + band_slots_.capacity()) * sizeof(uint32_t);
}

}  // namespace growthlens
