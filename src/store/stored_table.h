#pragma once
// The blocks of a workspace's tables: reading them (all, or those whose days overlap a range),
// decoding them in parallel into columns, and writing columns as new blocks. Every table is a
// sequence of blocks numbered by their first row, so appending writes blocks after the last and
// a table's rows are the blocks' rows in order.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/date.h"
#include "core/dictionary.h"
#include "core/parallel.h"
#include "core/status.h"
#include "store/block_codec.h"
#include "store/sqlite_db.h"

namespace growthlens::store {

/// Rows per block: large enough that zstd finds the repeats, small enough that a date range
/// skips most of a long log.
inline constexpr uint32_t kBlockRows = 1u << 17;

/// Days [first, last], both inclusive; the default is every day.
struct DayRange {
  Day first = INT32_MIN;
  Day last = INT32_MAX;
  bool All() const { return first == INT32_MIN && last == INT32_MAX; }
  bool Contains(Day day) const { return day >= first && day <= last; }
  bool Overlaps(Day low, Day high) const { return high >= first && low <= last; }
};

struct StoredBlock {
  int64_t id = 0;
  uint64_t first_row = 0;
  uint32_t rows = 0;
  std::optional<std::pair<Day, Day>> days;  // min and max day of its rows (row tables only)
  std::optional<int64_t> regroup_unit;      // see store/row_layout.h; none: source order
  std::string payload;
};

/// The days of rows [begin, end) of what is being written, for a block's min/max day.
using BlockDays = std::function<std::pair<Day, Day>(size_t begin, size_t end)>;

/// A day column and a millisecond-of-the-day column stored as one column of timestamps
/// (milliseconds since 1970) in delta planes, so that the day costs nothing beside the time.
/// Blocks that have the two columns instead (written before, or by another layout) still read.
struct JointTime {
  std::string_view stored, day, ms_of_day;
};
inline constexpr int64_t kMsPerDay = 86'400'000;

namespace detail {
/// The data of `columns`' day and ms-of-day columns of `joint`, or null where absent or empty.
template <typename Columns, typename ForEach>
std::pair<Day*, int32_t*> JointColumns(Columns& columns, ForEach& for_each,
                                       const JointTime* joint) {
  std::pair<Day*, int32_t*> found{nullptr, nullptr};
  if (joint == nullptr) return found;
  for_each(columns, [&](std::string_view name, auto& column, auto) {
    using T = typename std::decay_t<decltype(column)>::value_type;
    if constexpr (std::is_same_v<T, int32_t>) {
      if (column.empty()) return;
      if (name == joint->day) found.first = const_cast<Day*>(column.data());
      if (name == joint->ms_of_day) found.second = const_cast<int32_t*>(column.data());
    }
  });
  if (found.first == nullptr || found.second == nullptr) return {nullptr, nullptr};
  return found;
}
bool IsJointPart(std::string_view name, const JointTime* joint);
/// Splits timestamps into days and milliseconds of the day; false when a day is out of range.
bool SplitTimes(std::span<const int64_t> times, Day* day, int32_t* ms_of_day);
}  // namespace detail

class TableStore {
 public:
  TableStore(Database& db, int compression_level) : db_(db), level_(compression_level) {}

  /// Rows stored in `table` (the end of its last block).
  Result<uint64_t> RowCount(std::string_view table);
  /// `table`'s blocks in row order; with `range`, only those whose days overlap it. Checks that
  /// the blocks follow each other without gap or overlap. `stored`, when given, counts them all.
  Result<std::vector<StoredBlock>> Blocks(std::string_view table, const DayRange* range = nullptr,
                                          uint64_t* stored = nullptr);
  Status DeleteTable(std::string_view table);

  /// Appends `columns`' rows [begin, end) to `table` as blocks of kBlockRows, compressed in
  /// parallel. `days`, when given, records each block's day span; `joint`, when given and both
  /// its columns are present, stores them as one timestamp column; `regroup_unit` marks the
  /// blocks as part of that regroup unit (store/row_layout.h).
  template <typename Columns, typename ForEach>
  Status WriteRows(std::string_view table, std::optional<int64_t> load_id, const Columns& columns,
                   ForEach for_each, size_t begin, size_t end, const BlockDays& days = nullptr,
                   const JointTime* joint = nullptr,
                   std::optional<int64_t> regroup_unit = std::nullopt) {
    // Not a structured binding: clang 14 cannot capture those in the lambda below.
    const std::pair<Day*, int32_t*> time_columns = detail::JointColumns(columns, for_each, joint);
    const Day* day = time_columns.first;
    const int32_t* ms_of_day = time_columns.second;
    const JointTime* used = day != nullptr ? joint : nullptr;
    return WriteBlocks(table, load_id, regroup_unit, begin, end, days,
                       [&](size_t from, size_t to) -> Result<std::string> {
                         BlockWriter writer(static_cast<uint32_t>(to - from));
                         for_each(columns, [&](std::string_view name, const auto& column, auto) {
                           using T = typename std::decay_t<decltype(column)>::value_type;
                           if (column.empty() || detail::IsJointPart(name, used))
                             return;  // absent: default
                           const std::span<const T> values(column.data() + from, to - from);
                           if constexpr (std::is_floating_point_v<T>)
                             writer.Doubles(name, values);
                           else
                             writer.Integers(name, values);
                         });
                         if (used != nullptr) {
                           std::vector<int64_t> times(to - from);
                           for (size_t row = from; row < to; ++row)
                             times[row - from] = int64_t{day[row]} * kMsPerDay + ms_of_day[row];
                           writer.DeltaPlanes(used->stored, times);
                         }
                         return writer.Compress(level_);
                       });
  }
  /// Appends strings [first, dictionary.size()) of `dictionary` to `table`.
  Status WriteDictionary(std::string_view table, std::optional<int64_t> load_id,
                         const StringDictionary& dictionary, uint32_t first);

