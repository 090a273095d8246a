#pragma once
// The workspace's inbox for live events (issue 19): the events the HTTP collector and the stream
// consumers commit, durable when Add returns (WAL, synchronous=FULL), until they are folded into
// the column blocks as one load (app/inbox_fold.h). Since schema version 9 a commit's events are
// one row of `inbox_groups` (a compressed block of columns, store/inbox_group.h) keyed by its
// last event's id: one B-tree insert per commit instead of one per event. Every event still has
// an id of its own, never reused (the table's AUTOINCREMENT sequence counts events), so readers
// take "the events after id N" as before.
//
// An event with a uuid is stored once: its uuid goes into `inbox_uuids` in the same transaction
// (a primary key, so a second process writing the same workspace is held to it too), and a
// repeat is counted as a duplicate. Uuids are kept for a window (ForgetUuidsBefore), as
// Segment and PostHog deduplicate within one.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace growthlens::store {

class Database;

struct InboxEvent {
  std::string_view user;
  std::string_view event;
  int64_t time_ms = 0;  // UTC
  int32_t count = 1;
  std::string_view uuid;             // empty: none
  std::string_view properties_json;  // a JSON object, or empty for none
};

struct InboxOutcome {
  uint64_t stored = 0;
  uint64_t duplicates = 0;  // their uuid was stored already (or repeated in the call)
};

/// Inbox rows as columns, in arrival order.
struct InboxRows {
  std::vector<int64_t> id;
  std::vector<int64_t> received_ms;
  std::vector<std::string> user;
  std::vector<std::string> event;
  std::vector<int64_t> time_ms;
  std::vector<int32_t> count;
  std::vector<std::string> properties_json;  // "" for none

  size_t size() const { return id.size(); }
};

struct InboxStats {
  uint64_t events = 0;
  int64_t first_id = 0, last_id = 0;  // 0 when empty
  int64_t first_received_ms = 0, last_received_ms = 0;
  uint64_t uuids = 0;  // remembered for deduplication
};

class EventInbox {
 public:
  explicit EventInbox(Database& db) : db_(db) {}

  /// Adds `events` received at `received_ms` in one transaction; durable when it returns.
  Result<InboxOutcome> Add(std::span<const InboxEvent> events, int64_t received_ms);
  /// Adds several batches in one transaction (a group commit: one fsync for all), with an
  /// outcome per batch; a uuid repeated in a later batch is that batch's duplicate.
  Result<std::vector<InboxOutcome>> AddGroup(std::span<const std::span<const InboxEvent>> batches,
                                             int64_t received_ms);
  /// Up to `limit` rows with id > `after_id`; without their properties (left empty) when the
  /// reader does not use them (the live watcher: a copy and an allocation less per event).
  Result<InboxRows> Read(int64_t after_id, size_t limit, bool with_properties = true);
  Result<InboxStats> Stats();
  /// Removes the rows with id <= `last_id` (a group holding some past it keeps those): call
  /// inside the transaction that stores them in blocks (Workspace::Append's `fold_inbox_through`).
  Status RemoveThrough(int64_t last_id);
  /// Removes one user's rows (erasure); returns how many.
  Result<uint64_t> RemoveUser(std::string_view user);
  /// Forgets the uuids received before `cutoff_ms`; returns how many.
  Result<uint64_t> ForgetUuidsBefore(int64_t cutoff_ms);

 private:
  Database& db_;
};

}  // namespace growthlens::store
