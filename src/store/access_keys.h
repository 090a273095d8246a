#pragma once
// The keys a workspace hands out for `growthlens serve` (issue 19.2): read keys open the
// dashboard and the API from other machines, write keys also upload, save and ingest, and ingest
// keys only send events (the key of an SDK in a web page, which anyone can read). A key is
// "glw_" and 40 base32 characters (200 random bits from getrandom(2)); it is shown once when
// created and the workspace keeps only its SHA-256 (a random key of that length needs no slow
// password hash: nobody can guess a preimage). Its first characters ("glw_ab12cd34") are its id,
// shown in lists and used to revoke it. Revoked keys stay listed with the time of revocation.
//
//   Result<KeyStore> keys = KeyStore::Open("shop.glw", OpenMode::kCreate);
//   Result<CreatedKey> key = keys->Create(KeyRole::kRead, "Finance laptop");
//   Result<std::optional<KeyMatch>> match = keys->Find(presented);  // per request, by hash

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "store/saved_items.h"
#include "store/workspace.h"

namespace growthlens::store {

class Database;

enum class KeyRole { kRead, kWrite, kIngest };

/// "read", "write", "ingest": as the command line and the table name them.
const char* KeyRoleName(KeyRole role);
std::optional<KeyRole> KeyRoleFromName(std::string_view name);

inline constexpr std::string_view kKeyPrefix = "glw_";
/// Characters of a key after its prefix, and how many of them its id shows.
inline constexpr size_t kKeySecretChars = 40;
inline constexpr size_t kKeyIdChars = 8;
/// A key's label: 0 to kMaxKeyName characters, none of them a control character.
inline constexpr size_t kMaxKeyName = kMaxSavedName;

/// What a list shows of a key: never the key itself.
struct KeyInfo {
  std::string id;  // "glw_ab12cd34"
  std::string name;
  KeyRole role = KeyRole::kRead;
  std::string created_at;    // UTC, "2026-12-06 14:03:11"
  std::string last_used_at;  // "" = never; written at most once a minute
  std::string revoked_at;    // "" = active
};

struct CreatedKey {
  KeyInfo info;
  std::string secret;  // the whole key, to show once
};

/// An active key that matched a presented one.
struct KeyMatch {
  std::string id;
  KeyRole role = KeyRole::kRead;
};

enum class RevokeOutcome { kRevoked, kAlreadyRevoked, kUnknown };

/// SHA-256 of `key`, as 64 lowercase hex digits (what the workspace stores).
std::string KeyHash(std::string_view key);

/// A new key from the system's random source: "glw_" + kKeySecretChars base32 characters.
Result<std::string> NewKeySecret();

/// The access keys of one workspace, on a connection of their own. Not thread-safe: the server
/// guards it with a mutex (server/workspace_key_gate.h).
class KeyStore {
 public:
  /// Opens the workspace at `path` (migrating it as Workspace::Open does; kCreate creates it).
  static Result<KeyStore> Open(const std::string& path, OpenMode mode);
  KeyStore(KeyStore&&) noexcept;
  KeyStore& operator=(KeyStore&&) noexcept;
  ~KeyStore();

  const std::string& path() const { return path_; }

  /// A new active key, stored as its hash in one transaction.
  Result<CreatedKey> Create(KeyRole role, const std::string& name);
  /// Every key, active and revoked, oldest first.
  Result<std::vector<KeyInfo>> List();
  /// Revokes the key whose id is `id` ("glw_ab12cd34"; the "glw_" may be left out).
  Result<RevokeOutcome> Revoke(std::string_view id);
  /// The active key `presented` is, looked up by its hash (one indexed query); nullopt when it is
  /// no key of this workspace or a revoked one.
  Result<std::optional<KeyMatch>> Find(std::string_view presented);
  /// Whether a key that reads is active (a read key or a write key; not an ingest key).
  Result<bool> AnyReader();
  /// Sets the last use of the keys `ids` to now, in one transaction. Waits at most
  /// `busy_milliseconds` for another writer: recording a use never holds up a request for long.
  Status RecordUse(const std::vector<std::string>& ids, int busy_milliseconds);

 private:
  KeyStore(std::unique_ptr<Database> db, std::string path);

  std::unique_ptr<Database> db_;
  std::string path_;
};

}  // namespace growthlens::store
