#include "store/row_layout.h"

#include <algorithm>

#include "core/dictionary.h"

namespace growthlens::store {

namespace {

// A period key per row: the month, counted from the earliest month of the rows.
std::vector<uint32_t> MonthsOf(std::span<const Day> days, int32_t& first_month) {
  std::vector<uint32_t> months(days.size());
  first_month = INT32_MAX;
  for (const Day day : days) first_month = std::min(first_month, MonthIndexOf(day));
  for (size_t row = 0; row < days.size(); ++row)
    months[row] = static_cast<uint32_t>(MonthIndexOf(days[row]) - first_month);
  return months;
}

/// Parts of stored rows [begin, end) whose months are `months` (in stored order, non-decreasing):
/// a part closes at a month boundary once it holds a block's worth of rows.
void AddParts(std::span<const uint32_t> months, size_t begin, size_t end, size_t block_rows,
              bool regrouped, std::vector<RowPart>& parts) {
  size_t part_begin = begin;
  for (size_t row = begin + 1; row <= end; ++row) {
    const bool boundary = row == end || months[row] != months[row - 1];
    if (!boundary || (row < end && row - part_begin < block_rows)) continue;
    parts.push_back({part_begin, row, regrouped, regrouped && part_begin == begin});
    part_begin = row;
  }
}

}  // namespace

std::vector<uint32_t> StableOrderBy(std::span<const uint32_t> keys, uint32_t key_limit) {
  std::vector<uint32_t> starts(size_t{key_limit} + 1, 0);
  for (const uint32_t key : keys) ++starts[size_t{key} + 1];
  for (size_t key = 1; key < starts.size(); ++key) starts[key] += starts[key - 1];
  std::vector<uint32_t> order(keys.size());
  for (size_t row = 0; row < keys.size(); ++row)
    order[starts[keys[row]]++] = static_cast<uint32_t>(row);
  return order;
}

std::vector<RegroupSlice> RegroupSlices(std::span<const uint32_t> row_users, uint32_t users) {
  std::vector<RegroupSlice> slices;
  std::vector<uint32_t> slice_users;
  bool sorted = true;
  for (size_t row = 0; row < row_users.size(); ++row) {
    const uint32_t user = std::min(row_users[row], users);
    if (!slice_users.empty() && user == slice_users.back()) {
      ++slices.back().rows;
      continue;
    }
    sorted = sorted && (slice_users.empty() || user > slice_users.back());
    slices.push_back({row, 1});
    slice_users.push_back(user);
  }
  if (sorted) return {};
  const std::vector<uint32_t> order = StableOrderBy(slice_users, users + 1);
  std::vector<RegroupSlice> ordered(slices.size());
  for (size_t slice = 0; slice < order.size(); ++slice) ordered[slice] = slices[order[slice]];
  return ordered;
}

RowLayout PlanRowLayout(std::span<const uint32_t> users, std::span<const Day> days,
                        size_t block_rows) {
  RowLayout layout;
  const size_t rows = days.size();
  if (rows == 0) return layout;
  if (rows > UINT32_MAX) {  // beyond what a permutation of 32-bit row numbers holds
    layout.parts.push_back({0, rows, false, false});
    return layout;
  }
  int32_t first_month = 0;
  std::vector<uint32_t> months = MonthsOf(days, first_month);
  if (std::is_sorted(months.begin(), months.end())) {
    AddParts(months, 0, rows, block_rows, false, layout.parts);
    return layout;
  }
  // Runs in order of (user, month): each is a regroup unit, worth it when they are long.
  const auto user_key = [&](size_t row) -> uint64_t {
    return users[row] == kNullCode ? uint64_t{UINT32_MAX} + 1 : users[row];
  };
  std::vector<size_t> run_starts = {0};
  for (size_t row = 1; row < rows; ++row) {
    const uint64_t user = user_key(row), previous = user_key(row - 1);
    if (user < previous || (user == previous && months[row] < months[row - 1]))
      run_starts.push_back(row);
  }
  const uint32_t month_limit = *std::max_element(months.begin(), months.end()) + 1;
  if (run_starts.size() * block_rows > rows || month_limit > (1u << 20)) {
    layout.parts.push_back({0, rows, false, false});
    return layout;
  }
  run_starts.push_back(rows);
  layout.order.resize(rows);
  std::vector<uint32_t> stored_months(rows);
  for (size_t run = 0; run + 1 < run_starts.size(); ++run) {
    const size_t begin = run_starts[run], end = run_starts[run + 1];
    const std::vector<uint32_t> by_month =
        StableOrderBy(std::span<const uint32_t>(months).subspan(begin, end - begin), month_limit);
    for (size_t row = 0; row < by_month.size(); ++row) {
      layout.order[begin + row] = static_cast<uint32_t>(begin + by_month[row]);
      stored_months[begin + row] = months[begin + by_month[row]];
    }
    AddParts(stored_months, begin, end, block_rows, true, layout.parts);
  }
  return layout;
}

}  // namespace growthlens::store
