#include "store/event_inbox.h"

#include <fmt/format.h>

#include "store/sqlite_db.h"

namespace growthlens::store {

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
  Result<Statement> remember =
      db_.Prepare("INSERT OR IGNORE INTO inbox_uuids (uuid, received_ms) VALUES (?, ?)");
  if (!remember.ok()) return remember.status();
  Result<Statement> insert = db_.Prepare(
      "INSERT INTO inbox_events (received_ms, user, event, time_ms, count, properties) "
      "VALUES (?, ?, ?, ?, ?, ?)");
  if (!insert.ok()) return insert.status();
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
      GROWTHLENS_RETURN_IF_ERROR(insert->BindInt(1, received_ms));
      GROWTHLENS_RETURN_IF_ERROR(insert->BindTextView(2, event.user));
      GROWTHLENS_RETURN_IF_ERROR(insert->BindTextView(3, event.event));
      GROWTHLENS_RETURN_IF_ERROR(insert->BindInt(4, event.time_ms));
      GROWTHLENS_RETURN_IF_ERROR(insert->BindInt(5, event.count));
      GROWTHLENS_RETURN_IF_ERROR(event.properties_json.empty()
                                     ? insert->BindNull(6)
                                     : insert->BindTextView(6, event.properties_json));
      GROWTHLENS_RETURN_IF_ERROR(insert->Run());
      ++outcome.stored;
    }
  }
  GROWTHLENS_RETURN_IF_ERROR(transaction->Commit());
  return outcomes;
}

Result<InboxRows> EventInbox::Read(int64_t after_id, size_t limit, bool with_properties) {
  Result<Statement> query = db_.Prepare(
      with_properties ? "SELECT id, received_ms, user, event, time_ms, count, properties "
                        "FROM inbox_events WHERE id > ? ORDER BY id LIMIT ?"
                      : "SELECT id, received_ms, user, event, time_ms, count, NULL "
                        "FROM inbox_events WHERE id > ? ORDER BY id LIMIT ?");
  if (!query.ok()) return query.status();
  GROWTHLENS_RETURN_IF_ERROR(query->BindInt(1, after_id));
  GROWTHLENS_RETURN_IF_ERROR(query->BindInt(2, static_cast<int64_t>(limit)));
  InboxRows rows;
  for (;;) {
    Result<bool> row = query->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    rows.id.push_back(query->Int(0));
    rows.received_ms.push_back(query->Int(1));
    rows.user.push_back(query->Text(2));
    rows.event.push_back(query->Text(3));
    rows.time_ms.push_back(query->Int(4));
    rows.count.push_back(static_cast<int32_t>(query->Int(5)));
    rows.properties_json.push_back(query->IsNull(6) ? std::string() : query->Text(6));
  }
  return rows;
}

Result<InboxStats> EventInbox::Stats() {
  Result<Statement> query = db_.Prepare(
      "SELECT count(*), coalesce(min(id), 0), coalesce(max(id), 0), "
      "coalesce(min(received_ms), 0), coalesce(max(received_ms), 0) FROM inbox_events");
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
  Result<Statement> remove = db_.Prepare("DELETE FROM inbox_events WHERE id <= ?");
  if (!remove.ok()) return remove.status();
  GROWTHLENS_RETURN_IF_ERROR(remove->BindInt(1, last_id));
  return remove->Run();
}

Result<uint64_t> EventInbox::RemoveUser(std::string_view user) {
  Result<Statement> remove = db_.Prepare("DELETE FROM inbox_events WHERE user = ?");
  if (!remove.ok()) return remove.status();
  GROWTHLENS_RETURN_IF_ERROR(remove->BindText(1, user));
  GROWTHLENS_RETURN_IF_ERROR(remove->Run());
  return static_cast<uint64_t>(db_.Changes());
}

Result<uint64_t> EventInbox::ForgetUuidsBefore(int64_t cutoff_ms) {
  Result<Statement> forget = db_.Prepare("DELETE FROM inbox_uuids WHERE received_ms < ?");
  if (!forget.ok()) return forget.status();
  GROWTHLENS_RETURN_IF_ERROR(forget->BindInt(1, cutoff_ms));
  GROWTHLENS_RETURN_IF_ERROR(forget->Run());
  return static_cast<uint64_t>(db_.Changes());
}

}  // namespace growthlens::store
