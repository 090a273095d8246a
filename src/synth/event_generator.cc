#include "synth/event_generator.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/date.h"
#include "synth/alias_table.h"
#include "synth/block_pipeline.h"
#include "synth/event_model.h"
#include "synth/random.h"
#include "synth/row_buffer.h"
#include "synth/usage_behaviour.h"

namespace growthlens::synth {
namespace {

/// About 55 rows and 2.6 MB of CSV per block of this many users (see usage_generator.cc).
constexpr int64_t kUsersPerBlock = 1024;
constexpr size_t kDateWidth = 10;   // YYYY-MM-DD
constexpr size_t kClockWidth = 14;  // Thh:mm:ss.mmmZ
constexpr int64_t kMsPerSecond = 1000;
constexpr int64_t kMsPerMinute = 60 * kMsPerSecond;
constexpr int64_t kMsPerHour = 60 * kMsPerMinute;
constexpr int64_t kLastMsOfDay = 24 * kMsPerHour - 1;
constexpr int64_t kSessionGapMs = kSessionGapMinutes * kMsPerMinute;

/// An event before it has a time: an index into the writer's event names, onboarding steps
/// first, then the features.
using EventId = uint32_t;

struct ScheduledStep {
  Day day = 0;
  EventId event = 0;
};

/// Per-user working memory, reused across the users of a block.
struct EventScratch {
  UserScratch usage;
  std::vector<ScheduledStep> steps;     // the user's onboarding, in order
  std::vector<EventId> day_events;      // one day's events: its onboarding steps, then features
  std::vector<int64_t> session_starts;  // milliseconds into the day
};

/// What every row of one user shares, and where the rows go.
struct UserRows {
  std::span<const char> prefix;  // "user_id,"
  std::string_view platform;     // ",web\n"
  RowBuffer& out;
  int64_t rows = 0;
};

char* WriteThreeDigits(int value, char* out) {
  out[0] = static_cast<char>('0' + value / 100);
  return WriteTwoDigits(value % 100, out + 1);
}

/// "Thh:mm:ss.mmmZ" for `ms` milliseconds into a day.
char* WriteClock(int64_t ms, char* out) {
  *out++ = 'T';
  out = WriteTwoDigits(static_cast<int>(ms / kMsPerHour), out);
  *out++ = ':';
  out = WriteTwoDigits(static_cast<int>(ms / kMsPerMinute % 60), out);
  *out++ = ':';
  out = WriteTwoDigits(static_cast<int>(ms / kMsPerSecond % 60), out);
  *out++ = '.';
  out = WriteThreeDigits(static_cast<int>(ms % kMsPerSecond), out);
  *out++ = 'Z';
  return out;
}

/// Event rows for a feature used `interactions` times on a day: 1 + floor(log4 n), capped.
int RowsForInteractions(int64_t interactions) {
  int rows = 1;
  for (int64_t rest = interactions / 4; rest > 0 && rows < kMaxEventRowsPerFeatureDay; rest /= 4)
    ++rows;
  return rows;
}

/// Turns what UsageBehaviour draws into timed events and formats them.
class EventLogWriter {
 public:
  explicit EventLogWriter(const UsageGeneratorOptions& options)
      : behaviour_(options.start, options.end, options.features, options.seed),
        seed_(options.seed),
        session_hours_(kSessionStartByHour) {
    for (const OnboardingStep& step : kOnboardingSteps) event_names_.emplace_back(step.event);
    for (const std::string& feature : options.features)
      event_names_.push_back(EventNameOf(feature));
    step_continues_[0] = 1.0;
    for (size_t step_idx = 1; step_idx < kOnboardingSteps.size(); ++step_idx) {
      step_continues_[step_idx] =
          kOnboardingSteps[step_idx].reached_share / kOnboardingSteps[step_idx - 1].reached_share;
    }
    std::array<double, kPlatforms.size()> platform_shares{};
    for (size_t platform_idx = 0; platform_idx < kPlatforms.size(); ++platform_idx) {
      platform_shares[platform_idx] = kPlatforms[platform_idx].share;
      std::string& field = platform_fields_[platform_idx];  // ",web\n"
      field.append(",").append(kPlatforms[platform_idx].name).append("\n");
    }
    platforms_ = AliasTable(platform_shares);
    const auto table_days = static_cast<size_t>(options.end - options.start + 1);
    dates_.resize(table_days * kDateWidth);
    for (size_t day_idx = 0; day_idx < table_days; ++day_idx) {
      WriteDate(options.start + static_cast<Day>(day_idx), dates_.data() + day_idx * kDateWidth);
    }
  }

  /// Formats the rows of users [first_user, end_user) into `out`; returns the row count.
  int64_t WriteUsers(int64_t first_user, int64_t end_user, RowBuffer& out) const {
    EventScratch scratch;
    int64_t rows = 0;
    for (int64_t user_idx = first_user; user_idx < end_user; ++user_idx) {
      rows += WriteUser(user_idx, scratch, out);
    }
    return rows;
  }

