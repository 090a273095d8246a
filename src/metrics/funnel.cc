#include "metrics/funnel.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/parallel.h"

namespace growthlens {

namespace {

// What a matched row is to the funnel, packed with its time so that a user's entries sort by
// time with std::stable_sort on one 64-bit key (ties keep the source order, as windowFunnel's
// stable sort keeps the order rows arrive in).
constexpr unsigned kKindBits = 6;
constexpr uint8_t kOther = 0;                        // strict_order: any other event
constexpr uint8_t kExclusion = kMaxFunnelSteps + 1;  // an excluded event
constexpr int64_t kTimeOffset = int64_t{1} << 46;    // times before 1970 stay positive
static_assert(kExclusion < (1u << kKindBits));

struct Entry {
  uint64_t key;  // (time + offset) << kKindBits | kind (1 + step, kExclusion or kOther)
  uint32_t row;
  int64_t time() const { return static_cast<int64_t>(key >> kKindBits) - kTimeOffset; }
  uint8_t kind() const { return static_cast<uint8_t>(key & ((1u << kKindBits) - 1)); }
};

/// For each event code, the conditions it can meet: steps (highest first, so that one row
/// cannot be two consecutive steps, as in windowFunnel) and then exclusions.
class RowMatcher {
 public:
  RowMatcher(const UsageLog& log, const FunnelSpec& spec) : log_(log) {
    per_event_.resize(log.features.size() + 1);
    for (size_t step = spec.steps.size(); step-- > 0;)
      Add(spec.steps[step], static_cast<uint8_t>(1 + step));
    for (const FunnelCondition& exclusion : spec.exclusions) Add(exclusion, kExclusion);
    with_other_ = spec.mode == FunnelMode::kStrictOrder;
    // The common case, one plain condition per event at most: one byte per event code.
    simple_ =
        !with_other_ && std::all_of(per_event_.begin(), per_event_.end(), [](const auto& list) {
          return list.size() <= 1 && (list.empty() || list.front().property < 0);
        });
    kind_of_.assign(per_event_.size(), kOther);
    for (size_t event = 0; event < per_event_.size(); ++event)
      if (!per_event_[event].empty()) kind_of_[event] = per_event_[event].front().kind;
  }

  /// Calls emit(kind) for every condition `row` meets (kOther once when it meets none and the
  /// mode needs other events).
  template <typename Emit>
  void Match(size_t row, Emit&& emit) const {
    if (simple_) {
      const uint8_t kind = kind_of_[log_.usage.feature[row]];
      if (kind != kOther) emit(kind);
      return;
    }
    const std::vector<Candidate>& candidates = per_event_[log_.usage.feature[row]];
    bool any = false;
    for (const Candidate& candidate : candidates) {
      if (candidate.property >= 0 &&
          log_.properties.columns[static_cast<size_t>(candidate.property)][row] != candidate.value)
        continue;
      emit(candidate.kind);
      any = true;
    }
    if (!any && with_other_) emit(kOther);
  }

 private:
  struct Candidate {
    uint8_t kind;
    int32_t property;
    uint32_t value;
  };
  void Add(const FunnelCondition& condition, uint8_t kind) {
    if (condition.event >= per_event_.size()) return;
    std::vector<Candidate>& list = per_event_[condition.event];
    // A kind met twice by one row (two conditions on the same event) counts once.
    for (const Candidate& have : list)
      if (have.kind == kind && have.property < 0) return;
    list.push_back({kind, condition.property, condition.value});
  }

