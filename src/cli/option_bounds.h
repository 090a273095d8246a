#pragma once
// Bounds of the options that scale work (issue 14.7), checked by CLI11 before a command runs, so
// that the CLI and the API (whose query parameters are these options) refuse the same values with
// the same message: "--n-init: '100000000' is not a whole number in 1..100". Unsigned options
// need the check for negatives too: CLI11 2.1 reads "-1" into a size_t as 18446744073709551615.

#include <CLI/CLI.hpp>

#include <cstdint>

namespace growthlens::cli {

inline constexpr uint64_t kMaxClusters = 1'000;             // --k: one fit per initialisation
inline constexpr uint64_t kMaxSweptClusters = 50;           // --k-min, --k-max: a fit per k
inline constexpr uint64_t kMaxInitialisations = 100;        // --n-init
inline constexpr uint64_t kMaxStabilitySeeds = 20;          // --stability-seeds, evaluate --seeds
inline constexpr uint64_t kMaxSilhouetteRows = 50'000;      // exact silhouette, silhouette sample
inline constexpr uint64_t kMaxSampledUsers = 1'000'000;     // segment --sample
inline constexpr uint64_t kMaxPeriods = 10'000;             // --max-periods
inline constexpr uint64_t kMaxThreads = 1024;               // --threads
inline constexpr uint64_t kMaxExamples = 1'000;             // ingest --examples
inline constexpr uint64_t kMaxGeneratedRows = 100'000'000;  // generate and demo sizes
inline constexpr uint64_t kMaxSeed = UINT64_MAX;
inline constexpr uint64_t kMaxPageSize = 1'000;      // users --page-size: rows per answer
inline constexpr uint64_t kMaxPage = 1'000'000'000;  // users --page
inline constexpr size_t kMaxFilterText = 200;        // users --segment, --persona, --search...

/// A whole number (decimal digits only) in [min, max].
CLI::Validator WholeNumberIn(uint64_t min, uint64_t max);

/// A whole number, 0 or more (digits only): for options whose command checks the range itself.
CLI::Validator WholeNumber();

/// --k of the persona model: "auto" (the best silhouette) or a whole number of personas in
/// 2..kMaxClusters.
CLI::Validator PersonaCount();

}  // namespace growthlens::cli
