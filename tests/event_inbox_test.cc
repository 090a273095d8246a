// The workspace's inbox of live events (store/event_inbox.h) and its fold into blocks
// (app/inbox_fold.h): durable rows, one per uuid however often it comes, the fold as one load
// that removes what it stored, and analyses of a workspace being written to seeing blocks plus
// inbox as if all had come from one file.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "app/inbox_fold.h"
#include "ingest_or_die.h"
#include "store/file_checksum.h"
#include "store/schema.h"
#include "store/workspace.h"

namespace growthlens {
namespace {

using store::InboxEvent;
using store::Workspace;

constexpr int64_t kNoon = 1'740'830'400'000;  // 2025-03-01T12:00:00Z

class EventInboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = std::filesystem::temp_directory_path() /
                 ("growthlens_inbox_test_" + std::to_string(::getpid()) + "_" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(directory_);
    std::filesystem::create_directories(directory_);
    Result<Workspace> opened =
        Workspace::Open((directory_ / "w.glw").string(), store::OpenMode::kCreate);
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    workspace_.emplace(std::move(*opened));
  }
  void TearDown() override {
    workspace_.reset();
    std::filesystem::remove_all(directory_);
  }

  store::InboxOutcome AddOrDie(const std::vector<InboxEvent>& events) {
    Result<store::InboxOutcome> added = workspace_->Inbox().Add(events, kNoon);
    EXPECT_TRUE(added.ok()) << added.status().message();
    return added.ok() ? *added : store::InboxOutcome{};
  }

  /// Events per user, by name, of an event log.
  static std::map<std::string, int64_t> EventsPerUser(const Dataset& data) {
    std::map<std::string, int64_t> per_user;
    const UsageLog* log = data.As<UsageLog>();
    if (log == nullptr) return per_user;
    const RowCounts counts(log->usage);
    for (size_t row = 0; row < log->rows(); ++row)
      per_user[std::string(log->users[log->usage.user[row]])] += counts[row];
    return per_user;
  }

  std::filesystem::path directory_;
  std::optional<Workspace> workspace_;
};

TEST_F(EventInboxTest, EachUuidIsStoredOnceAcrossCallsAndWithinOne) {
  const store::InboxOutcome first =
      AddOrDie({{"u1", "login", kNoon, 1, "a", ""},
                {"u1", "login", kNoon, 1, "a", ""},  // repeated in the call
                {"u2", "view", kNoon + 5, 2, "", R"({"plan":"pro"})"},
                {"u2", "view", kNoon + 5, 2, "", ""}});  // no uuid: kept
  EXPECT_EQ(first.stored, 3U);
  EXPECT_EQ(first.duplicates, 1U);
  const store::InboxOutcome retry =
      AddOrDie({{"u1", "login", kNoon, 1, "a", ""}, {"u3", "login", kNoon, 1, "b", ""}});
  EXPECT_EQ(retry.stored, 1U);
  EXPECT_EQ(retry.duplicates, 1U);

  Result<store::InboxRows> rows = workspace_->Inbox().Read(0, 100);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ASSERT_EQ(rows->size(), 4U);
  EXPECT_EQ(rows->user[3], "u3");
  EXPECT_EQ(rows->count[1], 2);
  EXPECT_EQ(rows->properties_json[1], R"({"plan":"pro"})");
  EXPECT_EQ(rows->properties_json[2], "");
  Result<store::InboxStats> stats = workspace_->Inbox().Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->events, 4U);
  EXPECT_EQ(stats->uuids, 2U);

  Result<uint64_t> erased = workspace_->Inbox().RemoveUser("u2");
  ASSERT_TRUE(erased.ok());
  EXPECT_EQ(*erased, 2U);
  Result<uint64_t> forgotten = workspace_->Inbox().ForgetUuidsBefore(kNoon + 1);
  ASSERT_TRUE(forgotten.ok());
  EXPECT_EQ(*forgotten, 2U);
  EXPECT_EQ(AddOrDie({{"u1", "login", kNoon, 1, "a", ""}}).stored, 1U);  // out of the window
}

