// End-to-end tests of the analysis commands (kpis, usage, revenue, rfm, cohorts) through the built
// binary: their JSON and CSV carry the numbers of the library functions and of the pandas goldens
// (tests/golden), CSV headers are as documented, and bad option values or the wrong kind of file
// exit 2 with a message naming the option or the file.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "command_runner.h"
#include "dataset_kinds.h"
#include "io/csv_cursor.h"
#include "metrics/feature_usage.h"
#include "metrics/kpis.h"
#include "prep/ingest.h"
#include "test_data.h"

namespace growthlens {
namespace {

using nlohmann::json;

/// Against the pandas goldens: counts exact, money and ratios to 1e-9 relative, as the golden
/// tests of the library.
constexpr double kGoldenTolerance = 1e-9;
/// Against the library in this process: JSON round-trips doubles exactly, so only a different
/// split of parallel sums could move the last bits.
constexpr double kLibraryTolerance = 1e-12;
constexpr int kUsageError = 2;

void ExpectClose(double actual, double expected, double tolerance, const std::string& what) {
  EXPECT_NEAR(actual, expected, tolerance * std::max(1.0, std::abs(expected))) << what;
}

double Number(const std::string& text) {
  return std::stod(text);
}

using CommandRun = testing::CommandResult;

/// Reads and returns the whole file.
std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

/// The inputs every suite shares, made once per test process: a scratch directory (removed at
/// exit), the Online Retail file decompressed into it, and the Datasets the library computes on.
class SharedInputs {
 public:
  static SharedInputs& Get() {
    static SharedInputs inputs;
    return inputs;
  }
  ~SharedInputs() { std::filesystem::remove_all(dir_); }

  const std::filesystem::path& dir() const { return dir_; }
  static std::string UsageCsv() { return testing::GoldenPath("usage_small.csv"); }

  const std::string& RetailCsv() {
    if (retail_csv_.empty()) {
      const std::string text = testing::ReadXz(testing::PublicDataPath("online_retail.csv.xz"));
      EXPECT_FALSE(text.empty()) << "cannot decompress online_retail.csv.xz";
      retail_csv_ = Write("online_retail.csv", text);
    }
    return retail_csv_;
  }
  const Dataset& Usage() { return Load(usage_, UsageCsv()); }
  const Dataset& Retail() { return Load(retail_, RetailCsv()); }

