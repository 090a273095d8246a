// The live state's routes (issue 19, docs/API.md "Live"): GET /api/v1/live, the Live page's data
// with the live generation as its ETag (304 when it has not moved), and GET /api/v1/live/stream,
// Server-Sent Events that tell the dashboard the generation moved, so every page re-fetches
// within the watcher's poll of an acknowledgement.

#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>

#include "app/event_batch.h"
#include "cli/json_text.h"
#include "core/date.h"
#include "server/api_responses.h"
#include "server/api_server.h"

namespace growthlens::server {

namespace {

using Json = nlohmann::ordered_json;

/// A stream ends before the server's slow-client deadline (http_server.h: 10 s of grace); the
/// browser's EventSource reconnects at once (retry: 250 ms) and is told the generation again.
constexpr auto kStreamSeconds = std::chrono::seconds(8);
constexpr auto kStreamPing = std::chrono::seconds(4);

std::string ETagOf(uint64_t live_generation, uint64_t data_generation) {
  return fmt::format("\"live-{}-{}\"", live_generation, data_generation);
}

Json TotalsJson(const app::LiveTotalsSummary& totals) {
  Json json;
  json["events"] = totals.events;
  json["rows"] = totals.rows;
  json["users"] = totals.users;
  json["active_user_days"] = totals.active_user_days;
  json["features"] = Json::array();
  for (const app::LiveFeatureTotal& feature : totals.features)
    json["features"].push_back({{"event", feature.feature},
                                {"events", feature.events},
                                {"users", feature.users},
                                {"user_days", feature.user_days}});
  json["daily"] = Json::array();
  for (const app::LiveDayPoint& point : totals.daily)
    json["daily"].push_back(
        {{"day", FormatDate(point.day)}, {"events", point.events}, {"users", point.users}});
  json["cohorts"] = Json::array();
  for (const auto& [month, users] : totals.cohorts)
    json["cohorts"].push_back({{"month", FormatMonth(month)}, {"users", users}});
  const app::LiveMonthLifecycle& lifecycle = totals.lifecycle;
  json["lifecycle"] = {{"month", FormatMonth(lifecycle.month)},
                       {"new", lifecycle.fresh},
                       {"returning", lifecycle.returning},
                       {"resurrecting", lifecycle.resurrecting},
                       {"dormant", lifecycle.dormant}};
  return json;
}

Json IngestJson(const IngestCounts& counts) {
  Json json;
  json["accepted"] = counts.accepted;
  json["stored"] = counts.stored;
  json["duplicates"] = counts.duplicates;
  json["rejected"] = counts.rejected;
  json["rejected_by_reason"] = Json::array();
  for (const auto& [reason, events] : counts.rejected_by_reason)
    json["rejected_by_reason"].push_back({{"reason", reason}, {"events", events}});
  json["last_accepted_ms"] = counts.last_accepted_ms;
  return json;
}

Json ConsumersJson(const std::vector<store::ConsumerStatus>& consumers) {
  Json json = Json::array();
  const auto optional = [](const std::optional<int64_t>& value) {
    return value ? Json(*value) : Json();
  };
  for (const store::ConsumerStatus& consumer : consumers)
    json.push_back({{"name", consumer.name},
                    {"source", consumer.source},
                    {"updated_ms", consumer.updated_ms},
                    {"messages", consumer.messages},
                    {"stored", consumer.stored},
                    {"duplicates", consumer.duplicates},
                    {"dead_letters", consumer.dead_letters},
                    {"rejected", consumer.rejected},
                    {"failures", consumer.failures},
                    {"lag", optional(consumer.lag)},
                    {"pending", optional(consumer.pending)},
                    {"last_message_ms", consumer.last_message_ms},
                    {"error", consumer.error.empty() ? Json() : Json(consumer.error)}});
  return json;
}

std::string LiveJson(const LiveView& view, uint64_t data_generation,
                     std::chrono::seconds refresh_every) {
  const app::LiveWindowSnapshot& window = view.window;
  Json body;
  body["generation"] = view.generation;
  body["data_generation"] = data_generation;
  body["now_ms"] = window.now_ms;
  body["per_minute"] = Json::array();
  for (const app::LiveMinuteCount& minute : window.per_minute)
    body["per_minute"].push_back({{"minute_ms", minute.minute_ms}, {"events", minute.events}});
  body["events_last_hour"] = window.events_last_hour;
  body["active_users"] = {{"last_5_minutes", window.active_5m},
                          {"last_30_minutes", window.active_30m}};
  body["latest"] = Json::array();
  for (const app::LiveEventView& event : window.latest)
    body["latest"].push_back({{"received_ms", event.received_ms},
                              {"time_ms", event.time_ms},
                              {"user_id", event.user},
                              {"event", event.event},
                              {"count", event.count}});
  body["events_by_name_last_hour"] = Json::array();
  for (const app::LiveNameCount& name : window.features_last_hour)
    body["events_by_name_last_hour"].push_back({{"event", name.name}, {"events", name.events}});
  body["totals"] = TotalsJson(view.totals);
  body["ingest"] = IngestJson(view.ingest);
  body["consumers"] = ConsumersJson(view.consumers);
  body["watcher"] = {{"rows_read", view.rows_seen},
                     {"last_inbox_id", view.last_seen_id},
                     {"error", view.watch_error.empty() ? Json() : Json(view.watch_error)}};
  // What applies now: a page asking for this keeps a stream open, so it is the watched pace.
  body["data_refresh"] = {{"every_seconds", view.refresh_pace.count()},
                          {"unwatched_every_seconds", refresh_every.count()},
                          {"count", view.refreshes},
                          {"last_ms", view.refreshed_ms}};
  return cli::JsonText(body) + "\n";
}

std::string ChangedEvent(uint64_t live_generation, uint64_t data_generation) {
  return fmt::format(
      "id: {0}\nevent: changed\ndata: {{\"generation\":{0},\"data_generation\":{1}}}\n\n",
      live_generation, data_generation);
}

}  // namespace

void ApiServer::AddLiveRoutes() {
  HttpServer& http = *http_;
  http.Get("/api/v1/live", [this](const httplib::Request& request, httplib::Response& response) {
    const uint64_t data_generation = shelf_.Snapshot()->generation;
    const std::string etag = ETagOf(live_->generation(), data_generation);
    response.set_header("Cache-Control", "no-cache");
    if (request.get_header_value("If-None-Match") == etag) {
      response.set_header("ETag", etag);
      response.status = 304;
      return;
    }
    const LiveView view = live_->View();
    // The view may be newer than the generation read above: its own goes into the tag.
    response.set_header("ETag", ETagOf(view.generation, data_generation));
    SendJson(response, 200, LiveJson(view, data_generation, settings_.live_refresh));
  });

  http.Get("/api/v1/live/stream", [this](const httplib::Request&, httplib::Response& response) {
    if (!live_->OpenStream()) {
      response.set_header("Retry-After", "5");
      return SendError(response,
                       MakeError(503, fmt::format("{} live streams are open, as many as this "
                                                  "server keeps; poll GET /api/v1/live instead",
                                                  live_->settings().max_streams)));
    }
    response.set_header("Cache-Control", "no-cache");
    response.set_header("X-Accel-Buffering", "no");
    struct Stream {
      uint64_t sent = 0;  // the live generation last told; 0: nothing yet
      uint64_t data_sent = 0;
      std::chrono::steady_clock::time_point end = std::chrono::steady_clock::now() + kStreamSeconds;
    };
    auto stream = std::make_shared<Stream>();
    response.set_chunked_content_provider(
        "text/event-stream",
        [this, stream](size_t, httplib::DataSink& sink) {
          if (stream->sent == 0) {
            const std::string hello = "retry: 250\n\n";
            if (!sink.write(hello.data(), hello.size())) return false;
          }
          const auto now = std::chrono::steady_clock::now();
          if (now >= stream->end || live_->stopping()) {
            sink.done();
            return true;
          }
          const auto wait = std::min<std::chrono::steady_clock::duration>(
              stream->end - now, stream->sent == 0
                                     ? std::chrono::steady_clock::duration::zero()
                                     : std::chrono::steady_clock::duration(kStreamPing));
          const uint64_t generation = live_->WaitForChange(
              stream->sent, std::chrono::duration_cast<std::chrono::milliseconds>(wait));
          const uint64_t data_generation = shelf_.Snapshot()->generation;
          std::string text = ": still here\n\n";
          if (generation != stream->sent || data_generation != stream->data_sent) {
            text = ChangedEvent(generation, data_generation);
            stream->sent = generation;
            stream->data_sent = data_generation;
          }
          return sink.write(text.data(), text.size());
        },
        [this](bool) { live_->CloseStream(); });
  });
}

}  // namespace growthlens::server
