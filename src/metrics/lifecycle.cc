#include "metrics/lifecycle.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <span>

#include "core/parallel.h"
#include "metrics/activity_grid.h"

namespace growthlens {

namespace {

// Rows per task of the span pass and users per task of the per-user pass: enough tasks to
// balance the cores, few enough that merging the per-task results costs nothing.
constexpr size_t kRowsPerTask = size_t{1} << 20;
constexpr size_t kUsersPerTask = 8192;
// Weeks read at once by the per-user pass: one byte each.
constexpr size_t kWeeksPerWord = 8;
constexpr size_t kBitsPerByte = 8;
constexpr unsigned kWeekdayBits = 0x7f;
constexpr uint64_t kLowSevenBits = 0x7f7f'7f7f'7f7f'7f7f;
constexpr uint64_t kHighBits = 0x8080'8080'8080'8080;

/// Active days of a week from its weekday bits (a table: without -mpopcnt, std::popcount is a
/// library call).
constexpr std::array<uint8_t, kWeekdayBits + 1> kDaysOfWeekBits = [] {
  std::array<uint8_t, kWeekdayBits + 1> days{};
  for (unsigned bits = 0; bits < days.size(); ++bits)
    days[bits] = static_cast<uint8_t>(std::popcount(bits));
  return days;
}();

/// Calls visit(user, day) for every row in [begin, end) that has a user.
template <typename Visit>
void ForEachUserDay(const UsageLog& log, size_t begin, size_t end, Visit&& visit) {
  const uint32_t* user = log.usage.user.data();
  const Day* day = log.usage.day.data();
  for (size_t row = begin; row < end; ++row)
    if (user[row] != kNullCode) visit(user[row], day[row]);
}
template <typename Visit>
void ForEachUserDay(const TransactionLog& log, size_t begin, size_t end, Visit&& visit) {
  for (size_t row = begin; row < end; ++row) {
    const uint32_t order = log.transactions.order[row];
    const uint32_t customer = log.orders.customer[order];
    if (customer != kNullCode) visit(customer, DayOf(log.orders.time[order]));
  }
}
template <typename Visit>
void ForEachUserDay(const Dataset& dataset, size_t begin, size_t end, Visit&& visit) {
  dataset.Visit([&](const auto& log) { ForEachUserDay(log, begin, end, visit); });
}

struct DaySpan {
  Day first = INT32_MAX;
  Day last = INT32_MIN;
};

/// Widens `span` to the days of the rows in [begin, end) that have a user.
void WidenSpan(const UsageLog& log, size_t begin, size_t end, DaySpan& span) {
  // Branch-free, so that the compiler vectorises the scan of millions of rows.
  const uint32_t* user = log.usage.user.data();
  const Day* day = log.usage.day.data();
  Day first = span.first, last = span.last;
  for (size_t row = begin; row < end; ++row) {
    // All ones when the row has a user, else zero: rows without one are moved out of reach.
    const auto keep = static_cast<Day>(-static_cast<int32_t>(user[row] != kNullCode));
    const Day row_day = day[row];
    first = std::min(first, (row_day & keep) | (INT32_MAX & ~keep));
    last = std::max(last, (row_day & keep) | (INT32_MIN & ~keep));
  }
  span = {first, last};
}
void WidenSpan(const TransactionLog& log, size_t begin, size_t end, DaySpan& span) {
  ForEachUserDay(log, begin, end, [&span](uint32_t, Day day) {
    span.first = std::min(span.first, day);
    span.last = std::max(span.last, day);
  });
}

/// First and last day of the rows with a user; nullopt when there are none.
std::optional<DaySpan> SpanOfUserRows(const Dataset& dataset, unsigned threads) {
  const size_t tasks = (dataset.rows() + kRowsPerTask - 1) / kRowsPerTask;
  std::vector<DaySpan> task_spans(tasks);
  ParallelFor(tasks, threads, [&](size_t task) {
    dataset.Visit([&](const auto& log) {
      WidenSpan(log, task * kRowsPerTask, std::min(log.rows(), (task + 1) * kRowsPerTask),
                task_spans[task]);
    });
  });
  DaySpan span;
  for (const DaySpan& task_span : task_spans) {
    span.first = std::min(span.first, task_span.first);
    span.last = std::max(span.last, task_span.last);
  }
  if (span.first > span.last) return std::nullopt;
  return span;
}

/// Which weekdays each user of a block was active on: one byte per (user, Monday-week of the
/// data's span), bit 0 = Monday. A week is then one byte: weekly activity is a test, active days
/// a lookup, and eight weeks are one load. Memory: users x weeks bytes (200k users over two
/// years: 22 MB), as a bitmap of days would be.
class WeekdayGrid {
 public:
  /// Users [first_user, first_user + users); every row is read, the block's ones kept.
  WeekdayGrid(const Dataset& dataset, DaySpan span, size_t first_user, size_t users)
      : first_monday_(MondayOf(span.first)),
        weeks_(WeeksOf(span)),
        stride_(StrideOf(weeks_)),
        first_user_(first_user),
        bits_(users * stride_, 0) {
    ForEachUserDay(dataset, 0, dataset.rows(), [this, users](uint32_t user, Day day) {
      const size_t user_idx = user - first_user_;  // wraps around below the block
      if (user_idx >= users) return;
      const auto offset = static_cast<size_t>(day - first_monday_);
      bits_[user_idx * stride_ + offset / kDaysPerWeek] |=
          static_cast<uint8_t>(1u << (offset % kDaysPerWeek));
    });
  }

