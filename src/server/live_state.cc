#include "server/live_state.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "app/event_batch.h"
#include "store/event_inbox.h"
#include "store/workspace.h"

namespace growthlens::server {

namespace {

constexpr size_t kReadRows = 10'000;  // per read; the rest on the next pass of the loop

}  // namespace

LiveState::LiveState(LiveSettings settings, std::function<bool()> refresh)
    : settings_(std::move(settings)), refresh_(std::move(refresh)) {}

LiveState::~LiveState() {
  Stop();
}

void LiveState::Start() {
  if (watcher_.joinable()) return;
  watcher_ = std::jthread([this](std::stop_token stop) { Watch(stop); });
  refresher_ = std::jthread([this](std::stop_token stop) { Refresh(stop); });
}

void LiveState::Stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  watcher_ = std::jthread();  // requests the stop and joins
  refresher_ = std::jthread();
}

void LiveState::Nudge() {
  {
    const std::lock_guard lock(mutex_);
    nudged_ = true;
  }
  changed_.notify_all();
}

void LiveState::DataReplaced() {
  {
    const std::lock_guard lock(mutex_);
    ++generation_;
  }
  changed_.notify_all();
}

uint64_t LiveState::generation() const {
  const std::lock_guard lock(mutex_);
  return generation_;
}

bool LiveState::stopping() const {
  const std::lock_guard lock(mutex_);
  return stopping_;
}

uint64_t LiveState::WaitForChange(uint64_t seen, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return stopping_ || generation_ != seen; });
  return generation_;
}

LiveView LiveState::View() const {
  LiveView view;
  view.ingest = health_.Counts();
  const int64_t now_ms = app::NowMillis();
  const std::lock_guard lock(mutex_);
  view.generation = generation_;
  view.window = window_.Snapshot(now_ms);
  const int32_t month = MonthIndexOf(DayOf(now_ms / 1000));
  if (!summary_ || summary_->totals_version != totals_version_ || summary_->month != month)
    summary_ = CachedSummary{totals_version_, month, totals_.Summary(month)};
  view.totals = summary_->summary;
  view.last_seen_id = last_seen_id_;
  view.rows_seen = rows_seen_;
  view.refreshed_ms = refreshed_ms_;
  view.refreshes = refreshes_;
  const auto now = std::chrono::steady_clock::now();
  view.watched = WatchedLocked(now);
  view.refresh_pace = PaceLocked(now);
  view.watch_error = watch_error_;
  view.consumers = consumers_;
  return view;
}

bool LiveState::OpenStream() {
  const std::lock_guard lock(mutex_);
  if (streams_ >= settings_.max_streams) return false;
  ++streams_;
  return true;
}

void LiveState::CloseStream() {
  const std::lock_guard lock(mutex_);
  --streams_;
  last_stream_closed_ = std::chrono::steady_clock::now();
}

bool LiveState::WatchedLocked(std::chrono::steady_clock::time_point now) const {
  return streams_ > 0 || (last_stream_closed_.time_since_epoch().count() != 0 &&
                          now - last_stream_closed_ < settings_.watched_grace);
}

std::chrono::seconds LiveState::PaceLocked(std::chrono::steady_clock::time_point now) const {
  return WatchedLocked(now) ? std::min(settings_.refresh_watched, settings_.refresh_every)
                            : settings_.refresh_every;
}