  const UsageLog& log_;
  std::vector<std::vector<Candidate>> per_event_;
  std::vector<uint8_t> kind_of_;  // simple_: the kind of each event code, kOther for none
  bool with_other_ = false;
  bool simple_ = false;
};

int64_t TimeOfRow(const UsageLog& log, size_t row) {
  const int64_t ms = log.usage.ms_of_day.empty() ? 0 : log.usage.ms_of_day[row];
  return static_cast<int64_t>(log.usage.day[row]) * kMsPerDay + ms;
}

/// The matched rows grouped by user (a counting sort in two passes over the rows, each split
/// over the threads), each user's entries in source order.
struct GroupedEntries {
  std::vector<uint64_t> begin;  // per user code + 1
  std::vector<Entry> entries;
};

GroupedEntries GroupByUser(const UsageLog& log, const RowMatcher& matcher, unsigned threads) {
  const size_t users = log.users.size();
  const size_t rows = log.rows();
  if (threads == 0) threads = HardwareThreads();
  constexpr size_t kMinRowsPerChunk = 1 << 16;
  const size_t chunks = std::max<size_t>(1, std::min<size_t>(threads, rows / kMinRowsPerChunk + 1));
  const auto chunk_begin = [&](size_t chunk) { return rows * chunk / chunks; };
  std::vector<std::vector<uint32_t>> counts(chunks);
  ParallelFor(chunks, threads, [&](size_t chunk) {
    std::vector<uint32_t>& count = counts[chunk];
    count.assign(users, 0);
    for (size_t row = chunk_begin(chunk); row < chunk_begin(chunk + 1); ++row)
      matcher.Match(row, [&](uint8_t) { ++count[log.usage.user[row]]; });
  });
  GroupedEntries grouped;
  grouped.begin.assign(users + 1, 0);
  // Per chunk, where its first entry of each user goes: after the user's entries of earlier
  // chunks, so that every user's entries stay in row order.
  uint64_t total = 0;
  for (size_t user = 0; user < users; ++user) {
    grouped.begin[user] = total;
    for (size_t chunk = 0; chunk < chunks; ++chunk) {
      const uint32_t count = counts[chunk][user];
      total += count;
      // The offset from the user's begin (a user's entries fit in 32 bits).
      counts[chunk][user] = static_cast<uint32_t>(total - count - grouped.begin[user]);
    }
  }
  grouped.begin[users] = total;
  grouped.entries.resize(total);
  ParallelFor(chunks, threads, [&](size_t chunk) {
    std::vector<uint32_t>& next = counts[chunk];
    for (size_t row = chunk_begin(chunk); row < chunk_begin(chunk + 1); ++row) {
      const uint32_t user = log.usage.user[row];
      const uint64_t key = static_cast<uint64_t>(TimeOfRow(log, row) + kTimeOffset) << kKindBits;
      matcher.Match(row, [&](uint8_t kind) {
        grouped.entries[grouped.begin[user] + next[user]++] = {key | kind,
                                                               static_cast<uint32_t>(row)};
      });
    }
  });
  return grouped;
}

/// One user's funnel in the ordered modes: windowFunnel's pass over the time-sorted entries,
/// keeping for each level the chain with the latest start that reached it (its step times), and
/// reporting the first chain that reached the user's highest level.
class OrderedFunnel {
 public:
  explicit OrderedFunnel(const FunnelSpec& spec)
      : steps_(spec.steps.size()), window_(spec.window_ms), mode_(spec.mode) {}

  void Run(std::span<const Entry> entries, uint8_t& level, int64_t* times, uint32_t& entry_row) {
    std::fill(std::begin(has_), std::end(has_), false);
    level = 0;
    bool first_event = false;
    for (const Entry& entry : entries) {
      const uint8_t kind = entry.kind();
      if (kind == kOther) {
        if (first_event) break;
        continue;
      }
      if (kind == kExclusion) {
        std::fill(std::begin(has_), std::end(has_), false);
        continue;
      }
      const size_t step = kind - 1u;
      const int64_t time = entry.time();
      if (step == 0) {
        has_[0] = true;
        chain_[0][0] = time;
        row_[0] = entry.row;
        first_event = true;
      } else if (mode_ == FunnelMode::kStrictOrder && first_event && !has_[step - 1]) {
        break;
      } else if (has_[step - 1]) {
        const int64_t* previous = chain_[step - 1];
        bool matched = time <= previous[0] + window_;
        if (mode_ == FunnelMode::kStrictIncrease) matched = matched && previous[step - 1] < time;
        if (!matched) continue;
        std::copy(previous, previous + step, chain_[step]);
        chain_[step][step] = time;
        row_[step] = row_[step - 1];
        has_[step] = true;
      } else {
        continue;
      }
      if (step + 1 > level) {
        level = static_cast<uint8_t>(step + 1);
        std::copy(chain_[step], chain_[step] + step + 1, times);
        entry_row = row_[step];
        if (level == steps_) break;
      }
    }
  }