  std::string Write(const std::string& name, const std::string& text) const {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

 private:
  SharedInputs()
      : dir_(std::filesystem::temp_directory_path() /
             ("growthlens_analysis_commands_" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(dir_);
  }
  static const Dataset& Load(std::unique_ptr<CleanedData>& data, const std::string& path) {
    if (!data) {
      Result<CleanedData> cleaned = IngestFile(path, IngestOptions());
      EXPECT_TRUE(cleaned.ok()) << cleaned.status().message();
      data = std::make_unique<CleanedData>(std::move(cleaned).value());
    }
    return data->dataset;
  }

  std::filesystem::path dir_;
  std::string retail_csv_;
  std::unique_ptr<CleanedData> usage_, retail_;
};

/// Runs `growthlens <arguments>`, keeping stdout and stderr apart so that stdout can be parsed.
CommandRun RunGrowthLens(const std::string& arguments) {
  return testing::RunCommand(arguments);
}

/// stdout of a run that must succeed, parsed as JSON (discarded on a parse error).
json JsonOf(const CommandRun& run) {
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const json doc = json::parse(run.out, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(doc.is_discarded()) << "not JSON:\n" << run.out;
  return doc;
}

struct Csv {
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;
};

Csv ParseCsv(const std::string& text) {
  Csv csv;
  CsvCursor cursor(text, CsvDialect{}, 0, text.size());
  std::vector<std::string_view> fields;
  while (cursor.Next(fields)) {
    if (cursor.blank_line()) continue;
    if (csv.header.empty()) {
      csv.header.assign(fields.begin(), fields.end());
      continue;
    }
    auto& row = csv.rows.emplace_back();
    for (size_t field_idx = 0; field_idx < fields.size() && field_idx < csv.header.size();
         ++field_idx)
      row[csv.header[field_idx]] = std::string(fields[field_idx]);
  }
  return csv;
}

Csv GoldenCsv(const std::string& name) {
  return ParseCsv(ReadFile(testing::GoldenPath(name)));
}

std::map<std::string, std::string> UsageGolden() {
  return testing::ReadGolden(testing::GoldenPath("usage_small.golden"));
}

/// A run that must fail as a usage error whose message contains `message`.
void ExpectUsageError(const std::string& arguments, const std::string& message) {
  const CommandRun run = RunGrowthLens(arguments);
  EXPECT_EQ(run.exit_code, kUsageError) << arguments << "\n" << run.err;
  EXPECT_NE(run.err.find(message), std::string::npos) << arguments << "\n" << run.err;
}

std::string UsageArgs(const std::string& command) {
  return command + " " + SharedInputs::UsageCsv() + " --quiet";
}
std::string RetailArgs(const std::string& command) {
  return command + " " + SharedInputs::Get().RetailCsv() + " --quiet";
}

/// The blank-separated words of the first line of `text` that starts with `prefix` (a table row
/// whatever its alignment); none when there is no such line.
std::vector<std::string> WordsOfLine(const std::string& text, const std::string& prefix) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.starts_with(prefix)) continue;
    std::istringstream words(line);
    std::vector<std::string> found;
    for (std::string word; words >> word;) found.push_back(word);
    return found;
  }
  return {"(no line starts with '" + prefix + "')"};
}

/// "12,345" as a table shows it, as a number.
int64_t Count(std::string text) {
  std::erase(text, ',');
  return std::stoll(text);
}

uint16_t FeatureCode(const Dataset& dataset, const std::string& name) {
  const std::optional<uint32_t> code = UsageOf(dataset).features.Find(name);
  EXPECT_TRUE(code.has_value()) << name;
  return static_cast<uint16_t>(code.value_or(0));
}

// ---------------------------------------------------------------------------------------- kpis

TEST(KpisCommand, UsageJsonEqualsLibraryAndGolden) {
  const json doc = JsonOf(RunGrowthLens(UsageArgs("kpis") + " --format json"));
  const Kpis kpis = ComputeKpis(SharedInputs::Get().Usage(), KpiOptions());
  auto golden = UsageGolden();
  EXPECT_EQ(doc["kind"], "usage");
  EXPECT_EQ(doc["from"], golden["first_day"]);
  EXPECT_EQ(doc["to"], golden["last_day"]);
  EXPECT_EQ(doc["days"], 365);
  EXPECT_EQ(doc["rows"], kpis.rows);
  EXPECT_EQ(doc["rows"], std::stoull(golden["rows"]));
  EXPECT_EQ(doc["users"], std::stoull(golden["users"]));
  EXPECT_EQ(doc["active_users"], kpis.active_users);
  EXPECT_EQ(doc["events"], std::stoll(golden["total_events"]));
  EXPECT_DOUBLE_EQ(doc["events_per_user"].get<double>(), kpis.events_per_user);
  EXPECT_DOUBLE_EQ(doc["active_days_per_user"].get<double>(), kpis.active_days_per_user);
  for (const char* key : {"average_dau", "average_wau", "average_mau", "stickiness"})
    ExpectClose(doc[key].get<double>(), Number(golden[key]), kGoldenTolerance, key);
}

TEST(KpisCommand, WindowCsvIsMetricValueRowsEqualToLibrary) {
  const CommandRun run =
      RunGrowthLens(UsageArgs("kpis") + " --from 2025-07-01 --to 2025-09-30 --format csv");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const Csv csv = ParseCsv(run.out);
  EXPECT_EQ(csv.header, (std::vector<std::string>{"metric", "value"}));
  std::vector<std::string> metrics;
  std::map<std::string, std::string> value;
  for (const auto& row : csv.rows) {
    metrics.push_back(row.at("metric"));
    value[row.at("metric")] = row.at("value");
  }
  EXPECT_EQ(metrics,
            (std::vector<std::string>{"kind", "from", "to", "days", "users", "active_users", "rows",
                                      "events", "events_per_user", "active_days_per_user",
                                      "average_dau", "average_wau", "average_mau", "stickiness"}));
  const Kpis kpis = ComputeKpis(SharedInputs::Get().Usage(),
                                KpiOptions{DaysFromCivil(2025, 7, 1), DaysFromCivil(2025, 9, 30)});
  EXPECT_EQ(value["from"], "2025-07-01");
  EXPECT_EQ(value["to"], "2025-09-30");
  EXPECT_EQ(value["days"], "92");
  EXPECT_EQ(std::stoull(value["active_users"]), kpis.active_users);
  EXPECT_EQ(std::stoull(value["rows"]), kpis.rows);
  EXPECT_EQ(std::stoll(value["events"]), kpis.events);
  ExpectClose(Number(value["average_dau"]), kpis.average_dau, kLibraryTolerance, "dau");
  ExpectClose(Number(value["average_wau"]), kpis.average_wau, kLibraryTolerance, "wau");
  ExpectClose(Number(value["stickiness"]), kpis.stickiness, kLibraryTolerance, "stickiness");
}

// Every analysis document says which days its numbers cover, so that a page can label what
// does not follow its date filter "all time".
TEST(WindowField, EveryDocumentSaysWhichDaysItCovers) {
  const json all_time = json::parse(R"({"from":"2025-01-01","to":"2025-12-31","all_time":true})");
  const json q3 = json::parse(R"({"from":"2025-07-01","to":"2025-09-30","all_time":false})");
  EXPECT_EQ(JsonOf(RunGrowthLens(UsageArgs("kpis") + " --format json"))["window"], all_time);
  EXPECT_EQ(JsonOf(RunGrowthLens(UsageArgs("kpis") +
                                 " --from 2025-07-01 --to 2025-09-30 --format json"))["window"],
            q3);
  // A period reaching past the data covers the data's days only.
  EXPECT_EQ(JsonOf(RunGrowthLens(UsageArgs("kpis") +
                                 " --from 2024-06-01 --to 2025-09-30 --format json"))["window"],
            json::parse(R"({"from":"2025-01-01","to":"2025-09-30","all_time":false})"));
  for (const std::string command : {"insights", "cohorts", "rfm", "lifecycle"})
    EXPECT_EQ(JsonOf(RunGrowthLens(UsageArgs(command) + " --format json"))["window"], all_time)
        << command;
  EXPECT_EQ(JsonOf(RunGrowthLens(UsageArgs("lifecycle") +
                                 " --from 2025-07-01 --to 2025-09-30 --format json"))["window"],
            q3);
  EXPECT_EQ(JsonOf(RunGrowthLens(
                UsageArgs("usage") +
                " --view series --from 2025-07-01 --to 2025-09-30 --format json"))["window"],
            q3);
  const json model = JsonOf(RunGrowthLens(UsageArgs("segment") + " --no-write --format json"));
  EXPECT_EQ(model["training"]["window"], all_time);
}

TEST(KpisCommand, TransactionsJsonEqualsLibraryAndGolden) {
  const json doc = JsonOf(RunGrowthLens(RetailArgs("kpis") + " --format json"));
  const Kpis kpis = ComputeKpis(SharedInputs::Get().Retail(), KpiOptions());
  auto pareto = testing::ReadGolden(testing::GoldenPath("online_retail_pareto.golden"));
  // Cleaned with the default rules, cancelled orders netted (make_netting_golden.py).
  auto cleaning = testing::ReadGolden(testing::GoldenPath("online_retail_netting.golden"));
  EXPECT_EQ(doc["kind"], "transactions");
  EXPECT_EQ(doc["from"], "2010-12-01");
  EXPECT_EQ(doc["to"], "2011-12-09");
  EXPECT_EQ(doc["rows"], std::stoull(cleaning["rows_kept"]));
  EXPECT_EQ(doc["customers"], std::stoull(pareto["customers"]));
  EXPECT_EQ(doc["active_customers"], kpis.active_users);
  EXPECT_EQ(doc["orders"], std::stoull(cleaning["kept.invoices"]));
  ExpectClose(doc["revenue"].get<double>(), Number(cleaning["kept.revenue"]), kGoldenTolerance,
              "revenue");
  EXPECT_DOUBLE_EQ(doc["average_order_value"].get<double>(), kpis.average_order_value);
  ExpectClose(doc["repeat_purchase_rate"].get<double>(),
              Number(pareto["customers.repeat_purchase_rate"]), kGoldenTolerance, "repeat rate");
  EXPECT_FALSE(doc.contains("events"));  // usage-only fields stay out
}

TEST(KpisCommand, TableHasAOneLineHeadlineAndAMetricValueCard) {
  const CommandRun run = RunGrowthLens(UsageArgs("kpis"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out.substr(0, run.out.find('\n')),
            "Usage KPIs 2025-01-01 .. 2025-12-31 (365 days): 244 active users, 65,977 events, "
            "stickiness 22.5%");
  EXPECT_EQ(WordsOfLine(run.out, "Metric "), (std::vector<std::string>{"Metric", "Value"}));
  EXPECT_EQ(WordsOfLine(run.out, "Average MAU ").back(), "71.25") << run.out;
  EXPECT_EQ(WordsOfLine(run.out, "Events ").back(), "65,977") << run.out;
  EXPECT_EQ(WordsOfLine(run.out, "Stickiness (DAU / MAU) ").back(), "22.5%") << run.out;
}

TEST(KpisCommand, BadDatesExitTwoNamingTheOption) {
  ExpectUsageError(UsageArgs("kpis") + " --from 2024-13-01",
                   "--from '2024-13-01': expected YYYY-MM-DD");
  ExpectUsageError(UsageArgs("kpis") + " --to 2025-02-30",
                   "--to '2025-02-30': expected YYYY-MM-DD");
  ExpectUsageError(UsageArgs("kpis") + " --to 01/02/2025", "--to '01/02/2025'");
  ExpectUsageError(UsageArgs("kpis") + " --from 2025-06-01 --to 2025-05-01",
                   "--from 2025-06-01 is after --to 2025-05-01");
  // users parses its window with the same specs and says the same.
  ExpectUsageError(UsageArgs("users") + " --from 2024-13-01",
                   "--from '2024-13-01': expected YYYY-MM-DD (a valid calendar date)");
  ExpectUsageError(UsageArgs("users") + " --from 2025-06-01 --to 2025-05-01",
                   "--from 2025-06-01 is after --to 2025-05-01: the window would be empty");
}

// --------------------------------------------------------------------------------------- usage

TEST(UsageCommand, FeaturesJsonEqualsGoldenAndLibrary) {
  const json doc = JsonOf(RunGrowthLens(UsageArgs("usage") + " --format json"));
  auto golden = UsageGolden();
  const Dataset& dataset = SharedInputs::Get().Usage();
  const FeatureReport report = ComputeFeatureReport(UsageOf(dataset), UsageFilter());
  EXPECT_EQ(doc["view"], "features");
  EXPECT_EQ(doc["active_users"], std::stoull(golden["users"]));
  EXPECT_EQ(doc["events"], std::stoll(golden["total_events"]));
  const json& features = doc["features"];
  ASSERT_EQ(features.size(), report.features.size());
  for (size_t idx = 0; idx < features.size(); ++idx) {
    const json& feature = features[idx];
    const std::string name = feature["feature"];
    const std::string key = "feature." + name + ".";
    EXPECT_EQ(name, UsageOf(dataset).features[report.features[idx].feature]);  // most events first
    EXPECT_EQ(feature["events"], std::stoll(golden[key + "events"])) << name;
    EXPECT_EQ(feature["users"], std::stoull(golden[key + "users"])) << name;
    ExpectClose(feature["adoption"].get<double>(), Number(golden[key + "adoption"]),
                kGoldenTolerance, name);
    ExpectClose(feature["events_share"].get<double>(),
                Number(golden[key + "events"]) / Number(golden["total_events"]), kGoldenTolerance,
                name);
  }
}

TEST(UsageCommand, FeaturesCsvHeaderAndTableHeadline) {
  const CommandRun csv_run = RunGrowthLens(UsageArgs("usage") + " --view features --format csv");
  ASSERT_EQ(csv_run.exit_code, 0) << csv_run.err;
  const Csv csv = ParseCsv(csv_run.out);
  EXPECT_EQ(csv.header,
            (std::vector<std::string>{"feature", "events", "events_share", "users", "adoption"}));
  ASSERT_EQ(csv.rows.size(), 10u);
  EXPECT_EQ(csv.rows[0].at("feature"), "Dashboard");
  EXPECT_EQ(csv.rows[0].at("events"), "22033");
  EXPECT_EQ(csv.rows[0].at("users"), "230");

  const CommandRun table = RunGrowthLens(UsageArgs("usage"));
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_EQ(table.out.substr(0, table.out.find('\n')),
            "Feature usage 2025-01-01 .. 2025-12-31, all features, all users");
  EXPECT_NE(table.out.find("244 active users, 65,977 events in 10 features"), std::string::npos)
      << table.out;
}

TEST(UsageCommand, SeriesJsonIsLongAndEqualsLibrary) {
  const json doc =
      JsonOf(RunGrowthLens(UsageArgs("usage") + " --view series --period week --format json"));
  const Dataset& dataset = SharedInputs::Get().Usage();
  const FeatureSeries series =
      ComputeFeatureSeries(UsageOf(dataset), CohortPeriod::kWeek, UsageFilter());
  auto golden = UsageGolden();
  EXPECT_EQ(doc["period"], "week");
  EXPECT_EQ(doc["periods"], std::stoull(golden["weeks"]));
  const json& rows = doc["series"];
  ASSERT_EQ(rows.size(), series.buckets.size() * series.features.size());
  std::map<std::string, int64_t> events_per_feature;
  for (const json& row : rows) {
    const std::string name = row["feature"];
    const auto feature_idx = static_cast<size_t>(
        std::find(series.features.begin(), series.features.end(), FeatureCode(dataset, name)) -
        series.features.begin());
    ASSERT_LT(feature_idx, series.features.size()) << name;
    size_t bucket_idx = 0;
    while (bucket_idx < series.buckets.size() &&
           CohortBucketLabel(series.buckets[bucket_idx], CohortPeriod::kWeek) != row["period"])
      ++bucket_idx;
    ASSERT_LT(bucket_idx, series.buckets.size()) << row.dump();
    EXPECT_EQ(row["events"], series.events[feature_idx][bucket_idx]) << row.dump();
    EXPECT_EQ(row["users"], series.users[feature_idx][bucket_idx]) << row.dump();
    events_per_feature[name] += row["events"].get<int64_t>();
  }
  EXPECT_EQ(rows.front()["period"], "2024-12-30");  // the Monday of 2025-01-01's ISO week
  for (const auto& [name, events] : events_per_feature)
    EXPECT_EQ(events, std::stoll(golden["feature." + name + ".events"])) << name;

  const CommandRun csv = RunGrowthLens(UsageArgs("usage") + " --view series --format csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(ParseCsv(csv.out).header,
            (std::vector<std::string>{"period", "feature", "events", "users"}));
  EXPECT_EQ(ParseCsv(csv.out).rows.size(), 12u * 10u);  // months x features
}

TEST(UsageCommand, SeriesTableShowsTheLastPeriodsAndSaysSo) {
  const CommandRun run =
      RunGrowthLens(UsageArgs("usage") + " --view series --period week --max-periods 3");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("Showing the last 3 of 53 weeks"), std::string::npos) << run.out;
  EXPECT_EQ(
      WordsOfLine(run.out, "Feature "),
      (std::vector<std::string>{"Feature", "2025-12-15", "2025-12-22", "2025-12-29", "Total"}));
  const Dataset& dataset = SharedInputs::Get().Usage();
  const FeatureSeries series =
      ComputeFeatureSeries(UsageOf(dataset), CohortPeriod::kWeek, UsageFilter());
  const auto dashboard = static_cast<size_t>(
      std::find(series.features.begin(), series.features.end(), FeatureCode(dataset, "Dashboard")) -
      series.features.begin());
  ASSERT_LT(dashboard, series.features.size());
  const std::vector<int64_t>& weekly = series.events[dashboard];
  const std::vector<std::string> row = WordsOfLine(run.out, "Dashboard ");
  ASSERT_EQ(row.size(), 5u) << run.out;
  for (size_t shown = 0; shown < 3; ++shown)
    EXPECT_EQ(Count(row[1 + shown]), weekly[weekly.size() - 3 + shown]) << row[1 + shown];
  EXPECT_EQ(row.back(), "22,033");  // the total is over every week, as the golden
}

TEST(UsageCommand, EngagementJsonEqualsLibrary) {
  const json doc = JsonOf(RunGrowthLens(UsageArgs("usage") + " --view engagement --format json"));
  const Dataset& dataset = SharedInputs::Get().Usage();
  const FeatureReport report = ComputeFeatureReport(UsageOf(dataset), UsageFilter());
  const json& features = doc["features"];
  ASSERT_EQ(features.size(), report.features.size());
  double previous_breadth = 1.0;
  for (const json& feature : features) {
    const std::string name = feature["feature"];
    const auto stats = std::find_if(report.features.begin(), report.features.end(),
                                    [&](const FeatureStats& entry) {
                                      return UsageOf(dataset).features[entry.feature] == name;
                                    });
    ASSERT_NE(stats, report.features.end()) << name;
    EXPECT_EQ(feature["users"], stats->users) << name;
    EXPECT_DOUBLE_EQ(feature["breadth"].get<double>(), stats->breadth) << name;
    EXPECT_DOUBLE_EQ(feature["frequency"].get<double>(), stats->frequency) << name;
    EXPECT_DOUBLE_EQ(feature["events_per_user"].get<double>(),
                     static_cast<double>(stats->events) / static_cast<double>(stats->users));
    EXPECT_LE(feature["breadth"].get<double>(), previous_breadth) << "widest reach first";
    previous_breadth = feature["breadth"].get<double>();
  }
  EXPECT_EQ(features[0]["feature"], "Dashboard");
}

TEST(UsageCommand, CorrelationJsonAndCsvEqualLibrary) {
  const json doc = JsonOf(RunGrowthLens(UsageArgs("usage") + " --view correlation --format json"));
  const Dataset& dataset = SharedInputs::Get().Usage();
  const auto matrix = FeatureCorrelation(UsageOf(dataset), UsageFilter());
  const std::vector<std::string> names = doc["features"];
  ASSERT_EQ(names.size(), 10u);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(doc["users"], 244);
  for (size_t row = 0; row < names.size(); ++row)
    for (size_t column = 0; column < names.size(); ++column)
      ExpectClose(doc["matrix"][row][column].get<double>(),
                  matrix[FeatureCode(dataset, names[row])][FeatureCode(dataset, names[column])],
                  kLibraryTolerance, names[row] + " x " + names[column]);

  const CommandRun csv_run = RunGrowthLens(UsageArgs("usage") +
                                           " --view correlation --format csv --features "
                                           "Search,API");
  ASSERT_EQ(csv_run.exit_code, 0) << csv_run.err;
  const Csv csv = ParseCsv(csv_run.out);
  EXPECT_EQ(csv.header, (std::vector<std::string>{"feature", "API", "Search"}));
  ASSERT_EQ(csv.rows.size(), 2u);
  UsageFilter two;
  two.features = {FeatureCode(dataset, "Search"), FeatureCode(dataset, "API")};
  const auto restricted = FeatureCorrelation(UsageOf(dataset), two);
  EXPECT_EQ(csv.rows[0].at("API"), "1");
  ExpectClose(Number(csv.rows[0].at("Search")),
              restricted[FeatureCode(dataset, "API")][FeatureCode(dataset, "Search")],
              kLibraryTolerance, "API x Search");
}

TEST(UsageCommand, FiltersEqualTheLibraryFilter) {
  const Dataset& dataset = SharedInputs::Get().Usage();
  // A segment file as `rfm --view users --format csv` writes it, with an id not in the data.
  const std::string segment =
      SharedInputs::Get().Write("segment.csv", "id,recency\n2,10\n5,3\n\"7\",1\nghost,4\n");
  const CommandRun run =
      RunGrowthLens("usage " + SharedInputs::UsageCsv() +
                    " --format json --from 2025-03-01 --to 2025-10-31 --features Search,Reports "
                    "--features Dashboard --users 8 --users-file " +
                    segment);
  const json doc = JsonOf(run);
  EXPECT_NE(run.err.find("1 of the 4 ids in " + segment + " are not users"), std::string::npos)
      << run.err;
  EXPECT_EQ(doc["filters"]["from"], "2025-03-01");
  EXPECT_EQ(doc["filters"]["to"], "2025-10-31");
  EXPECT_EQ(doc["filters"]["features"], json({"Search", "Reports", "Dashboard"}));
  EXPECT_EQ(doc["filters"]["users"], 4);

  UsageFilter filter;
  filter.from = DaysFromCivil(2025, 3, 1);
  filter.to = DaysFromCivil(2025, 10, 31);
  filter.features = {FeatureCode(dataset, "Search"), FeatureCode(dataset, "Reports"),
                     FeatureCode(dataset, "Dashboard")};
  std::vector<uint8_t> users(dataset.users().size(), 0);
  for (const char* id : {"2", "5", "7", "8"}) users[*dataset.users().Find(id)] = 1;
  filter.users = &users;
  const FeatureReport report = ComputeFeatureReport(UsageOf(dataset), filter);
  ASSERT_GT(report.active_users, 0u);
  EXPECT_EQ(doc["active_users"], report.active_users);
  ASSERT_EQ(doc["features"].size(), report.features.size());
  for (size_t idx = 0; idx < report.features.size(); ++idx) {
    EXPECT_EQ(doc["features"][idx]["feature"],
              UsageOf(dataset).features[report.features[idx].feature]);
    EXPECT_EQ(doc["features"][idx]["events"], report.features[idx].events);
    EXPECT_EQ(doc["features"][idx]["users"], report.features[idx].users);
  }
}

TEST(UsageCommand, RefusesATransactionsFile) {
  const CommandRun run = RunGrowthLens(RetailArgs("usage"));
  EXPECT_EQ(run.exit_code, kUsageError);
  EXPECT_NE(run.err.find("is a transactions file, and usage needs a usage log"), std::string::npos)
      << run.err;
  EXPECT_TRUE(run.out.empty()) << run.out;
}

TEST(UsageCommand, BadOptionsExitTwoNamingTheOption) {
  const std::string usage = UsageArgs("usage");
  ExpectUsageError(usage + " --view funnel",
                   "--view 'funnel': expected one of features, series, engagement, correlation");
  ExpectUsageError(usage + " --view series --period year", "--period 'year'");
  ExpectUsageError(usage + " --view series --max-periods -3", "--max-periods '-3'");
  ExpectUsageError(usage + " --from 2025-1-1", "--from '2025-1-1': expected YYYY-MM-DD");
  ExpectUsageError(usage + " --features Search,Teleport", "--features 'Teleport': no such feature");
  ExpectUsageError(usage + " --users 2,nobody", "--users 'nobody': no such user");
  const std::string strangers = SharedInputs::Get().Write("strangers.txt", "user_id\nx\ny\n");
  ExpectUsageError(usage + " --users-file " + strangers, "none of its 2 ids is a user");
}

// ------------------------------------------------------------------------------------- revenue

TEST(RevenueCommand, MonthlyJsonEqualsGolden) {
  const json doc = JsonOf(RunGrowthLens(RetailArgs("revenue") + " --format json"));
  const Csv golden = GoldenCsv("online_retail_monthly.csv");
  const json& months = doc["months"];
  ASSERT_EQ(months.size(), golden.rows.size());
  for (size_t idx = 0; idx < months.size(); ++idx) {
    const auto& expected = golden.rows[idx];
    const std::string month = expected.at("month");
    EXPECT_EQ(months[idx]["month"], month);
    EXPECT_EQ(months[idx]["orders"], std::stoull(expected.at("orders"))) << month;
    EXPECT_EQ(months[idx]["customers"], std::stoull(expected.at("customers"))) << month;
    for (const char* key : {"revenue", "aov", "new_revenue", "returning_revenue"})
      ExpectClose(months[idx][key].get<double>(), Number(expected.at(key)), kGoldenTolerance,
                  month + " " + key);
  }
  ExpectClose(doc["revenue"].get<double>(), 8373716.734, kGoldenTolerance, "total revenue");
  // The data ends on 9 December 2011: the last month is flagged partial, the others whole.
  for (size_t idx = 0; idx + 1 < months.size(); ++idx) EXPECT_FALSE(months[idx]["partial"]);
  EXPECT_TRUE(months.back()["partial"].get<bool>());
  EXPECT_EQ(months.back()["days_in_data"], 9);
  EXPECT_EQ(months.back()["days"], 31);
  EXPECT_EQ(doc["window"],
            json::parse(R"({"from":"2010-12-01","to":"2011-12-09","all_time":true})"));
}

TEST(RevenueCommand, CountriesCsvHeaderAndGolden) {
  const CommandRun run = RunGrowthLens(RetailArgs("revenue") + " --view countries --format csv");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const Csv csv = ParseCsv(run.out);
  EXPECT_EQ(csv.header, (std::vector<std::string>{"country", "revenue", "revenue_share", "orders",
                                                  "customers"}));
  const Csv golden = GoldenCsv("online_retail_countries.csv");
  ASSERT_EQ(csv.rows.size(), golden.rows.size());
  double shares = 0;
  for (size_t idx = 0; idx < csv.rows.size(); ++idx) {
    const auto& expected = golden.rows[idx];
    EXPECT_EQ(csv.rows[idx].at("country"), expected.at("country"));
    ExpectClose(Number(csv.rows[idx].at("revenue")), Number(expected.at("revenue")),
                kGoldenTolerance, expected.at("country"));
    EXPECT_EQ(csv.rows[idx].at("orders"), expected.at("orders"));
    EXPECT_EQ(csv.rows[idx].at("customers"), expected.at("customers"));
    shares += Number(csv.rows[idx].at("revenue_share"));
  }
  EXPECT_NEAR(shares, 1.0, kGoldenTolerance);
}

TEST(RevenueCommand, ProductsJsonParetoEqualsGolden) {
  const json doc = JsonOf(RunGrowthLens(RetailArgs("revenue") + " --view products --format json"));
  auto golden = testing::ReadGolden(testing::GoldenPath("online_retail_pareto.golden"));
  EXPECT_EQ(doc["product_count"], std::stoull(golden["products"]));
  EXPECT_EQ(doc["top_count"], std::stoull(golden["products.top20_count"]));
  ExpectClose(doc["top_share"].get<double>(), Number(golden["products.top20_revenue_share"]),
              kGoldenTolerance, "top 20% products");
  ExpectClose(doc["top_customer_share"].get<double>(),
              Number(golden["customers.top20_revenue_share"]), kGoldenTolerance,
              "top 20% customers");
  const json& products = doc["products"];
  ASSERT_EQ(products.size(), std::stoull(golden["products"]));
  EXPECT_EQ(products.front()["stock_code"], golden["products.top1_stock_code"]);
  ExpectClose(products.front()["revenue"].get<double>(), Number(golden["products.top1_revenue"]),
              kGoldenTolerance, "top product");
  EXPECT_EQ(products.back()["stock_code"], golden["products.last_stock_code"]);
}

TEST(RevenueCommand, RefusesAUsageLogAndBadViews) {
  const CommandRun run = RunGrowthLens(UsageArgs("revenue"));
  EXPECT_EQ(run.exit_code, kUsageError);
  EXPECT_NE(run.err.find("is a usage log, and revenue needs transactions"), std::string::npos)
      << run.err;
  ExpectUsageError(RetailArgs("revenue") + " --view weekly", "--view 'weekly'");
}

// ----------------------------------------------------------------------------------------- rfm

std::string SegmentKey(const std::string& segment) {
  std::string key = segment;
  std::replace(key.begin(), key.end(), ' ', '_');
  return key;
}

TEST(RfmCommand, UsageSegmentsJsonEqualsGolden) {
  auto golden = UsageGolden();
  for (const std::string ties : {"first", "shared"}) {
    const json doc = JsonOf(RunGrowthLens(UsageArgs("rfm") + " --format json --ties " + ties));
    EXPECT_EQ(doc["reference_day"], golden["rfm.reference_day"]);
    EXPECT_EQ(doc["total_users"], std::stoull(golden["rfm.users"]));
    const json& segments = doc["segments"];
    ASSERT_EQ(segments.size(), 11u);
    const std::string prefix = ties == "first" ? "rfm.segment." : "rfm.shared.segment.";
    for (const json& segment : segments) {
      const std::string key = prefix + SegmentKey(segment["segment"]);
      ASSERT_TRUE(golden.count(key)) << key;
      EXPECT_EQ(segment["users"], std::stoull(golden[key])) << key;
      if (ties != "first") continue;  // the golden has means for the default scores only
      for (const char* field :
           {"share", "mean_recency", "mean_frequency", "mean_monetary", "monetary_share"}) {
        const std::string json_field = std::string(field) == "share" ? "user_share" : field;
        ExpectClose(segment[json_field].get<double>(), Number(golden[key + "." + field]),
                    kGoldenTolerance, key + "." + field);
      }
    }
  }
}

TEST(RfmCommand, UsersCsvEqualsTheGoldenSample) {
  const CommandRun run = RunGrowthLens(RetailArgs("rfm") + " --view users --format csv");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const Csv csv = ParseCsv(run.out);
  EXPECT_EQ(csv.header, (std::vector<std::string>{"id", "recency", "frequency", "monetary", "r",
                                                  "f", "m", "rfm", "segment"}));
  std::map<std::string, const std::map<std::string, std::string>*> by_id;
  for (const auto& row : csv.rows) by_id[row.at("id")] = &row;
  EXPECT_EQ(by_id.size(), 4327u);  // 11 customers had every purchase cancelled (netting)
  const Csv golden = GoldenCsv("online_retail_rfm_sample.csv");
  for (const auto& expected : golden.rows) {
    const std::string id = expected.at("customer_id");
    ASSERT_TRUE(by_id.count(id)) << id;
    const auto& row = *by_id[id];
    for (const char* key : {"recency", "frequency", "r", "f", "m", "segment"})
      EXPECT_EQ(row.at(key), expected.at(key)) << id << " " << key;
    ExpectClose(Number(row.at("monetary")), Number(expected.at("monetary")), kGoldenTolerance, id);
    EXPECT_EQ(row.at("rfm"), expected.at("r") + expected.at("f") + expected.at("m")) << id;
  }
}

TEST(RfmCommand, BadOptionsExitTwoNamingTheOption) {
  ExpectUsageError(UsageArgs("rfm") + " --ties random", "--ties 'random'");
  ExpectUsageError(UsageArgs("rfm") + " --view cells", "--view 'cells'");
  ExpectUsageError(UsageArgs("rfm") + " --reference-date 2025-02-30",
                   "--reference-date '2025-02-30'");
}

// ------------------------------------------------------------------------------------- cohorts

/// A golden average curve point: null where the golden says no cohort observes the period.
void ExpectAverage(const json& actual, const std::string& expected, const std::string& what) {
  if (expected == "unobserved")
    EXPECT_TRUE(actual.is_null()) << what << ": " << actual;
  else
    ExpectClose(actual.get<double>(), Number(expected), kGoldenTolerance, what);
}

TEST(CohortsCommand, RetailJsonEqualsGolden) {
  const Csv golden = GoldenCsv("online_retail_cohorts.csv");
  const json counts =
      JsonOf(RunGrowthLens(RetailArgs("cohorts") + " --values count --format json"));
  const json after = JsonOf(
      RunGrowthLens(RetailArgs("cohorts") + " --values count --mode on-or-after --format json"));
  const json shares = JsonOf(RunGrowthLens(RetailArgs("cohorts") + " --format json"));
  std::map<std::string, size_t> cohort_idx;
  for (size_t idx = 0; idx < counts["cohorts"].size(); ++idx)
    cohort_idx[counts["cohorts"][idx]["cohort"].get<std::string>()] = idx;
  EXPECT_EQ(cohort_idx.size(), 13u);
  for (const auto& expected : golden.rows) {
    const std::string cohort = expected.at("cohort");
    ASSERT_TRUE(cohort_idx.count(cohort)) << cohort;
    const size_t idx = cohort_idx[cohort];
    const size_t period = std::stoul(expected.at("period"));
    const std::string where = cohort + " period " + expected.at("period");
    EXPECT_EQ(counts["cohorts"][idx]["size"], std::stoull(expected.at("cohort_size"))) << where;
    EXPECT_EQ(counts["cohorts"][idx]["values"][period],
              std::stoull(expected.at("active_customers")))
        << where;
    EXPECT_EQ(after["cohorts"][idx]["values"][period],
              std::stoull(expected.at("on_or_after_customers")))
        << where;
    ExpectClose(shares["cohorts"][idx]["values"][period].get<double>(),
                Number(expected.at("retention")), kGoldenTolerance, where);
  }
  const Csv average = GoldenCsv("online_retail_cohort_average.csv");
  ASSERT_EQ(shares["average"].size(), average.rows.size());
  for (const auto& expected : average.rows) {
    const size_t period = std::stoul(expected.at("period"));
    ExpectAverage(shares["average"][period], expected.at("retention_weighted"),
                  "average " + expected.at("period"));
    ExpectAverage(after["average"][period], expected.at("retention_on_or_after_weighted"),
                  "on-or-after average " + expected.at("period"));
  }
  // First-purchase cohorts start inside the data; December 2011 (9 of 31 days) is partial: each
  // cohort's cell in it is flagged, and the notes say why the average leaves it out.
  for (size_t idx = 0; idx < shares["cohorts"].size(); ++idx) {
    const json& cohort = shares["cohorts"][idx];
    EXPECT_FALSE(cohort["left_censored"].get<bool>());
    EXPECT_EQ(cohort["partial_periods"], json::array({12 - idx})) << cohort["cohort"];
  }
  EXPECT_EQ(shares["partial_periods"],
            json::parse(R"([{"period":"2011-12","days_in_data":9,"days":31}])"));
  ASSERT_EQ(shares["notes"].size(), 1u);
  EXPECT_NE(shares["notes"][0].get<std::string>().find("2011-12 in part (9 of its 31 days)"),
            std::string::npos)
      << shares["notes"];
  EXPECT_EQ(shares["window"]["all_time"], true);
}

TEST(CohortsCommand, UsageSignupCohortsEqualGoldenAndCsvHeader) {
  auto golden = UsageGolden();
  const json doc = JsonOf(RunGrowthLens(UsageArgs("cohorts") + " --values count --format json"));
  ASSERT_EQ(doc["cohorts"].size(), std::stoull(golden["cohorts"]));
  size_t unobserved = 0;
  for (const json& cohort : doc["cohorts"]) {
    const std::string key = "cohort." + cohort["cohort"].get<std::string>();
    EXPECT_EQ(cohort["size"], std::stoull(golden[key + ".size"])) << key;
    // Signup months before the data: null (unobserved) up to the first observed period, not 0.
    const size_t first = std::stoul(golden[key + ".first_observed_period"]);
    const json& values = cohort["values"];
    for (size_t period = 0; period < values.size(); ++period)
      EXPECT_EQ(values[period].is_null(), period < first) << key << " period " << period;
    unobserved += std::min(first, values.size());
    EXPECT_EQ(cohort["left_censored"].get<bool>(), golden[key + ".left_censored"] == "1") << key;
    if (golden.count(key + ".month1_active")) {
      EXPECT_EQ(values[1], std::stoull(golden[key + ".month1_active"])) << key;
    }
  }
  EXPECT_GE(unobserved, 50u);  // 2024 signups, data from 2025-01

  const json shares = JsonOf(RunGrowthLens(UsageArgs("cohorts") + " --format json"));
  const json after =
      JsonOf(RunGrowthLens(UsageArgs("cohorts") + " --mode on-or-after --format json"));
  EXPECT_TRUE(shares["cohorts"][0]["values"][0].is_null()) << shares["cohorts"][0];  // 2024-01
  EXPECT_TRUE(after["cohorts"][0]["values"][0].is_null()) << after["cohorts"][0];
  ASSERT_EQ(shares["average"].size(), 24u);  // 2024-01 .. 2025-12
  ASSERT_EQ(after["average"].size(), 24u);
  for (size_t period = 0; period < shares["average"].size(); ++period) {
    const std::string n = std::to_string(period);
    ExpectAverage(shares["average"][period], golden["cohort_average." + n], "average " + n);
    ExpectAverage(after["average"][period], golden["cohort_average_on_or_after." + n],
                  "on-or-after average " + n);
  }

  const CommandRun csv_run = RunGrowthLens(UsageArgs("cohorts") + " --max-periods 3 --format csv");
  ASSERT_EQ(csv_run.exit_code, 0) << csv_run.err;
  const Csv csv = ParseCsv(csv_run.out);
  EXPECT_EQ(csv.header,
            (std::vector<std::string>{"cohort", "size", "left_censored", "partial_periods",
                                      "period_0", "period_1", "period_2"}));
  ASSERT_EQ(csv.rows.size(), std::stoull(golden["cohorts"]) + 1);
  EXPECT_EQ(csv.rows.front().at("cohort"), "2024-01");
  EXPECT_EQ(csv.rows.front().at("period_0"), "");           // unobserved: blank, not 0
  EXPECT_EQ(csv.rows.front().at("left_censored"), "true");  // 2024-01: before the data
  EXPECT_EQ(csv.rows.back().at("cohort"), "average");
  // The average row's size: the users of the cohorts it averages (not those before the data).
  EXPECT_EQ(csv.rows.back().at("size"), golden["cohort_average_users"]);
  const json notes = JsonOf(RunGrowthLens(UsageArgs("cohorts") + " --format json"))["notes"];
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].get<std::string>().find("started before the data does"), std::string::npos)
      << notes;
  ExpectClose(Number(csv.rows.back().at("period_1")), Number(golden["cohort_average.1"]),
              kGoldenTolerance, "csv average 1");
}