TEST_F(EventInboxTest, FoldStoresTheInboxAsOneLoadAndEmptiesIt) {
  AddOrDie({{"u1", "sign_up", kNoon, 1, "a", ""},
            {"u1", "create_project", kNoon + 60'000, 1, "b", R"({"platform":"ios"})"},
            {"u2", "sign_up", kNoon + 86'400'000, 3, "c", ""},
            {"", "broken", kNoon, 1, "d", ""}});  // no user: the cleaner drops it, reported
  Result<app::FoldOutcome> folded = app::FoldInbox(*workspace_, IngestOptions{});
  ASSERT_TRUE(folded.ok()) << folded.status().message();
  EXPECT_EQ(folded->loads, 1U);
  EXPECT_EQ(folded->events, 4U);
  EXPECT_EQ(folded->kept, 3U);
  EXPECT_EQ(folded->added, 3U);

  Result<store::InboxStats> stats = workspace_->Inbox().Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->events, 0U);
  EXPECT_EQ(stats->uuids, 4U);  // still remembered: a retry after the fold is a duplicate
  EXPECT_EQ(AddOrDie({{"u1", "sign_up", kNoon, 1, "a", ""}}).duplicates, 1U);

  Result<Dataset> data = workspace_->Load(DataKind::kEvents);
  ASSERT_TRUE(data.ok()) << data.status().message();
  EXPECT_EQ(data->kind(), DataKind::kEvents);
  const std::map<std::string, int64_t> expected = {{"u1", 2}, {"u2", 3}};
  EXPECT_EQ(EventsPerUser(*data), expected);
  const UsageLog& log = *data->As<UsageLog>();
  EXPECT_EQ(log.usage.ms_of_day[1], 12 * 3'600'000 + 60'000);
  const PropertyColumn* platform = log.properties.Find("platform");
  ASSERT_NE(platform, nullptr);  // the inbox's properties became the load's
  EXPECT_EQ(platform->ValueOf(1), "ios");
  EXPECT_EQ(platform->ValueOf(0), "");
  Result<store::WorkspaceInfo> info = workspace_->Info();
  ASSERT_TRUE(info.ok());
  ASSERT_EQ(info->loads.size(), 1U);
  EXPECT_EQ(info->loads[0].record.source_name, "live events 1-4");
  // The dropped row is in the load's report, under its rule.
  const nlohmann::json report = nlohmann::json::parse(info->loads[0].record.report_json);
  int64_t missing_id = -1;
  for (const nlohmann::json& rule : report.at("rules"))
    if (rule.at("rule") == "missing_id") missing_id = rule.at("rows").get<int64_t>();
  EXPECT_EQ(missing_id, 1) << report.dump();

  Result<app::FoldOutcome> again = app::FoldInbox(*workspace_, IngestOptions{});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->loads, 0U);
}

TEST_F(EventInboxTest, FoldInLoadsOfAGivenSize) {
  std::vector<InboxEvent> events;
  const std::vector<std::string> users = {"a", "b", "c", "d", "e"};
  for (int i = 0; i < 5; ++i) events.push_back({users[i], "e", kNoon + i, 1, "", ""});
  AddOrDie(events);
  Result<app::FoldOutcome> folded = app::FoldInbox(*workspace_, IngestOptions{}, 2);
  ASSERT_TRUE(folded.ok()) << folded.status().message();
  EXPECT_EQ(folded->loads, 3U);
  EXPECT_EQ(folded->added, 5U);
}

TEST_F(EventInboxTest, FoldStopsAfterTheLoadsAskedFor) {
  std::vector<InboxEvent> events;
  const std::vector<std::string> users = {"a", "b", "c", "d", "e"};
  for (int i = 0; i < 5; ++i) events.push_back({users[i], "e", kNoon + i, 1, "", ""});
  AddOrDie(events);
  Result<app::FoldOutcome> folded = app::FoldInbox(*workspace_, IngestOptions{}, 2, 1);
  ASSERT_TRUE(folded.ok()) << folded.status().message();
  EXPECT_EQ(folded->loads, 1U);
  EXPECT_EQ(folded->events, 2U);
  Result<store::InboxStats> stats = workspace_->Inbox().Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->events, 3U);  // the rest waits for the next fold
  // The five came in one commit (one stored group): the fold took part of it, the rest stays
  // with its ids, and the next fold takes it.
  Result<store::InboxRows> rest = workspace_->Inbox().Read(0, 100);
  ASSERT_TRUE(rest.ok()) << rest.status().message();
  EXPECT_EQ(rest->id, (std::vector<int64_t>{3, 4, 5}));
  EXPECT_EQ(rest->user, (std::vector<std::string>{"c", "d", "e"}));
  Result<app::FoldOutcome> second = app::FoldInbox(*workspace_, IngestOptions{});
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ(second->added, 3U);
  Result<store::WorkspaceInfo> info = workspace_->Info();
  ASSERT_TRUE(info.ok());
  ASSERT_EQ(info->loads.size(), 2U);
  EXPECT_EQ(info->loads[1].record.source_name, "live events 3-5");
}

