// The workspace (src/store): a load stored and read back is the same Dataset and gives the same
// analyses; the same file twice adds nothing; an overlapping export adds only its new rows; a
// date range reads only its days; a workspace of another schema version is refused by name;
// erasing a user leaves no trace of them; damage is found by Check.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "command_runner.h"
#include "core/temporary_files.h"
#include "dataset_expect.h"
#include "dataset_kinds.h"
#include "ingest_or_die.h"
#include "metrics/kpis.h"
#include "store/block_codec.h"
#include "store/file_checksum.h"
#include "store/row_keys.h"
#include "store/schema.h"
#include "store/user_erasure.h"
#include "store/workspace.h"
#include "synth/event_generator.h"
#include "synth/output_sink.h"
#include "synth/transaction_generator.h"
#include "synth/usage_generator.h"
#include "test_data.h"

namespace growthlens {
namespace {

/// Runs `sql` on the database at `path` directly, as another program (or damage) would.
bool ExecuteSql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  bool ok = sqlite3_open(path.c_str(), &db) == SQLITE_OK &&
            sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
  sqlite3_close(db);
  return ok;
}

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

using store::LoadRecord;
using store::OpenMode;
using store::Workspace;

class WorkspaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = std::filesystem::temp_directory_path() /
                 ("growthlens_workspace_test_" + std::to_string(::getpid()) + "_" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(directory_);
    std::filesystem::create_directories(directory_);
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }

  std::string PathOf(const std::string& name) const { return (directory_ / name).string(); }

  Workspace OpenOrDie(const std::string& name) {
    Result<Workspace> workspace = Workspace::Open(PathOf(name), OpenMode::kCreate);
    EXPECT_TRUE(workspace.ok()) << workspace.status().message();
    return std::move(workspace).value();
  }

  static LoadRecord RecordOf(const std::string& text, const std::string& name) {
    const store::FileChecksum checksum = store::ChecksumOfBytes(text);
    return {name, checksum.bytes, checksum.text, 0, "{}"};
  }

  static store::AppendOutcome AppendOrDie(Workspace& workspace, const std::string& text,
                                          const std::string& name) {
    const CleanedData cleaned = testing::IngestOrDie(text);
    Result<store::AppendOutcome> outcome = workspace.Append(cleaned.dataset, RecordOf(text, name));
    EXPECT_TRUE(outcome.ok()) << outcome.status().message();
    return outcome.ok() ? *outcome : store::AppendOutcome{};
  }

  static Dataset LoadOrDie(Workspace& workspace, DataKind kind, store::DayRange range = {}) {
    Result<Dataset> data = workspace.Load(kind, range);
    EXPECT_TRUE(data.ok()) << data.status().message();
    return data.ok() ? std::move(data).value() : Dataset();
  }

  static void ExpectHealthy(Workspace& workspace) {
    Result<std::vector<std::string>> problems = workspace.Check();
    ASSERT_TRUE(problems.ok()) << problems.status().message();
    EXPECT_TRUE(problems->empty()) << problems->front();
  }

  /// Appends `first` (3 rows), then `second` (3 rows, one of them stored already): the workspace
  /// then holds what the one file `union_csv` gives.
  void ExpectTheSecondAddsTwoOfThree(const std::string& first, const std::string& second,
                                     const std::string& union_csv) {
    Workspace workspace = OpenOrDie("overlap.glw");
    EXPECT_EQ(AppendOrDie(workspace, first, "first.csv").rows_added, 3u);
    const store::AppendOutcome outcome = AppendOrDie(workspace, second, "second.csv");
    EXPECT_EQ(outcome.rows_added, 2u);
    EXPECT_EQ(outcome.rows_duplicate, 1u);
    const Dataset expected = testing::IngestOrDie(union_csv).dataset;
    testing::ExpectSameDataset(expected, LoadOrDie(workspace, expected.kind()));
    ExpectHealthy(workspace);
  }

  std::filesystem::path directory_;
};

/// The generator's usage log, or with `events` the same users' event log.
std::string Generated(int64_t users, bool events = false) {
  synth::UsageGeneratorOptions options;
  options.users = users;
  options.seed = 42;
  synth::StringSink sink;
  EXPECT_TRUE(
      (events ? synth::GenerateEventLog(options, sink) : synth::GenerateUsageLog(options, sink))
          .ok());
  return sink.contents();
}

void ExpectSameKpis(const Dataset& a, const Dataset& b) {
  const Kpis x = ComputeKpis(a, {});
  const Kpis y = ComputeKpis(b, {});
  EXPECT_EQ(x.rows, y.rows);
  EXPECT_EQ(x.users, y.users);
  EXPECT_EQ(x.active_users, y.active_users);
  EXPECT_EQ(x.events, y.events);
  EXPECT_EQ(x.average_dau, y.average_dau);
  EXPECT_EQ(x.average_mau, y.average_mau);
  EXPECT_EQ(x.revenue, y.revenue);
  EXPECT_EQ(x.orders, y.orders);
  EXPECT_EQ(x.repeat_purchase_rate, y.repeat_purchase_rate);
}

TEST_F(WorkspaceTest, UsageRoundTripGivesTheSameDatasetAndKpis) {
  const std::string csv = Generated(3000);
  const CleanedData cleaned = testing::IngestOrDie(csv);
  ASSERT_GT(cleaned.dataset.rows(), store::kBlockRows);  // more than one block
  Workspace workspace = OpenOrDie("usage.glw");
  Result<store::AppendOutcome> added = workspace.Append(cleaned.dataset, RecordOf(csv, "u.csv"));
  ASSERT_TRUE(added.ok()) << added.status().message();
  EXPECT_EQ(added->rows_added, cleaned.dataset.rows());
  EXPECT_EQ(added->rows_duplicate, 0u);

  // Read back through a second connection, as another process would.
  Result<Workspace> reopened = Workspace::Open(PathOf("usage.glw"), OpenMode::kExisting);
  ASSERT_TRUE(reopened.ok()) << reopened.status().message();
  const Dataset loaded = LoadOrDie(*reopened, DataKind::kUsage);
  testing::ExpectSameDataset(cleaned.dataset, loaded);
  ExpectSameKpis(cleaned.dataset, loaded);
  ExpectHealthy(*reopened);
}

