#pragma once
// What each stream consumer (`growthlens consume`, another process) last reported about itself,
// one row per consumer name in the workspace (table `consumer_status`, schema version 6), so that
// `growthlens serve` on the same workspace can show the ingest's health on the Live page: the
// consumer's counts, and how far it is behind its stream (Redis's lag and pending messages).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace growthlens::store {

class Database;

struct ConsumerStatus {
  std::string name;    // the consumer ("growthlens-host" in group "growthlens" of stream "events")
  std::string source;  // what it reads, as it names it
  int64_t updated_ms = 0;
  uint64_t messages = 0;  // acknowledged
  uint64_t stored = 0;
  uint64_t duplicates = 0;
  uint64_t dead_letters = 0;
  uint64_t rejected = 0;           // unreadable events
  uint64_t failures = 0;           // rounds retried
  std::optional<int64_t> lag;      // messages in the stream not yet delivered to the group
  std::optional<int64_t> pending;  // delivered, not yet acknowledged
  int64_t last_message_ms = 0;     // when it last stored messages; 0: not since it started
  std::string error;               // the last failure, "" when the last round went well
};

class ConsumerStatuses {
 public:
  explicit ConsumerStatuses(Database& db) : db_(db) {}
  /// Replaces the row of `status.name`.
  Status Write(const ConsumerStatus& status);
  /// Every consumer's row, by name.
  Result<std::vector<ConsumerStatus>> ReadAll();

 private:
  Database& db_;
};

}  // namespace growthlens::store