TEST_F(EventInboxTest, ReadsTakeEventsAfterAnIdWithinAndAcrossCommits) {
  AddOrDie({{"a", "e", kNoon, 1, "", ""},
            {"b", "e", kNoon + 1, 1, "", ""},
            {"c", "e", kNoon + 2, 2, "", R"({"k":"v"})"}});
  AddOrDie({{"d", "f", kNoon + 3, 1, "", ""}, {"e", "f", kNoon + 4, 1, "", ""}});
  // After an id inside the first commit, at most 2: the rest of one commit and the next's first.
  Result<store::InboxRows> rows = workspace_->Inbox().Read(2, 2);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  EXPECT_EQ(rows->id, (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(rows->user, (std::vector<std::string>{"c", "d"}));
  EXPECT_EQ(rows->count, (std::vector<int32_t>{2, 1}));
  EXPECT_EQ(rows->time_ms, (std::vector<int64_t>{kNoon + 2, kNoon + 3}));
  EXPECT_EQ(rows->properties_json[0], R"({"k":"v"})");
  // Without properties (the watcher's read), the same events.
  Result<store::InboxRows> bare = workspace_->Inbox().Read(2, 10, /*with_properties=*/false);
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->id, (std::vector<int64_t>{3, 4, 5}));
  EXPECT_EQ(bare->properties_json[0], "");
  // An erasure inside a commit keeps the other events' ids; numbering goes on past them all.
  Result<uint64_t> erased = workspace_->Inbox().RemoveUser("b");
  ASSERT_TRUE(erased.ok());
  EXPECT_EQ(*erased, 1U);
  AddOrDie({{"f", "g", kNoon + 5, 1, "", ""}});
  Result<store::InboxRows> all = workspace_->Inbox().Read(0, 100);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->id, (std::vector<int64_t>{1, 3, 4, 5, 6}));
  EXPECT_EQ(all->user, (std::vector<std::string>{"a", "c", "d", "e", "f"}));
  Result<store::InboxStats> stats = workspace_->Inbox().Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->events, 5U);
  EXPECT_EQ(stats->first_id, 1);
  EXPECT_EQ(stats->last_id, 6);
}