TEST_F(WorkspaceTest, OnlineRetailRoundTripGivesTheSameDatasetAndKpis) {
  const std::string csv = testing::ReadXz(testing::PublicDataPath("online_retail.csv.xz"));
  const CleanedData cleaned = testing::IngestOrDie(csv);
  Workspace workspace = OpenOrDie("retail.glw");
  Result<store::AppendOutcome> added = workspace.Append(cleaned.dataset, RecordOf(csv, "r.csv"));
  ASSERT_TRUE(added.ok()) << added.status().message();
  const Dataset loaded = LoadOrDie(workspace, DataKind::kTransactions);
  testing::ExpectSameDataset(cleaned.dataset, loaded);
  EXPECT_EQ(loaded.As<TransactionLog>()->items.non_product,
            cleaned.dataset.As<TransactionLog>()->items.non_product);
  ExpectSameKpis(cleaned.dataset, loaded);
  ExpectHealthy(workspace);
}

TEST_F(WorkspaceTest, TheSameFileTwiceAddsNothing) {
  const std::string csv = Generated(200);
  Workspace workspace = OpenOrDie("twice.glw");
  const store::AppendOutcome first = AppendOrDie(workspace, csv, "a.csv");
  EXPECT_FALSE(first.already_loaded);
  const store::AppendOutcome second = AppendOrDie(workspace, csv, "copy_of_a.csv");
  ASSERT_TRUE(second.already_loaded);
  EXPECT_EQ(second.already_loaded->id, first.load_id);
  EXPECT_EQ(second.already_loaded->record.source_name, "a.csv");
  EXPECT_EQ(second.rows_added, 0u);
  EXPECT_EQ(LoadOrDie(workspace, DataKind::kUsage).rows(), first.rows_added);
  Result<store::WorkspaceInfo> info = workspace.Info();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->loads.size(), 1u);
}

TEST_F(WorkspaceTest, AnOverlappingUsageExportAddsOnlyItsNewRows) {
  const std::string header(testing::kUsageHeader);
  const std::string january = header +
                              "u1,2025-01-01,2025-01-02,search,3\n"
                              "u2,,2025-01-03,export,1\n"
                              "u1,2025-01-01,2025-01-04,search,2\n";
  // Overlaps January's last row, adds a row, a new user and a new feature, and gives u2's signup.
  const std::string overlap = header +
                              "u1,2025-01-01,2025-01-04,search,2\n"
                              "u2,2024-12-30,2025-01-05,export,4\n"
                              "u3,2025-01-05,2025-01-05,share,1\n";
  // What one file holding the union would give.
  ExpectTheSecondAddsTwoOfThree(january, overlap,
                                header +
                                    "u1,2025-01-01,2025-01-02,search,3\n"
                                    "u2,2024-12-30,2025-01-03,export,1\n"
                                    "u1,2025-01-01,2025-01-04,search,2\n"
                                    "u2,2024-12-30,2025-01-05,export,4\n"
                                    "u3,2025-01-05,2025-01-05,share,1\n");
}

TEST_F(WorkspaceTest, AnOverlappingTransactionExportAddsOnlyItsNewRows) {
  const std::string header(testing::kRetailHeader);
  const std::string first = header +
                            "536365,85123A,WHITE HANGING HEART,6,2010-12-01 08:26:00,2.55,17850,"
                            "United Kingdom\n"
                            "536365,71053,WHITE METAL LANTERN,6,2010-12-01 08:26:00,3.39,17850,"
                            "United Kingdom\n";
  const std::string second = header +
                             "536365,71053,WHITE METAL LANTERN,6,2010-12-01 08:26:00,3.39,17850,"
                             "United Kingdom\n"
                             "536366,22633,HAND WARMER UNION JACK,6,2010-12-01 08:28:00,1.85,"
                             "17851,France\n";
  Workspace workspace = OpenOrDie("orders.glw");
  EXPECT_EQ(AppendOrDie(workspace, first, "a.csv").rows_added, 2u);
  const store::AppendOutcome outcome = AppendOrDie(workspace, second, "b.csv");
  EXPECT_EQ(outcome.rows_added, 1u);
  EXPECT_EQ(outcome.rows_duplicate, 1u);
  const Dataset loaded = LoadOrDie(workspace, DataKind::kTransactions);
  const TransactionLog& log = *loaded.As<TransactionLog>();
  EXPECT_EQ(log.rows(), 3u);
  EXPECT_EQ(log.orders.size(), 2u);
  EXPECT_EQ(log.users.size(), 2u);
  EXPECT_EQ(log.countries.size(), 2u);
  EXPECT_DOUBLE_EQ(ComputeKpis(loaded, {}).revenue, 6 * 2.55 + 6 * 3.39 + 6 * 1.85);
  ExpectHealthy(workspace);
}

TEST_F(WorkspaceTest, ADateRangeReadsOnlyItsDays) {
  const std::string csv = Generated(3000);
  const CleanedData cleaned = testing::IngestOrDie(csv);
  Workspace workspace = OpenOrDie("range.glw");
  ASSERT_TRUE(workspace.Append(cleaned.dataset, RecordOf(csv, "u.csv")).ok());
  const store::DayRange march{DaysFromCivil(2025, 3, 1), DaysFromCivil(2025, 3, 31)};
  const Dataset loaded = LoadOrDie(workspace, DataKind::kUsage, march);
  const UsageLog& all = *cleaned.dataset.As<UsageLog>();
  const UsageLog& part = *loaded.As<UsageLog>();
  size_t expected = 0;
  for (size_t row = 0, kept = 0; row < all.rows(); ++row) {
    if (!march.Contains(all.usage.day[row])) continue;
    ++expected;
    ASSERT_LT(kept, part.rows());
    EXPECT_EQ(part.usage.user[kept], all.usage.user[row]);
    EXPECT_EQ(part.usage.day[kept], all.usage.day[row]);
    EXPECT_EQ(part.usage.events[kept], all.usage.events[row]);
    ++kept;
  }
  EXPECT_GT(expected, 0u);
  EXPECT_EQ(part.rows(), expected);
  EXPECT_EQ(part.users.size(), all.users.size());  // codes keep their meaning
}