 private:
  int64_t WriteUser(int64_t user_idx, EventScratch& scratch, RowBuffer& out) const {
    Random rng = behaviour_.StreamOf(user_idx);
    const UsageUser user = behaviour_.DrawUser(rng, scratch.usage);
    if (!user.active_in_period()) return 0;
    // The event log's own draws come from a second stream, so that the usage stream (and with
    // it the active days and features) stays exactly the usage log's.
    Random timing =
        Random::ForStream(seed_, StreamPurpose::kEventTiming, static_cast<uint64_t>(user_idx));
    char prefix[24];
    char* prefix_end = WriteUnsigned(static_cast<uint64_t>(user_idx + 1), prefix);
    *prefix_end++ = ',';
    UserRows rows{{prefix, prefix_end}, DrawPlatform(timing), out, /*rows=*/0};
    ScheduleOnboarding(user, timing, scratch.steps);

    size_t next_step = 0;
    Day current_day = 0;
    size_t features_from = 0;  // where the current day's features start in day_events
    scratch.day_events.clear();
    auto finish_day = [&] {
      if (scratch.day_events.empty()) return;
      ShuffleTail(scratch.day_events, features_from, timing);
      WriteDay(current_day, scratch.day_events, timing, scratch.session_starts, rows);
      scratch.day_events.clear();
    };
    // Steps due before `day` go on days of their own; those due on it open the day.
    auto start_day = [&](Day day) {
      while (next_step < scratch.steps.size() && scratch.steps[next_step].day < day) {
        const Day step_day = scratch.steps[next_step].day;
        while (next_step < scratch.steps.size() && scratch.steps[next_step].day == step_day)
          scratch.day_events.push_back(scratch.steps[next_step++].event);
        WriteDay(step_day, scratch.day_events, timing, scratch.session_starts, rows);
        scratch.day_events.clear();
      }
      while (next_step < scratch.steps.size() && scratch.steps[next_step].day == day)
        scratch.day_events.push_back(scratch.steps[next_step++].event);
      features_from = scratch.day_events.size();
      current_day = day;
    };
    const auto first_feature = static_cast<EventId>(kOnboardingSteps.size());
    behaviour_.ForEachFeatureDay(
        user, rng, scratch.usage, [&](Day day, size_t feature, int64_t interactions) {
          if (day != current_day || scratch.day_events.empty()) {
            finish_day();
            start_day(day);
          }
          const int repeats = RowsForInteractions(interactions);
          for (int repeat = 0; repeat < repeats; ++repeat)
            scratch.day_events.push_back(first_feature + static_cast<EventId>(feature));
        });
    finish_day();
    start_day(behaviour_.end() + 1);  // onboarding steps after the last active day
    return rows.rows;
  }

  std::string_view DrawPlatform(Random& rng) const {
    return platform_fields_[platforms_.Sample(rng)];
  }

  /// The onboarding steps a user reaches and their days. Only users who sign up in the period
  /// have them; a step is never later than the user's last active day.
  void ScheduleOnboarding(const UsageUser& user, Random& rng,
                          std::vector<ScheduledStep>& steps) const {
    steps.clear();
    if (user.signup < behaviour_.start()) return;
    Day day = user.signup;
    steps.push_back({day, 0});
    for (size_t step_idx = 1; step_idx < kOnboardingSteps.size(); ++step_idx) {
      if (!rng.Bernoulli(step_continues_[step_idx])) break;
      if (!rng.Bernoulli(kOnboardingSameSessionShare)) {
        const auto delay = static_cast<Day>(1.0 + rng.Exponential(kOnboardingMeanDelayDays));
        day = std::min(user.last_day, day + delay);
      }
      steps.push_back({day, static_cast<EventId>(step_idx)});
    }
  }

  /// Shuffles events[from..] (Fisher-Yates) so that a day's features come in no fixed order.
  static void ShuffleTail(std::vector<EventId>& events, size_t from, Random& rng) {
    for (size_t idx = events.size(); idx > from + 1; --idx) {
      const size_t other = from + static_cast<size_t>(rng.Below(idx - from));
      std::swap(events[idx - 1], events[other]);
    }
  }

  int64_t EventGapMs(Random& rng) const {
    return static_cast<int64_t>((kMinEventGapSeconds + rng.Exponential(kMeanEventGapSeconds)) *
                                static_cast<double>(kMsPerSecond));
  }

