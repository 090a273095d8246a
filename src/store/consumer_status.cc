#include "store/consumer_status.h"

#include "store/sqlite_db.h"

namespace growthlens::store {

namespace {

Status BindOptional(Statement& statement, int index, const std::optional<int64_t>& value) {
  return value ? statement.BindInt(index, *value) : statement.BindNull(index);
}

}  // namespace

Status ConsumerStatuses::Write(const ConsumerStatus& status) {
  Result<Statement> insert = db_.Prepare(
      "INSERT OR REPLACE INTO consumer_status (name, source, updated_ms, messages, stored, "
      "duplicates, dead_letters, rejected, failures, lag, pending, last_message_ms, error) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!insert.ok()) return insert.status();
  int index = 0;
  GROWTHLENS_RETURN_IF_ERROR(insert->BindText(++index, status.name));
  GROWTHLENS_RETURN_IF_ERROR(insert->BindText(++index, status.source));
  GROWTHLENS_RETURN_IF_ERROR(insert->BindInt(++index, status.updated_ms));
  for (const uint64_t count : {status.messages, status.stored, status.duplicates,
                               status.dead_letters, status.rejected, status.failures})
    GROWTHLENS_RETURN_IF_ERROR(insert->BindInt(++index, static_cast<int64_t>(count)));
  GROWTHLENS_RETURN_IF_ERROR(BindOptional(*insert, ++index, status.lag));
  GROWTHLENS_RETURN_IF_ERROR(BindOptional(*insert, ++index, status.pending));
  GROWTHLENS_RETURN_IF_ERROR(insert->BindInt(++index, status.last_message_ms));
  GROWTHLENS_RETURN_IF_ERROR(insert->BindText(++index, status.error));
  return insert->Run();
}

Result<std::vector<ConsumerStatus>> ConsumerStatuses::ReadAll() {
  Result<Statement> query = db_.Prepare(
      "SELECT name, source, updated_ms, messages, stored, duplicates, dead_letters, rejected, "
      "failures, lag, pending, last_message_ms, error FROM consumer_status ORDER BY name");
  if (!query.ok()) return query.status();
  std::vector<ConsumerStatus> statuses;
  for (;;) {
    Result<bool> row = query->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    ConsumerStatus status;
    status.name = query->Text(0);
    status.source = query->Text(1);
    status.updated_ms = query->Int(2);
    uint64_t* counts[] = {&status.messages,     &status.stored,   &status.duplicates,
                          &status.dead_letters, &status.rejected, &status.failures};
    for (int column = 3; column < 9; ++column)
      *counts[column - 3] = static_cast<uint64_t>(query->Int(column));
    if (!query->IsNull(9)) status.lag = query->Int(9);
    if (!query->IsNull(10)) status.pending = query->Int(10);
    status.last_message_ms = query->Int(11);
    status.error = query->Text(12);
    statuses.push_back(std::move(status));
  }
  return statuses;
}

}  // namespace growthlens::store