/// Blocks of `table` in `path` whose day span overlaps [first, last], or (`inside`) lies in it.
/// The workspace's blocks_generation (schema version 10); -1 when it cannot be read.
int64_t GenerationOf(const std::string& path) {
  sqlite3* db = nullptr;
  sqlite3_stmt* statement = nullptr;
  int64_t generation = -1;
  if (sqlite3_open(path.c_str(), &db) == SQLITE_OK &&
      sqlite3_prepare_v2(db, "SELECT value FROM blocks_generation", -1, &statement, nullptr) ==
          SQLITE_OK &&
      sqlite3_step(statement) == SQLITE_ROW)
    generation = sqlite3_column_int64(statement, 0);
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return generation;
}

int64_t BlocksOverlapping(const std::string& path, const std::string& table, Day first, Day last,
                          bool inside) {
  sqlite3* db = nullptr;
  int64_t count = -1;
  const std::string sql =
      "SELECT count(*) FROM blocks WHERE table_name = '" + table + "' AND " +
      (inside ? "min_day >= ? AND max_day <= ?" : "max_day >= ? AND min_day <= ?");
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_open(path.c_str(), &db) == SQLITE_OK &&
      sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK) {
    sqlite3_bind_int(statement, 1, first);
    sqlite3_bind_int(statement, 2, last);
    if (sqlite3_step(statement) == SQLITE_ROW) count = sqlite3_column_int64(statement, 0);
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return count;
}

