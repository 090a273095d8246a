#include "store/access_keys.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sys/random.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <span>
#include <utility>

#include "store/saved_items.h"
#include "store/schema.h"
#include "store/sqlite_db.h"

namespace growthlens::store {

namespace {

constexpr int kDefaultBusyMilliseconds = 10'000;  // as Database::Open sets it
constexpr std::string_view kBase32 = "abcdefghijklmnopqrstuvwxyz234567";
constexpr size_t kRandomBytes = kKeySecretChars * 5 / 8;  // 25 bytes: 200 bits
static_assert(kKeySecretChars * 5 % 8 == 0, "whole bytes of base32");

constexpr const char* kKeyColumns = "id, name, role, created_at, last_used_at, revoked_at";

KeyInfo KeyFromRow(const Statement& row) {
  KeyInfo key;
  key.id = row.Text(0);
  key.name = row.Text(1);
  key.role = KeyRoleFromName(row.Text(2)).value_or(KeyRole::kRead);
  key.created_at = row.Text(3);
  if (!row.IsNull(4)) key.last_used_at = row.Text(4);
  if (!row.IsNull(5)) key.revoked_at = row.Text(5);
  return key;
}

/// A label follows the rules of a saved item's name (store/saved_items.h), and may be empty.
Status CheckName(const std::string& name) {
  if (name.empty() || IsSavedName(name)) return Status::Ok();
  return Status(ErrorCode::kInvalidArgument,
                fmt::format("--name: at most {} characters, no control characters", kMaxKeyName));
}

/// Fills `bytes` from getrandom(2), the kernel's CSPRNG (blocking only before it is seeded at
/// boot).
Status RandomBytes(std::span<unsigned char> bytes) {
  size_t filled = 0;
  while (filled < bytes.size()) {
    const ssize_t got = getrandom(bytes.data() + filled, bytes.size() - filled, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0)
      return Status(ErrorCode::kIoError,
                    fmt::format("cannot read the system's random source (getrandom: {})",
                                std::strerror(errno)));
    filled += static_cast<size_t>(got);
  }
  return Status::Ok();
}

Status WithBusyWait(Database& db, int milliseconds) {
  return db.Exec(fmt::format("PRAGMA busy_timeout = {}", milliseconds));
}

}  // namespace

const char* KeyRoleName(KeyRole role) {
  switch (role) {
    case KeyRole::kWrite:
      return "write";
    case KeyRole::kIngest:
      return "ingest";
    case KeyRole::kRead:
      break;
  }
  return "read";
}

std::optional<KeyRole> KeyRoleFromName(std::string_view name) {
  if (name == "read") return KeyRole::kRead;
  if (name == "write") return KeyRole::kWrite;
  if (name == "ingest") return KeyRole::kIngest;
  return std::nullopt;
}

std::string KeyHash(std::string_view key) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(key.data(), key.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1)
    return "";  // never matches a stored hash
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int at = 0; at < length; ++at) hex += fmt::format("{:02x}", digest[at]);
  return hex;
}

Result<std::string> NewKeySecret() {
  std::array<unsigned char, kRandomBytes> random{};
  GROWTHLENS_RETURN_IF_ERROR(RandomBytes(random));
  std::string key(kKeyPrefix);
  // Base32, 5 bits a character: 25 bytes are exactly 40 characters.
  uint64_t bits = 0;
  int held = 0;
  for (const unsigned char byte : random) {
    bits = (bits << 8) | byte;
    held += 8;
    while (held >= 5) {
      held -= 5;
      key += kBase32[(bits >> held) & 31];
    }
  }
  OPENSSL_cleanse(random.data(), random.size());
  return key;
}

KeyStore::KeyStore(std::unique_ptr<Database> db, std::string path)
    : db_(std::move(db)), path_(std::move(path)) {}
KeyStore::KeyStore(KeyStore&&) noexcept = default;
KeyStore& KeyStore::operator=(KeyStore&&) noexcept = default;
KeyStore::~KeyStore() = default;

Result<KeyStore> KeyStore::Open(const std::string& path, OpenMode mode) {
  {
    // Checks, creates and migrates the file as every workspace command does.
    Result<Workspace> workspace = Workspace::Open(path, mode);
    if (!workspace.ok()) return workspace.status();
  }
  Result<Database> db = Database::Open(path, false);
  if (!db.ok()) return db.status();
  auto owned = std::make_unique<Database>(std::move(*db));
  GROWTHLENS_RETURN_IF_ERROR(PrepareSchema(*owned));  // this connection's journal and durability
  return KeyStore(std::move(owned), path);
}

