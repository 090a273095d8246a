#include "store/saved_items.h"

#include <fmt/format.h>

#include <array>
#include <utility>

#include "store/sqlite_db.h"
#include "store/workspace.h"

namespace growthlens::store {

namespace {

constexpr std::array<std::pair<SavedKind, const char*>, 4> kKindNames = {{
    {SavedKind::kView, "view"},
    {SavedKind::kExperiment, "experiment"},
    {SavedKind::kPersonaModel, "persona_model"},
    {SavedKind::kChurnModel, "churn_model"},
}};

SavedItem ItemOf(const Statement& row, bool with_body) {
  SavedItem item;
  item.name = row.Text(0);
  item.saved_at = row.Text(1);
  item.bytes = static_cast<uint64_t>(row.Int(2));
  if (with_body) item.body = row.Text(3);
  return item;
}

Status CheckName(const std::string& name) {
  if (IsSavedName(name)) return Status::Ok();
  return Status(
      ErrorCode::kInvalidArgument,
      fmt::format("parameter 'name': 1 to {} characters, no control characters", kMaxSavedName));
}

}  // namespace

const char* SavedKindName(SavedKind kind) {
  for (const auto& [known, name] : kKindNames)
    if (known == kind) return name;
  return "view";
}

std::optional<SavedKind> SavedKindFromName(std::string_view name) {
  for (const auto& [kind, known] : kKindNames)
    if (name == known) return kind;
  return std::nullopt;
}

bool IsSavedName(std::string_view name) {
  if (name.empty() || name.size() > kMaxSavedName) return false;
  for (const char c : name)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  return true;
}

Result<SavedItem> Workspace::Save(SavedKind kind, const std::string& name,
                                  const std::string& body) {
  GROWTHLENS_RETURN_IF_ERROR(CheckName(name));
  Result<Transaction> transaction = Transaction::Begin(*db_);
  if (!transaction.ok()) return transaction.status();
  Result<Statement> upsert = db_->Prepare(
      // REPLACE gives the item a new id, which orders lists by when items were last saved.
      "INSERT OR REPLACE INTO saved_items (kind, name, saved_at, body) "
      "VALUES (?, ?, datetime('now'), ?)");
  if (!upsert.ok()) return upsert.status();
  GROWTHLENS_RETURN_IF_ERROR(upsert->BindText(1, SavedKindName(kind)));
  GROWTHLENS_RETURN_IF_ERROR(upsert->BindText(2, name));
  GROWTHLENS_RETURN_IF_ERROR(upsert->BindText(3, body));
  GROWTHLENS_RETURN_IF_ERROR(upsert->Run());
  GROWTHLENS_RETURN_IF_ERROR(transaction->Commit());
  Result<std::optional<SavedItem>> saved = FindSaved(kind, name);
  if (!saved.ok()) return saved.status();
  SavedItem item = saved->value_or(SavedItem{});
  item.body.clear();
  return item;
}

Result<std::vector<SavedItem>> Workspace::ListSaved(SavedKind kind) {
  Result<Statement> query = db_->Prepare(
      "SELECT name, saved_at, length(CAST(body AS BLOB)) FROM saved_items WHERE kind = ? "
      "ORDER BY id DESC");
  if (!query.ok()) return query.status();
  GROWTHLENS_RETURN_IF_ERROR(query->BindText(1, SavedKindName(kind)));
  std::vector<SavedItem> items;
  for (;;) {
    Result<bool> row = query->Step();
    if (!row.ok()) return row.status();
    if (!*row) return items;
    items.push_back(ItemOf(*query, false));
  }
}

Result<std::optional<SavedItem>> Workspace::FindSaved(SavedKind kind, const std::string& name) {
  Result<Statement> query = db_->Prepare(
      "SELECT name, saved_at, length(CAST(body AS BLOB)), body FROM saved_items "
      "WHERE kind = ? AND name = ?");
  if (!query.ok()) return query.status();
  GROWTHLENS_RETURN_IF_ERROR(query->BindText(1, SavedKindName(kind)));
  GROWTHLENS_RETURN_IF_ERROR(query->BindText(2, name));
  Result<bool> row = query->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<SavedItem>();
  return std::optional<SavedItem>(ItemOf(*query, true));
}

Result<bool> Workspace::DeleteSaved(SavedKind kind, const std::string& name) {
  Result<Transaction> transaction = Transaction::Begin(*db_);
  if (!transaction.ok()) return transaction.status();
  Result<Statement> remove = db_->Prepare("DELETE FROM saved_items WHERE kind = ? AND name = ?");
  if (!remove.ok()) return remove.status();
  GROWTHLENS_RETURN_IF_ERROR(remove->BindText(1, SavedKindName(kind)));
  GROWTHLENS_RETURN_IF_ERROR(remove->BindText(2, name));
  GROWTHLENS_RETURN_IF_ERROR(remove->Run());
  Result<int64_t> changed = db_->QueryInt("SELECT changes()");
  if (!changed.ok()) return changed.status();
  GROWTHLENS_RETURN_IF_ERROR(transaction->Commit());
  return *changed > 0;
}

}  // namespace growthlens::store