TEST_F(WorkspaceTest, AMonthOfALogGroupedByUserReadsOnlyThatMonthsBlocksInSourceOrder) {
  // Rows grouped by user: every block of the load would span the year if stored as they come.
  const std::string csv =
      Generated(30'000, /*events=*/true);  // ~1.9M events, every month > a block
  const CleanedData cleaned = testing::IngestOrDie(csv);
  Workspace workspace = OpenOrDie("months.glw");
  ASSERT_TRUE(workspace.Append(cleaned.dataset, RecordOf(csv, "e.csv")).ok());
  const Day first = DaysFromCivil(2025, 6, 1), last = DaysFromCivil(2025, 6, 30);
  store::LoadStats stats;
  Result<Dataset> june = workspace.Load(DataKind::kEvents, {first, last}, &stats);
  ASSERT_TRUE(june.ok()) << june.status().message();
  const int64_t overlapping = BlocksOverlapping(PathOf("months.glw"), "events.rows", first, last,
                                                /*inside=*/false);
  EXPECT_GT(overlapping, 0);
  EXPECT_EQ(overlapping, BlocksOverlapping(PathOf("months.glw"), "events.rows", first, last,
                                           /*inside=*/true));  // June's blocks hold only June
  EXPECT_EQ(stats.blocks_read, static_cast<uint64_t>(overlapping));
  EXPECT_GE(stats.blocks_stored, 10 * stats.blocks_read);

  // The month's rows in the CSV's order, as the whole load is.
  UsageLog expected = *cleaned.dataset.As<UsageLog>();
  UsageColumns& rows = expected.usage;
  std::vector<uint8_t> in_june(expected.rows());
  for (size_t row = 0; row < expected.rows(); ++row)
    in_june[row] = rows.day[row] >= first && rows.day[row] <= last;
  expected.properties.KeepRows(in_june);  // the generator's platform
  size_t kept = 0;
  for (size_t row = 0; row < in_june.size(); ++row) {
    if (!in_june[row]) continue;
    rows.user[kept] = rows.user[row];
    rows.day[kept] = rows.day[row];
    rows.feature[kept] = rows.feature[row];
    rows.ms_of_day[kept] = rows.ms_of_day[row];
    ++kept;
  }
  rows.user.resize(kept);
  rows.day.resize(kept);
  rows.feature.resize(kept);
  rows.ms_of_day.resize(kept);
  testing::ExpectSameDataset(Dataset(std::move(expected)), *june);
  testing::ExpectSameDataset(cleaned.dataset, LoadOrDie(workspace, DataKind::kEvents));
  ExpectHealthy(workspace);
}

TEST_F(WorkspaceTest, ErasingAUserLeavesNoTraceOfThem) {
  const std::string header(testing::kUsageHeader);
  const std::string csv = header +
                          "alice,2025-01-01,2025-01-02,search,3\n"
                          "bob,2025-01-01,2025-01-02,search,1\n"
                          "alice,2025-01-01,2025-01-03,export,2\n"
                          "carol,2025-01-02,2025-01-04,share,5\n";
  Workspace workspace = OpenOrDie("erase.glw");
  AppendOrDie(workspace, csv, "a.csv");
  const Dataset before = LoadOrDie(workspace, DataKind::kUsage);
  Result<store::Erasure> erasure = store::EraseUser(before, "alice");
  ASSERT_TRUE(erasure.ok()) << erasure.status().message();
  EXPECT_EQ(erasure->rows_erased, 2u);
  ASSERT_TRUE(workspace.Replace(erasure->data).ok());
  ASSERT_TRUE(workspace.Vacuum().ok());
  const CleanedData expected = testing::IngestOrDie(header +
                                                    "bob,2025-01-01,2025-01-02,search,1\n"
                                                    "carol,2025-01-02,2025-01-04,share,5\n");
  const Dataset after = LoadOrDie(workspace, DataKind::kUsage);
  EXPECT_EQ(after.users().size(), 2u);
  EXPECT_FALSE(after.users().Find("alice"));
  EXPECT_EQ(after.As<UsageLog>()->usage.events, expected.dataset.As<UsageLog>()->usage.events);
  ExpectHealthy(workspace);
  EXPECT_FALSE(store::EraseUser(after, "alice").ok());
}

TEST_F(WorkspaceTest, EventLogRoundTripKeepsTimesOfDayAndAbsentCounts) {
  const std::string csv = Generated(3000, /*events=*/true);
  const CleanedData cleaned = testing::IngestOrDie(csv);
  ASSERT_EQ(cleaned.dataset.kind(), DataKind::kEvents);
  ASSERT_GT(cleaned.dataset.rows(), store::kBlockRows);               // more than one block
  ASSERT_TRUE(cleaned.dataset.As<UsageLog>()->usage.events.empty());  // no count column
  Workspace workspace = OpenOrDie("events.glw");
  const store::AppendOutcome added = AppendOrDie(workspace, csv, "e.csv");
  EXPECT_EQ(added.rows_added, cleaned.dataset.rows());

  Result<Workspace> reopened = Workspace::Open(PathOf("events.glw"), OpenMode::kExisting);
  ASSERT_TRUE(reopened.ok()) << reopened.status().message();
  Result<std::vector<DataKind>> kinds = reopened->Kinds();
  ASSERT_TRUE(kinds.ok());
  EXPECT_EQ(*kinds, std::vector<DataKind>{DataKind::kEvents});
  const Dataset loaded = LoadOrDie(*reopened, DataKind::kEvents);
  testing::ExpectSameDataset(cleaned.dataset, loaded);  // ms_of_day, grain, empty counts too
  ExpectSameKpis(cleaned.dataset, loaded);
  ExpectHealthy(*reopened);

  // The same events in another file (one more blank line: another checksum) add nothing.
  const store::AppendOutcome again = AppendOrDie(*reopened, csv + "\n", "e_copy.csv");
  EXPECT_FALSE(again.already_loaded);
  EXPECT_EQ(again.rows_added, 0u);
  EXPECT_EQ(again.rows_duplicate, cleaned.dataset.rows());
  testing::ExpectSameDataset(cleaned.dataset, LoadOrDie(*reopened, DataKind::kEvents));
}

TEST_F(WorkspaceTest, AnOverlappingEventExportAddsOnlyItsNewEvents) {
  const std::string header = "user_id,timestamp,event\n";
  const std::string morning = header +
                              "u1,2025-01-02T09:00:00.000Z,search\n"
                              "u1,2025-01-02T09:00:01.250Z,search\n"
                              "u2,2025-01-02T10:30:00Z,export\n";
  // Repeats u1's second search; the same event a millisecond later is a new one.
  const std::string overlap = header +
                              "u1,2025-01-02T09:00:01.250Z,search\n"
                              "u1,2025-01-02T09:00:01.251Z,search\n"
                              "u3,2025-01-03T23:59:59.999Z,share\n";
  ExpectTheSecondAddsTwoOfThree(morning, overlap,
                                header +
                                    "u1,2025-01-02T09:00:00.000Z,search\n"
                                    "u1,2025-01-02T09:00:01.250Z,search\n"
                                    "u2,2025-01-02T10:30:00Z,export\n"
                                    "u1,2025-01-02T09:00:01.251Z,search\n"
                                    "u3,2025-01-03T23:59:59.999Z,share\n");
}

TEST(RowKeySetTest, KeysAddedInRunsOfAnySizeAreFoundAndNoOthers) {
  store::RowKeySet keys;
  const auto key_of = [](uint64_t n) { return store::RowKey{n * 7919 % 100'003, n}; };
  uint64_t added = 0;
  for (const uint64_t run : {5u, 1u, 300u, 2u, 2u, 64u, 1000u, 3u}) {
    for (uint64_t i = 0; i < run; ++i) keys.Add(key_of(added++));
    keys.Seal();
    EXPECT_EQ(keys.size(), added);
  }
  for (uint64_t n = 0; n < added; ++n) EXPECT_TRUE(keys.Contains(key_of(n))) << n;
  for (uint64_t n = added; n < added + 500; ++n) EXPECT_FALSE(keys.Contains(key_of(n))) << n;
  EXPECT_FALSE(keys.Contains(store::RowKey{key_of(3).high, 4}));
}

// A live fold's workspace remembers the stored events' identities between appends; they must
// find exactly the duplicates that reading the stored rows finds, also after another connection
// appended or rewrote (erased) the events.
TEST_F(WorkspaceTest, RememberedEventKeysFindTheSameDuplicatesAfterOtherConnectionsWrite) {
  const std::string header = "user_id,timestamp,event\n";
  Workspace folding = OpenOrDie("live.glw");
  folding.RememberEventKeys();
  Workspace other = OpenOrDie("live.glw");
  const auto append = [&](Workspace& workspace, const std::string& rows, const std::string& name) {
    return AppendOrDie(workspace, header + rows, name);
  };
  store::AppendOutcome outcome = append(folding,
                                        "u1,2025-01-02T09:00:00.000Z,search\n"
                                        "u2,2025-01-02T10:30:00Z,export\n",
                                        "1.csv");
  EXPECT_EQ(outcome.rows_added, 2u);
  // Its own events, remembered (no other write since): one repeat, one new.
  outcome = append(folding,
                   "u1,2025-01-02T09:00:00.000Z,search\n"
                   "u1,2025-01-02T09:00:00.001Z,search\n",
                   "2.csv");
  EXPECT_EQ(outcome.rows_added, 1u);
  EXPECT_EQ(outcome.rows_duplicate, 1u);
  // A day it has not seen: read again, covering it.
  outcome = append(folding,
                   "u2,2025-01-02T10:30:00Z,export\n"
                   "u3,2025-01-03T08:00:00Z,share\n",
                   "3.csv");
  EXPECT_EQ(outcome.rows_added, 1u);
  EXPECT_EQ(outcome.rows_duplicate, 1u);
  // Another connection appends an event: the folding one must count it as stored.
  EXPECT_EQ(append(other, "u4,2025-01-02T11:00:00Z,search\n", "4.csv").rows_added, 1u);
  outcome = append(folding,
                   "u4,2025-01-02T11:00:00Z,search\n"
                   "u3,2025-01-03T08:00:00Z,share\n"
                   "u5,2025-01-03T08:00:00Z,share\n",
                   "5.csv");
  EXPECT_EQ(outcome.rows_added, 1u);
  EXPECT_EQ(outcome.rows_duplicate, 2u);
  // Another connection erases u1 (all rewritten): u1's events are new again, not duplicates.
  Result<store::Erasure> erasure = store::EraseUser(LoadOrDie(other, DataKind::kEvents), "u1");
  ASSERT_TRUE(erasure.ok()) << erasure.status().message();
  ASSERT_TRUE(other.Replace(erasure->data).ok());
  outcome = append(folding,
                   "u1,2025-01-02T09:00:00.000Z,search\n"
                   "u5,2025-01-03T08:00:00Z,share\n",
                   "6.csv");
  EXPECT_EQ(outcome.rows_added, 1u);
  EXPECT_EQ(outcome.rows_duplicate, 1u);
  const Dataset expected = testing::IngestOrDie(header +
                                                "u2,2025-01-02T10:30:00Z,export\n"
                                                "u3,2025-01-03T08:00:00Z,share\n"
                                                "u4,2025-01-02T11:00:00Z,search\n"
                                                "u5,2025-01-03T08:00:00Z,share\n"
                                                "u1,2025-01-02T09:00:00.000Z,search\n")
                               .dataset;
  EXPECT_EQ(LoadOrDie(folding, DataKind::kEvents).rows(), expected.rows());
  ExpectHealthy(folding);
}

TEST(DayKeySetsTest, AnswersForHeldDaysOnlyAndForgetsUntouchedDays) {
  store::DayKeySets keys;
  const auto key_of = [](uint32_t user, Day day, int32_t ms) {
    return store::UsageKey(user, day, 1, ms);
  };
  keys.Cover(10);
  keys.Cover(12);
  for (int32_t ms = 0; ms < 100; ++ms) {
    keys.Add(key_of(1, 10, ms));
    keys.Add(key_of(1, 11, ms));  // a day not held: not kept
    keys.Add(key_of(2, 12, ms * 2));
  }
  keys.Seal();
  EXPECT_EQ(keys.size(), 200u);
  EXPECT_TRUE(keys.Contains(key_of(1, 10, 99)));
  EXPECT_FALSE(keys.Contains(key_of(1, 11, 5)));
  EXPECT_TRUE(keys.Contains(key_of(2, 12, 4)));
  EXPECT_FALSE(keys.Contains(key_of(2, 12, 5)));
  EXPECT_FALSE(keys.Contains(key_of(2, 10, 4)));
  keys.Touch(10, 1);
  keys.Touch(12, 3);
  keys.ForgetTouchedBefore(2);
  EXPECT_EQ(keys.HeldDays(), (std::vector<Day>{12}));
  EXPECT_FALSE(keys.Contains(key_of(1, 10, 99)));
  EXPECT_TRUE(keys.Contains(key_of(2, 12, 4)));
}

// A fold with one stray old event reads that day's keys only (not the years between), and days
// no fold touched for a while are forgotten; read again, they find the same duplicates.
TEST_F(WorkspaceTest, RememberedEventKeysHoldOnlyRecentlyTouchedDaysAndReadForgottenOnesAgain) {
  const std::string header = "user_id,timestamp,event\n";
  Workspace folding = OpenOrDie("stray.glw");
  folding.RememberEventKeys();
  const Day new_day = DaysFromCivil(2025, 1, 2), old_day = DaysFromCivil(2023, 5, 7);
  const std::string old_event = "u9,2023-05-07T12:00:00Z,search\n";
  store::AppendOutcome outcome =
      AppendOrDie(folding, header + "u1,2025-01-02T09:00:00Z,search\n" + old_event, "1.csv");
  EXPECT_EQ(outcome.rows_added, 2u);
  EXPECT_EQ(folding.RememberedEventKeyDays(), (std::vector<Day>{old_day, new_day}));
  // Four folds of the new day only: the old day is forgotten after them.
  for (int fold = 0; fold < 4; ++fold) {
    outcome = AppendOrDie(
        folding,
        header +
            fmt::format("u1,2025-01-02T10:00:0{}Z,search\nu1,2025-01-02T09:00:00Z,search\n", fold),
        fmt::format("n{}.csv", fold));
    EXPECT_EQ(outcome.rows_added, 1u);
    EXPECT_EQ(outcome.rows_duplicate, 1u);
  }
  EXPECT_EQ(folding.RememberedEventKeyDays(), (std::vector<Day>{new_day}));
  // The old event again: read from the blocks, still a duplicate; a new one that day is added.
  outcome = AppendOrDie(folding, header + old_event + "u9,2023-05-07T12:00:01Z,search\n", "2.csv");
  EXPECT_EQ(outcome.rows_added, 1u);
  EXPECT_EQ(outcome.rows_duplicate, 1u);
  EXPECT_EQ(folding.RememberedEventKeyDays(), (std::vector<Day>{old_day, new_day}));
  EXPECT_EQ(LoadOrDie(folding, DataKind::kEvents).rows(), 7u);
  ExpectHealthy(folding);
}

TEST_F(WorkspaceTest, EventCountsAreStoredWhenTheSourceHasThem) {
  const std::string csv =
      "user_id,timestamp,event,count\n"
      "u1,2025-01-02T09:00:00Z,search,3\n"
      "u2,2025-01-02T10:30:00Z,export,1\n";
  Workspace workspace = OpenOrDie("event_counts.glw");
  EXPECT_EQ(AppendOrDie(workspace, csv, "c.csv").rows_added, 2u);
  const Dataset loaded = LoadOrDie(workspace, DataKind::kEvents);
  testing::ExpectSameDataset(testing::IngestOrDie(csv).dataset, loaded);
  EXPECT_EQ(loaded.As<UsageLog>()->usage.events, (Column<int32_t>{3, 1}));
}

TEST_F(WorkspaceTest, UsageEventsAndTransactionsAreHeldSideBySide) {
  const std::string usage = std::string(testing::kUsageHeader) +
                            "u1,2025-01-01,2025-01-02,search,3\n"
                            "u2,,2025-01-03,export,1\n";
  const std::string events =
      "user_id,timestamp,event\n"
      "u1,2025-01-02T09:00:00Z,search\n"
      "e9,2025-01-02T10:30:00Z,checkout\n";
  const std::string orders = std::string(testing::kRetailHeader) +
                             "536365,85123A,WHITE HANGING HEART,6,2010-12-01 08:26:00,2.55,17850,"
                             "United Kingdom\n";
  Workspace workspace = OpenOrDie("three.glw");
  AppendOrDie(workspace, usage, "u.csv");
  AppendOrDie(workspace, events, "e.csv");
  AppendOrDie(workspace, orders, "o.csv");
  Result<std::vector<DataKind>> kinds = workspace.Kinds();
  ASSERT_TRUE(kinds.ok());
  EXPECT_EQ(*kinds,
            (std::vector<DataKind>{DataKind::kUsage, DataKind::kEvents, DataKind::kTransactions}));
  testing::ExpectSameDataset(testing::IngestOrDie(usage).dataset,
                             LoadOrDie(workspace, DataKind::kUsage));
  testing::ExpectSameDataset(testing::IngestOrDie(events).dataset,
                             LoadOrDie(workspace, DataKind::kEvents));
  EXPECT_EQ(LoadOrDie(workspace, DataKind::kTransactions).rows(), 1u);
  ExpectHealthy(workspace);
}

TEST_F(WorkspaceTest, ErasingAUserFromAnEventLogKeepsTheOthersTimes) {
  const std::string header = "user_id,timestamp,event\n";
  Workspace workspace = OpenOrDie("erase_events.glw");
  AppendOrDie(workspace,
              header + "alice,2025-01-02T09:00:00Z,search\nbob,2025-01-02T10:30:00.5Z,export\n",
              "e.csv");
  Result<store::Erasure> erasure =
      store::EraseUser(LoadOrDie(workspace, DataKind::kEvents), "alice");
  ASSERT_TRUE(erasure.ok()) << erasure.status().message();
  ASSERT_TRUE(workspace.Replace(erasure->data).ok());
  const Dataset after = LoadOrDie(workspace, DataKind::kEvents);
  const UsageLog& log = *after.As<UsageLog>();  // the event names stay: only users are erased
  ASSERT_EQ(log.rows(), 1u);
  EXPECT_EQ(log.users[log.usage.user[0]], "bob");
  EXPECT_EQ(log.features[log.usage.feature[0]], "export");
  EXPECT_EQ(log.usage.day[0], DaysFromCivil(2025, 1, 2));
  EXPECT_EQ(log.usage.ms_of_day, (Column<int32_t>{(10 * 3600 + 30 * 60) * 1000 + 500}));
  EXPECT_TRUE(log.usage.events.empty());
  ExpectHealthy(workspace);
}

TEST_F(WorkspaceTest, AWorkspaceOfANewerSchemaIsRefusedNamingBothVersions) {
  // The fixture: the SQL of a workspace written by a future growthlens (schema version 99).
  const std::string path = PathOf("future.glw");
  {
    Workspace workspace = OpenOrDie("future.glw");  // makes a file of this version...
  }
  // ...and the script turns it into one of version 99 (sqlite3 applies it in the CLI test too).
  const std::string script =
      ReadFile(std::string(GROWTHLENS_TEST_DIR) + "/fixtures/workspace_schema_v99.sql");
  ASSERT_FALSE(script.empty());
  ASSERT_TRUE(ExecuteSql(path, script));
  Result<Workspace> refused = Workspace::Open(path, OpenMode::kExisting);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("schema version 99"), std::string::npos)
      << refused.status().message();
  EXPECT_NE(refused.status().message().find(
                fmt::format("version {} this growthlens reads", store::kSchemaVersion)),
            std::string::npos)
      << refused.status().message();
}

TEST_F(WorkspaceTest, AFileThatIsNotAWorkspaceIsRefused) {
  const std::string path = PathOf("notes.glw");
  {
    std::FILE* file = std::fopen(path.c_str(), "wb");
    ASSERT_NE(file, nullptr);
    std::fputs(
        "user_id,event_date\nthis is a CSV, not a workspace, and long enough to look "
        "like a header of a database file to nobody\n",
        file);
    std::fclose(file);
  }
  Result<Workspace> refused = Workspace::Open(path, OpenMode::kExisting);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("not a GrowthLens workspace"), std::string::npos)
      << refused.status().message();
  EXPECT_FALSE(Workspace::Open(PathOf("missing.glw"), OpenMode::kExisting).ok());
}

TEST_F(WorkspaceTest, CheckFindsADamagedBlock) {
  const std::string csv = Generated(100);
  Workspace workspace = OpenOrDie("damaged.glw");
  AppendOrDie(workspace, csv, "u.csv");
  ExpectHealthy(workspace);
  ASSERT_TRUE(ExecuteSql(PathOf("damaged.glw"),
                         "UPDATE blocks SET payload = x'00112233' "
                         "WHERE table_name = 'usage.rows'"));
  Result<std::vector<std::string>> problems = workspace.Check();
  ASSERT_TRUE(problems.ok()) << problems.status().message();
  ASSERT_FALSE(problems->empty());
  EXPECT_NE(problems->front().find("usage.rows block"), std::string::npos) << problems->front();
  EXPECT_FALSE(workspace.Load(DataKind::kUsage).ok());
}

TEST(BlockCodecTest, ColumnsRoundTripAndAbsentColumnsAreReported) {
  const std::vector<int32_t> days = {20000, 20000, 20001, 20005, -3, INT32_MAX, INT32_MIN};
  const std::vector<uint16_t> features = {0, 65535, 7, 7, 7, 1, 2};
  store::BlockWriter writer(static_cast<uint32_t>(days.size()));
  writer.Integers("day", std::span<const int32_t>(days));
  writer.Integers("feature", std::span<const uint16_t>(features));
  Result<std::string> payload = writer.Compress(3);
  ASSERT_TRUE(payload.ok());
  Result<store::BlockReader> reader = store::BlockReader::Open(*payload, "test block");
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  std::vector<int32_t> days_read(days.size());
  std::vector<uint16_t> features_read(features.size());
  ASSERT_TRUE(reader->Integers("day", days_read.data()).ok());
  ASSERT_TRUE(reader->Integers("feature", features_read.data()).ok());
  EXPECT_EQ(days_read, days);
  EXPECT_EQ(features_read, features);
  EXPECT_FALSE(reader->Has("events"));
  std::vector<uint8_t> narrow(days.size());
  EXPECT_FALSE(reader->Integers("feature", narrow.data()).ok());  // 65535 does not fit
  EXPECT_FALSE(store::BlockReader::Open("not zstd", "junk").ok());
}

TEST_F(WorkspaceTest, AVersion1WorkspaceIsMigratedKeepingItsDataAndHistory) {
  // The fixture: `sqlite3 .dump` of a workspace written by growthlens before saved items.
  const std::string path = PathOf("old.glw");
  const std::string script =
      ReadFile(std::string(GROWTHLENS_TEST_DIR) + "/fixtures/workspace_schema_v1.sql");
  ASSERT_FALSE(script.empty());
  ASSERT_TRUE(ExecuteSql(path, script));
  {
    Result<Workspace> opened = Workspace::Open(path, OpenMode::kExisting);
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    Result<store::WorkspaceInfo> info = opened->Info();
    ASSERT_TRUE(info.ok()) << info.status().message();
    EXPECT_EQ(info->schema_version, store::kSchemaVersion);
    ASSERT_EQ(info->loads.size(), 1U);
    EXPECT_EQ(info->loads[0].record.source_name, "usage.csv");
    Result<Dataset> data = opened->Load(DataKind::kUsage);
    ASSERT_TRUE(data.ok()) << data.status().message();
    EXPECT_EQ(data->rows(), 3U);
    EXPECT_EQ(data->users().size(), 2U);
    ExpectHealthy(*opened);
    // The new tables work on the migrated file.
    ASSERT_TRUE(opened->Save(store::SavedKind::kView, "Weekly", R"({"page":"usage"})").ok());
    const store::InboxEvent event{"u1", "login", 1'740'823'200'000, 1, "id-1", ""};
    Result<store::InboxOutcome> added = opened->Inbox().Add({&event, 1}, 1'740'823'200'000);
    ASSERT_TRUE(added.ok()) << added.status().message();
    EXPECT_EQ(added->stored, 1U);
  }
  Result<Workspace> reopened = Workspace::Open(path, OpenMode::kExisting);  // no second migration
  ASSERT_TRUE(reopened.ok()) << reopened.status().message();
  Result<std::optional<store::SavedItem>> view =
      reopened->FindSaved(store::SavedKind::kView, "Weekly");
  ASSERT_TRUE(view.ok() && view->has_value());
  EXPECT_EQ((*view)->body, R"({"page":"usage"})");
  // Version 10's generation: there after the migration, raised by a write of blocks and loads.
  const int64_t generation = GenerationOf(path);
  ASSERT_GE(generation, 0);
  AppendOrDie(*reopened, "user_id,timestamp,event\nu1,2025-01-02T09:00:00Z,search\n", "e.csv");
  EXPECT_GT(GenerationOf(path), generation);
}

TEST_F(WorkspaceTest, SavedItemsAreNamedPerKindAndReplacedBySavingTheNameAgain) {
  Workspace workspace = OpenOrDie("saved.glw");
  using store::SavedKind;
  Result<store::SavedItem> first = workspace.Save(SavedKind::kView, "Q1 usage", R"({"a":1})");
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(first->name, "Q1 usage");
  EXPECT_EQ(first->bytes, 7U);
  EXPECT_TRUE(first->body.empty());
  EXPECT_EQ(first->saved_at.size(), 19U);  // "2026-12-06 14:03:11"
  ASSERT_TRUE(workspace.Save(SavedKind::kView, "Churners", R"({"b":2})").ok());
  // The same name in another kind is another item.
  ASSERT_TRUE(workspace.Save(SavedKind::kExperiment, "Q1 usage", R"({"c":3})").ok());
  ASSERT_TRUE(workspace.Save(SavedKind::kView, "Q1 usage", R"({"a":10})").ok());

  Result<std::vector<store::SavedItem>> views = workspace.ListSaved(SavedKind::kView);
  ASSERT_TRUE(views.ok()) << views.status().message();
  ASSERT_EQ(views->size(), 2U);
  EXPECT_EQ((*views)[0].name, "Q1 usage");  // newest first: saved again last
  EXPECT_EQ((*views)[1].name, "Churners");
  Result<std::optional<store::SavedItem>> found = workspace.FindSaved(SavedKind::kView, "Q1 usage");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->body, R"({"a":10})");
  Result<std::optional<store::SavedItem>> other =
      workspace.FindSaved(SavedKind::kExperiment, "Q1 usage");
  ASSERT_TRUE(other.ok() && other->has_value());
  EXPECT_EQ((*other)->body, R"({"c":3})");

  Result<bool> deleted = workspace.DeleteSaved(SavedKind::kView, "Churners");
  ASSERT_TRUE(deleted.ok());
  EXPECT_TRUE(*deleted);
  Result<bool> again = workspace.DeleteSaved(SavedKind::kView, "Churners");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  EXPECT_EQ(workspace.ListSaved(SavedKind::kView)->size(), 1U);

  for (const std::string& bad : {std::string(), std::string(101, 'x'), std::string("a\nb")}) {
    Result<store::SavedItem> refused = workspace.Save(SavedKind::kView, bad, "{}");
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.status().message().find("parameter 'name'"), std::string::npos);
  }
  EXPECT_EQ(store::SavedKindFromName("persona_model"), SavedKind::kPersonaModel);
  EXPECT_FALSE(store::SavedKindFromName("dashboards").has_value());
}

