#include "store/sqlite_db.h"

#include <sys/resource.h>
#include <sys/statvfs.h>

#include <cstring>
#include <filesystem>

#include <fmt/format.h>
#include <sqlite3.h>

namespace growthlens::store {

namespace {

/// Why a write may have failed, as far as the system tells: the free space of the file system
/// holding `path` and this process's file size limit (ulimit -f), when there is one. SQLite
/// does not keep the errno of a failed write reliably, so these are looked up afresh.
std::string WriteLimits(const std::string& path) {
  std::string text;
  std::filesystem::path directory = std::filesystem::path(path).parent_path();
  if (directory.empty()) directory = ".";
  struct statvfs disk {};
  if (statvfs(directory.c_str(), &disk) == 0)
    text +=
        fmt::format("the file system holding it has {:.1f} MB free",
                    static_cast<double>(disk.f_bavail) * static_cast<double>(disk.f_frsize) / 1e6);
  struct rlimit limit {};
  if (getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
    text += fmt::format(
        "{}this process may write files of at most {:.1f} MB (its file size limit, "
        "ulimit -f)",
        text.empty() ? "" : "; ", static_cast<double>(limit.rlim_cur) / 1e6);
  return text;
}

}  // namespace

Status Database::ErrorOf(sqlite3* db, int code, const std::string& path, std::string_view what) {
  std::string message = fmt::format("workspace {}: {}: {}", path, what,
                                    db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code));
  const int primary = code & 0xFF;
  const int system = db != nullptr ? sqlite3_system_errno(db) : 0;
  if ((primary == SQLITE_IOERR || primary == SQLITE_FULL || primary == SQLITE_CANTOPEN) &&
      system != 0)
    message += fmt::format(" ({})", std::strerror(system));
  if (primary == SQLITE_FULL || primary == SQLITE_IOERR) {
    const std::string limits = WriteLimits(path);
    if (!limits.empty()) message += " (" + limits + ")";
    message += "; the disk may be full or a file size limit reached, and nothing was changed";
  }
  if (primary == SQLITE_NOTADB) message += "; the file is not a GrowthLens workspace";
  if (primary == SQLITE_BUSY) message += "; another growthlens is writing to it, try again";
  return Status(ErrorCode::kIoError, std::move(message));
}

bool Database::LastFailedBusy() const {
  return (sqlite3_errcode(db_.get()) & 0xFF) == SQLITE_BUSY;
}

void Database::Closer::operator()(sqlite3* db) const {
  sqlite3_close_v2(db);
}
void Statement::Closer::operator()(sqlite3_stmt* statement) const {
  sqlite3_finalize(statement);
}

Database::Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

Result<Database> Database::Open(const std::string& path, bool create) {
  sqlite3* raw = nullptr;
  // A connection is used by one thread at a time (each thread opens its own), so SQLite's
  // per-call mutex is not needed: it took a tenth of the collector's writer thread.
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  const int code = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Database db(raw, path);  // closes `raw` on every path below
  if (code != SQLITE_OK) return ErrorOf(raw, code, path, "cannot open");
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, 10'000);
  return db;
}

Status Database::Exec(std::string_view sql) {
  const std::string text(sql);
  const int code = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, nullptr);
  if (code != SQLITE_OK) return ErrorOf(db_.get(), code, path_, "cannot run " + text);
  return Status::Ok();
}

Result<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  const int code =
      sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
  Statement statement(raw, path_);
  if (code != SQLITE_OK)
    return ErrorOf(db_.get(), code, path_, fmt::format("cannot prepare {}", sql));
  return statement;
}

Result<int64_t> Database::QueryInt(std::string_view sql) {
  Result<Statement> statement = Prepare(sql);
  if (!statement.ok()) return statement.status();
  Result<bool> row = statement->Step();
  if (!row.ok()) return row.status();
  return *row ? statement->Int(0) : int64_t{0};
}

