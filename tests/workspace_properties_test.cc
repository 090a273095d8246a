// Event properties in the workspace (issue 18): stored and read back row for row; a load that
// brings a new property leaves it unset on the rows stored before; erasing a user and
// compacting keep every property aligned with its rows; `workspace export` writes them back as
// CSV columns or an NDJSON properties object, and ingesting the export gives the same data.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "command_runner.h"
#include "dataset_expect.h"
#include "dataset_kinds.h"
#include "ingest_or_die.h"
#include "store/file_checksum.h"
#include "store/user_erasure.h"
#include "store/workspace.h"

namespace growthlens {
namespace {

using store::OpenMode;
using store::Workspace;

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

class WorkspaceProperties : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = std::filesystem::temp_directory_path() /
                 ("growthlens_workspace_properties_" + std::to_string(::getpid()) + "_" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(directory_);
    std::filesystem::create_directories(directory_);
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }
  std::string PathOf(const std::string& name) const { return (directory_ / name).string(); }

  Workspace Open() {
    Result<Workspace> workspace = Workspace::Open(PathOf("w.glw"), OpenMode::kCreate);
    EXPECT_TRUE(workspace.ok()) << workspace.status().message();
    return std::move(workspace).value();
  }
  static void Append(Workspace& workspace, const std::string& csv) {
    const CleanedData cleaned = testing::IngestOrDie(csv);
    const store::FileChecksum checksum = store::ChecksumOfBytes(csv);
    Result<store::AppendOutcome> outcome =
        workspace.Append(cleaned.dataset, {"e.csv", checksum.bytes, checksum.text, 0, "{}"});
    ASSERT_TRUE(outcome.ok()) << outcome.status().message();
  }
  static Dataset Load(Workspace& workspace) {
    Result<Dataset> data = workspace.Load(DataKind::kEvents);
    EXPECT_TRUE(data.ok()) << data.status().message();
    return data.ok() ? std::move(data).value() : Dataset();
  }
  static void ExpectHealthy(Workspace& workspace) {
    Result<std::vector<std::string>> problems = workspace.Check();
    ASSERT_TRUE(problems.ok()) << problems.status().message();
    EXPECT_TRUE(problems->empty()) << problems->front();
  }

  std::filesystem::path directory_;
};

constexpr const char* kFirst =
    "user_id,timestamp,event,platform\n"
    "a,2025-01-01T10:00:00Z,open,ios\n"
    "b,2025-01-01T11:00:00Z,open,web\n"
    "a,2025-01-02T10:00:00Z,search,ios\n";
// Overlaps the first on one event (b's open), brings a property the first had not.
constexpr const char* kSecond =
    "user_id,timestamp,event,plan,platform\n"
    "b,2025-01-01T11:00:00Z,open,pro,web\n"
    "c,2025-01-03T09:00:00Z,open,free,android\n"
    "b,2025-01-03T12:00:00Z,export,pro,web\n";
// What the workspace then holds, as one file.
constexpr const char* kUnion =
    "user_id,timestamp,event,platform,plan\n"
    "a,2025-01-01T10:00:00Z,open,ios,\n"
    "b,2025-01-01T11:00:00Z,open,web,\n"
    "a,2025-01-02T10:00:00Z,search,ios,\n"
    "c,2025-01-03T09:00:00Z,open,android,free\n"
    "b,2025-01-03T12:00:00Z,export,web,pro\n";

TEST_F(WorkspaceProperties, StoredAndReadBackANewPropertyUnsetOnEarlierRows) {
  Workspace workspace = Open();
  Append(workspace, kFirst);
  testing::ExpectSameDataset(testing::IngestOrDie(kFirst).dataset, Load(workspace));
  Append(workspace, kSecond);
  const Dataset held = Load(workspace);
  testing::ExpectSameDataset(testing::IngestOrDie(kUnion).dataset, held);
  ExpectHealthy(workspace);

  // A date range reads its rows' properties.
  Result<Dataset> third_day = workspace.Load(DataKind::kEvents, {20'091, 20'091});
  ASSERT_TRUE(third_day.ok()) << third_day.status().message();
  ASSERT_EQ(UsageOf(*third_day).rows(), 2u);
  EXPECT_EQ(UsageOf(*third_day).properties.Find("plan")->ValueOf(1), "pro");
}

TEST_F(WorkspaceProperties, ErasureAndCompactionKeepPropertiesAlignedWithTheirRows) {
  Workspace workspace = Open();
  Append(workspace, kFirst);
  Append(workspace, kSecond);
  Result<store::Erasure> erased = store::EraseUser(Load(workspace), "a");
  ASSERT_TRUE(erased.ok()) << erased.status().message();
  EXPECT_EQ(erased->rows_erased, 2u);
  ASSERT_TRUE(workspace.Replace(erased->data).ok());
  EXPECT_EQ(RowsAsText(Load(workspace)),
            (std::vector<std::string>{"b open web ", "c open android free", "b export web pro"}));
  ExpectHealthy(workspace);
  // Compaction rewrites everything: the same again.
  const Dataset before = Load(workspace);
  workspace.SetCompressionLevel(9);
  ASSERT_TRUE(workspace.Replace(before).ok());
  testing::ExpectSameDataset(before, Load(workspace));
  ExpectHealthy(workspace);
}

TEST_F(WorkspaceProperties, ExportRoundTripsThroughIngestAsCsvAndNdjson) {
  const std::string source = PathOf("events.csv");
  std::ofstream(source) << kUnion;
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
    testing::ExpectSameDataset(testing::IngestOrDie(kUnion).dataset, back->dataset);
    // Ingesting the export into the workspace again adds nothing: the same events.
    const testing::CommandResult again =
        testing::RunCommand("ingest " + exported + " --workspace " + workspace + " --quiet");
    ASSERT_EQ(again.exit_code, 0) << again.err;
    Result<Workspace> opened = Workspace::Open(workspace, OpenMode::kExisting);
    ASSERT_TRUE(opened.ok());
    EXPECT_EQ(UsageOf(Load(*opened)).rows(), 5u);
  }
}

}  // namespace
}  // namespace growthlens