// Event properties in the workspace (issue 18): stored and read back row for row; a load that
// brings a new property leaves it unset on the rows stored before; erasing a user and
// compacting keep every property aligned with its rows; `workspace export` writes them back as
// CSV columns or an NDJSON properties object, and ingesting the export gives the same data.

/// Each row as "user event platform plan" (the erased workspace keeps its event names, so
/// codes differ from a fresh load's).
std::vector<std::string> RowsAsText(const Dataset& data) {
  const UsageLog& log = UsageOf(data);
  std::vector<std::string> rows;
  for (size_t row = 0; row < log.rows(); ++row) {
    // Appended piece by piece: "a" + b trips GCC 12's -Wrestrict false positive (bug 105329).
    std::string text(log.users[log.usage.user[row]]);
    text += ' ';
    text += log.features[log.usage.feature[row]];
    for (const PropertyColumn& column : log.properties.columns) {
      text += ' ';
      text += column.ValueOf(row);
    }
    rows.push_back(text);
  }
  return rows;
}

constexpr const char* kPropertiesFirst =
    "user_id,timestamp,event,platform\n"
    "a,2025-01-01T10:00:00Z,open,ios\n"
    "b,2025-01-01T11:00:00Z,open,web\n"
    "a,2025-01-02T10:00:00Z,search,ios\n";
