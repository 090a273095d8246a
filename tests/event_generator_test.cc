// Tests of the synthetic event log (`generate --kind events`): determinism for a seed, the CSV
// and its schema, time order within a user, and the model's structure: the
// onboarding funnel of event_model.h, the diurnal curve, weekday seasonality, churn, and
// agreement with the usage log generated from the same options.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "core/date.h"
#include "synth/event_generator.h"
#include "synth/event_model.h"
#include "synth/output_sink.h"
#include "synth/usage_generator.h"
#include "synth_test_support.h"

namespace growthlens::synth {
namespace {

/// Enough for the funnel's shares to sit within a few hundredths of the model's.
constexpr int64_t kEventTestUsers = 20'000;

struct EventRow {
  int64_t user = 0;
  Day day = 0;
  int64_t ms = 0;  // milliseconds into the day
  std::string event;
  std::string platform;
};

/// Parses "2025-03-05T14:03:22.417Z" strictly; false when it is anything else.
bool ParseTimestamp(std::string_view text, Day& day, int64_t& ms) {
  constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd.dddZ";
  if (text.size() != kShape.size()) return false;
  for (size_t pos = 0; pos < kShape.size(); ++pos) {
    const bool digit = text[pos] >= '0' && text[pos] <= '9';
    if (kShape[pos] == 'd' ? !digit : text[pos] != kShape[pos]) return false;
  }
  const std::optional<Day> date = ParseIsoDate(text.substr(0, 10));
  if (!date) return false;
  auto number = [&](size_t from, size_t width) {
    return std::stoll(std::string(text.substr(from, width)));
  };
  const int64_t hours = number(11, 2);
  const int64_t minutes = number(14, 2);
  const int64_t seconds = number(17, 2);
  if (hours > 23 || minutes > 59 || seconds > 59) return false;
  day = *date;
  ms = ((hours * 60 + minutes) * 60 + seconds) * 1000 + number(20, 3);
  return true;
}

std::vector<EventRow> ParseEvents(std::string_view text) {
  const std::vector<Record> records = ParseCsv(text);
  EXPECT_FALSE(records.empty());
  EXPECT_EQ(records.front(), (Record{"user_id", "timestamp", "event", "platform"}));
  std::vector<EventRow> rows;
  rows.reserve(records.size());
  for (size_t record_idx = 1; record_idx < records.size(); ++record_idx) {
    const Record& record = records[record_idx];
    EXPECT_EQ(record.size(), 4u) << "row " << record_idx;
    if (record.size() != 4) continue;
    EventRow row;
    row.user = std::stoll(record[0]);
    EXPECT_TRUE(ParseTimestamp(record[1], row.day, row.ms))
        << "row " << record_idx << ": " << record[1];
    row.event = record[2];
    row.platform = record[3];
    rows.push_back(std::move(row));
  }
  return rows;
}

UsageGeneratorOptions DefaultEventOptions() {
  UsageGeneratorOptions options;
  options.users = kEventTestUsers;
  return options;
}

const std::vector<EventRow>& DefaultEventRows() {
  static const std::vector<EventRow> rows = ParseEvents(GenerateEventText(DefaultEventOptions()));
  return rows;
}

bool IsOnboarding(std::string_view event) {
  return std::any_of(kOnboardingSteps.begin(), kOnboardingSteps.end(),
                     [&](const OnboardingStep& step) { return step.event == event; });
}

TEST(EventGeneratorTest, RowsFollowTheSchemaAndStayInThePeriod) {
  const UsageGeneratorOptions options = DefaultEventOptions();
  const std::vector<EventRow>& rows = DefaultEventRows();
  std::set<std::string> names;
  for (const OnboardingStep& step : kOnboardingSteps) names.emplace(step.event);
  for (const std::string& feature : options.features) names.insert(EventNameOf(feature));
  const std::set<std::string> platforms = {"web", "ios", "android"};
  ASSERT_GT(rows.size(), 50u * kEventTestUsers);  // about 65 a user
  ASSERT_LT(rows.size(), 80u * kEventTestUsers);
  int64_t previous_user = 0;
  for (const EventRow& row : rows) {
    ASSERT_GE(row.user, previous_user) << "rows are grouped by user, ids ascending";
    ASSERT_LE(row.user, kEventTestUsers);
    previous_user = row.user;
    ASSERT_TRUE(names.count(row.event)) << row.event;
    ASSERT_TRUE(platforms.count(row.platform)) << row.platform;
    ASSERT_GE(row.day, options.start);
    ASSERT_LE(row.day, options.end);
  }
}

TEST(EventGeneratorTest, EachUserIsInTimeOrderOnOnePlatformAndOnboardsInOrder) {
  const std::vector<EventRow>& rows = DefaultEventRows();
  std::unordered_map<std::string, size_t> step_of;
  for (size_t step_idx = 0; step_idx < kOnboardingSteps.size(); ++step_idx)
    step_of.emplace(kOnboardingSteps[step_idx].event, step_idx);
  size_t user_begin = 0;
  int64_t users_with_steps_later = 0;
  while (user_begin < rows.size()) {
    size_t user_end = user_begin;
    while (user_end < rows.size() && rows[user_end].user == rows[user_begin].user) ++user_end;
    size_t next_step = 0;
    for (size_t row_idx = user_begin; row_idx < user_end; ++row_idx) {
      const EventRow& row = rows[row_idx];
      if (row_idx > user_begin) {
        const EventRow& previous = rows[row_idx - 1];
        ASSERT_LE(std::tie(previous.day, previous.ms), std::tie(row.day, row.ms))
            << "user " << row.user;
        ASSERT_EQ(row.platform, previous.platform) << "user " << row.user;
      }
      const auto step = step_of.find(row.event);
      if (step == step_of.end()) continue;
      ASSERT_EQ(step->second, next_step) << "user " << row.user << " skipped or repeated a step";
      // A user who signed up in the period starts with sign_up; the others never onboard.
      if (step->second == 0) {
        ASSERT_EQ(row_idx, user_begin) << "user " << row.user;
      }
      if (step->second > 0 && row.day > rows[user_begin].day && next_step == 1)
        ++users_with_steps_later;
      ++next_step;
    }
    user_begin = user_end;
  }
  EXPECT_GT(users_with_steps_later, 0) << "some users create their project days after signing up";
}

TEST(EventGeneratorTest, OnboardingFunnelHasTheModelsShares) {
  std::map<std::string, int64_t> reached;
  for (const EventRow& row : DefaultEventRows()) {
    if (IsOnboarding(row.event)) ++reached[row.event];
  }
  const auto signups = static_cast<double>(reached["sign_up"]);
  // About 75% of users sign up in the period (the rest predate it): some 15,000 here, where a
  // share's standard error is below 0.004.
  ASSERT_GT(signups, 0.70 * kEventTestUsers);
  for (const OnboardingStep& step : kOnboardingSteps) {
    EXPECT_NEAR(static_cast<double>(reached[std::string(step.event)]) / signups, step.reached_share,
                0.02)
        << step.event;
  }
}

TEST(EventGeneratorTest, SessionsFollowTheDiurnalCurve) {
  std::array<int64_t, 24> by_hour{};
  for (const EventRow& row : DefaultEventRows()) ++by_hour[static_cast<size_t>(row.ms / 3'600'000)];
  const auto total = static_cast<double>(DefaultEventRows().size());
  double weights = 0.0;
  for (const double weight : kSessionStartByHour) weights += weight;
  // Events come within minutes of their session's start, so each hour's share of events is
  // its share of session starts give or take a little drift into the next hour.
  for (size_t hour = 0; hour < 24; ++hour) {
    EXPECT_NEAR(static_cast<double>(by_hour[hour]) / total, kSessionStartByHour[hour] / weights,
                0.006)
        << "hour " << hour;
  }
  const auto peak = std::max_element(by_hour.begin(), by_hour.end()) - by_hour.begin();
  EXPECT_TRUE(peak == 10 || peak == 11 || peak == 14 || peak == 15) << "peak hour " << peak;
}

TEST(EventGeneratorTest, WeekendsAreQuieter) {
  std::array<int64_t, 7> by_weekday{};
  for (const EventRow& row : DefaultEventRows())
    ++by_weekday[static_cast<size_t>(WeekdayOf(row.day))];
  const double weekday =
      static_cast<double>(by_weekday[0] + by_weekday[1] + by_weekday[2] + by_weekday[3]) / 4.0;
  const double weekend = static_cast<double>(by_weekday[5] + by_weekday[6]) / 2.0;
  // kWeekdayActivity gives a weekend day about a third of a Monday-Thursday's activity;
  // signup days (always active) lift weekends a little.
  EXPECT_GT(weekend / weekday, 0.25);
  EXPECT_LT(weekend / weekday, 0.45);
}

/// The usage log and the event log of the same options describe the same users: every
/// (user, day, feature) of one is in the other.
TEST(EventGeneratorTest, FeatureDaysAndChurnAreTheUsageLogs) {
  UsageGeneratorOptions options = DefaultEventOptions();
  options.users = 4000;
  const std::vector<Record> usage = ParseCsv([&] {
    StringSink sink;
    EXPECT_TRUE(GenerateUsageLog(options, sink).ok());
    return sink.contents();
  }());
  std::set<std::tuple<int64_t, Day, std::string>> from_usage;
  for (size_t record_idx = 1; record_idx < usage.size(); ++record_idx) {
    const Record& record = usage[record_idx];
    from_usage.emplace(std::stoll(record[0]), *ParseIsoDate(record[2]), EventNameOf(record[3]));
  }
  std::set<std::tuple<int64_t, Day, std::string>> from_events;
  for (const EventRow& row : ParseEvents(GenerateEventText(options))) {
    if (!IsOnboarding(row.event)) from_events.emplace(row.user, row.day, row.event);
  }
  EXPECT_EQ(from_events, from_usage);
}

TEST(EventGeneratorTest, UsersChurn) {
  // Share of users with events whose last event is over 30 days before the period's end: the
  // usage log's 20,000 default users give 0.487 (16,964 users); onboarding steps taken late
  // move a few last days, not the share.
  const Day cutoff = DefaultEventOptions().end - 30;
  std::map<int64_t, Day> last_day;
  for (const EventRow& row : DefaultEventRows()) last_day[row.user] = row.day;
  int64_t churned = 0;
  for (const auto& entry : last_day) churned += entry.second < cutoff ? 1 : 0;
  EXPECT_NEAR(static_cast<double>(churned) / static_cast<double>(last_day.size()), 0.487, 0.01);
  EXPECT_NEAR(static_cast<double>(last_day.size()), 16'964, 100);
}

TEST(EventGeneratorTest, EventNamesAreSnakeCase) {
  EXPECT_EQ(EventNameOf("Dashboard"), "dashboard");
  EXPECT_EQ(EventNameOf("API"), "api");
  EXPECT_EQ(EventNameOf("ReportBuilder"), "report_builder");
  EXPECT_EQ(EventNameOf("  Data export (CSV) "), "data_export_csv");
  EXPECT_EQ(EventNameOf("v2Search"), "v2_search");
  EXPECT_EQ(EventNameOf("--"), "");
}

TEST(EventGeneratorTest, RejectsFeaturesThatMakeNoOrClashingEventNames) {
  UsageGeneratorOptions options;
  options.features = {"Dashboard", "--"};
  EXPECT_EQ(ValidateEventOptions(options).code(), ErrorCode::kInvalidArgument);
  options.features = {"Data Export", "data-export"};
  const Status clash = ValidateEventOptions(options);
  EXPECT_EQ(clash.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(clash.message().find("data_export"), std::string::npos) << clash.message();
  options.features = {"Dashboard", "Sign up"};
  EXPECT_EQ(ValidateEventOptions(options).code(), ErrorCode::kInvalidArgument);
  options.features = {"Dashboard", "Search"};
  EXPECT_TRUE(ValidateEventOptions(options).ok());
  options.users = 0;
  EXPECT_EQ(ValidateEventOptions(options).code(), ErrorCode::kInvalidArgument);
}

TEST(EventGeneratorTest, CommandWritesTheSameBytesAsTheLibrary) {
  if (kBinary == nullptr) GTEST_SKIP() << "GROWTHLENS_BINARY is not defined by the build";
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("growthlens_generate_events_" + std::to_string(::getpid()) + ".csv"))
                               .string();
  ASSERT_EQ(RunBinary("generate --kind events --users 300 --seed 5 --threads 2 --quiet "
                      "--features Dashboard,ReportBuilder --output " +
                      path),
            0);
  UsageGeneratorOptions options;
  options.users = 300;
  options.seed = 5;
  options.features = {"Dashboard", "ReportBuilder"};
  EXPECT_EQ(ReadFile(path), GenerateEventText(options));
  std::filesystem::remove(path);
  EXPECT_EQ(RunBinary("generate --kind events --features Dashboard,dashboard --output -"),
            ExitCodeOf(ErrorCode::kInvalidArgument));
}

}  // namespace
}  // namespace growthlens::synth
