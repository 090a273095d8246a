#pragma once
// The signups of a chunk's usage rows as staged, 2 bytes a row instead of 4: each row's day
// minus its signup (a signup lies near its user's days), kAbsent when the row gives none, or
// kFar for a signup kept beside the codes (unparsable, beside an unparsable day, or more than
// 89 years from the day). Read with the row's day: Of(row, day), or a block at once.
//
//   signups.resize(rows);  // sized ahead, as the other staged columns
//   signups.Put(row, signup, day);  // rows in ascending order
//   const Day signup = signups.Of(row, days[row]);

#include <algorithm>
#include <climits>
#include <cstdint>
#include <utility>
#include <vector>

#include "core/column.h"
#include "core/data_kind.h"

namespace growthlens {

class StagedSignups {
 public:
  static constexpr int16_t kAbsent = INT16_MIN;   // kNoDay
  static constexpr int16_t kFar = INT16_MIN + 1;  // in far_

  /// Rows as the other columns count them (sized ahead; written by index).
  void resize(size_t rows) { codes_.resize(rows); }
  size_t size() const { return codes_.size(); }

  /// Row `row`'s signup; rows are put in ascending order (far ones are appended).
  void Put(size_t row, Day signup, Day day) {
    if (signup == kNoDay) {
      codes_[row] = kAbsent;
      return;
    }
    // kNoDay and kInvalidDay (INT32_MIN, INT32_MIN + 1) are never part of an offset.
    const int64_t offset = int64_t{day} - int64_t{signup};
    if (day > kLowestReserved && signup > kLowestReserved && offset > kFar && offset <= INT16_MAX)
        [[likely]] {
      codes_[row] = static_cast<int16_t>(offset);
      return;
    }
    codes_[row] = kFar;
    far_.emplace_back(static_cast<uint32_t>(row), signup);
  }

  /// A row after the last: for readers that append rows.
  void Append(Day signup, Day day) {
    const size_t row = codes_.size();
    codes_.emplace_back();
    Put(row, signup, day);
  }

  /// The row's code: equal for rows of equal day and signup (for hashing rows).
  int16_t CodeOf(size_t row) const { return codes_[row]; }

  /// Row `row`'s signup, given the row's day.
  Day Of(size_t row, Day day) const {
    const int16_t code = codes_[row];
    if (code == kAbsent) return kNoDay;
    if (code == kFar) [[unlikely]]
      return FarOf(row);
    return day - code;
  }

  /// Signups of rows [begin, end) into out[0, end - begin), days[row] being each row's day:
  /// without a branch per row, then the far rows of the range.
  void Decode(size_t begin, size_t end, const Day* days, Day* out) const {
    const int16_t* codes = codes_.data();
    for (size_t row = begin; row < end; ++row) {
      const int16_t code = codes[row];
      // Unsigned: a far row's day minus its code is computed (and then replaced) too.
      const auto near =
          static_cast<Day>(static_cast<uint32_t>(days[row]) - static_cast<uint32_t>(code));
      out[row - begin] = code == kAbsent ? kNoDay : near;
    }
    auto far = std::lower_bound(
        far_.begin(), far_.end(), begin,
        [](const std::pair<uint32_t, Day>& entry, size_t wanted) { return entry.first < wanted; });
    for (; far != far_.end() && far->first < end; ++far) out[far->first - begin] = far->second;
  }

  /// Frees the codes and the far signups.
  void Release() {
    Column<int16_t>().swap(codes_);
    std::vector<std::pair<uint32_t, Day>>().swap(far_);
  }

 private:
  static constexpr Day kLowestReserved = INT32_MIN + 1;

  [[gnu::noinline]] Day FarOf(size_t row) const {
    const auto far = std::lower_bound(
        far_.begin(), far_.end(), row,
        [](const std::pair<uint32_t, Day>& entry, size_t wanted) { return entry.first < wanted; });
    return far->second;
  }

  Column<int16_t> codes_;
  std::vector<std::pair<uint32_t, Day>> far_;  // (row, signup), rows ascending
};

}  // namespace growthlens
