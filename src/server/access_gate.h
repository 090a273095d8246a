#pragma once
// Who may use the server from elsewhere: the key a client presents (Authorization: Bearer KEY,
// ?key=KEY or the login page once, then a session cookie) is checked by an AccessGate. One shared
// key grants everything (SharedKeyGate, from --access-key-file, --access-key or
// GROWTHLENS_ACCESS_KEY); a workspace's read and write keys are a WorkspaceKeyGate
// (server/workspace_key_gate.h); AnyOfGates accepts the keys of both.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace growthlens::server {

/// Read: GET and HEAD. Write: everything. Ingest: only sending events (server/request_guard.h).
enum class Access { kRead, kWrite, kIngest };

class AccessGate {
 public:
  virtual ~AccessGate() = default;
  /// What `key` grants: nullopt for nothing, else read (GET), write (everything) or ingest
  /// (events only). Called for every request that presents a key, from several threads at once.
  virtual std::optional<Access> Grants(std::string_view key) const = 0;
  /// Whether some key that reads (read or write) passes the gate now: without one, nobody beyond
  /// this machine could read, and `serve` refuses to listen there.
  virtual bool HasKeys() const = 0;
};

/// One key for everything, compared in constant time.
class SharedKeyGate final : public AccessGate {
 public:
  explicit SharedKeyGate(std::string key) : key_(std::move(key)) {}
  std::optional<Access> Grants(std::string_view key) const override;
  bool HasKeys() const override { return true; }

 private:
  std::string key_;
};

/// The keys of several gates: a key gets the most any of them grants.
class AnyOfGates final : public AccessGate {
 public:
  explicit AnyOfGates(std::vector<std::shared_ptr<const AccessGate>> gates)
      : gates_(std::move(gates)) {}
  std::optional<Access> Grants(std::string_view key) const override;
  bool HasKeys() const override;

 private:
  std::vector<std::shared_ptr<const AccessGate>> gates_;
};

/// The key from a file (its first line, trimmed), the option or the environment, in that order;
/// null when none is configured. Keys shorter than 16 characters are refused.
Result<std::unique_ptr<AccessGate>> LoadSharedKey(const std::string& key_file,
                                                  const std::string& key,
                                                  const char* environment_key);

}  // namespace growthlens::server
