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
  const std::span<const app::IncomingEvent> batches[] = {events};
  Result<std::vector<SinkOutcome>> outcomes = CommitGroup(batches);
  if (!outcomes.ok()) return outcomes.status();
  return outcomes->front();
}

Result<std::vector<SinkOutcome>> WorkspaceSink::CommitGroup(
    std::span<const std::span<const app::IncomingEvent>> batches) {
  size_t events = 0;
  for (const auto batch : batches) events += batch.size();
  std::vector<std::string> properties;
  std::vector<store::InboxEvent> rows;
  properties.reserve(events);
  rows.reserve(events);
  std::vector<std::span<const store::InboxEvent>> row_batches;
  for (const auto batch : batches) {
    const size_t first = rows.size();
    for (const app::IncomingEvent& event : batch) {
      properties.push_back(PropertiesJson(event));
      rows.push_back(
          {event.user, event.event, event.time_ms, event.count, event.uuid, properties.back()});
    }
    row_batches.emplace_back(rows.data() + first, batch.size());
  }
  const int64_t now_ms = app::NowMillis();
  Result<std::vector<store::InboxOutcome>> added = workspace_.Inbox().AddGroup(row_batches, now_ms);
  if (!added.ok()) return added.status();
  std::vector<SinkOutcome> outcomes;
  outcomes.reserve(added->size());
  for (const store::InboxOutcome& outcome : *added)
    outcomes.push_back({outcome.stored, outcome.duplicates});
  return outcomes;
}

}  // namespace growthlens::live
