#pragma once
// The server's live state (issue 19, docs/LIVE.md): a watcher thread that reads the workspace's
// inbox on a connection of its own, every `poll` and at once when this process's collector
// stored events (Nudge), so events from any writer (the collector, `growthlens consume` in
// another process) are seen well within 2 s. Only new rows are read; they update the last hour
// (app/live_window.h) and the incremental totals (app/live_totals.h). Each change raises the
// live generation, which GET /api/v1/live's ETag and its stream of changes carry.
//
// The analyses that cannot be updated event by event are recomputed by reloading the held event
// log (the `refresh` callback) in the background, only when events arrived since, at most every
// `refresh_watched` while a dashboard page is open (it keeps a stream of changes open) and every
// `refresh_every` otherwise, and no sooner than four times the last reload took after it ended:
// the pages follow within a second or two, and a server nobody watches spends its cores on
// ingest rather than on reloads.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/live_totals.h"
#include "app/live_window.h"
#include "server/ingest_health.h"
#include "store/consumer_status.h"

namespace growthlens::store {
class EventInbox;
}  // namespace growthlens::store

namespace growthlens::server {

struct LiveSettings {
  std::string workspace;
  std::chrono::milliseconds poll{250};
  std::chrono::seconds refresh_every{30};
  std::chrono::seconds refresh_watched{1};  // while a page is open
  /// A page counts as open this long after its last stream closed (a stream ends every 8 s and
  /// the browser opens the next one at once).
  std::chrono::seconds watched_grace{10};
  size_t max_streams = 8;  // open GET /api/v1/live/stream connections
};

/// A copy of the live state, taken under its lock.
struct LiveView {
  uint64_t generation = 0;
  app::LiveWindowSnapshot window;
  app::LiveTotalsSummary totals;  // with the lifecycle of the current month
  IngestCounts ingest;
  int64_t last_seen_id = 0;  // highest inbox row read
  uint64_t rows_seen = 0;    // inbox rows read since the start
  int64_t refreshed_ms = 0;  // when the held event log was last reloaded for live events; 0: never
  uint64_t refreshes = 0;
  bool watched = false;  // a dashboard page is open
  /// The reload pace now: refresh_watched while a page is open, refresh_every otherwise.
  std::chrono::seconds refresh_pace{30};
  std::string watch_error;  // the watcher's last failure to read the inbox; "" when fine
  /// What the stream consumers writing this workspace last reported (other processes).
  std::vector<store::ConsumerStatus> consumers;
};

class LiveState {
 public:
  /// `refresh` reloads the held event log; it returns false when it could not run now (another
  /// load is in progress), to be tried again on the next tick.
  LiveState(LiveSettings settings, std::function<bool()> refresh);
  ~LiveState();
  LiveState(const LiveState&) = delete;
  LiveState& operator=(const LiveState&) = delete;

  /// Starts the watcher and the refresher (reading what the inbox holds first).
  void Start();
  /// Ends waits and threads; streams waiting for a change return.
  void Stop();
  /// Events were committed in this process: look now rather than at the next poll.
  void Nudge();
  /// The data the pages analyse was replaced (an upload, the demo, a reload): open streams tell
  /// it now rather than at their next ping, so the pages follow within the 2 s promised.
  void DataReplaced();

  uint64_t generation() const;
  /// Returns the generation once it differs from `seen`, or after `timeout`, or on Stop.
  uint64_t WaitForChange(uint64_t seen, std::chrono::milliseconds timeout);
  bool stopping() const;
  LiveView View() const;
  IngestHealth& health() { return health_; }
  const LiveSettings& settings() const { return settings_; }

  /// A place for one more stream; false when max_streams are open.
  bool OpenStream();
  void CloseStream();

 private:
  void Watch(std::stop_token stop);
  void Refresh(std::stop_token stop);
  /// Reads the rows after last_seen_id; true when there were any.
  bool ReadNew(store::EventInbox& inbox, bool seeding);
  /// Reads the consumers' reports; a change raises the generation.
  void ReadConsumers(store::ConsumerStatuses& table);
  /// Whether a page is open: a stream is, or one closed within watched_grace. Under mutex_.
  bool WatchedLocked(std::chrono::steady_clock::time_point now) const;
  /// The reload pace that applies at `now` (before the four-times-a-reload rule). Under mutex_.
  std::chrono::seconds PaceLocked(std::chrono::steady_clock::time_point now) const;

  LiveSettings settings_;
  std::function<bool()> refresh_;
  IngestHealth health_;
  mutable std::mutex mutex_;
  std::condition_variable_any changed_;  // generation_ moved, or a nudge, or stop
  uint64_t generation_ = 1;
  bool nudged_ = false;
  bool stopping_ = false;
  bool dirty_ = false;  // events arrived since the held data was last reloaded
  app::LiveWindow window_;
  app::LiveTotals totals_;
  uint64_t totals_version_ = 0;  // moves with every row added to totals_
  // The totals' summary walks every (user, day) they keep: made once per change of the totals
  // (or of the month) rather than at every request.
  struct CachedSummary {
    uint64_t totals_version = 0;
    int32_t month = 0;
    app::LiveTotalsSummary summary;
  };
  mutable std::optional<CachedSummary> summary_;
  int64_t last_seen_id_ = 0;
  uint64_t rows_seen_ = 0;
  int64_t refreshed_ms_ = 0;
  uint64_t refreshes_ = 0;
  std::string watch_error_;
  std::vector<store::ConsumerStatus> consumers_;
  size_t streams_ = 0;
  std::chrono::steady_clock::time_point last_stream_closed_{};  // epoch: none yet
  std::jthread watcher_;
  std::jthread refresher_;
};

}  // namespace growthlens::server