TEST(CohortsCommand, BadOptionsExitTwoNamingTheOption) {
  ExpectUsageError(UsageArgs("cohorts") + " --period year", "--period 'year'");
  ExpectUsageError(UsageArgs("cohorts") + " --mode sideways", "--mode 'sideways'");
  ExpectUsageError(UsageArgs("cohorts") + " --values revenue",
                   "--values revenue needs transactions");
}

TEST(UsageCommand, SegmentFilterKeepsTheUsersOfThoseRfmSegments) {
  // The segment's users and events (RFM monetary of a usage log) from the rfm command.
  const json rfm = JsonOf(RunGrowthLens(UsageArgs("rfm") + " --format json"));
  int64_t users = 0;
  double events = 0;
  for (const auto& segment : rfm["segments"])
    if (segment["segment"] == "Can't Lose Them" || segment["segment"] == "At Risk") {
      users += segment["users"].get<int64_t>();
      events += segment["mean_monetary"].get<double>() * segment["users"].get<double>();
    }
  const json usage = JsonOf(
      RunGrowthLens(UsageArgs("usage") + " --segment \"can't lose them,AT-RISK\" --format json"));
  EXPECT_EQ(usage["active_users"].get<int64_t>(), users) << usage.dump();
  int64_t total = 0;
  for (const auto& feature : usage["features"]) total += feature["events"].get<int64_t>();
  EXPECT_NEAR(static_cast<double>(total), events, 1e-6);
  ExpectUsageError(UsageArgs("usage") + " --segment Whales", "--segment 'Whales': expected one of");
}

