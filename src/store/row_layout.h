#pragma once
// How the rows of one write are laid out in a table's blocks, so that a date range reads only the
// blocks of its months even when the source is ordered by user (a generated log, a per-customer
// export: every block would span the whole period), while a load still reads back in source
// order.
//
//   - Rows already in order of month (an export sorted by time): kept as they are; blocks start
//     at month boundaries.
//   - Rows in order of (user, month) (grouped by user, each user's rows in time order): a stable
//     partition by month, each month's rows still grouped by user. Such a run of blocks is a
//     "regroup unit": reading it back, a stable sort by user gives the source order again, also
//     for any subset of its months (a date range), since a user's rows of several months were
//     in month order in the source.
//   - Anything else: source order, as before (a range then reads every block of that write).
// A month with fewer rows than a block shares its blocks with the next months.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/date.h"
#include "core/parallel.h"
#include "core/status.h"
#include "store/stored_table.h"

namespace growthlens::store {

/// Stored rows [begin, end) of a write, written as blocks of their own.
struct RowPart {
  size_t begin = 0;
  size_t end = 0;
  bool regrouped = false;    // part of a regroup unit
  bool starts_unit = false;  // the first part of its regroup unit
};

struct RowLayout {
  std::vector<uint32_t> order;  // stored row k is source row order[k]; empty: source order
  std::vector<RowPart> parts;
};

/// The layout of rows whose users (any codes; kNullCode sorts last) and days are given.
RowLayout PlanRowLayout(std::span<const uint32_t> users, std::span<const Day> days,
                        size_t block_rows);

/// The permutation that sorts `keys` (each below `key_limit`) stably.
std::vector<uint32_t> StableOrderBy(std::span<const uint32_t> keys, uint32_t key_limit);

/// Reorders every non-empty column: row k becomes row order[k]. Columns side by side.
template <typename Columns, typename ForEach>
void PermuteRows(Columns& columns, ForEach for_each, std::span<const uint32_t> order,
                 size_t first_row = 0) {
  if (order.empty()) return;
  std::vector<void*> data;
  std::vector<void (*)(void*, std::span<const uint32_t>, size_t)> permute;
  for_each(columns, [&](std::string_view, auto& column, auto) {
    using Column = std::decay_t<decltype(column)>;
    if (column.empty()) return;
    data.push_back(&column);
    permute.push_back([](void* raw, std::span<const uint32_t> by, size_t first) {
      Column& values = *static_cast<Column*>(raw);
      std::vector<typename Column::value_type> moved(by.size());
      for (size_t row = 0; row < by.size(); ++row) moved[row] = values[first + by[row]];
      std::copy(moved.begin(), moved.end(), values.begin() + static_cast<ptrdiff_t>(first));
    });
  });
  ParallelFor(data.size(), 0,
              [&](size_t column) { permute[column](data[column], order, first_row); });
}

/// Writes `columns`, laid out by `layout` (PermuteRows done), as `table`'s next blocks.
template <typename Columns, typename ForEach>
Status WriteLayout(TableStore& store, std::string_view table, std::optional<int64_t> load_id,
                   const Columns& columns, ForEach for_each, const RowLayout& layout,
                   const BlockDays& days, const JointTime* joint = nullptr) {
  std::optional<int64_t> unit;  // a unit is named by its first row: unique in its table
  for (const RowPart& part : layout.parts) {
    if (part.starts_unit) {
      Result<uint64_t> first_row = store.RowCount(table);
      if (!first_row.ok()) return first_row.status();
      unit = static_cast<int64_t>(*first_row);
    }
    GROWTHLENS_RETURN_IF_ERROR(store.WriteRows(table, load_id, columns, for_each, part.begin,
                                               part.end, days, joint,
                                               part.regrouped ? unit : std::nullopt));
  }
  return Status::Ok();
}

/// Where the rows of a regroup unit go: slices of rows of one user in one stretch of months,
/// listed in source order. `keys`: each row's user, already capped at `users`.
struct RegroupSlice {
  size_t begin = 0;
  size_t rows = 0;
};
/// The slices of a unit whose rows have `row_users` in source order; empty when the rows are in
/// source order already (one month of a unit, or a unit of one month).
std::vector<RegroupSlice> RegroupSlices(std::span<const uint32_t> row_users, uint32_t users);

/// Gives decoded `blocks`' regroup units (runs of blocks of the same unit) back their source
/// order: a stable sort of each run's rows by their user, `row_users` (codes at or above
/// `users`, such as kNullCode, sort last), done as copies of whole slices. `columns` hold the
/// blocks' rows; `row_users` may be one of them (a unit's sort moves only the unit's rows).
template <typename Columns, typename ForEach>
void RegroupRows(Columns& columns, ForEach for_each, std::span<const StoredBlock> blocks,
                 uint32_t users, std::span<const uint32_t> row_users) {
  size_t offset = 0;
  for (size_t block = 0; block < blocks.size();) {
    const std::optional<int64_t> unit = blocks[block].regroup_unit;
    size_t rows = 0, end = block;
    while (end < blocks.size() && unit && blocks[end].regroup_unit == unit)
      rows += blocks[end++].rows;
    if (end == block) {
      offset += blocks[block++].rows;
      continue;
    }
    const std::vector<RegroupSlice> slices = RegroupSlices(row_users.subspan(offset, rows), users);
    if (!slices.empty()) {
      std::vector<std::function<void()>> moves;
      for_each(columns, [&](std::string_view, auto& column, auto) {
        if (column.empty()) return;
        moves.push_back([&column, &slices, offset, rows] {
          std::decay_t<decltype(column)> moved(rows);
          auto out = moved.begin();
          for (const RegroupSlice& slice : slices) {
            const auto from = column.begin() + static_cast<ptrdiff_t>(offset + slice.begin);
            out = std::copy(from, from + static_cast<ptrdiff_t>(slice.rows), out);
          }
          if (rows == column.size())
            column.swap(moved);
          else
            std::copy(moved.begin(), moved.end(), column.begin() + static_cast<ptrdiff_t>(offset));
        });
      });
      ParallelFor(moves.size(), 0, [&](size_t column) { moves[column](); });
    }
    offset += rows;
    block = end;
  }
}

}  // namespace growthlens::store
