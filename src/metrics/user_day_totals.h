#pragma once
// Each user's running totals of every feature, one row of 16-bit sums per (user, active day),
// the rows of a user one after another: a user's totals of all features over any range of days
// are two searches of the user's few active days and one subtraction of two contiguous rows,
// instead of two searches per (user, feature) in UserMajorRows. What the feature correlation
// needs per request for every kept user (issue 23.2). Built at load from UserMajorRows; 2 bytes
// per active day plus 2 per (active day, feature), left empty where that would pass
// kMaxBytesPerRow bytes a row of the log (many features, few rows a day).
//
// The sums are kept modulo 2^16: a difference of two is exact while the user's sum of |counts|
// of each feature stays within 32,767 (a "narrow" user); other users' totals come from the rows.

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "metrics/user_major_rows.h"

namespace growthlens {

class UserDayTotals {
 public:
  explicit UserDayTotals(const UserMajorRows& rows);

  /// Whether the layout was built (see above); else every user is asked of the rows.
  bool available() const { return !begin_.empty(); }

  enum class Range {
    kNone,     // no row of the user on those days
    kSome,     // totals written (a row of some feature is there; the kept ones may be all 0)
    kAskRows,  // the user's sums do not fit 16 bits: sum the rows (UserMajorRows::TotalBetween)
  };
  /// One user's events of each of `features` on days first..last (offsets from the rows' first
  /// day), into `totals` (one per feature asked for).
  Range TotalsBetween(uint32_t user, std::span<const uint16_t> features, size_t first, size_t last,
                      std::span<int64_t> totals) const {
    if (begin_.empty() || !narrow_[user]) return Range::kAskRows;
    const uint32_t low = begin_[user], high = begin_[user + 1];
    const std::span<const uint16_t> days(day_.data() + low, high - low);
    size_t before = 0, through = 0;
    DaysAround(days, first, last, before, through);
    if (through == before) return Range::kNone;
    const uint16_t* end_row = running_.data() + (size_t{low} + through - 1) * features_;
    if (before == 0) {
      for (size_t col = 0; col < features.size(); ++col)
        totals[col] = static_cast<int16_t>(end_row[features[col]]);
      return Range::kSome;
    }
    const uint16_t* start_row = running_.data() + (size_t{low} + before - 1) * features_;
    for (size_t col = 0; col < features.size(); ++col)
      totals[col] = static_cast<int16_t>(
          static_cast<uint16_t>(end_row[features[col]] - start_row[features[col]]));
    return Range::kSome;
  }

  size_t active_days() const { return day_.size(); }
  size_t MemoryBytes() const;

  /// The layout's bytes a row of the log at most (else it is left empty).
  static constexpr size_t kMaxBytesPerRow = 12;

 private:
  /// How many of the ascending `days` come before day offset `first`, and how many up to `last`:
  /// a user's few dozen active days are counted in one pass without a branch (vectorised, in
  /// 16-bit lanes), more are searched.
  static void DaysAround(std::span<const uint16_t> days, size_t first, size_t last, size_t& before,
                         size_t& through) {
    if (days.size() > 64 || last >= UINT16_MAX) {
      before =
          static_cast<size_t>(std::lower_bound(days.begin(), days.end(), first) - days.begin());
      through =
          static_cast<size_t>(std::upper_bound(days.begin(), days.end(), last) - days.begin());
      return;
    }
    const auto low = static_cast<uint16_t>(first), high = static_cast<uint16_t>(last);
    uint16_t below = 0, upto = 0;
    for (const uint16_t day : days) {
      below = static_cast<uint16_t>(below + (day < low ? 1 : 0));
      upto = static_cast<uint16_t>(upto + (day <= high ? 1 : 0));
    }
    before = below;
    through = upto;
  }

  size_t features_ = 0;
  std::vector<uint32_t> begin_;    // per user, into day_; one past the end at the back
  std::vector<uint16_t> day_;      // each user's active days (offsets), ascending
  std::vector<uint16_t> running_;  // [active day * features + feature]: running sums mod 2^16
  std::vector<uint8_t> narrow_;    // per user, 1 when its differences of sums are exact
};

}  // namespace growthlens