// ---- analyze and insights ---------------------------------------------------------------

TEST(AnalyzeCommand, WritesEveryTableAndAReportThatAgreeWithTheGolden) {
  const std::filesystem::path dir = SharedInputs::Get().dir() / "analyze_usage";
  const CommandRun run = RunGrowthLens(UsageArgs("analyze") + " --output-dir " + dir.string());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto golden = UsageGolden();
  const std::string stem = std::filesystem::path(SharedInputs::UsageCsv()).stem().string();
  for (const char* table :
       {"users", "segments", "rfm_grid", "cohort_retention", "cohort_counts", "insights",
        "lifecycle", "stickiness", "features", "feature_series", "feature_correlation"})
    EXPECT_TRUE(std::filesystem::exists(dir / (stem + "_" + table + ".csv"))) << table;
  const Csv users = ParseCsv(ReadFile(dir / (stem + "_users.csv")));
  EXPECT_EQ(users.rows.size(), static_cast<size_t>(Number(golden.at("users"))));
  const Csv features = ParseCsv(ReadFile(dir / (stem + "_features.csv")));
  for (const auto& row : features.rows)
    EXPECT_EQ(row.at("events"), golden.at("feature." + row.at("feature") + ".events"));
  const json report = json::parse(ReadFile(dir / (stem + "_analysis.json")));
  EXPECT_EQ(report["kind"], "usage");
  EXPECT_EQ(report["kpis"]["events"].get<int64_t>(),
            static_cast<int64_t>(Number(golden.at("total_events"))));
  EXPECT_EQ(report["cleaning"]["rows_kept"].get<int64_t>(),
            static_cast<int64_t>(Number(golden.at("rows"))));
  int64_t segment_users = 0;
  for (const auto& segment : report["segments"]) segment_users += segment["users"].get<int64_t>();
  EXPECT_EQ(segment_users, static_cast<int64_t>(Number(golden.at("users"))));
  // A count, not one row per user: those live in the CSV only.
  EXPECT_EQ(report["users"].get<int64_t>(), static_cast<int64_t>(Number(golden.at("users"))));
  EXPECT_NE(run.out.find("Insights"), std::string::npos) << run.out;
  ExpectUsageError(UsageArgs("analyze") + " --cohort-period year", "--cohort-period 'year'");
  ExpectUsageError(UsageArgs("analyze") + " --format csv", "--format csv");
}

