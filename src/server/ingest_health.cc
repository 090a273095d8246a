#include "server/ingest_health.h"

#include <algorithm>
#include <utility>

namespace growthlens::server {

std::string RejectionKind(std::string_view reason) {
  // The collector's reasons (app/event_batch.cc) start with what was wrong; values a client sent
  // come later, so the words before them name the kind.
  static constexpr std::pair<std::string_view, std::string_view> kKinds[] = {
      {"bad timestamp: before", "timestamp before 2000"},
      {"bad timestamp: more than a day ahead", "timestamp in the future"},
      {"bad timestamp", "unreadable timestamp"},
      {"missing user", "missing user"},
      {"user_id", "bad user id"},
      {"missing event", "missing event name"},
      {"event ", "bad event name"},
      {"count", "count out of range"},
      {"uuid", "bad uuid"},
      {"properties", "bad properties"},
      {"a property name", "property too long"},
      {"property '", "property too long"},
      {"more than", "too many properties"},
      {"not a JSON object", "not an event object"},
      {"a '", "call without an event"},
  };
  for (const auto& [start, kind] : kKinds)
    if (reason.starts_with(start)) return std::string(kind);
  return "other";
}

void IngestHealth::Stored(uint64_t accepted, uint64_t stored, uint64_t duplicates, int64_t now_ms) {
  const std::lock_guard lock(mutex_);
  counts_.accepted += accepted;
  counts_.stored += stored;
  counts_.duplicates += duplicates;
  counts_.last_accepted_ms = std::max(counts_.last_accepted_ms, now_ms);
}

void IngestHealth::Rejected(const std::string& kind, uint64_t events) {
  const std::lock_guard lock(mutex_);
  counts_.rejected += events;
  counts_.rejected_by_reason[kind] += events;
}

IngestCounts IngestHealth::Counts() const {
  const std::lock_guard lock(mutex_);
  return counts_;
}

}  // namespace growthlens::server
