#pragma once
// The event sink of a ClickHouse workspace (issue 22): events into its `events` table through
// warehouse/clickhouse_live_insert.h, confirmed by ClickHouse when Commit returns, each uuid
// stored once (an event without a uuid gets a key of its own, so it is never taken for another).
// Properties are not kept: the ClickHouse workspace's events table has no column for them.
// `name` names this writer's inserts: a writer opened under the name of one that was killed
// first ends that one's inserts still running (a consumer's name; the collector's
// "serve-<host>-<port>").

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "live/event_sink.h"
#include "warehouse/clickhouse_live_insert.h"

namespace growthlens::live {

class ClickHouseSink final : public EventSink {
 public:
  static Result<ClickHouseSink> Open(const warehouse::ClickHouseEndpoint& endpoint,
                                     std::string_view name);
  Result<SinkOutcome> Commit(std::span<const app::IncomingEvent> events) override;
  /// Inserts sent again after a broken connection, since opening.
  int retries() const { return retries_; }

 private:
  ClickHouseSink(warehouse::LiveEventWriter writer, uint64_t nonce)
      : writer_(std::move(writer)), nonce_(nonce) {}

  warehouse::LiveEventWriter writer_;
  uint64_t nonce_ = 0;  // this sink's own, for the keys of events without a uuid
  uint64_t commits_ = 0;
  int retries_ = 0;
  std::vector<warehouse::LiveEventRow> rows_;
};

}  // namespace growthlens::live
