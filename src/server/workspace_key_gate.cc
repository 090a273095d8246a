#include "server/workspace_key_gate.h"

#include <fmt/format.h>

#include <chrono>
#include <mutex>
#include <unordered_map>
#include <utility>

#include "store/access_keys.h"

namespace growthlens::server {

namespace {

constexpr auto kUseRecordInterval = std::chrono::minutes(1);
// Recording a use waits this long at most for a writer (an upload's commit) to finish; the next
// use tries again.
constexpr int kUseRecordBusyMilliseconds = 50;

}  // namespace

struct WorkspaceKeyGate::Keys {
  explicit Keys(store::KeyStore opened) : store(std::move(opened)) {}
  std::mutex mutex;
  store::KeyStore store;
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> use_recorded;
  bool error_reported = false;

  /// A failed lookup refuses the key (fail closed); its reason is printed once.
  void Report(const Status& status) {
    if (error_reported) return;
    error_reported = true;
    fmt::print(stderr, "growthlens serve: cannot check access keys: {}\n", status.message());
  }
};

WorkspaceKeyGate::WorkspaceKeyGate(std::unique_ptr<Keys> keys) : keys_(std::move(keys)) {}
WorkspaceKeyGate::~WorkspaceKeyGate() = default;

Result<std::unique_ptr<WorkspaceKeyGate>> WorkspaceKeyGate::Open(const std::string& path) {
  Result<store::KeyStore> store = store::KeyStore::Open(path, store::OpenMode::kCreate);
  if (!store.ok()) return store.status();
  return std::unique_ptr<WorkspaceKeyGate>(
      new WorkspaceKeyGate(std::make_unique<Keys>(std::move(*store))));
}

std::optional<Access> WorkspaceKeyGate::Grants(std::string_view key) const {
  std::lock_guard lock(keys_->mutex);
  Result<std::optional<store::KeyMatch>> match = keys_->store.Find(key);
  if (!match.ok()) {
    keys_->Report(match.status());
    return std::nullopt;
  }
  if (!match->has_value()) return std::nullopt;
  const store::KeyMatch& found = **match;
  const auto now = std::chrono::steady_clock::now();
  const auto recorded = keys_->use_recorded.find(found.id);
  if (recorded == keys_->use_recorded.end() || now - recorded->second >= kUseRecordInterval) {
    // A busy workspace leaves the time as it was; the next use records it.
    if (keys_->store.RecordUse({found.id}, kUseRecordBusyMilliseconds).ok())
      keys_->use_recorded[found.id] = now;
  }
  switch (found.role) {
    case store::KeyRole::kWrite:
      return Access::kWrite;
    case store::KeyRole::kIngest:
      return Access::kIngest;
    case store::KeyRole::kRead:
      break;
  }
  return Access::kRead;
}

bool WorkspaceKeyGate::HasKeys() const {
  std::lock_guard lock(keys_->mutex);
  Result<bool> any = keys_->store.AnyReader();
  if (!any.ok()) keys_->Report(any.status());
  return any.ok() && *any;
}

}  // namespace growthlens::server