  static Day MondayOf(Day day) { return day - WeekdayOf(day); }
  static size_t WeeksOf(DaySpan span) {
    return static_cast<size_t>(span.last - MondayOf(span.first)) / kDaysPerWeek + 1;
  }
  /// Bytes per user: the weeks, zero-padded to whole words.
  static size_t StrideOf(size_t weeks) {
    return (weeks + kWeeksPerWord - 1) / kWeeksPerWord * kWeeksPerWord;
  }

  Day first_monday() const { return first_monday_; }
  size_t weeks() const { return weeks_; }
  /// The weeks of a user of the block, zero-padded to a multiple of kWeeksPerWord.
  std::span<const uint8_t> WeeksOfUser(size_t user) const {
    return {bits_.data() + (user - first_user_) * stride_, stride_};
  }

 private:
  Day first_monday_;
  size_t weeks_;
  size_t stride_;
  size_t first_user_;
  std::vector<uint8_t> bits_;
};

/// Lifecycle counters per period of the data, plus the stickiness histogram: the state of one
/// task of users, merged in task order.
struct LifecycleCounts {
  explicit LifecycleCounts(size_t periods)
      : new_users(periods, 0),
        returning(periods, 0),
        resurrecting(periods, 0),
        dormant(periods, 0) {}

  /// Classifies one user's active periods, given in increasing order (repeats are ignored).
  class UserTrack {
   public:
    UserTrack(LifecycleCounts& counts, size_t periods) : counts_(counts), periods_(periods) {}
    void Active(size_t period) {
      if (!seen_any_) {
        ++counts_.new_users[period];
      } else if (period == last_) {
        return;
      } else if (period == last_ + 1) {
        ++counts_.returning[period];
      } else {
        ++counts_.resurrecting[period];
        ++counts_.dormant[last_ + 1];
      }
      seen_any_ = true;
      last_ = period;
    }
    /// The period after the last active one loses the user, if the data reaches it.
    void Finish() {
      if (seen_any_ && last_ + 1 < periods_) ++counts_.dormant[last_ + 1];
    }

   private:
    LifecycleCounts& counts_;
    size_t periods_;
    bool seen_any_ = false;
    size_t last_ = 0;
  };

  void Merge(const LifecycleCounts& other) {
    for (size_t period = 0; period < new_users.size(); ++period) {
      new_users[period] += other.new_users[period];
      returning[period] += other.returning[period];
      resurrecting[period] += other.resurrecting[period];
      dormant[period] += other.dormant[period];
    }
    for (size_t days = 0; days < stickiness.size(); ++days)
      stickiness[days] += other.stickiness[days];
  }

  std::vector<uint64_t> new_users, returning, resurrecting, dormant;
  std::array<uint64_t, kDaysPerWeek> stickiness{};
};

/// How the days of each grid week fall into periods: runs of weekdays in the same period (one
/// for weeks, one or two for months), as (weekday mask, period index) pairs.
class WeekPeriods {
 public:
  WeekPeriods(Day first_monday, size_t weeks, const BucketTable& bucket_of, int32_t first_bucket) {
    run_begin_.push_back(0);
    for (size_t week = 0; week < weeks; ++week) {
      int32_t run_bucket = INT32_MIN;
      for (int weekday = 0; weekday < kDaysPerWeek; ++weekday) {
        const int32_t bucket =
            bucket_of(first_monday + static_cast<Day>(week) * kDaysPerWeek + weekday);
        if (bucket != run_bucket) {
          // Days before the data's first day get a negative period; no bit is ever set there.
          mask_.push_back(0);
          period_.push_back(static_cast<size_t>(std::max(0, bucket - first_bucket)));
          run_bucket = bucket;
        }
        mask_.back() = static_cast<uint8_t>(mask_.back() | (1u << weekday));
      }
      run_begin_.push_back(mask_.size());
    }
  }
  /// Calls active(period) for each period the week's active weekdays fall in, in order.
  template <typename Active>
  void ForEachActive(size_t week, unsigned weekdays, Active&& active) const {
    for (size_t run = run_begin_[week]; run < run_begin_[week + 1]; ++run)
      if ((weekdays & mask_[run]) != 0) active(period_[run]);
  }