  /// The dictionary stored in `table`, codes as stored.
  Result<StringDictionary> ReadDictionary(std::string_view table);

 private:
  using EncodeFn = std::function<Result<std::string>(size_t from, size_t to)>;
  Status WriteBlocks(std::string_view table, std::optional<int64_t> load_id,
                     std::optional<int64_t> regroup_unit, size_t begin, size_t end,
                     const BlockDays& days, const EncodeFn& encode);

  Database& db_;
  int level_;
};

/// Decodes `blocks` into `columns` (resized to their rows), in parallel. A column that no block
/// has is left empty; one that some blocks lack is filled with its default there. With `joint`,
/// a block's timestamp column fills its day and ms-of-day columns.
template <typename Columns, typename ForEach>
Status DecodeBlocks(std::span<const StoredBlock> blocks, std::string_view table, Columns& columns,
                    ForEach for_each, const JointTime* joint = nullptr) {
  std::vector<uint64_t> offsets(blocks.size() + 1, 0);
  for (size_t block = 0; block < blocks.size(); ++block)
    offsets[block + 1] = offsets[block] + blocks[block].rows;
  size_t column_count = 0;
  for_each(columns, [&](std::string_view, auto& column, auto) {
    column.resize(offsets.back());
    ++column_count;
  });
  std::vector<uint8_t> present(blocks.size() * column_count, 0);
  std::vector<Status> errors(blocks.size());
  ParallelFor(blocks.size(), 0, [&](size_t block) {
    const StoredBlock& stored = blocks[block];
    const std::string what = std::string(table) + " block " + std::to_string(stored.id) +
                             " (rows from " + std::to_string(stored.first_row) + ")";
    Result<BlockReader> reader = BlockReader::Open(stored.payload, what);
    if (!reader.ok()) {
      errors[block] = reader.status();
      return;
    }
    if (reader->rows() != stored.rows) {
      errors[block] =
          Status(ErrorCode::kDataError, what + " holds " + std::to_string(reader->rows()) +
                                            " rows, its index says " + std::to_string(stored.rows));
      return;
    }
    const JointTime* used = joint != nullptr && reader->Has(joint->stored) ? joint : nullptr;
    if (used != nullptr) {
      const auto [day, ms_of_day] = detail::JointColumns(columns, for_each, used);
      std::vector<int64_t> times(stored.rows);
      errors[block] = day == nullptr ? Status(ErrorCode::kDataError,
                                              what + " has timestamps where none are expected")
                                     : reader->Integers(used->stored, times.data());
      if (errors[block].ok() &&
          !detail::SplitTimes(times, day + offsets[block], ms_of_day + offsets[block]))
        errors[block] = Status(ErrorCode::kDataError, what + " is damaged: a time out of range");
    }
    size_t index = 0;
    for_each(columns, [&](std::string_view name, auto& column, auto fallback) {
      const size_t column_index = index++;
      if (!errors[block].ok()) return;
      auto* out = column.data() + offsets[block];
      if (detail::IsJointPart(name, used)) {
        present[block * column_count + column_index] = 1;
        return;
      }
      if (!reader->Has(name)) {
        std::fill(out, out + stored.rows, fallback);
        return;
      }
      present[block * column_count + column_index] = 1;
      using T = std::decay_t<decltype(*out)>;
      if constexpr (std::is_floating_point_v<T>)
        errors[block] = reader->Doubles(name, out);
      else
        errors[block] = reader->Integers(name, out);
    });
  });
  for (const Status& error : errors)
    if (!error.ok()) return error;
  size_t index = 0;
  for_each(columns, [&](std::string_view, auto& column, auto) {
    const size_t column_index = index++;
    bool any = false;
    for (size_t block = 0; block < blocks.size(); ++block)
      any = any || present[block * column_count + column_index] != 0;
    if (!any) column.clear();
  });
  return Status::Ok();
}

}  // namespace growthlens::store
