#pragma once
// The read and write keys of a workspace (store/access_keys.h) as an AccessGate for `serve
// --workspace W`. Every key presented is looked up by its SHA-256 in the workspace file at that
// request (one indexed SQLite query on a connection of the gate's own, no cache), so that a key
// created or revoked by `growthlens workspace keys` in another process counts from the next
// request on, without a restart. A key's last use is written at most once a minute.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "server/access_gate.h"

namespace growthlens::server {

class WorkspaceKeyGate final : public AccessGate {
 public:
  /// Opens (creating it when missing) the workspace at `path` on a connection of its own.
  static Result<std::unique_ptr<WorkspaceKeyGate>> Open(const std::string& path);
  ~WorkspaceKeyGate() override;

  std::optional<Access> Grants(std::string_view key) const override;
  /// Whether the workspace has an active key that reads (read or write; not ingest).
  bool HasKeys() const override;

 private:
  struct Keys;
  explicit WorkspaceKeyGate(std::unique_ptr<Keys> keys);
  std::unique_ptr<Keys> keys_;  // the connection and what it last wrote, behind a mutex
};

}  // namespace growthlens::server
