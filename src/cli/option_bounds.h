#pragma once
// Bounds of the options that scale work (issue 14.7), checked by CLI11 before a command runs, so
// that the CLI and the API (whose query parameters are these options) refuse the same values with
// the same message: "--n-init: '100000000' is not a whole number in 1..100". Unsigned options
// need the check for negatives too: CLI11 2.1 reads "-1" into a size_t as 18446744073709551615.

#include <CLI/CLI.hpp>

#include <cstdint>

#include "app/segment_params.h"

namespace growthlens::cli {

// The persona model's bounds are its parameters' (app/segment_params.h).
inline constexpr uint64_t kMaxClusters = app::kMaxPersonas;                // --k
inline constexpr uint64_t kMaxSweptClusters = app::kMaxSweptPersonas;      // --k-min, --k-max
inline constexpr uint64_t kMaxInitialisations = app::kMaxInitialisations;  // --n-init
inline constexpr uint64_t kMaxStabilitySeeds = app::kMaxStabilitySeeds;    // also evaluate --seeds
inline constexpr uint64_t kMaxSilhouetteRows = app::kMaxSilhouetteRows;    // silhouette rows
inline constexpr uint64_t kMaxPeriods = 10'000;                            // --max-periods
inline constexpr uint64_t kMaxThreads = 1024;                              // --threads
inline constexpr uint64_t kMaxExamples = 1'000;                            // ingest --examples
inline constexpr uint64_t kMaxGeneratedRows = 100'000'000;  // generate and demo sizes
inline constexpr uint64_t kMaxSeed = UINT64_MAX;

/// A whole number (decimal digits only) in [min, max].
CLI::Validator WholeNumberIn(uint64_t min, uint64_t max);

/// A whole number, 0 or more (digits only): for options whose command checks the range itself.
CLI::Validator WholeNumber();

/// --k of the persona model: "auto" (the best silhouette) or a whole number of personas in
/// 2..kMaxClusters.
CLI::Validator PersonaCount();

}  // namespace growthlens::cli
