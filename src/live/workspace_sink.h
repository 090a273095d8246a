#pragma once
// The event sink of a workspace: events are committed to its inbox (store/event_inbox.h), durable
// when Commit returns, each uuid stored once. One sink per writing thread: it holds a workspace
// connection of its own.

#include <span>
#include <string>
#include <vector>

#include "live/event_sink.h"
#include "store/workspace.h"

namespace growthlens::live {

class WorkspaceSink final : public EventSink {
 public:
  static Result<WorkspaceSink> Open(const std::string& path);
  Result<SinkOutcome> Commit(std::span<const app::IncomingEvent> events) override;
  /// Several batches in one transaction (a group commit), an outcome per batch.
  Result<std::vector<SinkOutcome>> CommitGroup(
      std::span<const std::span<const app::IncomingEvent>> batches);
  store::Workspace& workspace() { return workspace_; }

 private:
  explicit WorkspaceSink(store::Workspace workspace) : workspace_(std::move(workspace)) {}
  store::Workspace workspace_;
};

/// {"name": "value", ...} of an event's properties ("" when it has none).
std::string PropertiesJson(const app::IncomingEvent& event);
/// The same appended to `out` (nothing when it has none): a group's texts share one buffer.
void AppendPropertiesJson(const app::IncomingEvent& event, std::string& out);

}  // namespace growthlens::live