 private:
  std::vector<size_t> run_begin_;  // [week]..[week + 1]: the week's runs
  std::vector<uint8_t> mask_;
  std::vector<size_t> period_;
};

struct StickyWeeks {
  size_t first = 1;  // grid weeks counted in the histogram, inclusive
  size_t last = 0;
  bool Contains(size_t week) const { return week >= first && week <= last; }
};

void CountUser(std::span<const uint8_t> weeks, const WeekPeriods& week_periods, StickyWeeks sticky,
               size_t periods, LifecycleCounts& counts) {
  LifecycleCounts::UserTrack track(counts, periods);
  for (size_t base = 0; base < weeks.size(); base += kWeeksPerWord) {
    uint64_t word;
    std::memcpy(&word, weeks.data() + base, sizeof(word));
    // Bit 7 of a byte ends up set iff the week had a day: weekdays use bits 0-6, so adding 0x7f
    // to a byte never carries into the next one.
    for (uint64_t active = (word + kLowSevenBits) & kHighBits; active != 0; active &= active - 1) {
      const auto byte = static_cast<size_t>(std::countr_zero(active)) / kBitsPerByte;
      const auto weekdays = static_cast<unsigned>(word >> (kBitsPerByte * byte)) & kWeekdayBits;
      const size_t week = base + byte;
      if (sticky.Contains(week)) ++counts.stickiness[kDaysOfWeekBits[weekdays] - 1];
      week_periods.ForEachActive(week, weekdays, [&track](size_t period) { track.Active(period); });
    }
  }
  track.Finish();
}

/// Every user's lifecycle events and user-weeks, the users in blocks whose grid fits
/// options.max_grid_bytes: one block (one pass over the rows) unless the data spans decades or
/// holds tens of millions of users. Tasks of users run in parallel and merge in order.
LifecycleCounts CountUsers(const Dataset& dataset, const ActivityGrid* days, DaySpan span,
                           const WeekPeriods& week_periods, StickyWeeks sticky, size_t periods,
                           const LifecycleOptions& options) {
  const size_t users = dataset.users().size();
  std::vector<LifecycleCounts> task_counts;
  if (days != nullptr) {
    // From the active days: each user's weeks built in a small buffer and counted at once, with
    // no grid of every user's weeks in memory.
    const size_t stride = WeekdayGrid::StrideOf(WeekdayGrid::WeeksOf(span));
    const auto shift = static_cast<size_t>(days->first_day() - WeekdayGrid::MondayOf(span.first));
    const size_t tasks = (users + kUsersPerTask - 1) / kUsersPerTask;
    task_counts.resize(tasks, LifecycleCounts(periods));
    ParallelFor(tasks, options.threads, [&](size_t task) {
      std::vector<uint8_t> weeks(stride);
      const size_t end = std::min(users, (task + 1) * kUsersPerTask);
      for (size_t user = task * kUsersPerTask; user < end; ++user) {
        std::fill(weeks.begin(), weeks.end(), uint8_t{0});
        const std::span<const uint64_t> words = days->UserWords(static_cast<uint32_t>(user));
        for (size_t word = 0; word < words.size(); ++word)
          for (uint64_t bits = words[word]; bits != 0; bits &= bits - 1) {
            const size_t offset = shift + word * 64 + static_cast<size_t>(std::countr_zero(bits));
            weeks[offset / kDaysPerWeek] |= static_cast<uint8_t>(1u << (offset % kDaysPerWeek));
          }
        CountUser(weeks, week_periods, sticky, periods, task_counts[task]);
      }
    });
  }
  const size_t block_users = std::max<size_t>(
      kUsersPerTask, options.max_grid_bytes / WeekdayGrid::StrideOf(WeekdayGrid::WeeksOf(span)) /
                         kUsersPerTask * kUsersPerTask);
  for (size_t block_begin = 0; days == nullptr && block_begin < users; block_begin += block_users) {
    const size_t block_end = std::min(users, block_begin + block_users);
    const WeekdayGrid grid(dataset, span, block_begin, block_end - block_begin);
    const size_t first_task = task_counts.size();
    const size_t tasks = (block_end - block_begin + kUsersPerTask - 1) / kUsersPerTask;
    task_counts.resize(first_task + tasks, LifecycleCounts(periods));
    ParallelFor(tasks, options.threads, [&](size_t task) {
      const size_t begin = block_begin + task * kUsersPerTask;
      const size_t end = std::min(block_end, begin + kUsersPerTask);
      for (size_t user = begin; user < end; ++user)
        CountUser(grid.WeeksOfUser(user), week_periods, sticky, periods,
                  task_counts[first_task + task]);
    });
  }
  LifecycleCounts counts(periods);
  for (const LifecycleCounts& partial : task_counts) counts.Merge(partial);
  return counts;
}

}  // namespace

std::optional<double> LifecyclePeriods::QuickRatio(size_t idx) const {
  if (dormant[idx] == 0) return std::nullopt;
  return static_cast<double>(new_users[idx] + resurrecting[idx]) /
         static_cast<double>(dormant[idx]);
}

uint64_t StickinessHistogram::Total() const {
  uint64_t total = 0;
  for (uint64_t count : user_weeks) total += count;
  return total;
}

double StickinessHistogram::Share(int active_days) const {
  const uint64_t total = Total();
  if (total == 0 || active_days < 1 || active_days > kDaysPerWeek) return 0;
  return static_cast<double>(user_weeks[static_cast<size_t>(active_days - 1)]) /
         static_cast<double>(total);
}

double StickinessHistogram::MeanActiveDays() const {
  const uint64_t total = Total();
  if (total == 0) return 0;
  uint64_t days = 0;
  for (size_t idx = 0; idx < user_weeks.size(); ++idx) days += (idx + 1) * user_weeks[idx];
  return static_cast<double>(days) / static_cast<double>(total);
}

Lifecycle ComputeLifecycle(const Dataset& dataset, const LifecycleOptions& options,
                           const ActivityGrid* days) {
  Lifecycle lifecycle;
  lifecycle.period = options.period;
  const std::optional<DaySpan> span =
      days != nullptr ? (days->last_day() < days->first_day()
                             ? std::nullopt
                             : std::optional<DaySpan>(DaySpan{days->first_day(), days->last_day()}))
                      : SpanOfUserRows(dataset, options.threads);
  if (!span) return lifecycle;
  lifecycle.data_first_day = span->first;
  lifecycle.data_last_day = span->last;
  // Shown: the periods and weeks overlapping [from, to] within the data.
  const Day from = std::max(options.from.value_or(span->first), span->first);
  const Day to = std::min(options.to.value_or(span->last), span->last);
  if (from > to) return lifecycle;

  const Day first_monday = WeekdayGrid::MondayOf(span->first);
  const size_t weeks = WeekdayGrid::WeeksOf(*span);
  const Day grid_last_day = first_monday + static_cast<Day>(weeks) * kDaysPerWeek - 1;
  const BucketTable bucket_of(first_monday, grid_last_day, options.period);
  const int32_t first_bucket = bucket_of(span->first);
  const auto periods_in_data = static_cast<size_t>(bucket_of(span->last) - first_bucket + 1);
  const WeekPeriods week_periods(first_monday, weeks, bucket_of, first_bucket);
  const int32_t first_week = CohortBucketOf(first_monday, CohortPeriod::kWeek);
  const StickyWeeks sticky{
      static_cast<size_t>(CohortBucketOf(from, CohortPeriod::kWeek) - first_week),
      static_cast<size_t>(CohortBucketOf(to, CohortPeriod::kWeek) - first_week)};

  const LifecycleCounts counts =
      CountUsers(dataset, days, *span, week_periods, sticky, periods_in_data, options);

  LifecyclePeriods& periods = lifecycle.periods;
  for (int32_t bucket = bucket_of(from); bucket <= bucket_of(to); ++bucket) {
    const auto period = static_cast<size_t>(bucket - first_bucket);
    const PeriodCoverage coverage = CoverageOf(bucket, options.period, span->first, span->last);
    periods.bucket.push_back(bucket);
    periods.days.push_back(coverage.days);
    periods.days_in_data.push_back(coverage.days_in_data);
    periods.new_users.push_back(counts.new_users[period]);
    periods.returning.push_back(counts.returning[period]);
    periods.resurrecting.push_back(counts.resurrecting[period]);
    periods.dormant.push_back(counts.dormant[period]);
  }
  lifecycle.stickiness.user_weeks = counts.stickiness;
  lifecycle.stickiness.first_week = CohortBucketOf(from, CohortPeriod::kWeek);
  lifecycle.stickiness.last_week = CohortBucketOf(to, CohortPeriod::kWeek);
  return lifecycle;
}

}  // namespace growthlens
