// NDJSON events (issue 18): one JSON object per line reads as the same events the same rows in
// CSV give (dataset and analyses), on any thread count; timestamps as ISO text or epoch
// numbers; the column options and --where name top-level keys; properties come from a
// `properties` object and from other top-level keys; bad lines are counted by reason with
// their line number.

#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "core/date.h"
#include "dataset_expect.h"
#include "dataset_kinds.h"
#include "io/ndjson_reader.h"
#include "metrics/feature_usage.h"
#include "metrics/kpis.h"
#include "prep/ingest.h"
#include "synth/event_generator.h"
#include "synth/output_sink.h"

namespace growthlens {
namespace {

Result<CleanedData> IngestNdjson(const std::string& text, IngestOptions options = IngestOptions()) {
  return IngestText(text, "events.ndjson", options);
}

std::string GeneratedEventsCsv(int64_t users) {
  synth::UsageGeneratorOptions options;
  options.users = users;
  options.seed = 7;
  synth::StringSink sink;
  EXPECT_TRUE(synth::GenerateEventLog(options, sink).ok());
  return sink.contents();
}

/// The generator's CSV (user_id,timestamp,event,platform) as NDJSON lines; the platform as a
/// top-level key or inside a "properties" object.
std::string AsNdjson(const std::string& csv, bool properties_object) {
  std::string out;
  size_t pos = csv.find('\n') + 1;  // past the header
  while (pos < csv.size()) {
    const size_t end = csv.find('\n', pos);
    const std::string line = csv.substr(pos, end - pos);
    pos = end + 1;
    const size_t a = line.find(','), b = line.find(',', a + 1), c = line.find(',', b + 1);
    nlohmann::ordered_json object;
    object["user_id"] = line.substr(0, a);
    object["timestamp"] = line.substr(a + 1, b - a - 1);
    object["event"] = line.substr(b + 1, c - b - 1);
    if (properties_object)
      object["properties"] = {{"platform", line.substr(c + 1)}};
    else
      object["platform"] = line.substr(c + 1);
    out += object.dump() + "\n";
  }
  return out;
}

TEST(NdjsonReader, TheSameEventsAsCsvGiveTheSameDatasetAndAnalyses) {
  const std::string csv = GeneratedEventsCsv(800);
  const Result<CleanedData> from_csv = IngestText(csv, "events.csv", IngestOptions());
  ASSERT_TRUE(from_csv.ok()) << from_csv.status().message();
  ASSERT_GT(UsageOf(from_csv->dataset).rows(), 20'000u);
  for (const bool properties_object : {false, true}) {
    const std::string ndjson = AsNdjson(csv, properties_object);
    ASSERT_GT(ndjson.size(), 2u << 20);  // more than one chunk on two threads
    for (const unsigned threads : {1u, 2u, 3u}) {
      IngestOptions options;
      options.read.threads = threads;
      const Result<CleanedData> from_json = IngestNdjson(ndjson, options);
      ASSERT_TRUE(from_json.ok()) << from_json.status().message();
      testing::ExpectSameDataset(from_csv->dataset, from_json->dataset);
      EXPECT_EQ(from_json->report.rows_kept, from_csv->report.rows_kept);
      for (size_t rule = 0; rule < kCleaningRuleCount; ++rule)
        EXPECT_EQ(from_json->report.rules[rule].dropped, from_csv->report.rules[rule].dropped);
      const Kpis a = ComputeKpis(from_csv->dataset, {});
      const Kpis b = ComputeKpis(from_json->dataset, {});
      EXPECT_EQ(a.events, b.events);
      EXPECT_EQ(a.active_users, b.active_users);
      EXPECT_EQ(a.average_dau, b.average_dau);
      const FeatureReport x = ComputeFeatureReport(UsageOf(from_csv->dataset), UsageFilter());
      const FeatureReport y = ComputeFeatureReport(UsageOf(from_json->dataset), UsageFilter());
      ASSERT_EQ(x.features.size(), y.features.size());
      for (size_t idx = 0; idx < x.features.size(); ++idx) {
        EXPECT_EQ(x.features[idx].events, y.features[idx].events);
        EXPECT_EQ(x.features[idx].users, y.features[idx].users);
      }
    }
  }
}

TEST(NdjsonReader, TimesAsIsoTextOrEpochNumbersAndCountsAsNumbers) {
  const Result<CleanedData> data = IngestNdjson(
      "{\"distinct_id\":\"a\",\"event\":\"open\",\"timestamp\":\"2024-03-05T16:03:22.417+02:00\","
      "\"count\":2}\n"
      "{\"distinct_id\":\"a\",\"event\":\"open\",\"timestamp\":1709647402417}\n"
      "{\"distinct_id\":42,\"event\":\"open\",\"timestamp\":1709647402.5,\"count\":\"3\"}\n");
  ASSERT_TRUE(data.ok()) << data.status().message();
  const UsageLog& log = UsageOf(data->dataset);
  ASSERT_EQ(log.rows(), 3u);
  const int32_t ms = ((14 * 60 + 3) * 60 + 22) * 1000;
  EXPECT_EQ(log.usage.ms_of_day, (Column<int32_t>{ms + 417, ms + 417, ms + 500}));
  EXPECT_EQ(log.usage.events, (Column<int32_t>{2, 1, 3}));  // a missing count is 1
  EXPECT_EQ(log.users[log.usage.user[2]], "42");            // a number id as written
  EXPECT_EQ(FormatDate(log.usage.day[0]), "2024-03-05");
}

TEST(NdjsonReader, BadLinesAreCountedByReasonWithTheirLineNumber) {
  const Result<CleanedData> data = IngestNdjson(
      "{\"user_id\":\"a\",\"event\":\"open\",\"timestamp\":\"2025-01-01T10:00:00Z\"}\n"
      "\n"
      "{\"user_id\":\"a\",\"event\":\"open\"\n"
      "[1,2]\n"
      "{\"user_id\":\"b\",\"timestamp\":\"2025-01-01T10:00:00Z\"}\n"
      "{\"user_id\":\"b\",\"event\":\"x\",\"timestamp\":\"2025-01-01T10:00:00Z\",\"count\":1.5}\n"
      "{\"user_id\":\"b\",\"event\":\"x\",\"timestamp\":\"soon\"}\n"
      "{\"user_id\":\"b\",\"event\":\"x\",\"timestamp\":\"2025-01-01T10:00:00Z\","
      "\"properties\":\"pro\"}\r\n"
      "{\"user_id\":\"c\",\"event\":\"y\",\"timestamp\":\"2025-01-02T10:00:00Z\"}");
  ASSERT_TRUE(data.ok()) << data.status().message();
  const CleaningReport& report = data->report;
  EXPECT_EQ(report.records, 8u);
  EXPECT_EQ(report.blank_lines, 1u);
  EXPECT_EQ(report.rows_kept, 2u);
  const auto lines_of = [&](ParseIssue issue) {
    std::vector<uint64_t> lines;
    for (const RowExample& example : report.malformed_examples[static_cast<size_t>(issue)])
      lines.push_back(example.line);
    return lines;
  };
  EXPECT_EQ(lines_of(ParseIssue::kBadJson), (std::vector<uint64_t>{3, 4, 8}));
  EXPECT_EQ(lines_of(ParseIssue::kMissingField), (std::vector<uint64_t>{5}));
  EXPECT_EQ(report.malformed_examples[static_cast<size_t>(ParseIssue::kMissingField)][0].message,
            "expected the key event");
  EXPECT_EQ(lines_of(ParseIssue::kBadNumber), (std::vector<uint64_t>{6}));
  // An unparsable time is the invalid_date rule's, as in CSV.
  const RuleOutcome& invalid_date = report.rules[static_cast<size_t>(CleaningRule::kInvalidDate)];
  EXPECT_EQ(invalid_date.dropped, 1u);
  ASSERT_EQ(invalid_date.examples.size(), 1u);
  EXPECT_EQ(invalid_date.examples[0].line, 7u);
  EXPECT_EQ(invalid_date.examples[0].value, "soon");
  EXPECT_EQ(report.source.json_lines, true);
}

TEST(NdjsonReader, ColumnOptionsWhereAndPropertyNameTopLevelKeys) {
  IngestOptions options;
  options.read.columns.name[static_cast<size_t>(Role::kUser)] = "account";
  options.read.columns.name[static_cast<size_t>(Role::kItem)] = "action";
  options.read.columns.name[static_cast<size_t>(Role::kTime)] = "at";
  options.read.columns.where = {{"stage", "prod"}};
  options.read.columns.properties.names = {"plan"};
  const Result<CleanedData> data = IngestNdjson(
      "{\"account\":\"a\",\"action\":\"open\",\"at\":\"2025-01-01\",\"stage\":\"prod\","
      "\"uuid\":\"1\",\"properties\":{\"plan\":\"pro\",\"os\":\"ios\"}}\n"
      "{\"account\":\"b\",\"action\":\"open\",\"at\":\"2025-01-01\",\"stage\":\"test\"}\n"
      "{\"account\":\"c\",\"action\":\"open\",\"at\":\"2025-01-02\",\"stage\":\"prod\","
      "\"plan\":\"free\"}\n",
      options);
  ASSERT_TRUE(data.ok()) << data.status().message();
  const UsageLog& log = UsageOf(data->dataset);
  ASSERT_EQ(log.rows(), 2u);
  EXPECT_EQ(data->report.filtered_out, 1u);
  EXPECT_EQ(log.properties.Names(), "plan");
  EXPECT_EQ(log.properties.columns[0].ValueOf(0), "pro");
  EXPECT_EQ(log.properties.columns[0].ValueOf(1), "free");
  EXPECT_EQ(data->report.columns.front().second, "account");
}

TEST(NdjsonReader, FilesAreRecognisedByNameOrByTheirFirstCharacter) {
  EXPECT_TRUE(IsNdjsonName("events.ndjson"));
  EXPECT_TRUE(IsNdjsonName("events.jsonl.gz"));
  EXPECT_FALSE(IsNdjsonName("events.csv"));
  EXPECT_FALSE(IsNdjsonName("events.json.csv"));
  EXPECT_TRUE(LooksLikeNdjson("upload", "\n  {\"user_id\":1}"));
  EXPECT_FALSE(LooksLikeNdjson("upload.csv", "user_id,timestamp,event\n"));
  // A CSV whose first line is not JSON is read as CSV, whatever it is called otherwise.
  const Result<CleanedData> csv =
      IngestText("user_id,timestamp,event\na,2025-01-01T10:00:00Z,open\n", "upload", {});
  ASSERT_TRUE(csv.ok()) << csv.status().message();
  EXPECT_FALSE(csv->report.source.json_lines);
  const Result<CleanedData> empty = IngestNdjson("\n\n");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("events.ndjson"), std::string::npos);
}

}  // namespace
}  // namespace growthlens
