#pragma once
// Vocabulary shared by the generators: what a run reports while it works and when it ends.

#include <cstdint>
#include <functional>

#include "core/date.h"
#include "core/status.h"

namespace growthlens::synth {

/// Where a run stands; reported after each block is written, in output order.
struct GenerationProgress {
  int64_t entities_done = 0;  // users (usage) or customers (transactions) written so far
  int64_t entities_total = 0;
  int64_t rows = 0;       // data rows written so far, header excluded
  int64_t csv_bytes = 0;  // uncompressed CSV bytes so far, header included
};

/// Called on the thread that writes, so it must not block for long.
using ProgressCallback = std::function<void(const GenerationProgress&)>;

/// The result of a finished run.
struct GenerationSummary {
  int64_t entities = 0;      // users or customers generated
  int64_t rows = 0;          // data rows, header excluded
  int64_t csv_bytes = 0;     // uncompressed CSV size, header included
  int64_t output_bytes = 0;  // bytes that reached the sink (smaller than csv_bytes for .gz)
  double seconds = 0.0;      // wall time of the whole run
  int threads = 1;           // generator threads actually used
};

/// Most users or customers a run accepts: ids stay short and a run stays under a day.
inline constexpr int64_t kMaxEntities = 1'000'000'000;

/// Checks a requested number of users or customers; `what` names them in the message.
Status ValidateEntityCount(int64_t count, const char* what);

/// Checks a generation period: start <= end, both within years 1900..9998 so that every
/// date (including signups up to a year before the start) prints as YYYY-MM-DD.
Status ValidateDateRange(Day start, Day end);

}  // namespace growthlens::synth
