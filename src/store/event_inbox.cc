#include "store/event_inbox.h"

#include <fmt/format.h>

#include "store/inbox_group.h"
#include "store/sqlite_db.h"

namespace growthlens::store {

namespace {

std::string GroupName(int64_t last_id) {
  return fmt::format("inbox group {}", last_id);
}

/// Rewrites group `last_id` with `kept` (its events left), or deletes it when none are.
Status RewriteGroup(Database& db, int64_t last_id, const InboxRows& kept) {
  if (kept.size() == 0) {
    Result<Statement> remove = db.Prepare("DELETE FROM inbox_groups WHERE id = ?");
    if (!remove.ok()) return remove.status();
    GROWTHLENS_RETURN_IF_ERROR(remove->BindInt(1, last_id));
    return remove->Run();
  }
  InboxGroupColumns columns;
  columns.Reserve(kept.size());
  for (size_t row = 0; row < kept.size(); ++row) columns.AddRow(kept, row);
  Result<std::string> payload = EncodeInboxGroup(columns);
  if (!payload.ok()) return payload.status();
  // The key stays (the watcher and the fold read groups after the last key they took).
  Result<Statement> update =
      db.Prepare("UPDATE inbox_groups SET first_id = ?, events = ?, payload = ? WHERE id = ?");
  if (!update.ok()) return update.status();
  GROWTHLENS_RETURN_IF_ERROR(update->BindInt(1, kept.id.front()));
  GROWTHLENS_RETURN_IF_ERROR(update->BindInt(2, static_cast<int64_t>(kept.size())));
  GROWTHLENS_RETURN_IF_ERROR(update->BindBlob(3, *payload));
  GROWTHLENS_RETURN_IF_ERROR(update->BindInt(4, last_id));
  return update->Run();
}

/// Inserts a group under the key of its last event's id.
Status InsertGroup(Database& db, const InboxGroupColumns& group, int64_t received_ms) {
  Result<std::string> payload = EncodeInboxGroup(group);
  if (!payload.ok()) return payload.status();
  Result<Statement> insert = db.Prepare(
      "INSERT INTO inbox_groups (id, first_id, events, received_ms, payload) "
      "VALUES (?, ?, ?, ?, ?)");
  if (!insert.ok()) return insert.status();
  GROWTHLENS_RETURN_IF_ERROR(insert->BindInt(1, group.id.back()));
  GROWTHLENS_RETURN_IF_ERROR(insert->BindInt(2, group.id.front()));
  GROWTHLENS_RETURN_IF_ERROR(insert->BindInt(3, static_cast<int64_t>(group.size())));
  GROWTHLENS_RETURN_IF_ERROR(insert->BindInt(4, received_ms));
  GROWTHLENS_RETURN_IF_ERROR(insert->BindBlob(5, *payload));
  return insert->Run();
}

}  // namespace

Result<InboxOutcome> EventInbox::Add(std::span<const InboxEvent> events, int64_t received_ms) {
  const std::span<const InboxEvent> batches[] = {events};
  Result<std::vector<InboxOutcome>> outcomes = AddGroup(batches, received_ms);
  if (!outcomes.ok()) return outcomes.status();
  return outcomes->front();
}

Result<std::vector<InboxOutcome>> EventInbox::AddGroup(
    std::span<const std::span<const InboxEvent>> batches, int64_t received_ms) {
  std::vector<InboxOutcome> outcomes(batches.size());
  size_t events = 0;
  for (const std::span<const InboxEvent> batch : batches) events += batch.size();
  if (events == 0) return outcomes;
  Result<Transaction> transaction = Transaction::Begin(db_);
  if (!transaction.ok()) return transaction.status();
  // Ids go on from the highest ever given (AUTOINCREMENT's sequence), read inside the write
  // transaction: another process writing the same workspace numbers after this one.
  Result<int64_t> last_id =
      db_.QueryInt("SELECT seq FROM sqlite_sequence WHERE name = 'inbox_groups'");
  if (!last_id.ok()) return last_id.status();
  Result<Statement> remember =
      db_.Prepare("INSERT OR IGNORE INTO inbox_uuids (uuid, received_ms) VALUES (?, ?)");
  if (!remember.ok()) return remember.status();
  InboxGroupColumns group;
  group.Reserve(events);
  int64_t next_id = *last_id;
  for (size_t batch = 0; batch < batches.size(); ++batch) {
    InboxOutcome& outcome = outcomes[batch];
    for (const InboxEvent& event : batches[batch]) {
      // Bound without a copy: the views outlive each Run(), which clears the bindings.
      if (!event.uuid.empty()) {
        GROWTHLENS_RETURN_IF_ERROR(remember->BindTextView(1, event.uuid));
        GROWTHLENS_RETURN_IF_ERROR(remember->BindInt(2, received_ms));
        GROWTHLENS_RETURN_IF_ERROR(remember->Run());
        if (db_.Changes() == 0) {  // the uuid was there: a retry or a redelivery
          ++outcome.duplicates;
          continue;
        }
      }
      group.Add(++next_id, event);
      ++outcome.stored;
    }
  }
  if (group.size() > 0) GROWTHLENS_RETURN_IF_ERROR(InsertGroup(db_, group, received_ms));
  GROWTHLENS_RETURN_IF_ERROR(transaction->Commit());
  return outcomes;
}

Result<InboxRows> EventInbox::Read(int64_t after_id, size_t limit, bool with_properties) {
  // A group's key is its last event's id: the groups holding ids past after_id, in order.
  Result<Statement> query =
      db_.Prepare("SELECT id, received_ms, payload FROM inbox_groups WHERE id > ? ORDER BY id");
  if (!query.ok()) return query.status();
  GROWTHLENS_RETURN_IF_ERROR(query->BindInt(1, after_id));
  InboxRows rows;
  while (rows.size() < limit) {
    Result<bool> row = query->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    GROWTHLENS_RETURN_IF_ERROR(DecodeInboxGroup(query->Blob(2), query->Int(1), after_id,
                                                limit - rows.size(), with_properties,
                                                GroupName(query->Int(0)), rows));
  }
  return rows;
}

Result<InboxStats> EventInbox::Stats() {
  Result<Statement> query = db_.Prepare(
      "SELECT coalesce(sum(events), 0), coalesce(min(first_id), 0), coalesce(max(id), 0), "
      "coalesce(min(received_ms), 0), coalesce(max(received_ms), 0) FROM inbox_groups");
  if (!query.ok()) return query.status();
  Result<bool> row = query->Step();
  if (!row.ok()) return row.status();
  InboxStats stats;
  stats.events = static_cast<uint64_t>(query->Int(0));
  stats.first_id = query->Int(1);
  stats.last_id = query->Int(2);
  stats.first_received_ms = query->Int(3);
  stats.last_received_ms = query->Int(4);
  Result<int64_t> uuids = db_.QueryInt("SELECT count(*) FROM inbox_uuids");
  if (!uuids.ok()) return uuids.status();
  stats.uuids = static_cast<uint64_t>(*uuids);
  return stats;
}

Status EventInbox::RemoveThrough(int64_t last_id) {
  Result<Statement> remove = db_.Prepare("DELETE FROM inbox_groups WHERE id <= ?");
  if (!remove.ok()) return remove.status();
  GROWTHLENS_RETURN_IF_ERROR(remove->BindInt(1, last_id));
  GROWTHLENS_RETURN_IF_ERROR(remove->Run());
  // A group the fold took part of (it reads a number of events, not of groups) keeps the rest.
  Result<Statement> split = db_.Prepare(
      "SELECT id, received_ms, payload FROM inbox_groups WHERE first_id <= ? AND id > ?");
  if (!split.ok()) return split.status();
  GROWTHLENS_RETURN_IF_ERROR(split->BindInt(1, last_id));
  GROWTHLENS_RETURN_IF_ERROR(split->BindInt(2, last_id));
  std::vector<std::pair<int64_t, InboxRows>> rest;
  for (;;) {
    Result<bool> row = split->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    InboxRows kept;
    GROWTHLENS_RETURN_IF_ERROR(DecodeInboxGroup(split->Blob(2), split->Int(1), last_id, SIZE_MAX,
                                                true, GroupName(split->Int(0)), kept));
    rest.emplace_back(split->Int(0), std::move(kept));
  }
  GROWTHLENS_RETURN_IF_ERROR(split->Reset());
  for (const auto& [group, kept] : rest) GROWTHLENS_RETURN_IF_ERROR(RewriteGroup(db_, group, kept));
  return Status::Ok();
}

Result<uint64_t> EventInbox::RemoveUser(std::string_view user) {
  // One write transaction from the read to the rewrites: a fold committing in between would
  // otherwise have its trimmed groups written back whole.
  Result<Transaction> transaction = Transaction::Begin(db_);
  if (!transaction.ok()) return transaction.status();
  Result<Statement> query = db_.Prepare("SELECT id, received_ms, payload FROM inbox_groups");
  if (!query.ok()) return query.status();
  std::vector<std::pair<int64_t, InboxRows>> changed;
  uint64_t removed = 0;
  for (;;) {
    Result<bool> row = query->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    InboxRows events;
    GROWTHLENS_RETURN_IF_ERROR(DecodeInboxGroup(query->Blob(2), query->Int(1), 0, SIZE_MAX, true,
                                                GroupName(query->Int(0)), events));
    InboxRows kept;
    for (size_t event = 0; event < events.size(); ++event) {
      if (events.user[event] == user) continue;
      kept.id.push_back(events.id[event]);
      kept.received_ms.push_back(events.received_ms[event]);
      kept.user.push_back(std::move(events.user[event]));
      kept.event.push_back(std::move(events.event[event]));
      kept.time_ms.push_back(events.time_ms[event]);
      kept.count.push_back(events.count[event]);
      kept.properties_json.push_back(std::move(events.properties_json[event]));
    }
    if (kept.size() == events.size()) continue;
    removed += events.size() - kept.size();
    changed.emplace_back(query->Int(0), std::move(kept));
  }
  GROWTHLENS_RETURN_IF_ERROR(query->Reset());
  for (const auto& [group, kept] : changed)
    GROWTHLENS_RETURN_IF_ERROR(RewriteGroup(db_, group, kept));
  GROWTHLENS_RETURN_IF_ERROR(transaction->Commit());
  return removed;
}

Result<uint64_t> EventInbox::ForgetUuidsBefore(int64_t cutoff_ms) {
  Result<Statement> forget = db_.Prepare("DELETE FROM inbox_uuids WHERE received_ms < ?");
  if (!forget.ok()) return forget.status();
  GROWTHLENS_RETURN_IF_ERROR(forget->BindInt(1, cutoff_ms));
  GROWTHLENS_RETURN_IF_ERROR(forget->Run());
  return static_cast<uint64_t>(db_.Changes());
}

Status MoveInboxRowsIntoGroups(Database& db) {
  Result<Statement> query = db.Prepare(
      "SELECT id, received_ms, user, event, time_ms, count, properties FROM inbox_events "
      "ORDER BY id");
  if (!query.ok()) return query.status();
  InboxRows rows;  // one commit's events: same receive time, consecutive ids
  const auto flush = [&]() -> Status {
    if (rows.size() == 0) return Status::Ok();
    InboxGroupColumns group;
    group.Reserve(rows.size());
    for (size_t row = 0; row < rows.size(); ++row) group.AddRow(rows, row);
    GROWTHLENS_RETURN_IF_ERROR(InsertGroup(db, group, rows.received_ms.front()));
    rows = InboxRows();
    return Status::Ok();
  };
  constexpr size_t kMaxGroup = 100'000;
  for (;;) {
    Result<bool> row = query->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (rows.size() == kMaxGroup || (rows.size() > 0 && rows.received_ms.back() != query->Int(1)))
      GROWTHLENS_RETURN_IF_ERROR(flush());
    rows.id.push_back(query->Int(0));
    rows.received_ms.push_back(query->Int(1));
    rows.user.push_back(query->Text(2));
    rows.event.push_back(query->Text(3));
    rows.time_ms.push_back(query->Int(4));
    rows.count.push_back(static_cast<int32_t>(query->Int(5)));
    rows.properties_json.push_back(query->IsNull(6) ? std::string() : query->Text(6));
  }
  GROWTHLENS_RETURN_IF_ERROR(flush());
  return query->Reset();
}

}  // namespace growthlens::store
