// How fast the collector reads request bodies (app/event_batch.h), before anything is stored:
// 1,000-event batches as the SDKs send them (a JSON array, NDJSON, a Segment batch), each event
// with a uuid, an ISO timestamp and three properties, about 190 bytes. The HTTP collector's goal
// is 200,000 events/s end to end, so parsing must take a small share of a core for that.
//
//   build/bench/event_batch_benchmark

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <string>

#include "app/event_batch.h"

namespace growthlens {
namespace {

constexpr int kEvents = 1'000;
constexpr int64_t kReceiveMs = 1'767'225'600'000;

std::string EventJson(int i, bool segment) {
  return fmt::format(
      R"({{"{}": "user-{}", "event": "{}", "timestamp": "2025-12-31T{:02}:{:02}:{:02}.{:03}Z", )"
      R"("{}": "0190e4c2-7a6b-7c3d-9e{:010}", "properties": {{"platform": "{}", )"
      R"("plan": "pro", "duration_ms": {}}}{}}})",
      segment ? "userId" : "user_id", i % 97, i % 3 ? "view_report" : "create_project", i % 24,
      i % 60, (i * 7) % 60, i % 1000, segment ? "messageId" : "uuid", i, i % 2 ? "web" : "ios",
      100 + i, segment ? R"(, "type": "track")" : "");
}

std::string Body(const char* shape) {
  const std::string kind = shape;
  std::string body = kind == "array" ? "[" : kind == "segment" ? "{\"batch\": [" : "";
  for (int i = 0; i < kEvents; ++i) {
    if (kind != "ndjson" && i > 0) body += ", ";
    body += EventJson(i, kind == "segment");
    if (kind == "ndjson") body += '\n';
  }
  body += kind == "array"     ? "]"
          : kind == "segment" ? "], \"sentAt\": \"2025-12-31T23:59:59Z\"}"
                              : "";
  return body;
}

void BM_ParseEventBatch(benchmark::State& state, const char* shape) {
  const std::string body = Body(shape);
  for (auto _ : state) {
    Result<app::EventBatch> batch = app::ParseEventBatch(body, kReceiveMs);
    if (!batch.ok() || batch->accepted.size() != kEvents) {
      state.SkipWithError("the batch did not parse");
      return;
    }
    benchmark::DoNotOptimize(batch);
  }
  state.SetItemsProcessed(state.iterations() * kEvents);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
  state.counters["bytes_per_event"] = static_cast<double>(body.size()) / kEvents;
}
BENCHMARK_CAPTURE(BM_ParseEventBatch, json_array, "array");
BENCHMARK_CAPTURE(BM_ParseEventBatch, ndjson, "ndjson");
BENCHMARK_CAPTURE(BM_ParseEventBatch, segment_batch, "segment");

}  // namespace
}  // namespace growthlens

BENCHMARK_MAIN();
