#pragma once
// One committed group of inbox events as stored (schema version 9, store/event_inbox.h): the
// group's events as the columns of one block (store/block_codec.h, zstd level 1): `id` (every
// event's own id, so ids stay exact after an erasure or a partial fold takes events out),
// `user`, `event`, `time_ms`, `count` and `properties` (JSON text, "" for none). One row and one
// B-tree insert per group instead of one per event.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "store/event_inbox.h"

namespace growthlens::store {

/// A group's events as columns of views (into the caller's texts), ids ascending.
struct InboxGroupColumns {
  std::vector<int64_t> id;
  std::vector<std::string_view> user;
  std::vector<std::string_view> event;
  std::vector<int64_t> time_ms;
  std::vector<int32_t> count;
  std::vector<std::string_view> properties_json;

  size_t size() const { return id.size(); }
  void Reserve(size_t events);
  void Add(int64_t id, const InboxEvent& event);
  /// Row `row` of `rows` (the views point into `rows`).
  void AddRow(const InboxRows& rows, size_t row);
};

/// The stored bytes of a group (at least one event).
Result<std::string> EncodeInboxGroup(const InboxGroupColumns& group);

/// Appends to `rows` the group's events with id > `after_id`, at most `limit` of them, each
/// received at `received_ms`; properties are left empty unless `with_properties`. `what` names
/// the group in errors.
Status DecodeInboxGroup(std::string_view payload, int64_t received_ms, int64_t after_id,
                        size_t limit, bool with_properties, std::string_view what, InboxRows& rows);

class Database;

/// Schema version 9's step (store/schema.cc): version 8's inbox rows, one per event, become
/// groups (consecutive rows received at the same time), ids kept. Runs inside the migration's
/// transaction.
Status MoveInboxRowsIntoGroups(Database& db);

}  // namespace growthlens::store