 private:
  size_t steps_;
  int64_t window_;
  FunnelMode mode_;
  bool has_[kMaxFunnelSteps] = {};
  int64_t chain_[kMaxFunnelSteps][kMaxFunnelSteps] = {};
  uint32_t row_[kMaxFunnelSteps] = {};
};

/// any_order: the most leading steps (0..k-1) found together within one window starting at one
/// of the user's step events; of the windows reaching that level, the one whose steps are all
/// done earliest (then the latest start). Step k's time is when steps 0..k had all been done
/// (the latest of their first times in the window), so the times never decrease.
void AnyOrderFunnel(std::span<const Entry> entries, size_t steps, int64_t window, uint8_t& level,
                    int64_t* times, uint32_t& entry_row) {
  constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
  int64_t next_time[kMaxFunnelSteps];
  uint32_t next_row[kMaxFunnelSteps] = {};
  std::fill(next_time, next_time + steps, kNever);
  level = 0;
  int64_t best_done = kNever;
  for (size_t idx = entries.size(); idx-- > 0;) {
    const Entry& entry = entries[idx];
    const uint8_t kind = entry.kind();
    if (kind == kOther || kind == kExclusion) continue;
    const int64_t start = entry.time();
    next_time[kind - 1] = start;
    next_row[kind - 1] = entry.row;
    size_t reached = 0;
    int64_t done = start;
    while (reached < steps && next_time[reached] != kNever &&
           next_time[reached] - start <= window) {
      done = std::max(done, next_time[reached]);
      ++reached;
    }
    // Equal level and completion: the later start (met first going backwards) stays.
    if (reached > level || (reached == level && reached > 0 && done < best_done)) {
      level = static_cast<uint8_t>(reached);
      best_done = done;
      int64_t so_far = std::numeric_limits<int64_t>::min();
      for (size_t step = 0; step < reached; ++step) {
        so_far = std::max(so_far, next_time[step]);
        times[step] = so_far;
      }
      entry_row = next_row[0];
    }
  }
}

double Quantile(const std::vector<int64_t>& sorted, double q) {
  const double position = q * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<size_t>(std::floor(position));
  const size_t above = std::min(below + 1, sorted.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return static_cast<double>(sorted[below]) +
         fraction * static_cast<double>(sorted[above] - sorted[below]);
}

}  // namespace

FunnelUsers ComputeFunnel(const UsageLog& log, const FunnelSpec& spec, unsigned threads) {
  FunnelUsers result;
  result.steps = spec.steps.size();
  const size_t users = log.users.size();
  result.level.assign(users, 0);
  result.times.assign(users * result.steps, 0);
  result.entry_row.assign(users, 0);
  if (result.steps == 0 || users == 0) return result;
  const RowMatcher matcher(log, spec);
  GroupedEntries grouped = GroupByUser(log, matcher, threads);
  constexpr size_t kUserChunks = 64;
  const size_t chunks = std::min(kUserChunks, users);
  ParallelFor(chunks, threads, [&](size_t chunk) {
    OrderedFunnel ordered(spec);
    for (size_t user = users * chunk / chunks; user < users * (chunk + 1) / chunks; ++user) {
      const std::span<Entry> entries(grouped.entries.data() + grouped.begin[user],
                                     grouped.entries.data() + grouped.begin[user + 1]);
      if (entries.empty()) continue;
      const auto by_time = [](const Entry& a, const Entry& b) {
        return (a.key >> kKindBits) < (b.key >> kKindBits);
      };
      if (!std::is_sorted(entries.begin(), entries.end(), by_time))
        std::stable_sort(entries.begin(), entries.end(), by_time);
      int64_t* times = result.times.data() + user * result.steps;
      if (spec.mode == FunnelMode::kAnyOrder)
        AnyOrderFunnel(entries, result.steps, spec.window_ms, result.level[user], times,
                       result.entry_row[user]);
      else
        ordered.Run(entries, result.level[user], times, result.entry_row[user]);
    }
  });
  return result;
}

ConversionTimes SummarizeTimes(std::vector<int64_t> times_ms) {
  ConversionTimes summary;
  summary.count = times_ms.size();
  if (times_ms.empty()) return summary;
  std::sort(times_ms.begin(), times_ms.end());
  summary.p25 = Quantile(times_ms, 0.25);
  summary.median = Quantile(times_ms, 0.5);
  summary.p75 = Quantile(times_ms, 0.75);
  summary.p90 = Quantile(times_ms, 0.9);
  double sum = 0;
  for (const int64_t time : times_ms) {
    sum += static_cast<double>(time);
    const auto bin =
        std::upper_bound(kFunnelHistogramBounds.begin(), kFunnelHistogramBounds.end(), time) -
        kFunnelHistogramBounds.begin();
    ++summary.histogram[static_cast<size_t>(bin)];
  }
  summary.mean = sum / static_cast<double>(times_ms.size());
  return summary;
}

std::vector<FunnelSummary> SummarizeFunnelByGroup(const FunnelUsers& users,
                                                  std::span<const uint32_t> group_of,
                                                  size_t groups) {
  const size_t steps = users.steps;
  std::vector<std::vector<uint64_t>> reached(groups, std::vector<uint64_t>(steps, 0));
  std::vector<std::vector<std::vector<int64_t>>> gaps(groups,
                                                      std::vector<std::vector<int64_t>>(steps));
  std::vector<std::vector<int64_t>> overall(groups);
  for (uint32_t user = 0; user < users.users(); ++user) {
    const uint8_t level = users.level[user];
    if (level == 0) continue;
    const size_t group = group_of.empty() ? 0 : group_of[user];
    if (group >= groups) continue;
    for (size_t step = 0; step < level; ++step) {
      ++reached[group][step];
      if (step > 0)
        gaps[group][step].push_back(users.Time(user, step) - users.Time(user, step - 1));
    }
    if (level == steps) overall[group].push_back(users.Time(user, steps - 1) - users.Time(user, 0));
  }
  std::vector<FunnelSummary> summaries(groups);
  for (size_t group = 0; group < groups; ++group) {
    FunnelSummary& summary = summaries[group];
    summary.steps.resize(steps);
    const double first = static_cast<double>(reached[group][0]);
    for (size_t step = 0; step < steps; ++step) {
      FunnelStepStats& stats = summary.steps[step];
      stats.users = reached[group][step];
      const uint64_t previous = step == 0 ? stats.users : reached[group][step - 1];
      stats.from_previous =
          previous == 0 ? 0 : static_cast<double>(stats.users) / static_cast<double>(previous);
      stats.from_first = first == 0 ? 0 : static_cast<double>(stats.users) / first;
      stats.dropped = previous - stats.users;
      if (step > 0) stats.time_from_previous = SummarizeTimes(std::move(gaps[group][step]));
    }
    summary.time_overall = SummarizeTimes(std::move(overall[group]));
  }
  return summaries;
}

FunnelSummary SummarizeFunnel(const FunnelUsers& users, std::span<const uint8_t> include) {
  std::vector<uint32_t> group_of;
  if (!include.empty()) {
    group_of.resize(users.users());
    for (size_t user = 0; user < group_of.size(); ++user) group_of[user] = include[user] ? 0 : 1;
  }
  return std::move(SummarizeFunnelByGroup(users, group_of, 1).front());
}

}  // namespace growthlens
