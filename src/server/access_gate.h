#pragma once
// Who may use the server from elsewhere: the key a client presents (Authorization: Bearer KEY,
// ?key=KEY once, then a session cookie) is checked by an AccessGate. Today one shared key grants
// everything (SharedKeyGate, from --access-key-file, --access-key or GROWTHLENS_ACCESS_KEY);
// workspace-managed read and write keys will be another AccessGate.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace growthlens::server {

enum class Access { kRead, kWrite };

class AccessGate {
 public:
  virtual ~AccessGate() = default;
  /// What `key` grants: nullopt for nothing, else read (GET) or write (everything).
  virtual std::optional<Access> Grants(std::string_view key) const = 0;
};

/// One key for everything, compared in constant time.
class SharedKeyGate final : public AccessGate {
 public:
  explicit SharedKeyGate(std::string key) : key_(std::move(key)) {}
  std::optional<Access> Grants(std::string_view key) const override;

 private:
  std::string key_;
};

/// The key from a file (its first line, trimmed), the option or the environment, in that order;
/// null when none is configured. Keys shorter than 16 characters are refused.
Result<std::unique_ptr<AccessGate>> LoadSharedKey(const std::string& key_file,
                                                  const std::string& key,
                                                  const char* environment_key);

}  // namespace growthlens::server
