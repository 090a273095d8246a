#include "metrics/user_bitmaps.h"

#include <roaring/roaring.hh>

#include <array>

namespace growthlens {

namespace {

/// Day blocks of 1, 8, 64 and 512 days: any range is at most 7 blocks of each size per end.
constexpr size_t kLevels = 4;
constexpr size_t kFanOut = 8;

constexpr size_t BlockDays(size_t level) {
  size_t days = 1;
  for (size_t step = 0; step < level; ++step) days *= kFanOut;
  return days;
}

}  // namespace

struct UserBitmaps::Bitmaps {
  size_t days = 0;
  size_t features = 0;
  /// [level][block * features + feature]: the users of a feature over the block's days.
  std::array<std::vector<Roaring>, kLevels> levels;
  std::vector<Roaring> groups;  // the users of each group

  /// The bitmaps whose union is the users of `feature` on days [first, last].
  void Cover(uint16_t feature, size_t first, size_t last,
             std::vector<const Roaring*>& parts) const {
    size_t day = first;
    while (day <= last) {
      size_t level = kLevels - 1;
      while (level > 0 && (day % BlockDays(level) != 0 || day + BlockDays(level) - 1 > last))
        --level;
      parts.push_back(&levels[level][day / BlockDays(level) * features + feature]);
      day += BlockDays(level);
    }
  }

  Roaring UsersOf(uint16_t feature, size_t first, size_t last) const {
    std::vector<const Roaring*> parts;
    Cover(feature, first, last, parts);
    if (parts.empty()) return Roaring();
    if (parts.size() == 1) return *parts.front();
    return Roaring::fastunion(parts.size(), parts.data());
  }
};

struct UserBitmaps::Selection::Set {
  Roaring users;
};

UserBitmaps::Selection::Selection(std::unique_ptr<Set> set) : set_(std::move(set)) {}
UserBitmaps::Selection::~Selection() = default;
UserBitmaps::Selection::Selection(Selection&&) noexcept = default;

UserBitmaps::UserBitmaps(const UserMajorRows& rows, std::span<const uint8_t> group_of_user,
                         size_t groups)
    : bitmaps_(std::make_unique<Bitmaps>()) {
  Bitmaps& maps = *bitmaps_;
  maps.days = rows.has_days() ? static_cast<size_t>(rows.last_day() - rows.first_day() + 1) : 0;
  maps.features = rows.features();
  // Users are visited in ascending order, so each day's list comes out sorted.
  std::vector<std::vector<uint32_t>> day_users(maps.days * maps.features);
  std::vector<std::vector<uint32_t>> group_users(groups);
  for (uint32_t user = 0; user < rows.users(); ++user) {
    bool any = false;
    for (size_t feature = 0; feature < maps.features; ++feature) {
      uint32_t last_day = UINT32_MAX;
      for (const uint16_t day : rows.Days(user, feature)) {
        if (day == last_day) continue;
        last_day = day;
        day_users[day * maps.features + feature].push_back(user);
        any = true;
      }
    }
    if (any) group_users[group_of_user[user]].push_back(user);
  }
  std::vector<Roaring>& days = maps.levels[0];
  days.reserve(day_users.size());
  for (std::vector<uint32_t>& users : day_users) {
    days.emplace_back(users.size(), users.data());
    days.back().shrinkToFit();
    std::vector<uint32_t>().swap(users);
  }
  for (size_t level = 1; level < kLevels; ++level) {
    const std::vector<Roaring>& below = maps.levels[level - 1];
    const size_t blocks_below = below.size() / std::max<size_t>(maps.features, 1);
    const size_t blocks = (blocks_below + kFanOut - 1) / kFanOut;
    std::vector<Roaring>& here = maps.levels[level];
    here.reserve(blocks * maps.features);
    std::vector<const Roaring*> parts;
    for (size_t block = 0; block < blocks; ++block)
      for (size_t feature = 0; feature < maps.features; ++feature) {
        parts.clear();
        for (size_t child = block * kFanOut; child < std::min(blocks_below, (block + 1) * kFanOut);
             ++child)
          parts.push_back(&below[child * maps.features + feature]);
        here.push_back(Roaring::fastunion(parts.size(), parts.data()));
        here.back().runOptimize();
        here.back().shrinkToFit();
      }
  }
  for (std::vector<uint32_t>& users : group_users) {
    maps.groups.emplace_back(users.size(), users.data());
    maps.groups.back().runOptimize();
  }
}

UserBitmaps::~UserBitmaps() = default;
UserBitmaps::UserBitmaps(UserBitmaps&&) noexcept = default;
UserBitmaps& UserBitmaps::operator=(UserBitmaps&&) noexcept = default;

UserBitmaps::Selection UserBitmaps::Select(const std::vector<uint8_t>* groups_kept) const {
  if (groups_kept == nullptr) return Selection(nullptr);
  std::vector<const Roaring*> parts;
  for (size_t group = 0; group < bitmaps_->groups.size(); ++group)
    if ((*groups_kept)[group]) parts.push_back(&bitmaps_->groups[group]);
  auto set = std::make_unique<Selection::Set>();
  if (!parts.empty()) set->users = Roaring::fastunion(parts.size(), parts.data());
  return Selection(std::move(set));
}

UserBitmaps::Counts UserBitmaps::CountUsers(std::span<const uint16_t> features, size_t first,
                                            size_t last, const Selection& among) const {
  Counts counts;
  std::vector<Roaring> users;
  users.reserve(features.size());
  for (const uint16_t feature : features) {
    users.push_back(bitmaps_->UsersOf(feature, first, last));
    counts.per_feature.push_back(among.all() ? users.back().cardinality()
                                             : users.back().and_cardinality(among.set_->users));
  }
  std::vector<const Roaring*> parts;
  for (const Roaring& each : users) parts.push_back(&each);
  if (parts.empty()) return counts;
  const Roaring any = Roaring::fastunion(parts.size(), parts.data());
  counts.any = among.all() ? any.cardinality() : any.and_cardinality(among.set_->users);
  return counts;
}

uint64_t UserBitmaps::CountUsers(uint16_t feature, size_t first, size_t last,
                                 const Selection& among) const {
  const Roaring users = bitmaps_->UsersOf(feature, first, last);
  return among.all() ? users.cardinality() : users.and_cardinality(among.set_->users);
}

size_t UserBitmaps::MemoryBytes() const {
  size_t bytes = 0;
  for (const std::vector<Roaring>& level : bitmaps_->levels)
    for (const Roaring& bitmap : level) bytes += sizeof(Roaring) + bitmap.getSizeInBytes(false);
  for (const Roaring& bitmap : bitmaps_->groups) bytes += sizeof(Roaring) + bitmap.getSizeInBytes();
  return bytes;
}

}  // namespace growthlens
