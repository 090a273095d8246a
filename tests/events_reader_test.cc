// Reading events (issue 18.1): header detection, timestamps to the millisecond normalised to UTC
// (ISO 8601 with or without offset, epoch seconds and milliseconds), the UTC day, counts, and
// unparsable times reported by the invalid_date rule with line, column and value.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "command_runner.h"
#include "core/date.h"
#include "dataset_kinds.h"
#include "io/date_parser.h"
#include "prep/ingest.h"

namespace growthlens {
namespace {

constexpr int64_t kMillisPerDay = 86'400'000;

int64_t MillisAt(int year, int month, int day, int hour, int minute, int second, int ms) {
  return static_cast<int64_t>(DaysFromCivil(year, month, day)) * kMillisPerDay +
         ((hour * 60 + minute) * 60 + second) * int64_t{1000} + ms;
}

Result<CleanedData> Ingest(const std::string& text, IngestOptions options = IngestOptions()) {
  return IngestText(text, "events.csv", options);
}

TEST(EventTimes, IsoFormsAndEpochsReadToTheMillisecondInUtc) {
  const Result<DateParser> parser = DateParser::FromSpec("auto");
  ASSERT_TRUE(parser.ok());
  const int64_t at = MillisAt(2024, 3, 5, 14, 3, 22, 0);
  EXPECT_EQ(parser->ParseMillis("2024-03-05T14:03:22Z"), at);
  EXPECT_EQ(parser->ParseMillis("2024-03-05T14:03:22.417Z"), at + 417);
  EXPECT_EQ(parser->ParseMillis("2024-03-05T14:03:22.4Z"), at + 400);
  EXPECT_EQ(parser->ParseMillis("2024-03-05T14:03:22.417999Z"), at + 417);  // truncated
  EXPECT_EQ(parser->ParseMillis("2024-03-05T16:03:22.417+02:00"), at + 417);
  EXPECT_EQ(parser->ParseMillis("2024-03-05 08:33:22-0530"), at);
  EXPECT_EQ(parser->ParseMillis("2024-03-05 14:03:22"), at);  // no offset: taken as UTC
  EXPECT_EQ(parser->ParseMillis("2024-03-05"), MillisAt(2024, 3, 5, 0, 0, 0, 0));
  EXPECT_EQ(parser->ParseMillis("1709647402"), at);           // epoch seconds
  EXPECT_EQ(parser->ParseMillis("1709647402417"), at + 417);  // epoch milliseconds
  EXPECT_EQ(parser->ParseMillis("3/5/2024 14:03:22"), at);    // what Parse() reads too
  EXPECT_FALSE(parser->ParseMillis("2024-03-05T25:00:00Z").has_value());
  EXPECT_FALSE(parser->ParseMillis("yesterday").has_value());
  EXPECT_FALSE(parser->ParseMillis("").has_value());
  // Seconds-precision parsing is unchanged: fractions dropped, before the epoch too.
  EXPECT_EQ(ParseIsoTimestamp("1969-12-31T23:59:59.500Z"), -1);
  EXPECT_EQ(ParseIsoMillis("1969-12-31T23:59:59.500Z"), -500);
}

TEST(EventsReader, DetectsTheHeaderAndSplitsTimesIntoUtcDayAndMillisecond) {
  // An offset moves an event to the previous UTC day; epoch forms read as the same instant.
  const Result<CleanedData> data = Ingest(
      "distinct_id,ts,event_name\n"
      "a,2024-03-05T01:30:00.250+02:00,open\n"
      "a,1709647402417,search\n"
      "b,1709647402,open\n");
  ASSERT_TRUE(data.ok()) << data.status().message();
  EXPECT_EQ(data->dataset.kind(), DataKind::kEvents);
  EXPECT_EQ(data->report.schema, SchemaName::kEventLog);
  const UsageLog& log = UsageOf(data->dataset);
  ASSERT_EQ(log.rows(), 3u);
  EXPECT_EQ(log.usage.day[0], DaysFromCivil(2024, 3, 4));
  EXPECT_EQ(log.usage.ms_of_day[0], ((23 * 60 + 30) * 60) * 1000 + 250);
  EXPECT_EQ(log.usage.day[1], DaysFromCivil(2024, 3, 5));
  EXPECT_EQ(log.usage.ms_of_day[1], ((14 * 60 + 3) * 60 + 22) * 1000 + 417);
  EXPECT_EQ(log.usage.ms_of_day[2], ((14 * 60 + 3) * 60 + 22) * 1000);
  EXPECT_EQ(log.features[log.usage.feature[1]], "search");
  EXPECT_TRUE(log.usage.events.empty());  // no count column: every event counts 1
  EXPECT_TRUE(log.user_signup[0] == kNoDay);
}

TEST(EventsReader, CountsSignupsAndExactDuplicates) {
  const Result<CleanedData> data = Ingest(
      "user_id,timestamp,event,count\n"
      "a,2024-03-05T10:00:00Z,sign_up,1\n"
      "a,2024-03-06T10:00:00.001Z,view,3\n"
      "a,2024-03-06T10:00:00.001Z,view,3\n"  // an exact duplicate: dropped by its rule
      "a,2024-03-06T10:00:00.002Z,view,3\n"  // a millisecond later: another event
      "b,2024-03-07T10:00:00Z,view,0\n");    // non_positive_events
  ASSERT_TRUE(data.ok()) << data.status().message();
  const UsageLog& log = UsageOf(data->dataset);
  ASSERT_EQ(log.rows(), 3u);
  EXPECT_EQ(log.usage.events, (Column<int32_t>{1, 3, 3}));
  EXPECT_EQ(log.user_signup[0], DaysFromCivil(2024, 3, 5));  // from the sign_up event
  EXPECT_EQ(data->report.rules[static_cast<size_t>(CleaningRule::kDuplicate)].dropped, 1u);
  EXPECT_EQ(data->report.rules[static_cast<size_t>(CleaningRule::kNonPositiveEvents)].dropped, 1u);
}

TEST(EventsReader, UnparsableTimesAreReportedWithLineColumnAndValue) {
  const Result<CleanedData> data = Ingest(
      "user_id,timestamp,event\n"
      "a,2024-03-05T10:00:00Z,view\n"
      "a,not a time,view\n");
  ASSERT_TRUE(data.ok()) << data.status().message();
  EXPECT_EQ(data->dataset.rows(), 1u);
  const RuleOutcome& invalid = data->report.rules[static_cast<size_t>(CleaningRule::kInvalidDate)];
  EXPECT_EQ(invalid.dropped, 1u);
  ASSERT_EQ(invalid.examples.size(), 1u);
  EXPECT_EQ(invalid.examples[0].line, 3u);
  EXPECT_EQ(invalid.examples[0].column, "timestamp");
  EXPECT_EQ(invalid.examples[0].value, "not a time");
}

TEST(EventsReader, SignupEventCanBeNamed) {
  const std::string csv =
      "user_id,timestamp,event\n"
      "a,2024-03-04T10:00:00Z,sign_up\n"
      "a,2024-03-05T10:00:00Z,Created Account\n"
      "b,2024-03-06T10:00:00Z,Created Account\n"
      "c,2024-03-07T10:00:00Z,view\n";
  IngestOptions options;
  options.read.columns.signup_event = "Created Account";
  const Result<CleanedData> named = Ingest(csv, options);
  ASSERT_TRUE(named.ok()) << named.status().message();
  EXPECT_EQ(UsageOf(named->dataset).user_signup,
            (std::vector<Day>{DaysFromCivil(2024, 3, 5), DaysFromCivil(2024, 3, 6), kNoDay}));
  const Result<CleanedData> by_default = Ingest(csv);
  ASSERT_TRUE(by_default.ok());
  EXPECT_EQ(UsageOf(by_default->dataset).user_signup,
            (std::vector<Day>{DaysFromCivil(2024, 3, 4), kNoDay, kNoDay}));
  // Only event logs have signup events.
  const Result<CleanedData> usage = Ingest(
      "user_id,signup_date,event_date,feature_name,events_count\n"
      "a,2024-01-01,2024-01-02,search,2\n",
      options);
  ASSERT_FALSE(usage.ok());
  EXPECT_NE(usage.status().message().find("--signup-event Created Account: only event logs"),
            std::string::npos)
      << usage.status().message();
}

TEST(EventsReader, KindAndColumnsCanBeNamed) {
  IngestOptions options;
  options.read.columns.kind = DataKind::kEvents;
  options.read.columns.name[static_cast<size_t>(Role::kUser)] = "case";
  options.read.columns.name[static_cast<size_t>(Role::kTime)] = "at";
  options.read.columns.name[static_cast<size_t>(Role::kItem)] = "activity";
  const Result<CleanedData> data = Ingest(
      "case,activity,at\n"
      "1,submit,2011-10-01T00:38:44.546+02:00\n",
      options);
  ASSERT_TRUE(data.ok()) << data.status().message();
  EXPECT_EQ(data->dataset.kind(), DataKind::kEvents);
  const UsageLog& log = UsageOf(data->dataset);
  EXPECT_EQ(log.usage.day[0], DaysFromCivil(2011, 9, 30));
  EXPECT_EQ(log.usage.ms_of_day[0], ((22 * 60 + 38) * 60 + 44) * 1000 + 546);
  // A usage log's header is still read as a usage log.
  const Result<CleanedData> usage = Ingest(
      "user_id,signup_date,event_date,feature_name,events_count\n"
      "a,2024-01-01,2024-01-02,search,2\n");
  ASSERT_TRUE(usage.ok());
  EXPECT_EQ(usage->dataset.kind(), DataKind::kUsage);
  EXPECT_TRUE(UsageOf(usage->dataset).usage.ms_of_day.empty());
}

TEST(EventsReader, WhereFiltersRowsAndCountsThoseLeftOut) {
  // One lifecycle of a process log: --where lifecycle:transition=COMPLETE.
  IngestOptions options;
  options.read.columns.where = {{"lifecycle:transition", "COMPLETE"}};
  const Result<CleanedData> data = Ingest(
      "user_id,timestamp,event,lifecycle:transition\n"
      "a,2024-03-05T10:00:00Z,submit,COMPLETE\n"
      "a,2024-03-05T10:01:00Z,review,SCHEDULE\n"
      "a,2024-03-05T10:02:00Z,review,START\n"
      "a,2024-03-05T10:03:00Z,review,COMPLETE\n",
      options);
  ASSERT_TRUE(data.ok()) << data.status().message();
  EXPECT_EQ(data->dataset.rows(), 2u);
  EXPECT_EQ(data->report.records, 4u);
  EXPECT_EQ(data->report.filtered_out, 2u);
  ASSERT_EQ(data->report.filtered_examples.size(), 2u);
  EXPECT_EQ(data->report.filtered_examples[0].line, 3u);
  EXPECT_EQ(data->report.filtered_examples[0].column, "lifecycle:transition");
  EXPECT_EQ(data->report.filtered_examples[0].value, "SCHEDULE");
  EXPECT_EQ(data->report.where, (std::vector<std::string>{"lifecycle:transition=COMPLETE"}));
  // The filtered column is a property of the events kept, with the kept rows' values.
  const PropertyColumn* lifecycle = UsageOf(data->dataset).properties.Find("lifecycle:transition");
  ASSERT_NE(lifecycle, nullptr);
  ASSERT_EQ(lifecycle->rows(), 2u);
  EXPECT_EQ(lifecycle->ValueOf(0), "COMPLETE");
  EXPECT_EQ(lifecycle->ValueOf(1), "COMPLETE");
  // A filter on a column the file lacks is an error naming it.
  options.read.columns.where = {{"stage", "done"}};
  const Result<CleanedData> missing = Ingest("user_id,timestamp,event\na,2024-03-05,x\n", options);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("--where stage=done: no column 'stage'"),
            std::string::npos)
      << missing.status().message();
}

TEST(EventsCommand, OptionsNameTheKindAndTheEventColumn) {
  // --kind events and --event-col on the command line; the headline and JSON say events.
  const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                     ("growthlens_events_" + std::to_string(::getpid()) + ".csv");
  std::ofstream(path) << "case,activity,at\n"
                         "1,submit,2011-10-01T00:38:44.546+02:00\n"
                         "1,approve,2011-10-02T10:00:00Z\n"
                         "2,submit,1317427200\n";
  const std::string args = " --kind events --user-col case --time-col at --event-col activity";
  const testing::CommandResult table = testing::RunCommand("kpis " + path.string() + args);
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_EQ(table.out.substr(0, table.out.find('\n')),
            "Event KPIs 2011-09-30 .. 2011-10-02 (3 days): 2 active users, 3 events, stickiness "
            "66.7%");
  const testing::CommandResult json =
      testing::RunCommand("ingest " + path.string() + args + " --format json --quiet");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_NE(json.out.find("\"kind\": \"events\""), std::string::npos) << json.out;
  const testing::CommandResult where =
      testing::RunCommand("ingest " + path.string() + args + " --where activity=submit --quiet");
  ASSERT_EQ(where.exit_code, 0) << where.err;
  EXPECT_NE(where.out.find("\nWhere    activity=submit\n"), std::string::npos) << where.out;
  EXPECT_NE(where.out.find(
                "left out by where                       1   33.33%  line 3 activity='approve'"),
            std::string::npos)
      << where.out;
  const testing::CommandResult bad_where =
      testing::RunCommand("ingest " + path.string() + args + " --where activity");
  EXPECT_NE(bad_where.exit_code, 0);
  EXPECT_NE(bad_where.err.find("expected COLUMN=VALUE"), std::string::npos) << bad_where.err;
  const testing::CommandResult wrong =
      testing::RunCommand("kpis " + path.string() + " --kind clicks");
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_NE(wrong.err.find("expected usage, events or transactions"), std::string::npos)
      << wrong.err;
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace growthlens
