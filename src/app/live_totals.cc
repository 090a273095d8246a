#include "app/live_totals.h"

#include <algorithm>
#include <climits>
#include <unordered_map>

namespace growthlens::app {

namespace {

Day DayOfMillis(int64_t time_ms) {
  // Floor division: a time before 1970 falls on the day before.
  const int64_t ms_per_day = kSecondsPerDay * 1000;
  return static_cast<Day>(time_ms / ms_per_day - (time_ms % ms_per_day < 0 ? 1 : 0));
}

/// Below every Day (an int32_t): no user's last day yet.
constexpr int64_t kNoDay = INT64_MIN;

uint64_t KeyOf(uint32_t user, Day day) {
  return (uint64_t{user} << 32) | static_cast<uint32_t>(day);
}

uint32_t UserOfKey(uint64_t key) {
  return static_cast<uint32_t>(key >> 32);
}

Day DayOfKey(uint64_t key) {
  return static_cast<Day>(static_cast<uint32_t>(key));
}

/// Distinct users per day from (user, day) keys, joined with the day's events.
std::vector<LiveDayPoint> SeriesOf(const std::map<Day, int64_t>& day_events,
                                   const std::unordered_set<uint64_t>& user_days) {
  std::unordered_map<Day, uint64_t> users;
  for (const uint64_t key : user_days) ++users[DayOfKey(key)];
  std::vector<LiveDayPoint> series;
  series.reserve(day_events.size());
  for (const auto& [day, events] : day_events) series.push_back({day, events, users[day]});
  return series;
}

}  // namespace

uint32_t LiveTotals::UserCode(std::string_view user, Day day) {
  const auto found = user_codes_.find(user);
  if (found != user_codes_.end()) {
    first_day_[found->second] = std::min(first_day_[found->second], day);
    return found->second;
  }
  const auto code = static_cast<uint32_t>(first_day_.size());
  user_codes_.emplace(std::string(user), code);
  first_day_.push_back(day);
  last_day_.push_back(kNoDay);
  return code;
}

uint32_t LiveTotals::Add(std::string_view user, std::string_view event, int64_t time_ms,
                         int32_t count) {
  const Day day = DayOfMillis(time_ms);
  const uint32_t code = UserCode(user, day);
  ++rows_;
  events_ += count;
  // The feature's set below is the one hash of (user, day) per event; the all-features set only
  // sees a user's first event of each run of days.
  if (last_day_[code] != day) {
    user_days_.insert(KeyOf(code, day));
    last_day_[code] = day;
  }
  day_events_[day] += count;
  auto found = features_.find(event);
  if (found == features_.end()) found = features_.emplace(std::string(event), Feature{}).first;
  Feature& feature = found->second;
  feature.events += count;
  if (code >= feature.has_user.size()) feature.has_user.resize(first_day_.size());
  if (!feature.has_user[code]) {
    feature.has_user[code] = true;
    ++feature.users;
  }
  feature.user_days.insert(KeyOf(code, day));
  feature.day_events[day] += count;
  return code;
}

std::vector<LiveFeatureTotal> LiveTotals::Features() const {
  std::vector<LiveFeatureTotal> totals;
  totals.reserve(features_.size());
  for (const auto& [name, feature] : features_)
    totals.push_back({name, feature.events, feature.users, feature.user_days.size()});
  std::stable_sort(
      totals.begin(), totals.end(),
      [](const LiveFeatureTotal& a, const LiveFeatureTotal& b) { return a.events > b.events; });
  return totals;
}

std::vector<LiveDayPoint> LiveTotals::FeatureSeries(std::string_view name) const {
  const auto found = features_.find(name);
  if (found == features_.end()) return {};
  return SeriesOf(found->second.day_events, found->second.user_days);
}

std::vector<LiveDayPoint> LiveTotals::DailySeries() const {
  return SeriesOf(day_events_, user_days_);
}

std::map<int32_t, uint64_t> LiveTotals::CohortSizes() const {
  std::map<int32_t, uint64_t> sizes;
  for (const Day day : first_day_) ++sizes[MonthIndexOf(day)];
  return sizes;
}

LiveMonthLifecycle LiveTotals::Lifecycle(int32_t month) const {
  LiveMonthLifecycle lifecycle;
  lifecycle.month = month;
  std::unordered_set<uint32_t> now, before;  // active in the month, in the month before
  for (const uint64_t key : user_days_) {
    const int32_t day_month = MonthIndexOf(DayOfKey(key));
    if (day_month == month) now.insert(UserOfKey(key));
    if (day_month == month - 1) before.insert(UserOfKey(key));
  }
  for (const uint32_t user : now) {
    if (MonthIndexOf(first_day_[user]) == month) {
      ++lifecycle.fresh;
    } else if (before.contains(user)) {
      ++lifecycle.returning;
    } else {
      ++lifecycle.resurrecting;
    }
  }
  for (const uint32_t user : before) lifecycle.dormant += now.contains(user) ? 0 : 1;
  return lifecycle;
}

LiveTotalsSummary LiveTotals::Summary(int32_t month) const {
  return {events_,    rows_,         users(),       active_user_days(),
          Features(), DailySeries(), CohortSizes(), Lifecycle(month)};
}

}  // namespace growthlens::app
