// Several processes opening one workspace at once (issue 18: a server, `growthlens consume` and
// `growthlens ingest` on the same file): each open must succeed, whether the file is new (one of
// them makes the schema) or of an older version (one of them migrates it, once: the steps must
// not run twice, as they would if the version were read before the write lock).

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "store/schema.h"
#include "store/workspace.h"

namespace growthlens {
namespace {

constexpr int kOpeners = 4;
constexpr int kRounds = 8;

std::string ReadText(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

/// Opens `path` from kOpeners threads at the same moment, each with its own connection (as
/// separate processes would); returns the failures' messages.
std::vector<std::string> OpenAtOnce(const std::string& path, store::OpenMode mode) {
  std::atomic<int> ready = 0;
  std::vector<std::string> failures(kOpeners);
  std::vector<std::thread> openers;
  for (int opener = 0; opener < kOpeners; ++opener)
    openers.emplace_back([&, opener] {
      ++ready;
      while (ready < kOpeners) std::this_thread::yield();
      Result<store::Workspace> opened = store::Workspace::Open(path, mode);
      if (!opened.ok()) {
        failures[opener] = opened.status().message();
        return;
      }
      Result<store::WorkspaceInfo> info = opened->Info();
      if (!info.ok())
        failures[opener] = info.status().message();
      else if (info->schema_version != store::kSchemaVersion)
        failures[opener] = "schema version " + std::to_string(info->schema_version);
    });
  for (std::thread& opener : openers) opener.join();
  std::erase(failures, "");
  return failures;
}

class WorkspaceOpenRaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = std::filesystem::temp_directory_path() /
                 ("growthlens_open_race_" + std::to_string(::getpid()));
    std::filesystem::create_directories(directory_);
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }
  std::string PathOf(const std::string& name) const { return (directory_ / name).string(); }

 private:
  std::filesystem::path directory_;
};

TEST_F(WorkspaceOpenRaceTest, ANewWorkspaceMadeByManyAtOnceIsMadeOnce) {
  for (int round = 0; round < kRounds; ++round) {
    const std::string path = PathOf("new" + std::to_string(round) + ".glw");
    const std::vector<std::string> failures = OpenAtOnce(path, store::OpenMode::kCreate);
    EXPECT_TRUE(failures.empty()) << "round " << round << ": " << failures.front();
  }
}

TEST_F(WorkspaceOpenRaceTest, AnOldWorkspaceOpenedByManyAtOnceIsMigratedOnce) {
  const std::string script =
      ReadText(std::string(GROWTHLENS_TEST_DIR) + "/fixtures/workspace_schema_v1.sql");
  ASSERT_FALSE(script.empty());
  for (int round = 0; round < kRounds; ++round) {
    const std::string path = PathOf("old" + std::to_string(round) + ".glw");
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, script.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    const std::vector<std::string> failures = OpenAtOnce(path, store::OpenMode::kExisting);
    EXPECT_TRUE(failures.empty()) << "round " << round << ": " << failures.front();
    Result<store::Workspace> after = store::Workspace::Open(path, store::OpenMode::kExisting);
    ASSERT_TRUE(after.ok()) << after.status().message();
    Result<Dataset> data = after->Load(DataKind::kUsage);
    ASSERT_TRUE(data.ok()) << data.status().message();
    EXPECT_EQ(data->rows(), 3U);  // the fixture's rows, once
  }
}

}  // namespace
}  // namespace growthlens
