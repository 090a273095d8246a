// The stream consumers' reports in the workspace (store/consumer_status.h, schema version 7): a
// report replaces the consumer's previous one, unknown lag stays unknown, and a workspace of an
// older version gains the table when it is opened.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "command_runner.h"
#include "redis_test_server.h"
#include "store/consumer_status.h"
#include "store/schema.h"
#include "store/workspace.h"
#include "temp_workspace.h"

namespace growthlens {
namespace {

using ConsumerStatusTest = testing::TempWorkspaceTest;

store::Workspace OpenOrDie(const std::string& path, store::OpenMode mode) {
  Result<store::Workspace> workspace = store::Workspace::Open(path, mode);
  EXPECT_TRUE(workspace.ok()) << workspace.status().message();
  return std::move(workspace).value();
}

TEST_F(ConsumerStatusTest, AReportReplacesTheConsumersLastOne) {
  store::Workspace workspace = OpenOrDie(workspace_, store::OpenMode::kCreate);
  store::ConsumerStatus first;
  first.name = "events/growthlens/a";
  first.source = "stream events (group growthlens)";
  first.updated_ms = 1000;
  first.messages = 10;
  first.stored = 9;
  first.duplicates = 1;
  first.lag = 5;
  first.pending = 2;
  first.error = "the server went away";
  store::ConsumerStatus other = first;
  other.name = "events/growthlens/b";
  other.lag.reset();  // an older Redis cannot tell
  ASSERT_TRUE(workspace.Consumers().Write(first).ok());
  ASSERT_TRUE(workspace.Consumers().Write(other).ok());
  first.updated_ms = 2000;
  first.messages = 20;
  first.lag = 0;
  first.error.clear();
  ASSERT_TRUE(workspace.Consumers().Write(first).ok());

  // Another connection (the server's watcher) reads what was committed.
  store::Workspace reader = OpenOrDie(workspace_, store::OpenMode::kExisting);
  Result<std::vector<store::ConsumerStatus>> read = reader.Consumers().ReadAll();
  ASSERT_TRUE(read.ok()) << read.status().message();
  ASSERT_EQ(read->size(), 2u);
  EXPECT_EQ((*read)[0].name, "events/growthlens/a");
  EXPECT_EQ((*read)[0].updated_ms, 2000);
  EXPECT_EQ((*read)[0].messages, 20u);
  EXPECT_EQ((*read)[0].stored, 9u);
  EXPECT_EQ((*read)[0].lag, 0);
  EXPECT_EQ((*read)[0].pending, 2);
  EXPECT_EQ((*read)[0].error, "");
  EXPECT_EQ((*read)[1].source, "stream events (group growthlens)");
  EXPECT_FALSE((*read)[1].lag.has_value());
  EXPECT_EQ((*read)[1].error, "the server went away");
}

TEST_F(ConsumerStatusTest, AnOlderWorkspaceGainsTheTable) {
  const std::string fixture =
      std::string(GROWTHLENS_TEST_DIR) + "/fixtures/workspace_schema_v2.sql";
  ASSERT_EQ(std::system(("sqlite3 '" + workspace_ + "' < '" + fixture + "'").c_str()), 0);
  store::Workspace workspace = OpenOrDie(workspace_, store::OpenMode::kExisting);
  Result<store::WorkspaceInfo> info = workspace.Info();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->schema_version, store::kSchemaVersion);
  store::ConsumerStatus status;
  status.name = "c";
  ASSERT_TRUE(workspace.Consumers().Write(status).ok());
  Result<std::vector<store::ConsumerStatus>> read = workspace.Consumers().ReadAll();
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->size(), 1u);
}

TEST_F(ConsumerStatusTest, GrowthlensConsumeReportsItselfWithItsLag) {
  testing::RedisTestServer redis;
  ASSERT_TRUE(redis.ready());
  {
    Result<live::RedisConnection> connection =
        live::RedisConnection::Open(redis.address(), std::chrono::milliseconds(2000));
    ASSERT_TRUE(connection.ok()) << connection.status().message();
    for (const char* user : {"u1", "u2", "u3"})
      ASSERT_TRUE(
          connection->Command({"XADD", "events", "*", "user_id", user, "event", "login"}).ok());
  }
  const testing::CommandResult consumed = testing::RunCommand(
      fmt::format("consume {} --stream events --consumer c1 --workspace {} --until-idle --quiet",
                  redis.url(), workspace_));
  ASSERT_EQ(consumed.exit_code, 0) << consumed.err;
  store::Workspace workspace = OpenOrDie(workspace_, store::OpenMode::kExisting);
  Result<std::vector<store::ConsumerStatus>> read = workspace.Consumers().ReadAll();
  ASSERT_TRUE(read.ok()) << read.status().message();
  ASSERT_EQ(read->size(), 1u);
  const store::ConsumerStatus& status = (*read)[0];
  EXPECT_EQ(status.name, "events/growthlens/c1");
  EXPECT_EQ(status.source, "stream events (group growthlens)");
  EXPECT_EQ(status.messages, 3u);
  EXPECT_EQ(status.stored, 3u);
  EXPECT_EQ(status.lag, 0);      // everything delivered
  EXPECT_EQ(status.pending, 0);  // and acknowledged
  EXPECT_GT(status.last_message_ms, 0);
  EXPECT_GE(status.updated_ms, status.last_message_ms);
  EXPECT_EQ(status.error, "");
}

}  // namespace
}  // namespace growthlens
