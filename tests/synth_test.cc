// Tests of the synthetic data generator: determinism, schema, and the behavioural structure
// (personas, adoption, seasonality, churn, retail dirt) that the analyses downstream rely on.
// The CSV is parsed here with a small RFC 4180 reader of our own so that these tests do not
// depend on the engine's reader.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/date.h"
#include "synth/alias_table.h"
#include "synth/output_sink.h"
#include "synth/random.h"
#include "synth/transaction_generator.h"
#include "synth/usage_generator.h"
#include "synth_test_support.h"

namespace growthlens::synth {
namespace {

std::string GenerateUsageText(const UsageGeneratorOptions& options) {
  StringSink sink;
  const Result<GenerationSummary> summary = GenerateUsageLog(options, sink);
  EXPECT_TRUE(summary.ok()) << summary.status().message();
  return sink.contents();
}

std::string GenerateTransactionText(const TransactionGeneratorOptions& options) {
  StringSink sink;
  const Result<GenerationSummary> summary = GenerateTransactions(options, sink);
  EXPECT_TRUE(summary.ok()) << summary.status().message();
  return sink.contents();
}

// ---------------------------------------------------------------------------------------------
// Usage log

constexpr int64_t kUsageTestUsers = 5000;

struct UsageRow {
  int64_t user = 0;
  Day signup = 0;
  Day event = 0;
  std::string feature;
  int64_t events = 0;
};

std::vector<UsageRow> ParseUsage(std::string_view text) {
  std::vector<Record> records = ParseCsv(text);
  EXPECT_FALSE(records.empty());
  EXPECT_EQ(records.front(),
            (Record{"user_id", "signup_date", "event_date", "feature_name", "events_count"}));
  std::vector<UsageRow> rows;
  rows.reserve(records.size());
  for (size_t record_idx = 1; record_idx < records.size(); ++record_idx) {
    const Record& record = records[record_idx];
    EXPECT_EQ(record.size(), 5u) << "row " << record_idx;
    if (record.size() != 5) continue;
    const std::optional<Day> signup = ParseIsoDate(record[1]);
    const std::optional<Day> event = ParseIsoDate(record[2]);
    EXPECT_TRUE(signup && event) << "row " << record_idx << ": " << record[1] << " " << record[2];
    if (!signup || !event) continue;
    rows.push_back({std::stoll(record[0]), *signup, *event, record[3], std::stoll(record[4])});
  }
  return rows;
}

/// The default run (5,000 users, 2025), generated and parsed once for the structure tests.
const std::vector<UsageRow>& DefaultUsageRows() {
  static const std::vector<UsageRow> rows = [] {
    UsageGeneratorOptions options;
    options.users = kUsageTestUsers;
    return ParseUsage(GenerateUsageText(options));
  }();
  return rows;
}

TEST(UsageGeneratorTest, SameSeedGivesSameBytesAndOtherSeedsDiffer) {
  UsageGeneratorOptions options;
  options.users = 1500;
  const std::string first = GenerateUsageText(options);
  EXPECT_EQ(first, GenerateUsageText(options));
  options.seed = 43;
  EXPECT_NE(first, GenerateUsageText(options));
}

TEST(UsageGeneratorTest, ThreadCountDoesNotChangeBytes) {
  UsageGeneratorOptions options;
  options.users = 3500;  // several blocks, the last one partial
  options.threads = 1;
  const std::string serial = GenerateUsageText(options);
  for (const int threads : {2, 3, 8}) {
    options.threads = threads;
    EXPECT_EQ(serial, GenerateUsageText(options)) << threads << " threads";
  }
}

/// A row's fields as one comparable line, for comparing the rows of two orders as multisets.
std::vector<std::string> SortedLines(std::string_view text) {
  std::vector<std::string> lines;
  size_t begin = text.find('\n') + 1;  // after the header
  while (begin < text.size()) {
    const size_t end = text.find('\n', begin);
    lines.emplace_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

TEST(UsageGeneratorTest, OrdersHoldTheSameRowsAndDoNotDependOnThreads) {
  UsageGeneratorOptions options;
  options.users = 3500;  // about 150k rows: several row blocks and shuffle buckets
  const std::string by_user = GenerateUsageText(options);
  const std::vector<std::string> user_lines = SortedLines(by_user);
  for (const RowOrder order : {RowOrder::kTime, RowOrder::kShuffled}) {
    options.order = order;
    options.threads = 1;
    const std::string serial = GenerateUsageText(options);
    EXPECT_EQ(serial.substr(0, serial.find('\n') + 1), kUsageLogHeader);
    EXPECT_NE(serial, by_user) << RowOrderName(order);
    EXPECT_EQ(SortedLines(serial), user_lines) << RowOrderName(order);
    for (const int threads : {2, 3, 8}) {
      options.threads = threads;
      EXPECT_EQ(serial, GenerateUsageText(options)) << RowOrderName(order) << threads;
    }
  }
  options.order = RowOrder::kShuffled;
  options.seed = 43;
  UsageGeneratorOptions other_seed_by_user = options;
  other_seed_by_user.order = RowOrder::kUser;
  EXPECT_EQ(SortedLines(GenerateUsageText(options)),
            SortedLines(GenerateUsageText(other_seed_by_user)));
}

TEST(UsageGeneratorTest, TimeOrderIsByDateThenUserAndShuffledIsNeither) {
  UsageGeneratorOptions options;
  options.users = 2000;
  options.order = RowOrder::kTime;
  const std::vector<UsageRow> by_time = ParseUsage(GenerateUsageText(options));
  ASSERT_FALSE(by_time.empty());
  for (size_t idx = 1; idx < by_time.size(); ++idx) {
    const UsageRow& before = by_time[idx - 1];
    const UsageRow& after = by_time[idx];
    ASSERT_TRUE(before.event < after.event ||
                (before.event == after.event && before.user <= after.user))
        << "row " << idx;
  }
  options.order = RowOrder::kShuffled;
  const std::vector<UsageRow> shuffled = ParseUsage(GenerateUsageText(options));
  size_t date_steps_back = 0, user_changes = 0;
  for (size_t idx = 1; idx < shuffled.size(); ++idx) {
    date_steps_back += shuffled[idx].event < shuffled[idx - 1].event ? 1 : 0;
    user_changes += shuffled[idx].user != shuffled[idx - 1].user ? 1 : 0;
  }
  // In a random order about half the neighbours step back in time and nearly all differ
  // in user; grouped or time-ordered rows would give none or few.
  EXPECT_GT(date_steps_back, shuffled.size() / 3);
  EXPECT_GT(user_changes, shuffled.size() * 9 / 10);
}

TEST(UsageGeneratorTest, OrderNamesRoundTrip) {
  for (const RowOrder order : {RowOrder::kUser, RowOrder::kTime, RowOrder::kShuffled}) {
    EXPECT_EQ(ParseRowOrder(RowOrderName(order)), order);
  }
  EXPECT_FALSE(ParseRowOrder("random").has_value());
}

TEST(UsageGeneratorTest, RowsFollowTheSchema) {
  const std::vector<UsageRow>& rows = DefaultUsageRows();
  const std::vector<std::string> names = DefaultFeatureNames();
  const std::set<std::string> features(names.begin(), names.end());
  for (const UsageRow& row : rows) {
    ASSERT_GE(row.user, 1);
    ASSERT_LE(row.user, kUsageTestUsers);
    ASSERT_GE(row.events, 1);
    ASSERT_TRUE(features.contains(row.feature)) << row.feature;
  }
  // Grouped by user, dates ascending within a user, one row per (user, day, feature).
  for (size_t row_idx = 1; row_idx < rows.size(); ++row_idx) {
    const UsageRow& previous = rows[row_idx - 1];
    const UsageRow& current = rows[row_idx];
    ASSERT_LE(previous.user, current.user);
    if (previous.user == current.user) {
      ASSERT_EQ(previous.signup, current.signup);
      ASSERT_LE(previous.event, current.event);
      if (previous.event == current.event) {
        ASSERT_NE(previous.feature, current.feature);
      }
    }
  }
}

TEST(UsageGeneratorTest, AboutFortyFiveRowsPerUser) {
  // The benchmark size (200,000 users -> about 9M rows, 350 MB) rests on this average.
  const double rows_per_user =
      static_cast<double>(DefaultUsageRows().size()) / static_cast<double>(kUsageTestUsers);
  EXPECT_GT(rows_per_user, 38.0);
  EXPECT_LT(rows_per_user, 52.0);
}

TEST(UsageGeneratorTest, EventsStayInThePeriodAndAfterSignup) {
  UsageGeneratorOptions options;
  options.users = 2000;
  options.start = DaysFromCivil(2024, 2, 10);  // a leap year, a short odd period
  options.end = DaysFromCivil(2024, 5, 3);
  const std::vector<UsageRow> rows = ParseUsage(GenerateUsageText(options));
  ASSERT_FALSE(rows.empty());
  bool signup_before_period = false;
  for (const UsageRow& row : rows) {
    ASSERT_GE(row.event, options.start);
    ASSERT_LE(row.event, options.end);
    ASSERT_GE(row.event, row.signup) << "user " << row.user;
    ASSERT_LE(row.signup, options.end);
    signup_before_period |= row.signup < options.start;
  }
  EXPECT_TRUE(signup_before_period) << "some users should predate the period";
}

TEST(UsageGeneratorTest, PowerUsersCarryMostEvents) {
  std::unordered_map<int64_t, int64_t> events_by_user;
  int64_t total = 0;
  for (const UsageRow& row : DefaultUsageRows()) {
    events_by_user[row.user] += row.events;
    total += row.events;
  }
  std::vector<int64_t> events;
  for (const auto& [user, count] : events_by_user) events.push_back(count);
  std::sort(events.rbegin(), events.rend());
  const size_t top_decile = events.size() / 10;
  const int64_t top =
      std::accumulate(events.begin(), events.begin() + static_cast<long>(top_decile), int64_t{0});
  const double top_share = static_cast<double>(top) / static_cast<double>(total);
  EXPECT_GT(top_share, 0.40);
  EXPECT_LT(top_share, 0.90) << "one persona should not be everything";
}

TEST(UsageGeneratorTest, CoreFeatureIsAdoptedWidelyAndApiRarely) {
  std::map<std::string, std::unordered_set<int64_t>> users_by_feature;
  std::unordered_set<int64_t> users;
  for (const UsageRow& row : DefaultUsageRows()) {
    users_by_feature[row.feature].insert(row.user);
    users.insert(row.user);
  }
  auto adoption = [&](const std::string& feature) {
    return static_cast<double>(users_by_feature[feature].size()) /
           static_cast<double>(users.size());
  };
  EXPECT_GT(adoption("Dashboard"), 0.70);
  EXPECT_LT(adoption("API"), 0.15);
  EXPECT_LT(adoption("Integrations"), 0.15);
  EXPECT_GT(adoption("API"), 0.005) << "niche, but present";
  for (const std::string& feature : DefaultFeatureNames()) {
    EXPECT_GE(adoption("Dashboard"), adoption(feature)) << feature;
  }
}

TEST(UsageGeneratorTest, WeekendsAreQuieter) {
  std::map<Day, int64_t> rows_by_day;
  for (const UsageRow& row : DefaultUsageRows()) ++rows_by_day[row.event];
  double weekend_rows = 0;
  double weekday_rows = 0;
  int weekend_days = 0;
  int weekday_days = 0;
  for (const auto& [day, count] : rows_by_day) {
    if (WeekdayOf(day) >= 5) {
      weekend_rows += static_cast<double>(count);
      ++weekend_days;
    } else {
      weekday_rows += static_cast<double>(count);
      ++weekday_days;
    }
  }
  ASSERT_GT(weekend_days, 0);
  ASSERT_GT(weekday_days, 0);
  const double ratio = (weekend_rows / weekend_days) / (weekday_rows / weekday_days);
  EXPECT_LT(ratio, 0.8);
  EXPECT_GT(ratio, 0.1) << "weekends are quiet, not dead";
}

TEST(UsageGeneratorTest, UsersChurn) {
  const Day end = DaysFromCivil(2025, 12, 31);
  std::unordered_map<int64_t, Day> last_active;
  for (const UsageRow& row : DefaultUsageRows()) {
    last_active[row.user] = std::max(last_active[row.user], row.event);
  }
  const auto recent = std::count_if(last_active.begin(), last_active.end(),
                                    [&](const auto& entry) { return entry.second > end - 30; });
  // Of the users ever active, well under all are active in the last 30 days, even though
  // signups grow through the year.
  const double recent_share = static_cast<double>(recent) / static_cast<double>(last_active.size());
  EXPECT_LT(recent_share, 0.65);
  EXPECT_GT(recent_share, 0.2);
}

TEST(UsageGeneratorTest, CohortsDecay) {
  // Users who signed up in January 2025: active in their first month versus six months on.
  const Day january = DaysFromCivil(2025, 1, 1);
  const Day february = DaysFromCivil(2025, 2, 1);
  const Day july = DaysFromCivil(2025, 7, 1);
  const Day august = DaysFromCivil(2025, 8, 1);
  std::unordered_set<int64_t> cohort;
  std::unordered_set<int64_t> active_first_month;
  std::unordered_set<int64_t> active_month_six;
  for (const UsageRow& row : DefaultUsageRows()) {
    if (row.signup < january || row.signup >= february) continue;
    cohort.insert(row.user);
    if (row.event < february) active_first_month.insert(row.user);
    if (row.event >= july && row.event < august) active_month_six.insert(row.user);
  }
  ASSERT_GT(cohort.size(), 50u);
  EXPECT_EQ(active_first_month.size(), cohort.size()) << "everybody is active at signup";
  EXPECT_LT(static_cast<double>(active_month_six.size()),
            0.6 * static_cast<double>(active_first_month.size()));
  EXPECT_GT(active_month_six.size(), 0u);
}

TEST(UsageGeneratorTest, SignupsGrowThroughThePeriod) {
  const Day start = DaysFromCivil(2025, 1, 1);
  const Day mid = DaysFromCivil(2025, 7, 2);
  std::unordered_map<int64_t, Day> signup;
  for (const UsageRow& row : DefaultUsageRows()) signup[row.user] = row.signup;
  int64_t first_half = 0;
  int64_t second_half = 0;
  for (const auto& [user, day] : signup) {
    if (day >= start) ++(day < mid ? first_half : second_half);
  }
  EXPECT_GT(static_cast<double>(second_half), 1.3 * static_cast<double>(first_half));
}

TEST(UsageGeneratorTest, CustomFeaturesAreQuotedAndRoundTrip) {
  UsageGeneratorOptions options;
  options.users = 800;
  options.features = {"Home", "Billing, Invoices", "Say \"hi\"", "API"};
  const std::string text = GenerateUsageText(options);
  EXPECT_NE(text.find(",\"Billing, Invoices\","), std::string::npos);
  EXPECT_NE(text.find(",\"Say \"\"hi\"\"\","), std::string::npos);
  std::map<std::string, std::unordered_set<int64_t>> users_by_feature;
  for (const UsageRow& row : ParseUsage(text)) users_by_feature[row.feature].insert(row.user);
  ASSERT_EQ(users_by_feature.size(), 4u);
  for (const std::string& feature : options.features) {
    EXPECT_TRUE(users_by_feature.contains(feature)) << feature;
  }
  EXPECT_GT(users_by_feature["Home"].size(), users_by_feature["Say \"hi\""].size());
  EXPECT_GT(users_by_feature["Home"].size(), users_by_feature["API"].size());
}

TEST(UsageGeneratorTest, RejectsBadOptions) {
  auto code_of = [](const UsageGeneratorOptions& options) {
    StringSink sink;
    return GenerateUsageLog(options, sink).status().code();
  };
  UsageGeneratorOptions options;
  options.users = 0;
  EXPECT_EQ(code_of(options), ErrorCode::kInvalidArgument);
  options = {};
  options.start = DaysFromCivil(2025, 6, 1);
  options.end = DaysFromCivil(2025, 5, 31);
  EXPECT_EQ(code_of(options), ErrorCode::kInvalidArgument);
  options = {};
  options.features = {};
  EXPECT_EQ(code_of(options), ErrorCode::kInvalidArgument);
  options.features = {"Search", ""};
  EXPECT_EQ(code_of(options), ErrorCode::kInvalidArgument);
  options.features = {"Search", "Search"};
  EXPECT_EQ(code_of(options), ErrorCode::kInvalidArgument);
  options.features = {"Line\nbreak"};
  EXPECT_EQ(code_of(options), ErrorCode::kInvalidArgument);
  options = {};
  options.threads = -1;
  EXPECT_EQ(code_of(options), ErrorCode::kInvalidArgument);
}

TEST(UsageGeneratorTest, ReportsProgressInOrderAndSummaryMatchesOutput) {
  UsageGeneratorOptions options;
  options.users = 5000;
  std::vector<GenerationProgress> steps;
  StringSink sink;
  const Result<GenerationSummary> summary = GenerateUsageLog(
      options, sink, [&](const GenerationProgress& step) { steps.push_back(step); });
  ASSERT_TRUE(summary.ok());
  ASSERT_FALSE(steps.empty());
  for (size_t step_idx = 1; step_idx < steps.size(); ++step_idx) {
    EXPECT_GT(steps[step_idx].entities_done, steps[step_idx - 1].entities_done);
  }
  EXPECT_EQ(steps.back().entities_done, 5000);
  EXPECT_EQ(summary->entities, 5000);
  EXPECT_EQ(summary->csv_bytes, static_cast<int64_t>(sink.contents().size()));
  EXPECT_EQ(summary->output_bytes, summary->csv_bytes);
  EXPECT_EQ(summary->rows, std::count(sink.contents().begin(), sink.contents().end(), '\n') - 1);
}

// ---------------------------------------------------------------------------------------------
// Output files

/// Reads a whole gzip file (all members) with zlib's gzread.
std::string ReadGzip(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  EXPECT_NE(file, nullptr) << path;
  if (file == nullptr) return {};
  std::string contents;
  char buffer[1 << 16];
  int read = 0;
  while ((read = gzread(file, buffer, sizeof(buffer))) > 0) {
    contents.append(buffer, static_cast<size_t>(read));
  }
  EXPECT_EQ(read, 0) << "gzread failed";
  gzclose(file);
  return contents;
}

class OutputFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("growthlens_synth_test_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
};

TEST_F(OutputFileTest, PlainAndGzipFilesHoldTheSameCsv) {
  UsageGeneratorOptions options;
  options.users = 3000;  // three blocks: three gzip members
  options.threads = 2;
  const std::string expected = GenerateUsageText(options);

  const std::string plain = (dir_ / "nested" / "usage.csv").string();
  Result<std::unique_ptr<OutputSink>> sink = OpenOutputSink(plain);
  ASSERT_TRUE(sink.ok()) << sink.status().message();
  ASSERT_TRUE(GenerateUsageLog(options, **sink).ok());
  EXPECT_EQ(ReadFile(plain), expected);
  EXPECT_FALSE(std::filesystem::exists(plain + ".partial"));

  const std::string gzip = (dir_ / "usage.csv.gz").string();
  sink = OpenOutputSink(gzip);
  ASSERT_TRUE(sink.ok()) << sink.status().message();
  EXPECT_TRUE((*sink)->gzip());
  const Result<GenerationSummary> summary = GenerateUsageLog(options, **sink);
  ASSERT_TRUE(summary.ok());
  EXPECT_LT(summary->output_bytes, summary->csv_bytes / 3);
  EXPECT_EQ(ReadGzip(gzip), expected);
}

TEST_F(OutputFileTest, AFailedRunLeavesNoFile) {
  const std::string path = (dir_ / "never.csv").string();
  {
    Result<std::unique_ptr<OutputSink>> sink = OpenOutputSink(path);
    ASSERT_TRUE(sink.ok());
    ASSERT_TRUE((*sink)->Write("partial,row\n").ok());
  }  // dropped without Close, as after an error
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(path + ".partial"));
}

TEST_F(OutputFileTest, DirectoryIsNotAnOutput) {
  std::filesystem::create_directories(dir_);
  const Result<std::unique_ptr<OutputSink>> sink = OpenOutputSink(dir_.string());
  ASSERT_FALSE(sink.ok());
  EXPECT_EQ(sink.status().code(), ErrorCode::kIoError);
}

// ---------------------------------------------------------------------------------------------
// Transactions

constexpr int64_t kTransactionTestCustomers = 2000;

struct Line {
  std::string invoice;
  std::string stock_code;
  std::string description;
  int64_t quantity = 0;
  std::string invoice_date;
  std::string unit_price;
  std::string customer;
  std::string country;
};

std::vector<Line> ParseTransactions(std::string_view text) {
  std::vector<Record> records = ParseCsv(text);
  EXPECT_FALSE(records.empty());
  EXPECT_EQ(records.front(), (Record{"InvoiceNo", "StockCode", "Description", "Quantity",
                                     "InvoiceDate", "UnitPrice", "CustomerID", "Country"}));
  std::vector<Line> lines;
  lines.reserve(records.size());
  for (size_t record_idx = 1; record_idx < records.size(); ++record_idx) {
    Record& record = records[record_idx];
    EXPECT_EQ(record.size(), 8u) << "line " << record_idx;
    if (record.size() != 8) continue;
    lines.push_back({std::move(record[0]), std::move(record[1]), std::move(record[2]),
                     std::stoll(record[3]), std::move(record[4]), std::move(record[5]),
                     std::move(record[6]), std::move(record[7])});
  }
  return lines;
}

const std::string& DefaultTransactionText() {
  static const std::string text = [] {
    TransactionGeneratorOptions options;
    options.customers = kTransactionTestCustomers;
    return GenerateTransactionText(options);
  }();
  return text;
}

const std::vector<Line>& DefaultTransactionLines() {
  static const std::vector<Line> lines = ParseTransactions(DefaultTransactionText());
  return lines;
}

double ShareOf(const std::vector<Line>& lines, const std::function<bool(const Line&)>& predicate) {
  return static_cast<double>(std::count_if(lines.begin(), lines.end(), predicate)) /
         static_cast<double>(lines.size());
}

TEST(TransactionGeneratorTest, SameSeedGivesSameBytesAndOtherSeedsDiffer) {
  TransactionGeneratorOptions options;
  options.customers = 400;
  const std::string first = GenerateTransactionText(options);
  EXPECT_EQ(first, GenerateTransactionText(options));
  options.seed = 7;
  EXPECT_NE(first, GenerateTransactionText(options));
}

TEST(TransactionGeneratorTest, ThreadCountDoesNotChangeBytes) {
  TransactionGeneratorOptions options;
  options.customers = 700;  // several blocks with invoice numbers running across them
  options.threads = 1;
  const std::string serial = GenerateTransactionText(options);
  for (const int threads : {2, 5}) {
    options.threads = threads;
    EXPECT_EQ(serial, GenerateTransactionText(options)) << threads << " threads";
  }
}

TEST(TransactionGeneratorTest, LinesFollowTheSchemaAndShopHours) {
  const Day start = DaysFromCivil(2025, 1, 1);
  const Day end = DaysFromCivil(2025, 12, 31);
  for (const Line& line : DefaultTransactionLines()) {
    ASSERT_EQ(line.invoice_date.size(), 19u) << line.invoice_date;
    const std::optional<Day> day = ParseIsoDate(line.invoice_date.substr(0, 10));
    ASSERT_TRUE(day.has_value()) << line.invoice_date;
    ASSERT_GE(*day, start);
    ASSERT_LE(*day, end);
    ASSERT_NE(WeekdayOf(*day), 5) << "the shop is shut on Saturdays: " << line.invoice_date;
    const int hour = std::stoi(line.invoice_date.substr(11, 2));
    ASSERT_GE(hour, 7);
    ASSERT_LE(hour, 20);
    ASSERT_EQ(line.invoice_date.substr(16), ":00");

    const size_t dot = line.unit_price.find('.');
    ASSERT_NE(dot, std::string::npos) << line.unit_price;
    const size_t decimals = line.unit_price.size() - dot - 1;
    ASSERT_TRUE(decimals == 2 || decimals == 3) << line.unit_price;
    ASSERT_GE(std::stod(line.unit_price), 0.0);

    ASSERT_NE(line.quantity, 0);
    ASSERT_EQ(line.invoice.front() == 'C', line.quantity < 0) << line.invoice;
    ASSERT_FALSE(line.stock_code.empty());
    ASSERT_FALSE(line.country.empty());
    if (!line.customer.empty()) {
      ASSERT_GE(std::stoll(line.customer), 12346);
    }
  }
}

TEST(TransactionGeneratorTest, InvoicesAreConsistentAndCancellationsReverseThem) {
  struct InvoiceHeader {
    std::string date;
    std::string customer;
    std::string country;
  };
  std::unordered_map<std::string, InvoiceHeader> invoices;
  std::vector<const Line*> cancellations;
  for (const Line& line : DefaultTransactionLines()) {
    if (line.invoice.front() == 'C') {
      cancellations.push_back(&line);
      continue;
    }
    const auto [entry, inserted] = invoices.try_emplace(
        line.invoice, InvoiceHeader{line.invoice_date, line.customer, line.country});
    if (!inserted) {  // every line of an invoice shares its header
      ASSERT_EQ(entry->second.date, line.invoice_date) << line.invoice;
      ASSERT_EQ(entry->second.customer, line.customer) << line.invoice;
      ASSERT_EQ(entry->second.country, line.country) << line.invoice;
    }
  }
  ASSERT_FALSE(cancellations.empty());
  for (const Line* cancellation : cancellations) {
    const auto original = invoices.find(cancellation->invoice.substr(1));
    ASSERT_NE(original, invoices.end()) << cancellation->invoice;
    EXPECT_GT(cancellation->invoice_date, original->second.date) << cancellation->invoice;
    EXPECT_EQ(cancellation->customer, original->second.customer);
  }
  // Several lines per invoice on average, as in UCI (about 21).
  const double lines_per_invoice =
      static_cast<double>(DefaultTransactionLines().size() - cancellations.size()) /
      static_cast<double>(invoices.size());
  EXPECT_GT(lines_per_invoice, 10.0);
  EXPECT_LT(lines_per_invoice, 35.0);
}

TEST(TransactionGeneratorTest, DirtAndCountriesHaveTheStatedShares) {
  const std::vector<Line>& lines = DefaultTransactionLines();
  const double cancelled = ShareOf(lines, [](const Line& line) { return line.quantity < 0; });
  EXPECT_GT(cancelled, 0.01);
  EXPECT_LT(cancelled, 0.03);
  const double guests = ShareOf(lines, [](const Line& line) { return line.customer.empty(); });
  EXPECT_GT(guests, 0.15);
  EXPECT_LT(guests, 0.30);
  const double uk =
      ShareOf(lines, [](const Line& line) { return line.country == "United Kingdom"; });
  EXPECT_GT(uk, 0.85);
  EXPECT_LT(uk, 0.95);
  const double zero_price =
      ShareOf(lines, [](const Line& line) { return line.unit_price == "0.00"; });
  EXPECT_GT(zero_price, 0.001);
  EXPECT_LT(zero_price, 0.01);

  std::set<std::string> countries;
  for (const Line& line : lines) countries.insert(line.country);
  EXPECT_GE(countries.size(), 20u);

  // Exact duplicate lines: about 1%.
  std::unordered_set<std::string> seen;
  int64_t duplicates = 0;
  for (const Line& line : lines) {
    const std::string key = line.invoice + '|' + line.stock_code + '|' + line.description + '|' +
                            std::to_string(line.quantity) + '|' + line.invoice_date + '|' +
                            line.unit_price + '|' + line.customer + '|' + line.country;
    if (!seen.insert(key).second) ++duplicates;
  }
  const double duplicate_share =
      static_cast<double>(duplicates) / static_cast<double>(lines.size());
  EXPECT_GT(duplicate_share, 0.004);
  EXPECT_LT(duplicate_share, 0.02);
}

TEST(TransactionGeneratorTest, QuotedDescriptionsRoundTrip) {
  const std::string& text = DefaultTransactionText();
  std::map<std::string, std::string> description_of_code;
  int64_t with_comma = 0;
  int64_t with_quote = 0;
  for (const Line& line : DefaultTransactionLines()) {
    if (line.description.empty()) continue;  // a missing description on a zero-price line
    with_comma += line.description.find(',') != std::string::npos;
    with_quote += line.description.find('"') != std::string::npos;
    const auto [entry, inserted] =
        description_of_code.try_emplace(line.stock_code, line.description);
    ASSERT_EQ(entry->second, line.description) << "stock code " << line.stock_code;
    ASSERT_EQ(line.description, [&] {  // uppercase gift-shop text
      std::string upper = line.description;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return upper;
    }()) << line.description;
  }
  EXPECT_GT(with_comma, 100);
  EXPECT_GT(with_quote, 10);
  // In the raw text those fields appear quoted, with inner quotes doubled.
  EXPECT_NE(text.find(",\"", 0), std::string::npos);
  EXPECT_NE(text.find("\"\"", 0), std::string::npos);
  EXPECT_GT(description_of_code.size(), 2000u) << "a long tail of products";
}

TEST(TransactionGeneratorTest, ProductsHaveALongTail) {
  std::unordered_map<std::string, int64_t> lines_by_code;
  for (const Line& line : DefaultTransactionLines()) ++lines_by_code[line.stock_code];
  std::vector<int64_t> counts;
  for (const auto& [code, count] : lines_by_code) counts.push_back(count);
  std::sort(counts.rbegin(), counts.rend());
  const auto total = static_cast<double>(DefaultTransactionLines().size());
  EXPECT_LT(static_cast<double>(counts.front()) / total, 0.02) << "no product dominates";
  const int64_t top_hundred = std::accumulate(counts.begin(), counts.begin() + 100, int64_t{0});
  EXPECT_GT(static_cast<double>(top_hundred) / total, 0.15) << "but best sellers stand out";
  EXPECT_LT(counts[counts.size() / 2], counts.front() / 10);
}

TEST(TransactionGeneratorTest, NovemberIsThePeak) {
  std::map<int, int64_t> lines_by_month;
  for (const Line& line : DefaultTransactionLines()) {
    ++lines_by_month[std::stoi(line.invoice_date.substr(5, 2))];
  }
  double spring_summer = 0;
  for (int month = 2; month <= 7; ++month)
    spring_summer += static_cast<double>(lines_by_month[month]);
  spring_summer /= 6;
  EXPECT_GT(static_cast<double>(lines_by_month[11]), 1.5 * spring_summer);
  for (const auto& [month, count] : lines_by_month) {
    EXPECT_LE(count, lines_by_month[11]) << "month " << month;
  }
}

TEST(TransactionGeneratorTest, FewCustomersCarryMostRevenue) {
  std::unordered_map<std::string, double> revenue;
  std::unordered_map<std::string, std::set<std::string>> invoices;
  for (const Line& line : DefaultTransactionLines()) {
    if (line.customer.empty()) continue;
    revenue[line.customer] += static_cast<double>(line.quantity) * std::stod(line.unit_price);
    if (line.quantity > 0) invoices[line.customer].insert(line.invoice);
  }
  std::vector<double> values;
  double total = 0;
  for (const auto& [customer, amount] : revenue) {
    values.push_back(amount);
    total += amount;
  }
  std::sort(values.rbegin(), values.rend());
  const double top =
      std::accumulate(values.begin(), values.begin() + static_cast<long>(values.size() / 10), 0.0);
  EXPECT_GT(top / total, 0.40);
  // Frequency varies: many customers buy once, some many times (RFM needs both).
  const auto once = std::count_if(invoices.begin(), invoices.end(),
                                  [](const auto& entry) { return entry.second.size() == 1; });
  const auto often = std::count_if(invoices.begin(), invoices.end(),
                                   [](const auto& entry) { return entry.second.size() >= 10; });
  EXPECT_GT(static_cast<double>(once) / static_cast<double>(invoices.size()), 0.15);
  EXPECT_GT(static_cast<double>(often) / static_cast<double>(invoices.size()), 0.05);
}

TEST(TransactionGeneratorTest, AnyPeriodWorksEvenAcrossTheEpochAndChristmas) {
  TransactionGeneratorOptions options;
  options.customers = 300;
  options.start = DaysFromCivil(1969, 11, 15);
  options.end = DaysFromCivil(1970, 1, 20);
  const std::vector<Line> lines = ParseTransactions(GenerateTransactionText(options));
  ASSERT_FALSE(lines.empty());
  for (const Line& line : lines) {
    const std::optional<Day> day = ParseIsoDate(line.invoice_date.substr(0, 10));
    ASSERT_TRUE(day.has_value()) << line.invoice_date;
    ASSERT_GE(*day, options.start) << line.invoice_date;
    ASSERT_LE(*day, options.end) << line.invoice_date;
    const CivilDate date = CivilFromDays(*day);
    const bool christmas =
        (date.month == 12 && date.day >= 24) || (date.month == 1 && date.day <= 2);
    ASSERT_FALSE(christmas) << "the shop is shut: " << line.invoice_date;
    const int hour = std::stoi(line.invoice_date.substr(11, 2));
    ASSERT_GE(hour, 7) << line.invoice_date;
    ASSERT_LE(hour, 20) << line.invoice_date;
  }
}

TEST(TransactionGeneratorTest, RejectsAPeriodWithoutTradingDays) {
  TransactionGeneratorOptions options;
  options.start = DaysFromCivil(2025, 12, 27);  // a Saturday in the Christmas closure
  options.end = DaysFromCivil(2025, 12, 27);
  StringSink sink;
  EXPECT_EQ(GenerateTransactions(options, sink).status().code(), ErrorCode::kInvalidArgument);
  options = {};
  options.customers = -1;
  EXPECT_EQ(GenerateTransactions(options, sink).status().code(), ErrorCode::kInvalidArgument);
}

// ---------------------------------------------------------------------------------------------
// Building blocks

TEST(RandomTest, StreamsAreReproducibleAndDistinct) {
  Random first = Random::ForStream(42, StreamPurpose::kUsageUser, 7);
  Random again = Random::ForStream(42, StreamPurpose::kUsageUser, 7);
  Random other_index = Random::ForStream(42, StreamPurpose::kUsageUser, 8);
  Random other_purpose = Random::ForStream(42, StreamPurpose::kCustomer, 7);
  const uint64_t value = first.Next();
  EXPECT_EQ(value, again.Next());
  EXPECT_NE(value, other_index.Next());
  EXPECT_NE(value, other_purpose.Next());
}

TEST(RandomTest, UniformAndPoissonHaveTheRightMeans) {
  Random rng(123);
  constexpr int kDraws = 200'000;
  double uniform_sum = 0;
  double poisson_sum = 0;
  double poisson_large_sum = 0;
  for (int draw = 0; draw < kDraws; ++draw) {
    const double value = rng.Uniform();
    ASSERT_GE(value, 0.0);
    ASSERT_LT(value, 1.0);
    uniform_sum += value;
    poisson_sum += static_cast<double>(rng.Poisson(3.5));
    poisson_large_sum += static_cast<double>(rng.Poisson(80.0));
  }
  EXPECT_NEAR(uniform_sum / kDraws, 0.5, 0.005);
  EXPECT_NEAR(poisson_sum / kDraws, 3.5, 0.03);
  EXPECT_NEAR(poisson_large_sum / kDraws, 80.0, 0.2);
}

TEST(AliasTableTest, SamplesInProportionToWeights) {
  const std::vector<double> weights = {1.0, 0.0, 3.0, 6.0};
  const AliasTable table(weights);
  Random rng(9);
  std::vector<int> counts(weights.size());
  constexpr int kDraws = 100'000;
  for (int draw = 0; draw < kDraws; ++draw) ++counts[table.Sample(rng)];
  EXPECT_EQ(counts[1], 0);
  EXPECT_NEAR(counts[0] / double{kDraws}, 0.1, 0.01);
  EXPECT_NEAR(counts[2] / double{kDraws}, 0.3, 0.01);
  EXPECT_NEAR(counts[3] / double{kDraws}, 0.6, 0.01);
}

// ---------------------------------------------------------------------------------------------
// The command line

TEST(GenerateCommandTest, BadOptionsFailWithInvalidArgument) {
  if (kBinary == nullptr) GTEST_SKIP() << "GROWTHLENS_BINARY is not defined by the build";
  EXPECT_EQ(RunBinary("generate --users 0 --output -"), ExitCodeOf(ErrorCode::kInvalidArgument));
  EXPECT_EQ(RunBinary("generate --start 2025-02-30 --output -"),
            ExitCodeOf(ErrorCode::kInvalidArgument));
  EXPECT_EQ(RunBinary("generate --kind transactions --features A,B --output -"),
            ExitCodeOf(ErrorCode::kInvalidArgument));
  EXPECT_NE(RunBinary("generate --kind nonsense --output -"), 0);
  EXPECT_EQ(RunBinary("generate --order sorted --output -"),
            ExitCodeOf(ErrorCode::kInvalidArgument));
  EXPECT_EQ(RunBinary("generate --kind events --order time --output -"),
            ExitCodeOf(ErrorCode::kInvalidArgument));
}

TEST(GenerateCommandTest, WritesTheSameBytesAsTheLibrary) {
  if (kBinary == nullptr) GTEST_SKIP() << "GROWTHLENS_BINARY is not defined by the build";
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("growthlens_generate_cli_" + std::to_string(::getpid()) + ".csv"))
                               .string();
  ASSERT_EQ(
      RunBinary("generate --users 300 --seed 5 --threads 2 --order user --quiet --output " + path),
      0);
  UsageGeneratorOptions options;
  options.users = 300;
  options.seed = 5;
  EXPECT_EQ(ReadFile(path), GenerateUsageText(options));
  // Without --order the command writes time order, the library's kTime.
  ASSERT_EQ(RunBinary("generate --users 300 --seed 5 --quiet --output " + path), 0);
  options.order = RowOrder::kTime;
  EXPECT_EQ(ReadFile(path), GenerateUsageText(options));
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace growthlens::synth
