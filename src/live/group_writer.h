#pragma once
// Group commit for the HTTP collector: request threads hand their batch over and wait; one
// writer thread takes every batch waiting, commits them in one transaction (one fsync for all)
// and wakes each with its own outcome. Under load the commits grow instead of queueing behind
// each other's fsyncs. The queue is bounded: past `max_queued_events` a batch is refused at once
// (the collector answers 503 with Retry-After) rather than waiting without end.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "app/event_batch.h"
#include "live/event_sink.h"
#include "live/workspace_sink.h"

namespace growthlens::live {

struct GroupWriterLimits {
  size_t max_queued_events = 500'000;  // waiting for a commit, all batches together
  size_t max_group_events = 100'000;   // per transaction
  /// When the inbox holds this many events, a folding thread (a connection of its own) moves
  /// them into blocks, one load of this many events at a time (app/inbox_fold.h); 0 = never.
  /// Commits go on meanwhile: the fold reads outside the write lock and holds it only for its
  /// last transaction (the blocks written and the folded rows deleted).
  size_t fold_every = 250'000;
};

struct GroupWriterStats {
  uint64_t commits = 0;
  uint64_t batches = 0;
  uint64_t stored = 0;
  uint64_t duplicates = 0;
  uint64_t refused = 0;  // batches turned away: the queue was full
  uint64_t failed = 0;   // batches whose commit failed
  uint64_t folds = 0;    // inbox folds into blocks
};

class GroupWriter {
 public:
  /// Opens the workspace (its own connection) and starts the writer thread.
  static Result<std::unique_ptr<GroupWriter>> Open(const std::string& workspace,
                                                   GroupWriterLimits limits = {});
  ~GroupWriter();  // commits what is queued, then stops
  GroupWriter(const GroupWriter&) = delete;
  GroupWriter& operator=(const GroupWriter&) = delete;

  /// Commits `events` with whatever else is waiting; returns once they are durable (or the
  /// commit failed). nullopt: refused, the queue is full.
  std::optional<Result<SinkOutcome>> Write(std::span<const app::IncomingEvent> events);

  GroupWriterStats stats() const;

 private:
  struct Pending;
  GroupWriter(WorkspaceSink sink, std::optional<store::Workspace> fold_workspace,
              GroupWriterLimits limits);
  void Loop(std::stop_token stop);
  /// Folds a load of limits_.fold_every events whenever the inbox holds that many (fold thread).
  void FoldLoop(std::stop_token stop);

  WorkspaceSink sink_;                              // the writer thread's alone
  std::optional<store::Workspace> fold_workspace_;  // the fold thread's alone
  GroupWriterLimits limits_;
  mutable std::mutex mutex_;
  std::condition_variable_any wake_;
  std::condition_variable_any fold_wake_;
  std::deque<std::shared_ptr<Pending>> queue_;
  size_t queued_events_ = 0;
  GroupWriterStats stats_;
  uint64_t inbox_events_ = 0;  // in the inbox, as this writer counts them (under mutex_)
  // Last: they stop (and join) before the members they use go.
  std::jthread fold_thread_;
  std::jthread thread_;
};

}  // namespace growthlens::live
