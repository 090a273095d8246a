#pragma once
// The demo's data sets, as `growthlens demo`, `serve --demo` and the Home page's demo button make
// them: a usage log of `count` users, the event log of the same users (their usage-log days and
// features, event by event) or transactions of `count` customers, written to a file.

#include <cstdint>
#include <string>

#include "core/data_kind.h"
#include "core/status.h"
#include "synth/generation.h"

namespace growthlens::synth {

/// Writes the demo data of `kind` (what `growthlens generate --kind KIND --users COUNT --seed
/// SEED --output PATH` writes) to `path`.
Result<GenerationSummary> GenerateDemoFile(DataKind kind, int64_t count, uint64_t seed,
                                           const std::string& path);

}  // namespace growthlens::synth
