// Event properties (issue 18): the columns of an events file beyond user, time, event and count
// (or a JSON "properties" column) load as dictionary-coded property columns whose code width
// follows the dictionary; they follow the rows through cleaning, --property / --no-properties
// choose them, the bounds are reported, and `usage --by` splits feature usage by one (--where
// on a property column: events_reader_test.cc).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "command_runner.h"
#include "core/event_properties.h"
#include "dataset_kinds.h"
#include "metrics/property_breakdown.h"
#include "prep/ingest.h"

namespace growthlens {
namespace {

Result<CleanedData> IngestEvents(const std::string& text, IngestOptions options = IngestOptions()) {
  return IngestText(text, "events.csv", options);
}

std::vector<std::string> ValuesOf(const UsageLog& log, std::string_view property) {
  std::vector<std::string> values;
  const PropertyColumn* column = log.properties.Find(property);
  if (column == nullptr) return values;
  for (size_t row = 0; row < column->rows(); ++row) values.emplace_back(column->ValueOf(row));
  return values;
}

TEST(PropertyColumn, CodesWidenFromOneToTwoToFourBytesAndKeepTheirValues) {
  PropertyColumn column("id");
  column.Append(7);
  EXPECT_EQ(column.width(), 1u);
  column.Append(255);
  EXPECT_EQ(column.width(), 1u);
  column.Append(256);
  EXPECT_EQ(column.width(), 2u);
  column.Append(65'536);
  EXPECT_EQ(column.width(), 4u);
  column.Append(3);
  EXPECT_EQ(column.Codes(), (std::vector<uint32_t>{7, 255, 256, 65'536, 3}));
  EXPECT_EQ(column.rows(), 5u);

  column.KeepRows({1, 0, 1, 0, 1});
  EXPECT_EQ(column.Codes(), (std::vector<uint32_t>{7, 256, 3}));

  // Assign picks the narrowest width for the codes it is given.
  column.Assign({0, 1, 2});
  EXPECT_EQ(column.width(), 1u);
  column.Assign({0, 300});
  EXPECT_EQ(column.width(), 2u);
  EXPECT_EQ(column.Codes(), (std::vector<uint32_t>{0, 300}));
}

TEST(EventProperties, ExtraColumnsLoadAsPropertiesAlignedWithTheRowsCleaningKeeps) {
  // Line 3 repeats line 2 (a duplicate), line 5 has no time: the properties of the rows kept
  // must stay with their rows.
  const Result<CleanedData> data = IngestEvents(
      "user_id,timestamp,event,platform,plan\n"
      "a,2025-01-01T10:00:00Z,open,ios,free\n"
      "a,2025-01-01T10:00:00Z,open,ios,free\n"
      "b,2025-01-01T11:00:00Z,open,web,\n"
      "c,,open,android,pro\n"
      "c,2025-01-02T09:00:00Z,search,android,pro\n");
  ASSERT_TRUE(data.ok()) << data.status().message();
  const UsageLog& log = UsageOf(data->dataset);
  ASSERT_EQ(log.rows(), 3u);
  EXPECT_EQ(log.properties.Names(), "platform, plan");
  EXPECT_EQ(ValuesOf(log, "platform"), (std::vector<std::string>{"ios", "web", "android"}));
  EXPECT_EQ(ValuesOf(log, "plan"), (std::vector<std::string>{"free", "", "pro"}));
  EXPECT_EQ(data->report.properties, (std::vector<std::string>{"platform", "plan"}));
  // The dictionaries hold only values of kept rows, "" (not set) first.
  EXPECT_EQ(log.properties.Find("platform")->values.size(), 4u);
  // A byte a property: 14 + 2 bytes per event.
  EXPECT_EQ(data->dataset.Memory().row_columns, 3u * (4 + 4 + 2 + 4 + 1 + 1));
}

TEST(EventProperties, PropertyAndNoPropertiesChooseTheColumns) {
  const std::string csv =
      "user_id,timestamp,event,platform,plan,country\n"
      "a,2025-01-01T10:00:00Z,open,ios,free,DE\n";
  IngestOptions some;
  some.read.columns.properties.names = {"country", "Platform"};
  Result<CleanedData> data = IngestEvents(csv, some);
  ASSERT_TRUE(data.ok()) << data.status().message();
  EXPECT_EQ(UsageOf(data->dataset).properties.Names(), "platform, country");

  IngestOptions none;
  none.read.columns.properties.none = true;
  data = IngestEvents(csv, none);
  ASSERT_TRUE(data.ok());
  EXPECT_TRUE(UsageOf(data->dataset).properties.empty());

  IngestOptions typo;
  typo.read.columns.properties.names = {"platfrom"};
  data = IngestEvents(csv, typo);
  ASSERT_FALSE(data.ok());
  EXPECT_NE(data.status().message().find("--property platfrom"), std::string::npos)
      << data.status().message();

  // Usage logs and transactions have no properties: their extra columns are not read.
  data = IngestText(
      "user_id,signup_date,event_date,feature_name,events_count,plan\n"
      "a,2025-01-01,2025-01-02,Search,3,pro\n",
      "usage.csv", IngestOptions());
  ASSERT_TRUE(data.ok()) << data.status().message();
  EXPECT_TRUE(UsageOf(data->dataset).properties.empty());
}

TEST(EventProperties, AJsonPropertiesColumnIsFlattenedByTopLevelKey) {
  const Result<CleanedData> data = IngestEvents(
      "user_id,timestamp,event,properties\n"
      "a,2025-01-01T10:00:00Z,open,\"{\"\"plan\"\":\"\"pro\"\",\"\"seats\"\":3,\"\"beta\"\":true}"
      "\"\n"
      "b,2025-01-01T11:00:00Z,open,\"{\"\"utm\"\":{\"\"source\"\":\"\"ads\"\"},\"\"plan\"\":null}"
      "\"\n"
      "c,2025-01-01T12:00:00Z,open,\n"
      "d,2025-01-01T13:00:00Z,open,not json\n"
      "e,2025-01-01T14:00:00Z,open,[1]\n");
  ASSERT_TRUE(data.ok()) << data.status().message();
  const UsageLog& log = UsageOf(data->dataset);
  ASSERT_EQ(log.rows(), 3u);
  EXPECT_EQ(log.properties.Names(), "plan, seats, beta, utm");
  EXPECT_EQ(ValuesOf(log, "plan"), (std::vector<std::string>{"pro", "", ""}));
  EXPECT_EQ(ValuesOf(log, "seats"), (std::vector<std::string>{"3", "", ""}));
  EXPECT_EQ(ValuesOf(log, "beta"), (std::vector<std::string>{"true", "", ""}));
  EXPECT_EQ(ValuesOf(log, "utm"), (std::vector<std::string>{"", "{\"source\":\"ads\"}", ""}));
  // The rows whose cell is not a JSON object are counted with their lines, never dropped
  // silently.
  const auto bad_json = static_cast<size_t>(ParseIssue::kBadJson);
  EXPECT_EQ(data->report.malformed[bad_json], 2u);
  ASSERT_EQ(data->report.malformed_examples[bad_json].size(), 2u);
  EXPECT_EQ(data->report.malformed_examples[bad_json][0].line, 5u);
  EXPECT_EQ(data->report.malformed_examples[bad_json][0].column, "properties");
  EXPECT_EQ(data->report.malformed_examples[bad_json][1].line, 6u);
}

TEST(EventProperties, MoreThanTheBoundAreLeftOutWithANoteNeverSilently) {
  std::string header = "user_id,timestamp,event", row = "a,2025-01-01T10:00:00Z,open";
  for (size_t column = 0; column < kMaxEventProperties + 2; ++column) {
    header += ",p" + std::to_string(column);
    row += ",v" + std::to_string(column);
  }
  const Result<CleanedData> data = IngestEvents(header + "\n" + row + "\n");
  ASSERT_TRUE(data.ok()) << data.status().message();
  EXPECT_EQ(UsageOf(data->dataset).properties.columns.size(), kMaxEventProperties);
  ASSERT_EQ(data->report.property_notes.size(), 1u);
  EXPECT_NE(data->report.property_notes[0].find("p32, p33"), std::string::npos)
      << data->report.property_notes[0];
}

TEST(PropertyBreakdown, CountsEventsAndDistinctUsersPerValueOverTheFilteredRows) {
  const Result<CleanedData> data = IngestEvents(
      "user_id,timestamp,event,count,platform\n"
      "a,2025-01-01T10:00:00Z,open,2,ios\n"
      "a,2025-01-02T10:00:00Z,open,1,web\n"
      "a,2025-01-03T10:00:00Z,search,5,web\n"
      "b,2025-01-01T11:00:00Z,open,1,web\n"
      "c,2025-01-01T12:00:00Z,search,4,\n");
  ASSERT_TRUE(data.ok()) << data.status().message();
  const UsageLog& log = UsageOf(data->dataset);
  const PropertyColumn& platform = *log.properties.Find("platform");
  PropertyBreakdown all = ComputePropertyBreakdown(log, platform, UsageFilter());
  EXPECT_EQ(all.active_users, 3u);
  EXPECT_EQ(all.events, 13);
  ASSERT_EQ(all.values.size(), 3u);
  // web: 1 + 5 + 1 events by a and b; "" (not set): 4 by c; ios: 2 by a.
  EXPECT_EQ(platform.values[all.values[0].value], "web");
  EXPECT_EQ(all.values[0].events, 7);
  EXPECT_EQ(all.values[0].users, 2u);
  EXPECT_DOUBLE_EQ(all.values[0].adoption, 2.0 / 3.0);
  EXPECT_EQ(platform.values[all.values[1].value], "");
  EXPECT_EQ(all.values[1].events, 4);
  EXPECT_EQ(platform.values[all.values[2].value], "ios");
  EXPECT_EQ(all.values[2].events, 2);
  EXPECT_DOUBLE_EQ(all.values[2].events_share, 2.0 / 13.0);

  UsageFilter only_open;
  only_open.features = {static_cast<uint16_t>(*log.features.Find("open"))};
  const PropertyBreakdown open = ComputePropertyBreakdown(log, platform, only_open);
  EXPECT_EQ(open.active_users, 2u);
  ASSERT_EQ(open.values.size(), 2u);
  // ios: a's open counting 2; web: a's and b's opens. Equal events: by value text.
  EXPECT_EQ(platform.values[open.values[0].value], "ios");
  EXPECT_EQ(open.values[0].events, 2);
  EXPECT_EQ(open.values[0].users, 1u);
  EXPECT_EQ(platform.values[open.values[1].value], "web");
  EXPECT_EQ(open.values[1].events, 2);
  EXPECT_EQ(open.values[1].users, 2u);
}

class UsageByCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("growthlens_usage_by_" + std::to_string(::getpid()) + ".csv");
    std::ofstream(path_) << "user_id,timestamp,event,platform\n"
                            "a,2025-01-01T10:00:00Z,open,ios\n"
                            "a,2025-01-02T10:00:00Z,open,web\n"
                            "b,2025-01-01T11:00:00Z,search,web\n";
  }
  void TearDown() override { std::filesystem::remove(path_); }
  std::filesystem::path path_;
};

TEST_F(UsageByCommand, SplitsFeatureUsageByThePropertyInJson) {
  const testing::CommandResult run =
      testing::RunCommand("usage " + path_.string() + " --by platform --format json --quiet");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const nlohmann::json json = nlohmann::json::parse(run.out);
  EXPECT_EQ(json["property"], "platform");
  ASSERT_EQ(json["values"].size(), 2u);
  EXPECT_EQ(json["values"][0]["value"], "web");
  EXPECT_EQ(json["values"][0]["events"], 2);
  EXPECT_EQ(json["values"][0]["users"], 2);
  EXPECT_EQ(json["values"][1]["value"], "ios");
  EXPECT_EQ(json["values"][1]["users"], 1);
}

TEST_F(UsageByCommand, AnUnknownPropertyIsRefusedNamingTheOnesThereAre) {
  const testing::CommandResult run =
      testing::RunCommand("usage " + path_.string() + " --by plan --quiet");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("its properties: platform"), std::string::npos) << run.err;
  const testing::CommandResult series =
      testing::RunCommand("usage " + path_.string() + " --by platform --view series --quiet");
  EXPECT_EQ(series.exit_code, 2);
  EXPECT_NE(series.err.find("--by"), std::string::npos) << series.err;
}

}  // namespace
}  // namespace growthlens
