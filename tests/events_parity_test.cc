// Events are a usage log at a finer grain (issue 18.1): an event file and its day rollup (the sum
// of counts per user, day and event) must give the same numbers in every usage analysis. The
// events are random, with times spread over the day in several UTC offsets and epoch forms, so
// that a wrong UTC day or a lost count shows up as a difference.

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "app/analysis_registry.h"
#include "core/date.h"
#include "dataset_kinds.h"
#include "prep/ingest.h"

namespace growthlens {
namespace {

using Json = nlohmann::json;

struct EventFiles {
  std::string events;  // user_id,timestamp,event[,count]
  std::string rollup;  // the usage log of the same events, one row per user, day and event
};

// "2024-03-05T14:03:22.417+02:00" and friends for the UTC millisecond `millis`, written in the
// form picked by `form`; every form reads back to the same instant.
std::string WriteTime(int64_t millis, int form) {
  const Day day = static_cast<Day>(millis / 86'400'000);
  const auto day_text = [](Day value) { return FormatDate(value); };
  const auto clock = [](int64_t ms_of_day) {
    const int64_t seconds = ms_of_day / 1000;
    return fmt::format("{:02}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60);
  };
  const int64_t ms = millis % 1000;
  switch (form) {
    case 0:  // Z with milliseconds
      return fmt::format("{}T{}.{:03}Z", day_text(day), clock(millis % 86'400'000), ms);
    case 1: {  // +02:00: the local clock is two hours ahead of UTC
      const int64_t local = millis + 2 * 3'600'000;
      return fmt::format("{}T{}.{:03}+02:00", day_text(static_cast<Day>(local / 86'400'000)),
                         clock(local % 86'400'000), ms);
    }
    case 2: {  // -0530 with a space instead of T
      const int64_t local = millis - (5 * 3'600'000 + 30 * 60'000);
      return fmt::format("{} {}.{:03}-0530", day_text(static_cast<Day>(local / 86'400'000)),
                         clock(local % 86'400'000), ms);
    }
    case 3:  // epoch milliseconds
      return std::to_string(millis);
    default:  // epoch seconds (the event's milliseconds are whole seconds here)
      return std::to_string(millis / 1000);
  }
}

EventFiles MakeEventFiles(bool with_counts, uint64_t seed) {
  std::mt19937_64 random(seed);
  const std::vector<std::string> names = {"view", "search", "Export Report", "share", "comment"};
  const Day first_day = DaysFromCivil(2024, 1, 1);
  EventFiles files;
  files.events = with_counts ? "user_id,timestamp,event,count\n" : "user_id,timestamp,event\n";
  // Rollup rows in the order their (user, day, event) first appears, so that users and events
  // get their codes in the same order in both files.
  std::vector<std::tuple<std::string, Day, std::string>> order;
  std::map<std::tuple<std::string, Day, std::string>, int64_t> totals;
  std::map<std::string, Day> signup;
  for (int user_idx = 0; user_idx < 120; ++user_idx) {
    const std::string user = fmt::format("u{:03}", user_idx);
    const Day start = first_day + static_cast<Day>(random() % 120);
    const bool signs_up = user_idx % 3 != 0;
    const int events = 1 + static_cast<int>(random() % 60);
    // Times ascending per user; a sign-up event first for two users in three.
    std::vector<int64_t> times;
    for (int event_idx = 0; event_idx < events; ++event_idx)
      times.push_back((static_cast<int64_t>(start) + static_cast<int64_t>(random() % 90)) *
                          86'400'000 +
                      static_cast<int64_t>(random() % 86'400'000));
    std::sort(times.begin(), times.end());
    for (size_t event_idx = 0; event_idx < times.size(); ++event_idx) {
      const int form = static_cast<int>(random() % 5);
      const int64_t millis = form == 4 ? times[event_idx] / 1000 * 1000 : times[event_idx];
      const Day day = static_cast<Day>(millis / 86'400'000);
      const std::string name =
          signs_up && event_idx == 0 ? "sign_up" : names[random() % names.size()];
      if (name == "sign_up") signup[user] = day;
      const int64_t count = with_counts ? 1 + static_cast<int64_t>(random() % 4) : 1;
      files.events += fmt::format("{},{},{}", user, WriteTime(millis, form), name);
      files.events += with_counts ? fmt::format(",{}\n", count) : "\n";
      const auto key = std::tuple{user, day, name};
      if (totals.find(key) == totals.end()) order.push_back(key);
      totals[key] += count;
    }
  }
  files.rollup = "user_id,signup_date,event_date,feature_name,events_count\n";
  for (const auto& key : order) {
    const auto& [user, day, name] = key;
    const auto joined = signup.find(user);
    files.rollup += fmt::format("{},{},{},{},{}\n", user,
                                joined == signup.end() ? "" : FormatDate(joined->second),
                                FormatDate(day), name, totals[key]);
  }
  return files;
}

CleanedData Load(const std::string& text, const std::string& name) {
  Result<CleanedData> data = IngestText(text, name, IngestOptions());
  EXPECT_TRUE(data.ok()) << data.status().message();
  return std::move(data).value();
}

// What only the grain may change: the kind's name, the row count and the bytes they take.
void DropGrainFields(Json& json) {
  if (json.is_object()) {
    for (const char* key : {"kind", "rows", "memory", "bytes_per_row", "source", "schema"})
      json.erase(key);
    for (auto& [key, value] : json.items()) DropGrainFields(value);
  } else if (json.is_array()) {
    for (Json& value : json) DropGrainFields(value);
  }
}

Json Run(const std::string& analysis, const app::ParamText& query, const CleanedData& data) {
  const app::AnalysisEntry* entry = app::FindAnalysis(analysis);
  EXPECT_NE(entry, nullptr) << analysis;
  if (entry == nullptr) return Json();
  Result<app::ParamText> params =
      app::Canonical(entry->params, query, app::Naming::kApi, entry->name);
  EXPECT_TRUE(params.ok()) << params.status().message();
  if (!params.ok()) return Json();
  app::RunContext context;
  context.naming = app::Naming::kApi;
  context.source = "data.csv";
  Result<std::string> text = entry->run(data, *params, app::OutputFormat::kJson, context);
  EXPECT_TRUE(text.ok()) << analysis << ": " << text.status().message();
  if (!text.ok()) return Json();
  Json json = Json::parse(*text);
  DropGrainFields(json);
  return json;
}

void ExpectSameAnalyses(const EventFiles& files) {
  const CleanedData events = Load(files.events, "events.csv");
  const CleanedData rollup = Load(files.rollup, "rollup.csv");
  ASSERT_EQ(events.dataset.kind(), DataKind::kEvents);
  ASSERT_EQ(rollup.dataset.kind(), DataKind::kUsage);
  ASSERT_GT(events.dataset.rows(), rollup.dataset.rows());  // several events per day and name
  // Signups come from the sign_up events and equal the rollup's signup_date column.
  EXPECT_EQ(events.dataset.user_signup(), rollup.dataset.user_signup());
  for (const auto& [analysis, query] : std::vector<std::pair<std::string, app::ParamText>>{
           {"kpis", {}},
           {"kpis", {{"view", "trend"}}},
           {"usage", {}},
           {"usage", {{"view", "series"}}},
           {"usage", {{"view", "correlation"}}},
           {"usage", {{"view", "engagement"}}},
           {"cohorts", {}},
           {"cohorts", {{"period", "week"}, {"values", "count"}}},
           {"lifecycle", {}},
           {"rfm", {{"view", "users"}}},
           {"rfm", {}},
           {"segment", {}},
           {"insights", {}},
           {"users", {{"id", "u001"}}},
           {"users", {}},
           {"experiment/plan", {{"metric", "events"}, {"relative-effect", "0.1"}}},
           {"experiment/plan", {{"metric", "active_days"}, {"relative-effect", "0.1"}}},
       }) {
    const Json from_events = Run(analysis, query, events);
    const Json from_rollup = Run(analysis, query, rollup);
    EXPECT_FALSE(from_events.is_null()) << analysis;
    EXPECT_EQ(from_events, from_rollup) << analysis << " differs between events and their rollup";
  }
}

TEST(EventsParity, EventsWithoutCountsMatchTheirDayRollup) {
  ExpectSameAnalyses(MakeEventFiles(false, 7));
}

TEST(EventsParity, EventsWithCountsMatchTheirDayRollup) {
  ExpectSameAnalyses(MakeEventFiles(true, 11));
}

TEST(EventsParity, AnEventLogWithoutCountsKeepsNoCountColumn) {
  const CleanedData data = Load(MakeEventFiles(false, 3).events, "events.csv");
  const UsageLog& log = UsageOf(data.dataset);
  EXPECT_TRUE(log.usage.events.empty());
  EXPECT_EQ(log.usage.ms_of_day.size(), log.rows());
  EXPECT_DOUBLE_EQ(data.dataset.Memory().BytesPerRow(log.rows()), 14.0);
}

}  // namespace
}  // namespace growthlens
