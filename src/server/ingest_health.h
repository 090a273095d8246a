#pragma once
// What the event collector did since the server started, for the Live page's ingest health
// (issue 19): events accepted, stored and already stored (duplicates), and events or bodies
// refused, by reason in plain words. Counted by the collector's route (event_routes.cc).

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace growthlens::server {

struct IngestCounts {
  uint64_t accepted = 0;    // events that passed the checks
  uint64_t stored = 0;      // of them, new to the workspace
  uint64_t duplicates = 0;  // of them, stored before (same uuid)
  uint64_t rejected = 0;    // events or whole bodies refused
  std::map<std::string, uint64_t> rejected_by_reason;
  int64_t last_accepted_ms = 0;  // when the latest accepted batch was stored; 0: none yet
};

/// The kind of a collector's rejection reason (app/event_batch.h), without the client's values:
/// "bad timestamp 'x': expected ..." -> "bad timestamp".
std::string RejectionKind(std::string_view reason);

class IngestHealth {
 public:
  void Stored(uint64_t accepted, uint64_t stored, uint64_t duplicates, int64_t now_ms);
  /// `events` refused for `kind` (a RejectionKind, or a whole body's reason).
  void Rejected(const std::string& kind, uint64_t events = 1);
  IngestCounts Counts() const;

 private:
  mutable std::mutex mutex_;
  IngestCounts counts_;
};

}  // namespace growthlens::server
