#pragma once
// A SQLite connection, its prepared statements and its transactions, as RAII values whose
// failures are Status values naming the database file. sqlite3.h stays in the .cc file.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace growthlens::store {

class Statement {
 public:
  Status BindInt(int index, int64_t value);
  Status BindDouble(int index, double value);
  Status BindText(int index, std::string_view text);
  /// As BindText, without copying: `text` must stay alive until the statement is Run or Reset.
  Status BindTextView(int index, std::string_view text);
  Status BindBlob(int index, std::string_view bytes);
  Status BindNull(int index);
  /// Runs to the next row: true when there is one, false when done.
  Result<bool> Step();
  /// Steps a statement that returns no rows.
  Status Run();
  Status Reset();

  bool IsNull(int column) const;
  int64_t Int(int column) const;
  double Double(int column) const;
  std::string Text(int column) const;
  /// Valid until the next Step or Reset.
  std::string_view Blob(int column) const;

 private:
  friend class Database;
  struct Closer {
    void operator()(sqlite3_stmt* statement) const;
  };
  Statement(sqlite3_stmt* statement, std::string path);
  Status Check(int code, std::string_view what) const;

  std::unique_ptr<sqlite3_stmt, Closer> statement_;
  std::string path_;
};

class Database {
 public:
  /// Opens (with `create`, creates) the database at `path`, with a busy timeout so that a second
  /// writer waits instead of failing at once.
  static Result<Database> Open(const std::string& path, bool create);

  Status Exec(std::string_view sql);
  Result<Statement> Prepare(std::string_view sql);
  /// The first column of the first row of `sql` as an integer (0 when no row).
  Result<int64_t> QueryInt(std::string_view sql);
  int64_t LastInsertId() const;
  /// Rows the last INSERT, UPDATE or DELETE changed.
  int64_t Changes() const;
  /// Whether the last call failed because another connection held a lock it needed.
  bool LastFailedBusy() const;
  const std::string& path() const { return path_; }

  /// An error for SQLite result `code`, with SQLite's message and, for I/O failures, the
  /// system's ("No space left on device", "File too large").
  static Status ErrorOf(sqlite3* db, int code, const std::string& path, std::string_view what);

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  Database(sqlite3* db, std::string path);

  std::unique_ptr<sqlite3, Closer> db_;
  std::string path_;
};

/// BEGIN IMMEDIATE ... COMMIT; rolled back when destroyed uncommitted, so an error anywhere
/// leaves the database as it was. A read transaction (BEGIN) sees one snapshot throughout.
class Transaction {
 public:
  enum Mode { kWrite, kRead };
  static Result<Transaction> Begin(Database& db, Mode mode = kWrite);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Status Commit();

 private:
  explicit Transaction(Database& db) : db_(&db) {}
  Database* db_;  // not owned; null once committed or moved from
};

}  // namespace growthlens::store
