// The HTTP collector's group writer (live/group_writer.h): batches from several threads
// committed together, each acknowledged with its own counts, and the inbox folded into blocks
// by a thread of its own in loads of `fold_every` events while commits go on; and the
// properties' JSON text the inbox keeps (live/workspace_sink.h).

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <unistd.h>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "live/group_writer.h"
#include "live/workspace_sink.h"
#include "store/workspace.h"

namespace growthlens {
namespace {

constexpr int64_t kNoon = 1'740'830'400'000;  // 2025-03-01T12:00:00Z

std::vector<app::IncomingEvent> Batch(int thread, int batch, int events) {
  std::vector<app::IncomingEvent> out(static_cast<size_t>(events));
  for (int i = 0; i < events; ++i) {
    app::IncomingEvent& event = out[static_cast<size_t>(i)];
    event.user = fmt::format("u{}", i % 50);
    event.event = "view";
    event.time_ms = kNoon + (thread * 1'000 + batch) * 1'000 + i;  // no two alike
    event.uuid = fmt::format("{}-{}-{}", thread, batch, i);
    event.properties = {{"platform", i % 2 == 0 ? "ios" : "web"}};
  }
  return out;
}

TEST(GroupWriterTest, FoldsFullLoadsOnItsOwnThreadAndLosesNothing) {
  const std::filesystem::path directory =
      std::filesystem::temp_directory_path() /
      fmt::format("growthlens_group_writer_test_{}", ::getpid());
  std::filesystem::remove_all(directory);
  std::filesystem::create_directories(directory);
  const std::string path = (directory / "w.glw").string();
  {
    live::GroupWriterLimits limits;
    limits.fold_every = 1'000;
    Result<std::unique_ptr<live::GroupWriter>> writer = live::GroupWriter::Open(path, limits);
    ASSERT_TRUE(writer.ok()) << writer.status().message();
    std::vector<std::thread> clients;
    std::vector<uint64_t> stored(2, 0);
    for (int thread = 0; thread < 2; ++thread)
      clients.emplace_back([&, thread] {
        for (int batch = 0; batch < 5; ++batch) {
          const std::vector<app::IncomingEvent> events = Batch(thread, batch, 350);
          std::optional<Result<live::SinkOutcome>> written = (*writer)->Write(events);
          ASSERT_TRUE(written.has_value() && written->ok());
          stored[static_cast<size_t>(thread)] += (*written)->stored;
          // A retry of an acknowledged batch is all duplicates.
          if (batch == 0) {
            EXPECT_EQ((*(*writer)->Write(events))->duplicates, 350U);
          }
        }
      });
    for (std::thread& client : clients) client.join();
    EXPECT_EQ(stored[0] + stored[1], 3'500U);
    // 3,500 events: three full loads of 1,000, and 500 wait in the inbox.
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while ((*writer)->stats().folds < 3 && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ((*writer)->stats().folds, 3U);
    EXPECT_EQ((*writer)->stats().stored, 3'500U);
  }
  Result<store::Workspace> workspace = store::Workspace::Open(path, store::OpenMode::kExisting);
  ASSERT_TRUE(workspace.ok()) << workspace.status().message();
  Result<store::InboxStats> inbox = workspace->Inbox().Stats();
  ASSERT_TRUE(inbox.ok());
  EXPECT_EQ(inbox->events, 500U);
  EXPECT_EQ(inbox->uuids, 3'500U);
  Result<store::WorkspaceInfo> info = workspace->Info();
  ASSERT_TRUE(info.ok());
  ASSERT_EQ(info->loads.size(), 3U);
  uint64_t rows = 0;
  for (const auto& load : info->loads) rows += load.record.rows_read;
  EXPECT_EQ(rows, 3'000U);
  std::filesystem::remove_all(directory);
}

TEST(GroupWriterTest, PropertiesJsonIsWhatAJsonLibraryWrites) {
  app::IncomingEvent event;
  EXPECT_EQ(live::PropertiesJson(event), "");  // none: no text at all
  event.properties = {{"plan", "pro"},
                      {"quote \" and \\ back", "tab\tnew\nline\r\b\f"},
                      {"control", std::string("a\x01z\x1f", 4)},
                      {"utf8", "caf\xc3\xa9 \xe2\x82\xac"},
                      {"nested", R"({"a":[1,2]})"}};
  nlohmann::ordered_json expected = nlohmann::ordered_json::object();
  for (const auto& [name, value] : event.properties) expected[name] = value;
  EXPECT_EQ(live::PropertiesJson(event), expected.dump());
  // Bytes that are not UTF-8 (a stream's field may hold any) become U+FFFD, not an exception.
  event.properties = {{"bad", "a\xff"}};
  EXPECT_EQ(live::PropertiesJson(event), "{\"bad\":\"a\xef\xbf\xbd\"}");
}

}  // namespace
}  // namespace growthlens