bool LiveState::ReadNew(store::EventInbox& inbox, bool seeding) {
  int64_t after = 0;
  {
    const std::lock_guard lock(mutex_);
    after = last_seen_id_;
  }
  Result<store::InboxRows> rows = inbox.Read(after, kReadRows, /*with_properties=*/false);
  const std::lock_guard lock(mutex_);
  if (!rows.ok()) {
    watch_error_ = rows.status().message();
    return false;
  }
  watch_error_.clear();
  if (rows->size() == 0) return false;
  // Only the last few rows can be among the latest events the window lists.
  const size_t listed_from = rows->size() - std::min(rows->size(), window_.latest_kept());
  for (size_t row = 0; row < rows->size(); ++row) {
    const uint32_t user =
        totals_.Add(rows->user[row], rows->event[row], rows->time_ms[row], rows->count[row]);
    if (row < listed_from)
      window_.Count(rows->time_ms[row], user, rows->event[row], rows->count[row]);
    else
      window_.Add({rows->received_ms[row], rows->time_ms[row], std::move(rows->user[row]),
                   std::move(rows->event[row]), rows->count[row]},
                  user);
  }
  ++totals_version_;
  last_seen_id_ = rows->id.back();
  rows_seen_ += rows->size();
  ++generation_;
  // Rows waiting at the start are in the data loaded at the start already.
  if (!seeding) dirty_ = true;
  changed_.notify_all();
  return true;
}

void LiveState::ReadConsumers(store::ConsumerStatuses& table) {
  Result<std::vector<store::ConsumerStatus>> read = table.ReadAll();
  if (!read.ok()) return;  // a workspace being migrated by a newer consumer; next time
  const auto same = [](const store::ConsumerStatus& a, const store::ConsumerStatus& b) {
    return a.name == b.name && a.updated_ms == b.updated_ms;
  };
  const std::lock_guard lock(mutex_);
  if (std::equal(read->begin(), read->end(), consumers_.begin(), consumers_.end(), same)) return;
  consumers_ = std::move(read).value();
  ++generation_;
  changed_.notify_all();
}

void LiveState::Watch(std::stop_token stop) {
  std::optional<store::Workspace> workspace;
  bool seeding = true;
  int64_t pruned_minute = 0;
  while (!stop.stop_requested()) {
    if (!workspace) {
      Result<store::Workspace> opened =
          store::Workspace::Open(settings_.workspace, store::OpenMode::kExisting);
      if (opened.ok()) {
        workspace.emplace(std::move(opened).value());
      } else {
        const std::lock_guard lock(mutex_);
        watch_error_ = opened.status().message();
      }
    }
    if (workspace) {
      store::EventInbox inbox = workspace->Inbox();
      // A full read means more are waiting: read on without sleeping.
      while (!stop.stop_requested() && ReadNew(inbox, seeding)) {
      }
      seeding = false;
      store::ConsumerStatuses consumers = workspace->Consumers();
      ReadConsumers(consumers);
    }
    const int64_t now_ms = app::NowMillis();
    std::unique_lock lock(mutex_);
    if (now_ms / app::kMillisPerMinute != pruned_minute) {
      // A new minute: the hour's window moves, so its counts change even without events.
      pruned_minute = now_ms / app::kMillisPerMinute;
      window_.Prune(now_ms);
      ++generation_;
      changed_.notify_all();
    }
    changed_.wait_for(lock, stop, settings_.poll, [&] { return nudged_ || stopping_; });
    nudged_ = false;
  }
}

void LiveState::Refresh(std::stop_token stop) {
  using Clock = std::chrono::steady_clock;
  Clock::time_point last = Clock::now();
  Clock::duration took{};  // by the last reload
  while (!stop.stop_requested()) {
    {
      std::unique_lock lock(mutex_);
      changed_.wait_for(lock, stop, settings_.poll, [&] { return stopping_; });
      const Clock::time_point now = Clock::now();
      const Clock::duration wanted = PaceLocked(now);
      // A reload takes at most a fifth of the time: a large workspace is reloaded less often
      // than asked rather than keeping a core busy with reloads.
      if (stopping_ || !dirty_ || now - last < std::max<Clock::duration>(wanted, 4 * took))
        continue;
      dirty_ = false;
    }
    const Clock::time_point start = Clock::now();
    if (!refresh_()) {
      const std::lock_guard lock(mutex_);
      dirty_ = true;  // another load runs: try again on the next tick
      continue;
    }
    last = Clock::now();
    took = last - start;
    const std::lock_guard lock(mutex_);
    refreshed_ms_ = app::NowMillis();
    ++refreshes_;
    ++generation_;
    changed_.notify_all();
  }
}

}  // namespace growthlens::server
