#include "live/clickhouse_sink.h"

#include <fmt/format.h>

#include <chrono>
#include <random>

namespace growthlens::live {

Result<ClickHouseSink> ClickHouseSink::Open(const warehouse::ClickHouseEndpoint& endpoint,
                                            std::string_view name) {
  Result<warehouse::LiveEventWriter> writer = warehouse::LiveEventWriter::Open(endpoint, name);
  if (!writer.ok()) return writer.status();
  std::random_device entropy;
  const uint64_t nonce =
      (uint64_t{entropy()} << 32) ^ entropy() ^
      static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  return ClickHouseSink(std::move(*writer), nonce);
}

Result<SinkOutcome> ClickHouseSink::Commit(std::span<const app::IncomingEvent> events) {
  ++commits_;
  rows_.clear();
  rows_.reserve(events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    const app::IncomingEvent& event = events[i];
    const uint64_t key =
        event.uuid.empty()
            ? warehouse::LiveEventKey(fmt::format("\x01{}/{}/{}", nonce_, commits_, i))
            : warehouse::LiveEventKey(event.uuid);
    rows_.push_back({event.user, event.event, event.time_ms, event.count, key});
  }
  Result<warehouse::LiveInsertOutcome> inserted = writer_.Insert(rows_);
  if (!inserted.ok()) return inserted.status();
  retries_ += inserted->retries;
  return SinkOutcome{inserted->stored, inserted->duplicates};
}

}  // namespace growthlens::live