TEST_F(EventInboxTest, AVersion8WorkspaceWithWaitingEventsMigratesWithoutLosingThem) {
  // A server of schema version 8 took two POSTs and was killed before any fold: four events
  // wait in its inbox, one row each (tests/fixtures/workspace_schema_v8_inbox.sql).
  workspace_.reset();
  const std::string path = (directory_ / "v8.glw").string();
  const std::string fixture =
      std::string(GROWTHLENS_TEST_DIR) + "/fixtures/workspace_schema_v8_inbox.sql";
  ASSERT_EQ(std::system(("sqlite3 '" + path + "' < '" + fixture + "'").c_str()), 0);
  Result<Workspace> migrated = Workspace::Open(path, store::OpenMode::kExisting);
  ASSERT_TRUE(migrated.ok()) << migrated.status().message();
  EXPECT_EQ(migrated->Info()->schema_version, store::kSchemaVersion);
  Result<store::InboxRows> rows = migrated->Inbox().Read(0, 100);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ASSERT_EQ(rows->size(), 4U);
  EXPECT_EQ(rows->id, (std::vector<int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(rows->user, (std::vector<std::string>{"u1", "u2", "u1", "u3"}));
  EXPECT_EQ(rows->event, (std::vector<std::string>{"sign_up", "view", "view", "export"}));
  EXPECT_EQ(rows->time_ms,
            (std::vector<int64_t>{1740830400000, 1740830401000, 1740830402000, 1740830403000}));
  EXPECT_EQ(rows->count, (std::vector<int32_t>{1, 3, 1, 1}));
  EXPECT_EQ(rows->received_ms,
            (std::vector<int64_t>{1796629405081, 1796629405081, 1796629405081, 1796629405461}));
  EXPECT_EQ(rows->properties_json[0], "{\"note\":\"say \\\"hi\\\" \u00fc\",\"plan\":\"pro\"}");
  EXPECT_EQ(rows->properties_json[1], "");
  EXPECT_EQ(rows->properties_json[3], R"({"plan":"free"})");
  // The uuids stay remembered; numbering goes on after version 8's.
  const std::vector<InboxEvent> later = {{"u1", "sign_up", kNoon, 1, "a-1", ""},
                                         {"u4", "view", kNoon, 1, "c-1", ""}};
  Result<store::InboxOutcome> added = migrated->Inbox().Add(later, kNoon);
  ASSERT_TRUE(added.ok()) << added.status().message();
  EXPECT_EQ(added->duplicates, 1U);
  EXPECT_EQ(added->stored, 1U);
  Result<store::InboxStats> stats = migrated->Inbox().Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->events, 5U);
  EXPECT_EQ(stats->last_id, 5);
  // Every waiting event folds into blocks.
  Result<app::FoldOutcome> folded = app::FoldInbox(*migrated, IngestOptions{});
  ASSERT_TRUE(folded.ok()) << folded.status().message();
  EXPECT_EQ(folded->events, 5U);
  EXPECT_EQ(folded->added, 5U);
  Result<Dataset> data = migrated->Load(DataKind::kEvents);
  ASSERT_TRUE(data.ok()) << data.status().message();
  const std::map<std::string, int64_t> expected = {{"u1", 2}, {"u2", 3}, {"u3", 1}, {"u4", 1}};
  EXPECT_EQ(EventsPerUser(*data), expected);
  const PropertyColumn* note = data->As<UsageLog>()->properties.Find("note");
  ASSERT_NE(note, nullptr);
  size_t noted = 0;
  for (size_t row = 0; row < data->rows(); ++row)
    noted += note->ValueOf(row) == "say \"hi\" \u00fc";
  EXPECT_EQ(noted, 1U);
}

TEST_F(EventInboxTest, AFoldAfterTheInboxWasEmptiedTakesNewIds) {
  AddOrDie({{"a", "e", kNoon, 1, "", ""}, {"b", "e", kNoon + 1, 1, "", ""}});
  ASSERT_TRUE(app::FoldInbox(*workspace_, IngestOptions{}).ok());
  AddOrDie({{"c", "e", kNoon + 2, 1, "", ""}, {"d", "e", kNoon + 3, 1, "", ""}});
  Result<app::FoldOutcome> second = app::FoldInbox(*workspace_, IngestOptions{});
  ASSERT_TRUE(second.ok()) << second.status().message();  // ids 1-2 again would be refused
  EXPECT_EQ(second->loads, 1U);
  EXPECT_EQ(second->added, 2U);
  Result<store::WorkspaceInfo> info = workspace_->Info();
  ASSERT_TRUE(info.ok());
  ASSERT_EQ(info->loads.size(), 2U);
  EXPECT_EQ(info->loads[0].record.source_name, "live events 1-2");
  EXPECT_EQ(info->loads[1].record.source_name, "live events 3-4");
}

TEST_F(EventInboxTest, AVersion7WorkspaceKeepsItsInboxAndNumbersPastEveryFoldedId) {
  const std::string path = (directory_ / "v7.glw").string();
  { ASSERT_TRUE(Workspace::Open(path, store::OpenMode::kCreate).ok()); }
  // Back to version 7's inbox: a plain INTEGER PRIMARY KEY, folds of ids 1-3 and 4-15000 in the
  // history, and one event waiting under id 3 (ids reused after those folds emptied the inbox).
  const std::string to_version_7 = R"sql(
DROP TABLE inbox_groups;
DELETE FROM sqlite_sequence;
CREATE TABLE inbox_events (id INTEGER PRIMARY KEY, received_ms INTEGER NOT NULL,
  user TEXT NOT NULL, event TEXT NOT NULL, time_ms INTEGER NOT NULL, count INTEGER NOT NULL,
  properties TEXT);
INSERT INTO inbox_events VALUES (3, 1, 'u0', 'e', 1740830400000, 1, NULL);
INSERT INTO loads (kind, source_name, source_bytes, checksum, loaded_at, rows_read, rows_kept,
  rows_added, rows_duplicate, report_json)
  VALUES ('events', 'live events 1-3', 0, 'inbox:1-3', '2026-12-01', 0, 0, 0, 0, '{}'),
         ('events', 'live events 4-15000', 0, 'inbox:4-15000', '2026-12-01', 0, 0, 0, 0, '{}');
UPDATE workspace_schema SET version = 7;
)sql";
  const std::string script = (directory_ / "to_v7.sql").string();
  {
    std::ofstream out(script);
    out << to_version_7;
  }
  ASSERT_EQ(std::system(("sqlite3 '" + path + "' < '" + script + "'").c_str()), 0);
  Result<Workspace> migrated = Workspace::Open(path, store::OpenMode::kExisting);
  ASSERT_TRUE(migrated.ok()) << migrated.status().message();
  EXPECT_EQ(migrated->Info()->schema_version, store::kSchemaVersion);
  const std::vector<InboxEvent> later = {{"u1", "e", kNoon, 1, "", ""}};
  ASSERT_TRUE(migrated->Inbox().Add(later, kNoon).ok());
  Result<store::InboxRows> rows = migrated->Inbox().Read(0, 10);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ASSERT_EQ(rows->size(), 2U);
  EXPECT_EQ(rows->id[0], 15003);  // renumbered past the folded ids: "inbox:1-3" is taken
  EXPECT_EQ(rows->user[0], "u0");
  EXPECT_EQ(rows->id[1], 15004);  // and numbering goes on from there
  // The waiting event folds (its old id would repeat the checksum of load "1-3").
  Result<app::FoldOutcome> folded = app::FoldInbox(*migrated, IngestOptions{});
  ASSERT_TRUE(folded.ok()) << folded.status().message();
  EXPECT_EQ(folded->added, 2U);
}