TEST(InsightsCommand, JsonValuesComeFromTheData) {
  const auto golden = UsageGolden();
  const json usage = JsonOf(RunGrowthLens(UsageArgs("insights") + " --format json"));
  std::map<std::string, json> by_key;
  for (const auto& insight : usage["insights"]) by_key[insight["key"]] = insight;
  ASSERT_TRUE(by_key.count("most_used_feature"));
  ExpectClose(by_key["most_used_feature"]["value"].get<double>(),
              Number(golden.at("feature.Dashboard.events")) / Number(golden.at("total_events")),
              kGoldenTolerance, "most used share");
  ExpectClose(by_key["lowest_adoption_feature"]["value"].get<double>(),
              Number(golden.at("feature.Integrations.adoption")), kGoldenTolerance,
              "lowest adoption");
  const json retail = JsonOf(RunGrowthLens(RetailArgs("insights") + " --format json"));
  const auto pareto = testing::ReadGolden(testing::GoldenPath("online_retail_pareto.golden"));
  bool found = false;
  for (const auto& insight : retail["insights"])
    if (insight["key"] == "top_20_percent_share") {
      found = true;
      ExpectClose(insight["value"].get<double>(),
                  Number(pareto.at("customers.top20_revenue_share")), kGoldenTolerance,
                  "top 20% customers");
    }
  EXPECT_TRUE(found) << retail.dump();
}

}  // namespace
}  // namespace growthlens