Result<CreatedKey> KeyStore::Create(KeyRole role, const std::string& name) {
  GROWTHLENS_RETURN_IF_ERROR(CheckName(name));
  Result<Transaction> transaction = Transaction::Begin(*db_);
  if (!transaction.ok()) return transaction.status();
  Result<Statement> insert = db_->Prepare(
      "INSERT OR IGNORE INTO access_keys (id, secret_hash, name, role, created_at) "
      "VALUES (?, ?, ?, ?, datetime('now'))");
  if (!insert.ok()) return insert.status();
  CreatedKey created;
  // Ids are 40 random bits: a clash is rare enough that a few draws always end it.
  for (int attempt = 0; attempt < 8 && created.secret.empty(); ++attempt) {
    Result<std::string> secret = NewKeySecret();
    if (!secret.ok()) return secret.status();
    const std::string id = secret->substr(0, kKeyPrefix.size() + kKeyIdChars);
    GROWTHLENS_RETURN_IF_ERROR(insert->Reset());
    GROWTHLENS_RETURN_IF_ERROR(insert->BindText(1, id));
    GROWTHLENS_RETURN_IF_ERROR(insert->BindText(2, KeyHash(*secret)));
    GROWTHLENS_RETURN_IF_ERROR(insert->BindText(3, name));
    GROWTHLENS_RETURN_IF_ERROR(insert->BindText(4, KeyRoleName(role)));
    GROWTHLENS_RETURN_IF_ERROR(insert->Run());
    Result<int64_t> changed = db_->QueryInt("SELECT changes()");
    if (!changed.ok()) return changed.status();
    if (*changed == 1) {
      created.secret = std::move(*secret);
      created.info.id = id;
    }
  }
  if (created.secret.empty())
    return Status(ErrorCode::kInternal, "could not draw a key id that is not taken");
  Result<Statement> query =
      db_->Prepare(fmt::format("SELECT {} FROM access_keys WHERE id = ?", kKeyColumns));
  if (!query.ok()) return query.status();
  GROWTHLENS_RETURN_IF_ERROR(query->BindText(1, created.info.id));
  Result<bool> row = query->Step();
  if (!row.ok()) return row.status();
  created.info = KeyFromRow(*query);
  GROWTHLENS_RETURN_IF_ERROR(query->Reset());
  GROWTHLENS_RETURN_IF_ERROR(transaction->Commit());
  return created;
}

Result<std::vector<KeyInfo>> KeyStore::List() {
  Result<Statement> query = db_->Prepare(
      fmt::format("SELECT {} FROM access_keys ORDER BY created_at, rowid", kKeyColumns));
  if (!query.ok()) return query.status();
  std::vector<KeyInfo> keys;
  for (;;) {
    Result<bool> row = query->Step();
    if (!row.ok()) return row.status();
    if (!*row) return keys;
    keys.push_back(KeyFromRow(*query));
  }
}

Result<RevokeOutcome> KeyStore::Revoke(std::string_view id) {
  const std::string full =
      id.starts_with(kKeyPrefix) ? std::string(id) : std::string(kKeyPrefix) + std::string(id);
  Result<Transaction> transaction = Transaction::Begin(*db_);
  if (!transaction.ok()) return transaction.status();
  Result<Statement> query = db_->Prepare("SELECT revoked_at FROM access_keys WHERE id = ?");
  if (!query.ok()) return query.status();
  GROWTHLENS_RETURN_IF_ERROR(query->BindText(1, full));
  Result<bool> row = query->Step();
  if (!row.ok()) return row.status();
  if (!*row) return RevokeOutcome::kUnknown;
  if (!query->IsNull(0)) return RevokeOutcome::kAlreadyRevoked;
  GROWTHLENS_RETURN_IF_ERROR(query->Reset());
  Result<Statement> revoke =
      db_->Prepare("UPDATE access_keys SET revoked_at = datetime('now') WHERE id = ?");
  if (!revoke.ok()) return revoke.status();
  GROWTHLENS_RETURN_IF_ERROR(revoke->BindText(1, full));
  GROWTHLENS_RETURN_IF_ERROR(revoke->Run());
  GROWTHLENS_RETURN_IF_ERROR(transaction->Commit());
  return RevokeOutcome::kRevoked;
}

Result<std::optional<KeyMatch>> KeyStore::Find(std::string_view presented) {
  if (!presented.starts_with(kKeyPrefix) || presented.size() != kKeyPrefix.size() + kKeySecretChars)
    return std::optional<KeyMatch>();  // not a workspace key: no need to ask the file
  const std::string hash = KeyHash(presented);
  Result<Statement> query = db_->Prepare(
      "SELECT id, role, secret_hash FROM access_keys WHERE secret_hash = ? AND revoked_at IS "
      "NULL");
  if (!query.ok()) return query.status();
  GROWTHLENS_RETURN_IF_ERROR(query->BindText(1, hash));
  Result<bool> row = query->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<KeyMatch>();
  // The index found the row by hash; the hashes are compared once more in constant time, so
  // that nothing here depends on where two hashes first differ.
  const std::string stored = query->Text(2);
  if (stored.size() != hash.size() || CRYPTO_memcmp(stored.data(), hash.data(), hash.size()) != 0)
    return std::optional<KeyMatch>();
  return std::optional<KeyMatch>(
      KeyMatch{query->Text(0), KeyRoleFromName(query->Text(1)).value_or(KeyRole::kRead)});
}

Result<bool> KeyStore::AnyReader() {
  Result<int64_t> active = db_->QueryInt(
      "SELECT count(*) FROM access_keys WHERE revoked_at IS NULL AND role IN ('read', 'write')");
  if (!active.ok()) return active.status();
  return *active > 0;
}

Status KeyStore::RecordUse(const std::vector<std::string>& ids, int busy_milliseconds) {
  if (ids.empty()) return Status::Ok();
  GROWTHLENS_RETURN_IF_ERROR(WithBusyWait(*db_, busy_milliseconds));
  Status recorded = [&]() -> Status {
    Result<Transaction> transaction = Transaction::Begin(*db_);
    if (!transaction.ok()) return transaction.status();
    Result<Statement> update =
        db_->Prepare("UPDATE access_keys SET last_used_at = datetime('now') WHERE id = ?");
    if (!update.ok()) return update.status();
    for (const std::string& id : ids) {
      GROWTHLENS_RETURN_IF_ERROR(update->Reset());
      GROWTHLENS_RETURN_IF_ERROR(update->BindText(1, id));
      GROWTHLENS_RETURN_IF_ERROR(update->Run());
    }
    return transaction->Commit();
  }();
  const Status restored = WithBusyWait(*db_, kDefaultBusyMilliseconds);
  return recorded.ok() ? restored : recorded;
}

}  // namespace growthlens::store
