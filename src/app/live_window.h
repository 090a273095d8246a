#pragma once
// The last hour of live events, kept as they arrive for the Live page (issue 19): events per
// minute, users active in the last 5 and 30 minutes, the latest events, and the events per name.
// Times are the events' own (UTC ms); an event more than an hour old when it arrives (a backfill)
// is in the latest list but not in the hour's counts.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace growthlens::app {

struct LiveEventView {
  int64_t received_ms = 0;
  int64_t time_ms = 0;
  std::string user;
  std::string event;
  int32_t count = 1;
};

struct LiveMinuteCount {
  int64_t minute_ms = 0;  // the minute's start
  int64_t events = 0;
};

struct LiveNameCount {
  std::string name;
  int64_t events = 0;
};

struct LiveWindowSnapshot {
  int64_t now_ms = 0;
  std::vector<LiveMinuteCount> per_minute;  // the last 60 minutes, oldest first, the current last
  int64_t events_last_hour = 0;
  uint64_t active_5m = 0;
  uint64_t active_30m = 0;
  std::vector<LiveEventView> latest;              // newest first
  std::vector<LiveNameCount> features_last_hour;  // most events first, ties by name
};

inline constexpr int64_t kMillisPerMinute = 60'000;

class LiveWindow {
 public:
  explicit LiveWindow(size_t latest_kept = 50) : latest_kept_(latest_kept) {}

  /// `user_code` stands for event.user (LiveTotals::Add's number for the user): the active
  /// users are counted by it, so that the user's text is not hashed again.
  void Add(LiveEventView event, uint32_t user_code);
  /// Counts an event without listing it among the latest: for all but the last `latest_kept()`
  /// of a run of events, which Add would push out again at once.
  void Count(int64_t time_ms, uint32_t user_code, std::string_view event, int32_t count);
  size_t latest_kept() const { return latest_kept_; }
  /// Forgets minutes before the last hour and users silent for 30 minutes.
  void Prune(int64_t now_ms);
  LiveWindowSnapshot Snapshot(int64_t now_ms) const;

 private:
  struct Minute {
    int64_t events = 0;
    std::map<std::string, int64_t, std::less<>> by_name;
  };
  size_t latest_kept_;
  std::map<int64_t, Minute> minutes_;                // by minute start
  std::unordered_map<uint32_t, int64_t> last_seen_;  // user code -> latest event time
  std::deque<LiveEventView> latest_;                 // newest first
};

}  // namespace growthlens::app