int64_t Database::LastInsertId() const {
  return sqlite3_last_insert_rowid(db_.get());
}

int64_t Database::Changes() const {
  return sqlite3_changes64(db_.get());
}

Statement::Statement(sqlite3_stmt* statement, std::string path)
    : statement_(statement), path_(std::move(path)) {}

Status Statement::Check(int code, std::string_view what) const {
  if (code == SQLITE_OK || code == SQLITE_ROW || code == SQLITE_DONE) return Status::Ok();
  return Database::ErrorOf(sqlite3_db_handle(statement_.get()), code, path_, what);
}

Status Statement::BindInt(int index, int64_t value) {
  return Check(sqlite3_bind_int64(statement_.get(), index, value), "cannot bind");
}
Status Statement::BindDouble(int index, double value) {
  return Check(sqlite3_bind_double(statement_.get(), index, value), "cannot bind");
}
Status Statement::BindText(int index, std::string_view text) {
  return Check(sqlite3_bind_text64(statement_.get(), index, text.data(), text.size(),
                                   SQLITE_TRANSIENT, SQLITE_UTF8),
               "cannot bind");
}
Status Statement::BindTextView(int index, std::string_view text) {
  return Check(sqlite3_bind_text64(statement_.get(), index, text.data(), text.size(), SQLITE_STATIC,
                                   SQLITE_UTF8),
               "cannot bind");
}
Status Statement::BindBlob(int index, std::string_view bytes) {
  return Check(
      sqlite3_bind_blob64(statement_.get(), index, bytes.data(), bytes.size(), SQLITE_TRANSIENT),
      "cannot bind");
}
Status Statement::BindNull(int index) {
  return Check(sqlite3_bind_null(statement_.get(), index), "cannot bind");
}

Result<bool> Statement::Step() {
  const int code = sqlite3_step(statement_.get());
  if (code == SQLITE_ROW) return true;
  if (code == SQLITE_DONE) return false;
  return Check(code, fmt::format("cannot run {}", sqlite3_sql(statement_.get())));
}

Status Statement::Run() {
  Result<bool> row = Step();
  if (!row.ok()) return row.status();
  return Reset();
}

Status Statement::Reset() {
  const int code = sqlite3_reset(statement_.get());
  sqlite3_clear_bindings(statement_.get());
  return Check(code, "cannot reset");
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(statement_.get(), column) == SQLITE_NULL;
}
int64_t Statement::Int(int column) const {
  return sqlite3_column_int64(statement_.get(), column);
}
double Statement::Double(int column) const {
  return sqlite3_column_double(statement_.get(), column);
}
std::string Statement::Text(int column) const {
  const unsigned char* text = sqlite3_column_text(statement_.get(), column);
  return text == nullptr
             ? std::string()
             : std::string(reinterpret_cast<const char*>(text),
                           static_cast<size_t>(sqlite3_column_bytes(statement_.get(), column)));
}
std::string_view Statement::Blob(int column) const {
  const void* data = sqlite3_column_blob(statement_.get(), column);
  const auto size = static_cast<size_t>(sqlite3_column_bytes(statement_.get(), column));
  return data == nullptr ? std::string_view()
                         : std::string_view(static_cast<const char*>(data), size);
}

Result<Transaction> Transaction::Begin(Database& db, Mode mode) {
  GROWTHLENS_RETURN_IF_ERROR(db.Exec(mode == kWrite ? "BEGIN IMMEDIATE" : "BEGIN"));
  return Transaction(db);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(other.db_) {
  other.db_ = nullptr;
}

Transaction::~Transaction() {
  if (db_ != nullptr) (void)db_->Exec("ROLLBACK");
}

Status Transaction::Commit() {
  Database* db = db_;
  db_ = nullptr;
  Status status = db->Exec("COMMIT");
  if (!status.ok()) (void)db->Exec("ROLLBACK");
  return status;
}

}  // namespace growthlens::store
