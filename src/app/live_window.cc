#include "app/live_window.h"

#include <algorithm>
#include <utility>

namespace growthlens::app {

namespace {

constexpr int64_t kHourMs = 60 * kMillisPerMinute;

int64_t MinuteOf(int64_t time_ms) {
  const int64_t floor = time_ms / kMillisPerMinute - (time_ms % kMillisPerMinute < 0 ? 1 : 0);
  return floor * kMillisPerMinute;
}

}  // namespace

void LiveWindow::Count(int64_t time_ms, uint32_t user_code, std::string_view event, int32_t count) {
  Minute& minute = minutes_[MinuteOf(time_ms)];
  minute.events += count;
  auto name = minute.by_name.find(event);
  if (name == minute.by_name.end()) name = minute.by_name.emplace(std::string(event), 0).first;
  name->second += count;
  int64_t& seen = last_seen_.try_emplace(user_code, 0).first->second;
  seen = std::max(seen, time_ms);
}

void LiveWindow::Add(LiveEventView event, uint32_t user_code) {
  Count(event.time_ms, user_code, event.event, event.count);
  latest_.push_front(std::move(event));
  if (latest_.size() > latest_kept_) latest_.pop_back();
}

void LiveWindow::Prune(int64_t now_ms) {
  const int64_t first_minute = MinuteOf(now_ms) - kHourMs + kMillisPerMinute;
  minutes_.erase(minutes_.begin(), minutes_.lower_bound(first_minute));
  std::erase_if(last_seen_, [cutoff = now_ms - 30 * kMillisPerMinute](const auto& user) {
    return user.second < cutoff;
  });
}

LiveWindowSnapshot LiveWindow::Snapshot(int64_t now_ms) const {
  LiveWindowSnapshot snapshot;
  snapshot.now_ms = now_ms;
  const int64_t current = MinuteOf(now_ms);
  std::map<std::string, int64_t, std::less<>> names;
  snapshot.per_minute.reserve(60);
  for (int64_t minute = current - kHourMs + kMillisPerMinute; minute <= current;
       minute += kMillisPerMinute) {
    const auto found = minutes_.find(minute);
    const int64_t events = found == minutes_.end() ? 0 : found->second.events;
    snapshot.per_minute.push_back({minute, events});
    snapshot.events_last_hour += events;
    if (found == minutes_.end()) continue;
    for (const auto& [name, count] : found->second.by_name) names[name] += count;
  }
  for (const auto& [user, seen] : last_seen_) {
    snapshot.active_30m += seen >= now_ms - 30 * kMillisPerMinute ? 1 : 0;
    snapshot.active_5m += seen >= now_ms - 5 * kMillisPerMinute ? 1 : 0;
  }
  snapshot.latest.assign(latest_.begin(), latest_.end());
  snapshot.features_last_hour.reserve(names.size());
  for (auto& [name, count] : names) snapshot.features_last_hour.push_back({name, count});
  std::stable_sort(
      snapshot.features_last_hour.begin(), snapshot.features_last_hour.end(),
      [](const LiveNameCount& a, const LiveNameCount& b) { return a.events > b.events; });
  return snapshot;
}

}  // namespace growthlens::app
