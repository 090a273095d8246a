#include "metrics/usage_rollup.h"

#include <algorithm>
#include <bit>
#include <climits>
#include <span>
#include <utility>
#include <vector>

#include "core/parallel.h"
#include "metrics/parallel_zero.h"

namespace growthlens {

namespace {

constexpr size_t kBitsPerWord = 64;
constexpr size_t kRowsPerSpanTask = size_t{1} << 20;
// Rows ahead whose columns are prefetched when the rows were sorted by user: each row of a
// time-ordered log lies far from the previous one of its user, a cache miss per column.
constexpr size_t kPrefetchRowsAhead = 16;

struct DaySpan {
  Day first = INT32_MAX;
  Day last = INT32_MIN;
};

/// First and last day of the rows, min/max over slices on every core (vectorised).
DaySpan SpanOfDays(const Column<Day>& days, unsigned threads) {
  const size_t tasks = (days.size() + kRowsPerSpanTask - 1) / kRowsPerSpanTask;
  std::vector<DaySpan> spans(tasks);
  ParallelFor(tasks, threads, [&](size_t task) {
    const Day* begin = days.data() + task * kRowsPerSpanTask;
    const Day* end = days.data() + std::min(days.size(), (task + 1) * kRowsPerSpanTask);
    Day first = INT32_MAX, last = INT32_MIN;
    for (const Day* day = begin; day < end; ++day) {
      first = std::min(first, *day);
      last = std::max(last, *day);
    }
    spans[task] = {first, last};
  });
  DaySpan span;
  for (const DaySpan& part : spans) {
    span.first = std::min(span.first, part.first);
    span.last = std::max(span.last, part.last);
  }
  return span;
}

/// What each thread counts; merged by addition, so the order of chunks does not matter.
struct PassCounts {
  FeatureTotals features;
  std::vector<int64_t> series_events;  // [feature * buckets + bucket]
  std::vector<uint64_t> series_users;
  int64_t events = 0;
};

/// One thread's scratch for one user at a time: the (feature x day) bitmap and events per
/// feature, cleared feature by feature after each user (only the features the user touched).
class UserScratch {
 public:
  UserScratch(size_t features, size_t words)
      : words_(words),
        bits_(features * words, 0),
        events_(features, 0),
        stamp_(features, SIZE_MAX),
        touched_(features + 1, 0) {}  // + 1: Add writes a slot before knowing it counts

  void Add(uint16_t feature, size_t offset, int32_t events, size_t group) {
    // Branch-free: a user's first row of a feature is frequent and unpredictable.
    touched_[touched_count_] = feature;
    touched_count_ += stamp_[feature] != group ? 1 : 0;
    stamp_[feature] = group;
    events_[feature] += events;
    bits_[feature * words_ + offset / kBitsPerWord] |= uint64_t{1} << (offset % kBitsPerWord);
  }

  std::span<const uint16_t> touched() const { return {touched_.data(), touched_count_}; }
  int64_t events(uint16_t feature) const { return events_[feature]; }
  uint64_t* words(uint16_t feature) { return bits_.data() + feature * words_; }

  /// Forgets the user (its bitmap words must have been zeroed by the caller).
  void Next() {
    for (uint16_t feature : touched()) events_[feature] = 0;
    touched_count_ = 0;
  }

