#include "server/clickhouse_event_writer.h"

#include <utility>

namespace growthlens::server {

ClickHouseEventWriter::ClickHouseEventWriter(std::string workspace, std::string name)
    : workspace_(std::move(workspace)), name_(std::move(name)) {}

std::optional<Result<live::SinkOutcome>> ClickHouseEventWriter::Write(
    std::span<const app::IncomingEvent> events) {
  const std::unique_lock lock(mutex_, kWait);
  if (!lock.owns_lock()) return std::nullopt;
  if (!sink_) {
    Result<warehouse::ClickHouseEndpoint> endpoint = warehouse::ParseClickHouseUrl(workspace_);
    if (!endpoint.ok()) return Result<live::SinkOutcome>(endpoint.status());
    Result<live::ClickHouseSink> opened = live::ClickHouseSink::Open(*endpoint, name_);
    if (!opened.ok()) return Result<live::SinkOutcome>(opened.status());
    sink_.emplace(std::move(*opened));
  }
  Result<live::SinkOutcome> written = sink_->Commit(events);
  // A sink whose insert failed starts again from a new connection at the next request.
  if (!written.ok()) sink_.reset();
  return written;
}

}  // namespace growthlens::server
