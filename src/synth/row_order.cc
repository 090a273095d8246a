#include "synth/row_order.h"

#include <algorithm>
#include <array>
#include <span>
#include <utility>

#include "core/counting_sort.h"
#include "core/parallel.h"
#include "synth/random.h"

namespace growthlens::synth {
namespace {

/// Rows per bucket of the shuffle: a bucket fits in the L2 cache while it is shuffled.
constexpr uint64_t kRowsPerShuffleBucket = 4096;

constexpr std::array<std::pair<std::string_view, RowOrder>, 3> kNames = {{
    {"user", RowOrder::kUser},
    {"time", RowOrder::kTime},
    {"shuffled", RowOrder::kShuffled},
}};

/// Which bucket each row goes to: its day, or a random bucket drawn from the row's position.
class BucketOf {
 public:
  BucketOf(RowOrder order, Day first_day, Day last_day, uint64_t rows, uint64_t seed)
      : time_(order == RowOrder::kTime),
        first_day_(first_day),
        buckets_(time_ ? static_cast<uint64_t>(last_day - first_day + 1)
                       : std::max<uint64_t>(1, rows / kRowsPerShuffleBucket)),
        salt_(Random::ForStream(seed, StreamPurpose::kRowShuffle, ~uint64_t{0}).Next()) {}

  uint64_t buckets() const { return buckets_; }

  uint64_t operator()(const FeatureDayRow& row, uint64_t position) const {
    if (time_) return static_cast<uint64_t>(row.day - first_day_);
    uint64_t state = salt_ ^ position;
    // Multiply-shift maps the top 32 bits of the hash onto [0, buckets) without a division
    // (buckets < 2^32: a bucket per 4096 rows).
    return ((SplitMix64(state) >> 32) * buckets_) >> 32;
  }

 private:
  bool time_;
  Day first_day_;
  uint64_t buckets_;
  uint64_t salt_;
};

}  // namespace

std::string_view RowOrderName(RowOrder order) {
  for (const auto& [name, value] : kNames) {
    if (value == order) return name;
  }
  return "user";
}

std::optional<RowOrder> ParseRowOrder(std::string_view name) {
  for (const auto& [known, value] : kNames) {
    if (known == name) return value;
  }
  return std::nullopt;
}

std::vector<FeatureDayRow> ArrangeRows(std::vector<std::vector<FeatureDayRow>>& runs,
                                       RowOrder order, Day first_day, Day last_day, uint64_t seed,
                                       int threads) {
  std::vector<uint64_t> run_start(runs.size() + 1, 0);  // each run's first row position
  for (size_t run_idx = 0; run_idx < runs.size(); ++run_idx) {
    run_start[run_idx + 1] = run_start[run_idx] + runs[run_idx].size();
  }
  const uint64_t rows = run_start.back();
  std::vector<FeatureDayRow> arranged;
  if (order == RowOrder::kUser) {
    arranged.reserve(rows);
    for (std::vector<FeatureDayRow>& run : runs) {
      arranged.insert(arranged.end(), run.begin(), run.end());
      std::vector<FeatureDayRow>().swap(run);
    }
    return arranged;
  }

  // A stable counting sort by bucket (core/counting_sort.h), split into contiguous parts of
  // runs, one per thread: the result is the same for any number of parts.
  const BucketOf bucket_of(order, first_day, last_day, rows, seed);
  const uint64_t buckets = bucket_of.buckets();
  const size_t parts = std::clamp<size_t>(static_cast<size_t>(std::max(threads, 1)), 1,
                                          std::max<size_t>(runs.size(), 1));
  auto part_runs = [&](size_t part) {
    return std::pair{runs.size() * part / parts, runs.size() * (part + 1) / parts};
  };
  CountingSortSlots<uint64_t> slots = PlanCountingSort<uint64_t>(
      parts, buckets, static_cast<unsigned>(parts), [&](size_t part, std::span<uint64_t> counts) {
        const auto [first_run, end_run] = part_runs(part);
        for (size_t run_idx = first_run; run_idx < end_run; ++run_idx) {
          uint64_t position = run_start[run_idx];
          for (const FeatureDayRow& row : runs[run_idx]) ++counts[bucket_of(row, position++)];
        }
      });
  const std::vector<uint64_t>& bucket_start = slots.key_begin;

  arranged.resize(rows);
  ParallelFor(parts, static_cast<unsigned>(parts), [&](size_t part) {
    std::span<uint64_t> cursor = slots.cursor(part);
    const auto [first_run, end_run] = part_runs(part);
    for (size_t run_idx = first_run; run_idx < end_run; ++run_idx) {
      uint64_t position = run_start[run_idx];
      for (const FeatureDayRow& row : runs[run_idx]) {
        arranged[cursor[bucket_of(row, position++)]++] = row;
      }
      std::vector<FeatureDayRow>().swap(runs[run_idx]);
    }
  });

  if (order == RowOrder::kShuffled) {
    ParallelFor(buckets, static_cast<unsigned>(std::max(threads, 1)), [&](size_t bucket) {
      Random rng = Random::ForStream(seed, StreamPurpose::kRowShuffle, bucket);
      FeatureDayRow* first = arranged.data() + bucket_start[bucket];
      const uint64_t size = bucket_start[bucket + 1] - bucket_start[bucket];
      for (uint64_t idx = size; idx > 1; --idx) std::swap(first[idx - 1], first[rng.Below(idx)]);
    });
  }
  return arranged;
}

}  // namespace growthlens::synth
