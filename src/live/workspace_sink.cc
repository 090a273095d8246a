#include "live/workspace_sink.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <vector>

#include "app/json_text.h"

namespace growthlens::live {

std::string PropertiesJson(const app::IncomingEvent& event) {
  if (event.properties.empty()) return {};
  nlohmann::ordered_json object = nlohmann::ordered_json::object();
  for (const auto& [name, value] : event.properties) object[name] = value;
  return app::JsonText(object);
}

Result<WorkspaceSink> WorkspaceSink::Open(const std::string& path) {
  Result<store::Workspace> workspace = store::Workspace::Open(path, store::OpenMode::kCreate);
  if (!workspace.ok()) return workspace.status();
  return WorkspaceSink(std::move(*workspace));
}

Result<SinkOutcome> WorkspaceSink::Commit(std::span<const app::IncomingEvent> events) {
  std::vector<std::string> properties(events.size());
  std::vector<store::InboxEvent> rows(events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    const app::IncomingEvent& event = events[i];
    properties[i] = PropertiesJson(event);
    rows[i] = {event.user, event.event, event.time_ms, event.count, event.uuid, properties[i]};
  }
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  Result<store::InboxOutcome> added = workspace_.Inbox().Add(rows, now_ms);
  if (!added.ok()) return added.status();
  return SinkOutcome{added->stored, added->duplicates};
}

}  // namespace growthlens::live
