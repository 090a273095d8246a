// The event collector (issue 19, docs/LIVE.md): POST /api/v1/events, and the paths Segment's and
// PostHog's SDKs post to, so they can be pointed at this server. A body's events are judged one
// by one (app/event_batch.h); the good ones are committed to the workspace's inbox by the group
// writer, and the answer (200) comes only once they are on disk. On a ClickHouse workspace
// (--workspace clickhouse://...) they go into its events table instead
// (clickhouse_event_writer.h), answered once ClickHouse confirmed them.

#include <fmt/format.h>
#include <httplib.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "app/event_batch.h"
#include "server/api_responses.h"
#include "server/api_server.h"
#include "server/clickhouse_event_writer.h"
#include "server/gzip_body.h"
#include "server/upload_receiver.h"

namespace growthlens::server {

namespace {

constexpr uint64_t kMaxEventBodyBytes = uint64_t{16} << 20;

/// {"received", "accepted", "rejected", "stored", "duplicates", "errors"}.
std::string AnswerJson(const app::EventBatch& batch, const live::SinkOutcome& outcome) {
  std::string answer = app::EventBatchAnswerJson(batch);
  answer.pop_back();  // the closing brace: the store's counts go before it
  return fmt::format("{},\"stored\":{},\"duplicates\":{}}}\n", answer, outcome.stored,
                     outcome.duplicates);
}

// Segment's HTTP API (track, page, screen, batch; analytics.js posts to their first letters) and
// PostHog's capture and batch endpoints.
constexpr std::string_view kSdkEventPaths[] = {"/v1/track", "/v1/page", "/v1/screen", "/v1/batch",
                                               "/v1/t",     "/v1/p",    "/v1/s",      "/v1/b",
                                               "/capture",  "/batch",   "/e",         "/i/v0/e"};

}  // namespace

bool IsSdkEventPath(std::string_view path) {
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  for (const std::string_view known : kSdkEventPaths)
    if (path == known) return true;
  return false;
}

Reply<live::GroupWriter*> ApiServer::EventWriter() {
  if (settings_.load.workspace.empty())
    return MakeError(409,
                     "this server keeps no workspace, so it cannot store events: start it "
                     "with growthlens serve --workspace FILE");
  const std::lock_guard lock(event_writer_mutex_);
  if (!event_writer_) {
    Result<std::unique_ptr<live::GroupWriter>> opened =
        live::GroupWriter::Open(settings_.load.workspace);
    if (!opened.ok()) return MakeError(503, opened.status().message());
    event_writer_ = std::move(*opened);
  }
  return event_writer_.get();
}

void ApiServer::CountRejected(const std::string& kind, uint64_t events) {
  if (live_) live_->health().Rejected(kind, events);
}

namespace {

/// The collector's ClickHouse inserts are named by this machine and port: the same after a
/// restart, another server's elsewhere. With --port 0 the port is not known here: the process.
std::string ClickHouseWriterName(int port) {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  return port > 0 ? fmt::format("serve-{}-{}", host.data(), port)
                  : fmt::format("serve-{}-pid{}", host.data(), getpid());
}

}  // namespace

void ApiServer::AddEventRoutes() {
  // Held by the routes: a ClickHouse workspace has no inbox for the group writer.
  std::shared_ptr<ClickHouseEventWriter> clickhouse;
  if (!settings_.clickhouse.empty())
    clickhouse = std::make_shared<ClickHouseEventWriter>(settings_.clickhouse,
                                                         ClickHouseWriterName(settings_.port));
  const auto collect = [this, clickhouse](const httplib::Request& request,
                                          httplib::Response& response,
                                          const httplib::ContentReader& reader) {
    const int64_t received_ms = app::NowMillis();
    Reply<live::GroupWriter*> writer =
        clickhouse ? Reply<live::GroupWriter*>(nullptr) : EventWriter();
    if (const ApiError* error = std::get_if<ApiError>(&writer)) return SendError(response, *error);
    static const std::string too_large = fmt::format(
        "the body is larger than the {} MiB a batch of events may take: send them "
        "in several batches",
        kMaxEventBodyBytes >> 20);
    // Content-Encoding: gzip is inflated by cpp-httplib as it is read; posthog-js's gzip-js is not.
    Reply<std::string> body = ReceiveBody(request, reader, kMaxEventBodyBytes, too_large);
    if (const std::string* read = std::get_if<std::string>(&body); read && IsGzipBody(*read))
      body = GunzipBody(*read, kMaxEventBodyBytes, too_large);
    if (const ApiError* error = std::get_if<ApiError>(&body)) {
      CountRejected(error->http_status == 413 ? "body too large" : "unreadable body");
      return SendError(response, *error);
    }
    // The key may be in the body (SDKs): request_guard.h.
    if (const GuardVerdict key =
            guard_->AuthorizeEvents(request, std::get<std::string>(body), response);
        key.kind != GuardVerdict::Kind::kPass)
      return SendError(response, MakeError(key.status, key.text));
    Result<app::EventBatch> batch = app::ParseEventBatch(std::get<std::string>(body), received_ms);
    if (!batch.ok()) {
      CountRejected(batch.status().code() == ErrorCode::kDataError ? "too many events in one body"
                                                                   : "unreadable body");
      return SendError(response,
                       MakeError(batch.status().code() == ErrorCode::kDataError ? 413 : 400,
                                 batch.status().message()));
    }
    for (const app::RejectedEvent& rejected : batch->rejected)
      CountRejected(RejectionKind(rejected.reason));
    if (batch->accepted.empty())
      return SendJson(response, batch->rejected.empty() ? 200 : 400,
                      AnswerJson(*batch, live::SinkOutcome{}));
    std::optional<Result<live::SinkOutcome>> written =
        clickhouse ? clickhouse->Write(batch->accepted)
                   : std::get<live::GroupWriter*>(writer)->Write(batch->accepted);
    if (!written) {
      CountRejected("server busy", batch->accepted.size());
      response.set_header("Retry-After", "1");
      return SendError(response, MakeError(503,
                                           "the writer is behind: nothing of this batch was "
                                           "stored; send it again in a second"));
    }
    if (!written->ok()) {
      const std::string& message = written->status().message();
      const bool full = message.find("full") != std::string::npos ||
                        message.find("No space") != std::string::npos;
      CountRejected(full ? "disk full" : "storage failed", batch->accepted.size());
      if (!full) response.set_header("Retry-After", "1");
      return SendError(response,
                       MakeError(full ? 507 : 503,
                                 fmt::format("nothing of this batch was stored: {}", message)));
    }
    if (live_) {
      live_->health().Stored(batch->accepted.size(), (*written)->stored, (*written)->duplicates,
                             app::NowMillis());
      live_->Nudge();  // the watcher reads the new rows now, not at its next poll
    }
    SendJson(response, 200, AnswerJson(*batch, **written));
  };
  HttpServer& http = *http_;
  http.Post("/api/v1/events", collect);
  for (const std::string_view path : kSdkEventPaths) {
    http.Post(std::string(path), collect);
    http.Post(fmt::format("{}/", path), collect);
  }
}

}  // namespace growthlens::server