TEST_F(EventInboxTest, AnalysesSeeBlocksAndInboxAsOneFile) {
  const std::string stored_csv =
      "user_id,timestamp,event\n"
      "u1,2025-03-01T10:00:00Z,sign_up\nu1,2025-03-01T10:05:00Z,view\n"
      "u2,2025-03-02T09:00:00Z,sign_up\n";
  const CleanedData cleaned = testing::IngestOrDie(stored_csv);
  const store::FileChecksum checksum = store::ChecksumOfBytes(stored_csv);
  ASSERT_TRUE(
      workspace_->Append(cleaned.dataset, {"a.csv", checksum.bytes, checksum.text, 3, "{}"}).ok());
  // The inbox: a known user, a new one with a count, a new event name.
  AddOrDie({{"u2", "view", kNoon + 86'400'000, 1, "x", ""},
            {"u3", "sign_up", kNoon, 4, "y", R"({"plan":"pro"})"},
            {"u3", "export", kNoon + 1, 1, "z", ""}});
  Result<Dataset> blocks = workspace_->Load(DataKind::kEvents);
  ASSERT_TRUE(blocks.ok());
  Result<Dataset> live = app::WithInbox(std::move(*blocks), *workspace_, IngestOptions{});
  ASSERT_TRUE(live.ok()) << live.status().message();

  const CleanedData whole = testing::IngestOrDie(stored_csv +
                                                 "u2,2025-03-02T12:00:00Z,view\n"
                                                 "u3,2025-03-01T12:00:00Z,sign_up\n"
                                                 "u3,2025-03-01T12:00:00.001Z,export\n");
  EXPECT_EQ(EventsPerUser(*live)["u3"], 5);
  EXPECT_EQ(live->rows(), whole.dataset.rows());
  EXPECT_EQ(live->users().size(), whole.dataset.users().size());
  const UsageLog& log = *live->As<UsageLog>();
  const UsageLog& expected = *whole.dataset.As<UsageLog>();
  EXPECT_EQ(log.features.size(), expected.features.size());
  const PropertyColumn* plan = log.properties.Find("plan");
  ASSERT_NE(plan, nullptr);
  ASSERT_EQ(plan->rows(), log.rows());  // aligned with every row, blocks' and inbox's
  EXPECT_EQ(plan->ValueOf(4), "pro");   // the inbox's second event
  EXPECT_EQ(plan->ValueOf(0), "");
  for (uint32_t user = 0; user < log.users.size(); ++user) {
    const std::optional<uint32_t> same = expected.users.Find(log.users[user]);
    ASSERT_TRUE(same.has_value());
    EXPECT_EQ(log.user_signup[user], expected.user_signup[*same]) << log.users[user];
  }
}

}  // namespace
}  // namespace growthlens