 private:
  size_t words_;
  std::vector<uint64_t> bits_;
  std::vector<int64_t> events_;
  std::vector<size_t> stamp_;      // the last group that touched a feature
  std::vector<uint16_t> touched_;  // the user's features in first-use order
  size_t touched_count_ = 0;
};

}  // namespace

bool UsageRollup::Covers(const UsageLog& dataset, const UserRows& by_user) {
  if (dataset.rows() == 0) return false;
  size_t grouped = 0;
  for (size_t group = 0; group < by_user.groups(); ++group) grouped += by_user.RowCount(group);
  return grouped == dataset.rows();
}

UsageRollup::UsageRollup(const UsageLog& dataset, const UserRows& by_user,
                         CohortPeriod series_period, unsigned threads, size_t rows_per_band)
    : days_(0, -1, 0) {
  const UsageColumns& rows = dataset.usage;
  const DaySpan span = SpanOfDays(rows.day, threads);
  if (span.first > span.last) return;
  days_ = ActivityGrid(span.first, span.last, dataset.users.size(), threads);
  const size_t features = dataset.features.size();
  const auto span_days = static_cast<size_t>(span.last - span.first + 1);
  const size_t words = days_.words_per_user();

  // Series bucket of each day offset, from the first day's bucket.
  const BucketTable bucket_of(span.first, span.last, series_period);
  series_totals_.first_bucket = bucket_of(span.first);
  series_totals_.buckets =
      static_cast<size_t>(bucket_of(span.last) - series_totals_.first_bucket + 1);
  const size_t buckets = series_totals_.buckets;
  std::vector<uint32_t> bucket_of_offset(span_days);
  for (size_t offset = 0; offset < span_days; ++offset)
    bucket_of_offset[offset] = static_cast<uint32_t>(
        bucket_of(span.first + static_cast<Day>(offset)) - series_totals_.first_bucket);

  user_events_.assign(dataset.users.size(), 0);
  feature_events_.rows = by_user.groups();
  feature_events_.cols = features;
  feature_events_.values.resize(feature_events_.rows * feature_events_.cols);
  ZeroInSlices(feature_events_.values.data(), feature_events_.values.size(), threads);
  PassCounts initial;
  initial.features = {std::vector<int64_t>(features, 0), std::vector<uint64_t>(features, 0),
                      std::vector<uint64_t>(features, 0), 0};
  initial.series_events.assign(features * buckets, 0);
  initial.series_users.assign(features * buckets, 0);

  const RowCounts row_counts(rows);
  // Rows sorted ByBand are walked one band of users at a time, each band's order made just
  // before its walk, so that the order of every row is never held at once.
  const std::vector<size_t> bands = by_user.ordered_by_band()
                                        ? by_user.BandBounds(rows_per_band)
                                        : std::vector<size_t>{0, by_user.groups()};
  // Each band's per-thread counts are added up as soon as its walk ends (integer sums: the
  // totals do not depend on the order), so one set per thread is held, not one per band.
  feature_totals_ = initial.features;
  series_totals_.events = initial.series_events;
  series_totals_.users = initial.series_users;
  const auto add_part = [&](const PassCounts& part) {
    feature_totals_.active_users += part.features.active_users;
    for (size_t feature = 0; feature < features; ++feature) {
      feature_totals_.events[feature] += part.features.events[feature];
      feature_totals_.users[feature] += part.features.users[feature];
      feature_totals_.user_days[feature] += part.features.user_days[feature];
    }
    for (size_t cell = 0; cell < series_totals_.events.size(); ++cell) {
      series_totals_.events[cell] += part.series_events[cell];
      series_totals_.users[cell] += part.series_users[cell];
    }
    total_events_ += part.events;
  };
  for (size_t band = 0; band + 1 < bands.size(); ++band) {
    Column<uint32_t> band_order;
    std::span<const uint32_t> order = by_user.row_order();
    size_t base = 0;  // RowsBegin() of the band's first group: where `order` starts
    if (by_user.ordered_by_band()) {
      band_order = by_user.OrderOfBand(dataset, bands[band], bands[band + 1], threads);
      order = band_order;
      base = by_user.RowsBegin(bands[band]);
    }
    std::vector<PassCounts> band_partials = ForEachUserChunk(
        by_user, bands[band], bands[band + 1], threads, initial,
        [&](PassCounts& counts, size_t first, size_t end) {
          UserScratch scratch(features, words);
          for (size_t group = first; group < end; ++group) {
            auto add_row = [&](uint32_t row) {
              const uint16_t feature = rows.feature[row];
              const auto offset = static_cast<size_t>(rows.day[row] - span.first);
              scratch.Add(feature, offset, row_counts[row], group);
              counts.series_events[feature * buckets + bucket_of_offset[offset]] += row_counts[row];
            };
            if (by_user.grouped_in_place()) {
              by_user.ForEachRow(group, add_row);
            } else {
              const size_t end_idx = by_user.RowsBegin(group + 1) - base;
              for (size_t idx = by_user.RowsBegin(group) - base; idx < end_idx; ++idx) {
                if (idx + kPrefetchRowsAhead < order.size()) {
                  const uint32_t ahead = order[idx + kPrefetchRowsAhead];
                  __builtin_prefetch(rows.feature.data() + ahead);
                  __builtin_prefetch(rows.day.data() + ahead);
                  if (!rows.events.empty()) __builtin_prefetch(rows.events.data() + ahead);
                }
                add_row(order[idx]);
              }
            }
            const uint32_t user = by_user.user(group);
            const std::span<uint64_t> user_days = days_.UserWords(user);
            int64_t user_events = 0;
            for (const uint16_t feature : scratch.touched()) {
              uint64_t* feature_days = scratch.words(feature);
              uint64_t* series_users = counts.series_users.data() + feature * buckets;
              uint64_t distinct_days = 0;
              size_t last_bucket = SIZE_MAX;
              for (size_t word = 0; word < words; ++word) {
                const uint64_t bits = feature_days[word];
                if (bits == 0) continue;
                feature_days[word] = 0;
                user_days[word] |= bits;
                distinct_days += static_cast<uint64_t>(PopCount(bits));
                // Days come in order, so their buckets do: each (feature, bucket) once per user.
                for (uint64_t rest = bits; rest != 0; rest &= rest - 1) {
                  const uint32_t bucket =
                      bucket_of_offset[word * kBitsPerWord +
                                       static_cast<size_t>(std::countr_zero(rest))];
                  if (bucket != last_bucket) ++series_users[bucket];
                  last_bucket = bucket;
                }
              }
              const int64_t events = scratch.events(feature);
              counts.features.events[feature] += events;
              ++counts.features.users[feature];
              counts.features.user_days[feature] += distinct_days;
              feature_events_(group, feature) = static_cast<double>(events);
              user_events += events;
            }
            ++counts.features.active_users;
            counts.events += user_events;
            user_events_[user] = user_events;
            scratch.Next();
          }
        });
    for (const PassCounts& part : band_partials) add_part(part);
  }
}

size_t UsageRollup::MemoryBytes() const {
  return days_.users() * days_.words_per_user() * sizeof(uint64_t) +
         user_events_.capacity() * sizeof(int64_t) +
         feature_events_.values.size() * sizeof(double) +
         (series_totals_.events.capacity() + series_totals_.users.capacity()) * sizeof(int64_t);
}

}  // namespace growthlens
