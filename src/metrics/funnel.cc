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
    simple_ = std::all_of(per_event_.begin(), per_event_.end(), [](const auto& list) {
      return list.size() <= 1 && (list.empty() || list.front().property < 0);
    });
    kind_of_.assign(per_event_.size(), kOther);
    for (size_t event = 0; event < per_event_.size(); ++event)
      if (!per_event_[event].empty()) kind_of_[event] = per_event_[event].front().kind;
  }

  /// Whether each row meets one condition at most, found by its event code alone (kinds()).
  bool simple() const { return simple_; }
  /// Whether rows meeting no condition count too (as kOther).
  bool with_other() const { return with_other_; }
  /// simple(): the kind of each event code, kOther for none.
  std::span<const uint8_t> kinds() const { return kind_of_; }

  /// Calls emit(kind) for every condition `row` meets (kOther once when it meets none and the
  /// mode needs other events).
  template <typename Emit>
  void Match(size_t row, Emit&& emit) const {
    if (simple_) {
      const uint8_t kind = kind_of_[log_.usage.feature[row]];
      if (kind != kOther || with_other_) emit(kind);
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

/// One user's matched rows as entries in row order, in `buffer` (grown as needed and reused,
/// so that no user costs an allocation). Simple matchers write every row and keep the matched
/// ones, or all in strict_order (a branch per row would be mispredicted about as often as a
/// step is met).
std::span<Entry> CollectEntries(const UsageLog& log, const RowMatcher& matcher,
                                const UserRows& by_user, size_t group, std::vector<Entry>& buffer) {
  if (!matcher.simple()) {
    buffer.clear();
    by_user.ForEachRow(group, [&](uint32_t row) {
      matcher.Match(row, [&](uint8_t kind) {
        const auto time = static_cast<uint64_t>(EventTimeMs(log, row) + kTimeOffset);
        buffer.push_back({time << kKindBits | kind, row});
      });
    });
    return buffer;
  }
  if (buffer.size() < by_user.RowCount(group)) buffer.resize(by_user.RowCount(group));
  Entry* out = buffer.data();
  size_t filled = 0;
  const uint16_t* feature = log.usage.feature.data();
  const Day* day = log.usage.day.data();
  const int32_t* ms = log.usage.ms_of_day.empty() ? nullptr : log.usage.ms_of_day.data();
  const uint8_t* kind_of = matcher.kinds().data();
  const bool keep_other = matcher.with_other();
  by_user.ForEachRow(group, [&](uint32_t row) {
    const uint8_t kind = kind_of[feature[row]];
    const int64_t time = int64_t{day[row]} * kMsPerDay + (ms != nullptr ? ms[row] : 0);
    out[filled] = {static_cast<uint64_t>(time + kTimeOffset) << kKindBits | kind, row};
    filled += kind != kOther || keep_other ? 1 : 0;
  });
  return {out, filled};
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

/// Quantiles by linear interpolation between order statistics (pandas' default), each found
/// by nth_element in the part above the previous one: linear time where a sort is n log n.
void SetQuantiles(std::vector<int64_t>& values, ConversionTimes& summary) {
  const std::array<std::pair<double, double*>, 4> wanted = {
      {{0.25, &summary.p25}, {0.5, &summary.median}, {0.75, &summary.p75}, {0.9, &summary.p90}}};
  auto from = values.begin();
  for (const auto& [q, out] : wanted) {
    const double position = q * static_cast<double>(values.size() - 1);
    const auto below = static_cast<size_t>(std::floor(position));
    const double fraction = position - static_cast<double>(below);
    const auto nth = values.begin() + static_cast<std::ptrdiff_t>(below);
    std::nth_element(from, nth, values.end());
    const int64_t low = *nth;
    const int64_t high =
        fraction > 0 && nth + 1 != values.end() ? *std::min_element(nth + 1, values.end()) : low;
    *out = static_cast<double>(low) + fraction * static_cast<double>(high - low);
    from = nth;
  }
}

}  // namespace

FunnelUsers ComputeFunnel(const UsageLog& log, const FunnelSpec& spec, unsigned threads) {
  return ComputeFunnel(log, UserRows(log, threads), spec, threads);
}

FunnelUsers ComputeFunnel(const UsageLog& log, const UserRows& by_user, const FunnelSpec& spec,
                          unsigned threads) {
  FunnelUsers result;
  result.steps = spec.steps.size();
  const size_t users = log.users.size();
  result.level.assign(users, 0);
  result.times.assign(users * result.steps, 0);
  result.entry_row.assign(users, 0);
  if (result.steps == 0 || users == 0) return result;
  const RowMatcher matcher(log, spec);
  // Per user, its matched rows in row order (one buffer per thread, reused), then in time order:
  // already so in logs written user by user in time order, else a stable sort of the few
  // matched rows (ties keep the row order, as windowFunnel's stable sort keeps arrival order).
  ForEachUserChunk(by_user, threads, std::vector<Entry>(),
                   [&](std::vector<Entry>& buffer, size_t first, size_t end) {
                     OrderedFunnel ordered(spec);
                     for (size_t group = first; group < end; ++group) {
                       const std::span<Entry> entries =
                           CollectEntries(log, matcher, by_user, group, buffer);
                       if (entries.empty()) continue;
                       const auto by_time = [](const Entry& a, const Entry& b) {
                         return (a.key >> kKindBits) < (b.key >> kKindBits);
                       };
                       if (!std::is_sorted(entries.begin(), entries.end(), by_time))
                         std::stable_sort(entries.begin(), entries.end(), by_time);
                       const uint32_t user = by_user.user(group);
                       int64_t* times = result.times.data() + size_t{user} * result.steps;
                       if (spec.mode == FunnelMode::kAnyOrder)
                         AnyOrderFunnel(entries, result.steps, spec.window_ms, result.level[user],
                                        times, result.entry_row[user]);
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
  SetQuantiles(times_ms, summary);
  int64_t sum = 0;  // exact: 2^63 ms is 292 million years of conversion times
  for (const int64_t time : times_ms) {
    sum += time;
    const auto bin =
        std::upper_bound(kFunnelHistogramBounds.begin(), kFunnelHistogramBounds.end(), time) -
        kFunnelHistogramBounds.begin();
    ++summary.histogram[static_cast<size_t>(bin)];
  }
  summary.mean = static_cast<double>(sum) / static_cast<double>(times_ms.size());
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
    }
  }
  // The times' summaries, each on its own list: one task each, over the cores.
  ParallelFor(groups * (steps + 1), 0, [&](size_t task) {
    const size_t group = task / (steps + 1);
    const size_t step = task % (steps + 1);
    if (step == steps)
      summaries[group].time_overall = SummarizeTimes(std::move(overall[group]));
    else if (step > 0)
      summaries[group].steps[step].time_from_previous =
          SummarizeTimes(std::move(gaps[group][step]));
  });
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
