#include "server/clickhouse_event_writer.h"

#include <fmt/format.h>
#include <unistd.h>

#include <utility>

namespace growthlens::server {

ClickHouseEventWriter::ClickHouseEventWriter(std::string workspace)
    : workspace_(std::move(workspace)) {}

Result<live::SinkOutcome> ClickHouseEventWriter::Write(std::span<const app::IncomingEvent> events) {
  const std::lock_guard lock(mutex_);
  if (!sink_) {
    Result<warehouse::ClickHouseEndpoint> endpoint = warehouse::ParseClickHouseUrl(workspace_);
    if (!endpoint.ok()) return endpoint.status();
    // Named by the process: another server on the same workspace must not end its inserts.
    Result<live::ClickHouseSink> opened =
        live::ClickHouseSink::Open(*endpoint, fmt::format("serve-{}", getpid()));
    if (!opened.ok()) return opened.status();
    sink_.emplace(std::move(*opened));
  }
  Result<live::SinkOutcome> written = sink_->Commit(events);
  // A sink whose insert failed starts again from a new connection at the next request.
  if (!written.ok()) sink_.reset();
  return written;
}

}  // namespace growthlens::server
