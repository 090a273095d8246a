// libFuzzer target: the event collector's body parser (issue 19, POST /api/v1/events). The input
// is a request body as any client may send it: JSON, NDJSON, Segment and PostHog batches, or
// garbage. Whatever it is, ParseEventBatch answers with events and reasons or a refusal, and
// every accepted event keeps the limits it was judged by.
//
// Build (fuzz/CMakeLists.txt, clang): linked to growthlens_app; seeds in
// fuzz/corpus/event_batch_fuzz/.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "app/event_batch.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace growthlens;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  app::EventBatchLimits limits;
  limits.max_events = 64;
  limits.max_name_bytes = 16;
  limits.max_value_bytes = 32;
  limits.max_properties = 4;
  constexpr int64_t kReceiveMs = 1'767'225'600'000;  // 2026-01-01
  const Result<app::EventBatch> batch = app::ParseEventBatch(body, kReceiveMs, limits);
  if (!batch.ok()) return 0;
  for (const app::IncomingEvent& event : batch->accepted) {
    if (event.user.empty() || event.user.size() > limits.max_name_bytes) std::abort();
    if (event.event.empty() || event.event.size() > limits.max_name_bytes) std::abort();
    if (event.count < 1 || event.properties.size() > limits.max_properties) std::abort();
    if (event.time_ms > kReceiveMs + limits.max_ahead_ms) std::abort();
  }
  if (batch->received() > limits.max_events) std::abort();
  (void)app::EventBatchAnswerJson(*batch, 8);
  return 0;
}
