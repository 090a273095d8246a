#pragma once
// Compressed bitmaps (CRoaring) of the users of each feature on each day, and unions of them
// over blocks of 8, 64 and 512 days, built once at load: the distinct users of a feature over
// any range of days are the union of at most ~30 bitmaps, and those of some user groups (the
// RFM segments) its intersection with the groups' bitmap. The bitmaps stay in the .cc file.

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "metrics/user_major_rows.h"

namespace growthlens {

class UserBitmaps {
 public:
  /// `group_of_user`: each user's group, < `groups`.
  UserBitmaps(const UserMajorRows& rows, std::span<const uint8_t> group_of_user, size_t groups);
  ~UserBitmaps();
  UserBitmaps(UserBitmaps&&) noexcept;
  UserBitmaps& operator=(UserBitmaps&&) noexcept;

  /// The users of some groups, made once per query and given to the counts below.
  class Selection {
   public:
    ~Selection();
    Selection(Selection&&) noexcept;
    bool all() const { return set_ == nullptr; }

   private:
    friend class UserBitmaps;
    struct Set;
    explicit Selection(std::unique_ptr<Set> set);
    std::unique_ptr<Set> set_;  // null: every user
  };
  /// `groups_kept`: per group, 1 = kept; null = every user.
  Selection Select(const std::vector<uint8_t>* groups_kept) const;

  struct Counts {
    std::vector<uint64_t> per_feature;  // in the order of the features asked for
    uint64_t any = 0;                   // users of at least one of them
  };
  /// Distinct selected users with a row of each of `features` on days [first, last] (offsets
  /// from the rows' first day, inclusive), and of any of them.
  Counts CountUsers(std::span<const uint16_t> features, size_t first, size_t last,
                    const Selection& among) const;
  /// The same for one feature.
  uint64_t CountUsers(uint16_t feature, size_t first, size_t last, const Selection& among) const;

  size_t MemoryBytes() const;

 private:
  struct Bitmaps;
  std::unique_ptr<Bitmaps> bitmaps_;
};

}  // namespace growthlens
