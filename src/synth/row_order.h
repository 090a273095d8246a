#pragma once
// The order a generated usage log's rows come in. Generators draw users one at a time (each
// from its own random stream), so rows come out grouped by user; exports from real products
// come in time order, or in no order at all. ArrangeRows turns the per-user rows into either,
// deterministically for the seed and whatever the thread count.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/date.h"

namespace growthlens::synth {

enum class RowOrder {
  kUser,      // grouped by user (ids ascending), by date within a user
  kTime,      // by date, then by user id within a day (as a daily export writes them)
  kShuffled,  // a seeded random permutation of the rows
};

/// "user", "time" or "shuffled".
std::string_view RowOrderName(RowOrder order);
std::optional<RowOrder> ParseRowOrder(std::string_view name);

/// One usage-log row before formatting: 16 bytes, so a 45M-row log fits in 720 MB.
struct FeatureDayRow {
  uint32_t user = 0;  // user index (the id printed is user + 1)
  Day day = 0;
  uint32_t feature = 0;
  uint32_t events = 0;
};

/// The rows of `runs` (each a block of users in user order, the blocks in user order) in
/// `order`: kTime is a stable counting sort by day (days in [first_day, last_day]); kShuffled
/// scatters rows into seeded random buckets of a few thousand rows, then shuffles each bucket
/// with its own stream. Empties `runs` as it goes. The result depends only on the rows, the
/// order and the seed; `threads` only changes how fast it comes.
std::vector<FeatureDayRow> ArrangeRows(std::vector<std::vector<FeatureDayRow>>& runs,
                                       RowOrder order, Day first_day, Day last_day, uint64_t seed,
                                       int threads);

}  // namespace growthlens::synth
