#include "live/group_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <future>

#include "app/inbox_fold.h"

namespace growthlens::live {

struct GroupWriter::Pending {
  std::span<const app::IncomingEvent> events;  // the caller's, alive while it waits
  std::promise<Result<SinkOutcome>> done;
};

Result<std::unique_ptr<GroupWriter>> GroupWriter::Open(const std::string& workspace,
                                                       GroupWriterLimits limits) {
  Result<WorkspaceSink> sink = WorkspaceSink::Open(workspace);
  if (!sink.ok()) return sink.status();
  std::optional<store::Workspace> fold_workspace;
  if (limits.fold_every > 0) {
    Result<store::Workspace> opened = store::Workspace::Open(workspace, store::OpenMode::kCreate);
    if (!opened.ok()) return opened.status();
    // The fold appends to the same days again and again: without its remembered keys each
    // fold would read every stored event of those days to find duplicates.
    opened->RememberEventKeys();
    fold_workspace.emplace(std::move(*opened));
  }
  return std::unique_ptr<GroupWriter>(
      new GroupWriter(std::move(*sink), std::move(fold_workspace), limits));
}

GroupWriter::GroupWriter(WorkspaceSink sink, std::optional<store::Workspace> fold_workspace,
                         GroupWriterLimits limits)
    : sink_(std::move(sink)), fold_workspace_(std::move(fold_workspace)), limits_(limits) {
  Result<store::InboxStats> inbox = sink_.workspace().Inbox().Stats();
  inbox_events_ = inbox.ok() ? inbox->events : 0;
  if (fold_workspace_)
    fold_thread_ = std::jthread([this](std::stop_token stop) { FoldLoop(stop); });
  thread_ = std::jthread([this](std::stop_token stop) { Loop(stop); });
}

GroupWriter::~GroupWriter() {
  thread_.request_stop();
  wake_.notify_all();
  fold_thread_.request_stop();
  fold_wake_.notify_all();
}

std::optional<Result<SinkOutcome>> GroupWriter::Write(std::span<const app::IncomingEvent> events) {
  auto pending = std::make_shared<Pending>();
  pending->events = events;
  std::future<Result<SinkOutcome>> done = pending->done.get_future();
  {
    const std::lock_guard lock(mutex_);
    if (queued_events_ > 0 && queued_events_ + events.size() > limits_.max_queued_events) {
      ++stats_.refused;
      return std::nullopt;
    }
    queued_events_ += events.size();
    queue_.push_back(std::move(pending));
  }
  wake_.notify_one();
  return done.get();
}

GroupWriterStats GroupWriter::stats() const {
  const std::lock_guard lock(mutex_);
  return stats_;
}

void GroupWriter::Loop(std::stop_token stop) {
  for (;;) {
    std::vector<std::shared_ptr<Pending>> group;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, stop, [this] { return !queue_.empty(); });
      if (queue_.empty()) return;  // stopped with nothing left to commit
      size_t events = 0;
      while (!queue_.empty() && (group.empty() || events + queue_.front()->events.size() <=
                                                      limits_.max_group_events)) {
        events += queue_.front()->events.size();
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      queued_events_ -= events;
    }
    std::vector<std::span<const app::IncomingEvent>> batches;
    batches.reserve(group.size());
    for (const auto& pending : group) batches.push_back(pending->events);
    Result<std::vector<SinkOutcome>> outcomes = sink_.CommitGroup(batches);
    {
      const std::lock_guard lock(mutex_);
      ++stats_.commits;
      stats_.batches += group.size();
      if (!outcomes.ok()) stats_.failed += group.size();
      for (size_t i = 0; outcomes.ok() && i < outcomes->size(); ++i) {
        stats_.stored += (*outcomes)[i].stored;
        stats_.duplicates += (*outcomes)[i].duplicates;
        inbox_events_ += (*outcomes)[i].stored;
      }
      if (limits_.fold_every > 0 && inbox_events_ >= limits_.fold_every) fold_wake_.notify_one();
    }
    for (size_t i = 0; i < group.size(); ++i)
      group[i]->done.set_value(outcomes.ok() ? Result<SinkOutcome>((*outcomes)[i])
                                             : Result<SinkOutcome>(outcomes.status()));
  }
}

void GroupWriter::FoldLoop(std::stop_token stop) {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      fold_wake_.wait(lock, stop, [this] { return inbox_events_ >= limits_.fold_every; });
      if (stop.stop_requested()) return;  // what is left stays in the inbox, safe
    }
    // One full load at a time, so that a busy inbox is not folded in small pieces.
    Result<app::FoldOutcome> folded =
        app::FoldInbox(*fold_workspace_, IngestOptions{}, limits_.fold_every, 1);
    if (folded.ok()) {
      const std::lock_guard lock(mutex_);
      stats_.folds += folded->loads;
      // Nothing folded: another process emptied the inbox; wait for new commits.
      inbox_events_ =
          folded->events == 0 ? 0 : inbox_events_ - std::min(inbox_events_, folded->events);
      continue;
    }
    // The events stay in the inbox, safe; try again in a while.
    fmt::print(stderr, "growthlens: folding the inbox failed: {}\n", folded.status().message());
    std::unique_lock lock(mutex_);
    fold_wake_.wait_for(lock, stop, std::chrono::seconds(5), [] { return false; });
  }
}

}  // namespace growthlens::live