  /// Writes one day's events in sessions: starts drawn from the diurnal curve, sessions at
  /// least kSessionGapMinutes apart, events seconds to minutes apart, all within the day.
  void WriteDay(Day day, std::span<const EventId> events, Random& rng, std::vector<int64_t>& starts,
                UserRows& rows) const {
    const auto count = static_cast<int64_t>(events.size());
    const int64_t extra = rng.Poisson(static_cast<double>(count - 1) / kEventsPerExtraSession);
    const int64_t sessions = std::min<int64_t>({kMaxSessionsPerDay, count, 1 + extra});
    starts.clear();
    for (int64_t session = 0; session < sessions; ++session) {
      const auto hour = static_cast<int64_t>(session_hours_.Sample(rng));
      starts.push_back(hour * kMsPerHour + static_cast<int64_t>(rng.Below(kMsPerHour)));
    }
    std::sort(starts.begin(), starts.end());
    const char* date = dates_.data() + static_cast<size_t>(day - behaviour_.start()) * kDateWidth;
    int64_t now = 0;
    int64_t session = -1;
    for (int64_t event_idx = 0; event_idx < count; ++event_idx) {
      const int64_t event_session = event_idx * sessions / count;
      if (event_session != session) {
        const int64_t start = starts[static_cast<size_t>(event_session)];
        const int64_t earliest = session < 0 ? start : now + kSessionGapMs;
        // A session that would start after midnight continues the previous one instead.
        now = std::max(start, earliest) <= kLastMsOfDay ? std::max(start, earliest)
                                                        : now + EventGapMs(rng);
        session = event_session;
      } else {
        now += EventGapMs(rng);
      }
      now = std::min(now, kLastMsOfDay);
      WriteRow(date, now, events[static_cast<size_t>(event_idx)], rows);
    }
  }

  void WriteRow(const char* date, int64_t ms, EventId event, UserRows& rows) const {
    const std::string& name = event_names_[event];
    char* row = rows.out.Reserve(rows.prefix.size() + kDateWidth + kClockWidth + name.size() +
                                 rows.platform.size() + 1);
    row = WriteText({rows.prefix.data(), rows.prefix.size()}, row);
    row = WriteText({date, kDateWidth}, row);
    row = WriteClock(ms, row);
    *row++ = ',';
    row = WriteText(name, row);
    row = WriteText(rows.platform, row);
    rows.out.Commit(row);
    ++rows.rows;
  }

  UsageBehaviour behaviour_;
  uint64_t seed_;
  AliasTable session_hours_;
  std::vector<std::string> event_names_;                          // onboarding steps, then features
  std::array<double, kOnboardingSteps.size()> step_continues_{};  // P(step | previous step)
  AliasTable platforms_;                                          // by share of users
  std::array<std::string, kPlatforms.size()> platform_fields_;    // ",web\n"
  std::vector<char> dates_;  // "YYYY-MM-DD" for every day of the period
};

}  // namespace

std::string EventNameOf(std::string_view feature) {
  std::string name;
  bool separate = false;
  char previous = ' ';
  for (const char c : feature) {
    const auto byte = static_cast<unsigned char>(c);
    if (!std::isalnum(byte) || byte >= 0x80) {
      separate = true;
      previous = c;
      continue;
    }
    const auto previous_byte = static_cast<unsigned char>(previous);
    if (std::isupper(byte) && (std::islower(previous_byte) || std::isdigit(previous_byte)))
      separate = true;  // camelCase and PascalCase words
    if (separate && !name.empty()) name += '_';
    separate = false;
    name += static_cast<char>(std::tolower(byte));
    previous = c;
  }
  return name;
}

Status ValidateEventOptions(const UsageGeneratorOptions& options) {
  GROWTHLENS_RETURN_IF_ERROR(ValidateUsageOptions(options));
  std::unordered_map<std::string, std::string> feature_of_event;
  for (const OnboardingStep& step : kOnboardingSteps) {
    feature_of_event.emplace(step.event, "");
  }
  for (const std::string& feature : options.features) {
    const std::string event = EventNameOf(feature);
    if (event.empty()) {
      return Status(ErrorCode::kInvalidArgument,
                    "feature '" + feature + "' has no ASCII letter or digit to name its event by");
    }
    const auto [existing, inserted] = feature_of_event.emplace(event, feature);
    if (inserted) continue;
    if (existing->second.empty()) {
      return Status(ErrorCode::kInvalidArgument, "feature '" + feature + "' would be event '" +
                                                     event + "', an onboarding step's name");
    }
    return Status(ErrorCode::kInvalidArgument, "features '" + existing->second + "' and '" +
                                                   feature + "' would both be event '" + event +
                                                   "'");
  }
  return Status::Ok();
}

Result<GenerationSummary> GenerateEventLog(const UsageGeneratorOptions& options, OutputSink& sink,
                                           const ProgressCallback& progress) {
  GROWTHLENS_RETURN_IF_ERROR(ValidateEventOptions(options));
  const EventLogWriter writer(options);
  return RunEntityBlocks({options.users, kUsersPerBlock, ResolveThreadCount(options.threads)},
                         kEventLogHeader, std::bind_front(&EventLogWriter::WriteUsers, &writer),
                         sink, progress);
}

}  // namespace growthlens::synth