// Overlaps the first on one event (b's open), brings a property the first had not.
constexpr const char* kPropertiesSecond =
    "user_id,timestamp,event,plan,platform\n"
    "b,2025-01-01T11:00:00Z,open,pro,web\n"
    "c,2025-01-03T09:00:00Z,open,free,android\n"
    "b,2025-01-03T12:00:00Z,export,pro,web\n";
// What the workspace then holds, as one file.
constexpr const char* kPropertiesUnion =
    "user_id,timestamp,event,platform,plan\n"
    "a,2025-01-01T10:00:00Z,open,ios,\n"
    "b,2025-01-01T11:00:00Z,open,web,\n"
    "a,2025-01-02T10:00:00Z,search,ios,\n"
    "c,2025-01-03T09:00:00Z,open,android,free\n"
    "b,2025-01-03T12:00:00Z,export,web,pro\n";

TEST_F(WorkspaceTest, PropertiesStoredAndReadBackANewPropertyUnsetOnEarlierRows) {
  Workspace workspace = OpenOrDie("w.glw");
  AppendOrDie(workspace, kPropertiesFirst, "first.csv");
  testing::ExpectSameDataset(testing::IngestOrDie(kPropertiesFirst).dataset,
                             LoadOrDie(workspace, DataKind::kEvents));
  AppendOrDie(workspace, kPropertiesSecond, "second.csv");
  const Dataset held = LoadOrDie(workspace, DataKind::kEvents);
  testing::ExpectSameDataset(testing::IngestOrDie(kPropertiesUnion).dataset, held);
  ExpectHealthy(workspace);

  // A date range reads its rows' properties.
  Result<Dataset> third_day = workspace.Load(DataKind::kEvents, {20'091, 20'091});
  ASSERT_TRUE(third_day.ok()) << third_day.status().message();
  ASSERT_EQ(UsageOf(*third_day).rows(), 2u);
  EXPECT_EQ(UsageOf(*third_day).properties.Find("plan")->ValueOf(1), "pro");
}

