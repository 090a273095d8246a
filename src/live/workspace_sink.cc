#include "live/workspace_sink.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <vector>

#include "app/json_text.h"
#include "core/json_string.h"
#include "io/encoding.h"

namespace growthlens::live {

void AppendPropertiesJson(const app::IncomingEvent& event, std::string& out) {
  if (event.properties.empty()) return;
  // Written by hand (a fifth of the group writer's time went to a JSON document per event);
  // text that is not UTF-8 (a stream's fields may hold any bytes) goes through JsonText, which
  // replaces the bad bytes.
  for (const auto& [name, value] : event.properties) {
    if (FirstInvalidUtf8(name) != std::string_view::npos ||
        FirstInvalidUtf8(value) != std::string_view::npos) {
      nlohmann::ordered_json object = nlohmann::ordered_json::object();
      for (const auto& [key, text] : event.properties) object[key] = text;
      out += app::JsonText(object);
      return;
    }
  }
  out += '{';
  bool first = true;
  for (const auto& [name, value] : event.properties) {
    if (!first) out += ',';
    first = false;
    AppendJsonString(name, out);
    out += ':';
    AppendJsonString(value, out);
  }
  out += '}';
}

std::string PropertiesJson(const app::IncomingEvent& event) {
  std::string json;
  AppendPropertiesJson(event, json);
  return json;
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
  // Every event's properties text in one buffer (not a string each: an allocation per event on
  // the one thread that commits), viewed once it is complete and will not move.
  std::string properties;
  std::vector<size_t> properties_end;
  properties_end.reserve(events);
  for (const auto batch : batches)
    for (const app::IncomingEvent& event : batch) {
      AppendPropertiesJson(event, properties);
      properties_end.push_back(properties.size());
    }
  std::vector<store::InboxEvent> rows;
  rows.reserve(events);
  std::vector<std::span<const store::InboxEvent>> row_batches;
  size_t start = 0;
  for (const auto batch : batches) {
    const size_t first = rows.size();
    for (const app::IncomingEvent& event : batch) {
      const size_t end = properties_end[rows.size()];
      rows.push_back({event.user, event.event, event.time_ms, event.count, event.uuid,
                      std::string_view(properties).substr(start, end - start)});
      start = end;
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