TEST_F(WorkspaceTest, PropertiesErasureAndCompactionKeepPropertiesAlignedWithTheirRows) {
  Workspace workspace = OpenOrDie("w.glw");
  AppendOrDie(workspace, kPropertiesFirst, "first.csv");
  AppendOrDie(workspace, kPropertiesSecond, "second.csv");
  Result<store::Erasure> erased = store::EraseUser(LoadOrDie(workspace, DataKind::kEvents), "a");
  ASSERT_TRUE(erased.ok()) << erased.status().message();
  EXPECT_EQ(erased->rows_erased, 2u);
  ASSERT_TRUE(workspace.Replace(erased->data).ok());
  EXPECT_EQ(RowsAsText(LoadOrDie(workspace, DataKind::kEvents)),
            (std::vector<std::string>{"b open web ", "c open android free", "b export web pro"}));
  ExpectHealthy(workspace);
  // Compaction rewrites everything: the same again.
  const Dataset before = LoadOrDie(workspace, DataKind::kEvents);
  workspace.SetCompressionLevel(9);
  ASSERT_TRUE(workspace.Replace(before).ok());
  testing::ExpectSameDataset(before, LoadOrDie(workspace, DataKind::kEvents));
  ExpectHealthy(workspace);
}

TEST_F(WorkspaceTest, PropertiesExportRoundTripsThroughIngestAsCsvAndNdjson) {
  const std::string source = PathOf("events.csv");
  std::ofstream(source) << kPropertiesUnion;
  const std::string workspace = PathOf("export.glw");
  ASSERT_EQ(
      testing::RunCommand("ingest " + source + " --workspace " + workspace + " --quiet").exit_code,
      0);
  for (const std::string as : {"csv", "ndjson"}) {
    const std::string exported = PathOf("out." + as);
    const testing::CommandResult run = testing::RunCommand(
        "workspace export --workspace " + workspace + " --as " + as + " -o " + exported);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const Result<CleanedData> back = IngestFile(exported, IngestOptions());
    ASSERT_TRUE(back.ok()) << back.status().message();
    testing::ExpectSameDataset(testing::IngestOrDie(kPropertiesUnion).dataset, back->dataset);
    // Ingesting the export into the workspace again adds nothing: the same events.
    const testing::CommandResult again =
        testing::RunCommand("ingest " + exported + " --workspace " + workspace + " --quiet");
    ASSERT_EQ(again.exit_code, 0) << again.err;
    Result<Workspace> opened = Workspace::Open(workspace, OpenMode::kExisting);
    ASSERT_TRUE(opened.ok());
    EXPECT_EQ(UsageOf(LoadOrDie(*opened, DataKind::kEvents)).rows(), 5u);
  }
}

}  // namespace
}  // namespace growthlens
