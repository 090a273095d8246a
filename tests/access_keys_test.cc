// The workspace's access keys (store/access_keys.h, issue 19.2): SHA-256 against the NIST
// vectors and Python's hashlib, the key's form and randomness, creation storing only the hash,
// lookup by the whole key only, revocation, last use, and the schema migration that adds the
// table to workspaces of versions 1 and 2.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include "store/access_keys.h"
#include "store/schema.h"
#include "store/workspace.h"

namespace growthlens {
namespace {

using store::KeyRole;
using store::KeyStore;
using store::OpenMode;

class AccessKeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string made = (std::filesystem::temp_directory_path() / "growthlens_keys_XXXXXX").string();
    ASSERT_NE(::mkdtemp(made.data()), nullptr);
    directory_ = made;
    path_ = (directory_ / "keys.glw").string();
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }

  KeyStore OpenOrDie(OpenMode mode = OpenMode::kCreate) {
    Result<KeyStore> keys = KeyStore::Open(path_, mode);
    EXPECT_TRUE(keys.ok()) << keys.status().message();
    return std::move(keys).value();
  }

  /// Builds the workspace from a `sqlite3 .dump` fixture with the sqlite3 program.
  void RestoreFixture(const std::string& name) {
    const std::string fixture = std::string(GROWTHLENS_TEST_DIR) + "/fixtures/" + name;
    ASSERT_TRUE(std::filesystem::exists(fixture)) << fixture;
    ASSERT_EQ(std::system(("sqlite3 '" + path_ + "' < '" + fixture + "'").c_str()), 0);
  }

  std::string FileBytes() const {
    std::string bytes;
    for (const char* suffix : {"", "-wal"}) {
      std::ifstream in(path_ + suffix, std::ios::binary);
      bytes.append(std::istreambuf_iterator<char>(in), {});
    }
    return bytes;
  }

  std::filesystem::path directory_;
  std::string path_;
};

TEST(KeyHashTest, MatchesTheNistVectorsAndHashlib) {
  // FIPS 180-2 appendix B, and (last) hashlib.sha256(b"glw_abc...").hexdigest().
  EXPECT_EQ(store::KeyHash(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(store::KeyHash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(store::KeyHash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(store::KeyHash(std::string(1'000'000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  EXPECT_EQ(store::KeyHash("glw_abcdefghijklmnopqrstuvwxyz234567abcd"),
            "328a0667f903c84a3a82d81b08d3314c32a6810d8afeb9b802fece399529fe1d");
}

TEST(KeySecretTest, IsThePrefixAndFortyBase32CharactersNeverRepeated) {
  std::set<std::string> seen;
  std::array<int, 32> counts{};
  constexpr int kKeys = 2000;
  for (int draw = 0; draw < kKeys; ++draw) {
    Result<std::string> key = store::NewKeySecret();
    ASSERT_TRUE(key.ok()) << key.status().message();
    ASSERT_EQ(key->size(), 44U) << *key;
    ASSERT_TRUE(key->starts_with("glw_")) << *key;
    for (const char c : key->substr(4)) {
      const size_t at = std::string_view("abcdefghijklmnopqrstuvwxyz234567").find(c);
      ASSERT_NE(at, std::string_view::npos) << *key;
      ++counts[at];
    }
    EXPECT_TRUE(seen.insert(*key).second) << "drawn twice: " << *key;
  }
  // 200 random bits a key spread over 32 symbols: each appears 2,500 times in 80,000
  // characters (sd 49); a stuck or biased source falls far outside 2,500 +- 300.
  for (const int count : counts) {
    EXPECT_GT(count, 2200);
    EXPECT_LT(count, 2800);
  }
}

TEST_F(AccessKeysTest, AKeyIsStoredAsItsHashAndFoundOnlyWhole) {
  KeyStore keys = OpenOrDie();
  Result<store::CreatedKey> reader = keys.Create(KeyRole::kRead, "Finance laptop");
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  Result<store::CreatedKey> writer = keys.Create(KeyRole::kWrite, "");
  ASSERT_TRUE(writer.ok()) << writer.status().message();
  EXPECT_EQ(reader->info.id, reader->secret.substr(0, 12));  // "glw_" + 8 characters
  EXPECT_EQ(reader->info.name, "Finance laptop");
  EXPECT_EQ(reader->info.role, KeyRole::kRead);
  EXPECT_EQ(reader->info.created_at.size(), 19U);  // "2026-12-06 14:03:11"
  EXPECT_TRUE(reader->info.last_used_at.empty());
  EXPECT_TRUE(reader->info.revoked_at.empty());

  // The file holds the hash, never the key.
  const std::string bytes = FileBytes();
  EXPECT_EQ(bytes.find(reader->secret), std::string::npos);
  EXPECT_EQ(bytes.find(reader->secret.substr(12)), std::string::npos);
  EXPECT_NE(bytes.find(store::KeyHash(reader->secret)), std::string::npos);

  Result<std::optional<store::KeyMatch>> found = keys.Find(reader->secret);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->id, reader->info.id);
  EXPECT_EQ((*found)->role, KeyRole::kRead);
  found = keys.Find(writer->secret);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->role, KeyRole::kWrite);

  std::string altered = reader->secret;
  altered.back() = altered.back() == 'a' ? 'b' : 'a';
  for (const std::string& wrong :
       {altered, reader->secret.substr(0, 43), reader->secret + "a", reader->info.id,
        store::KeyHash(reader->secret), std::string()}) {
    found = keys.Find(wrong);
    ASSERT_TRUE(found.ok()) << found.status().message();
    EXPECT_FALSE(found->has_value()) << wrong;
  }

  Result<std::vector<store::KeyInfo>> listed = keys.List();
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  ASSERT_EQ(listed->size(), 2U);
  EXPECT_EQ((*listed)[0].id, reader->info.id);
  EXPECT_EQ((*listed)[1].id, writer->info.id);
  EXPECT_EQ((*listed)[1].role, KeyRole::kWrite);
}

TEST_F(AccessKeysTest, ARevokedKeyIsRefusedAtOnceByEveryConnection) {
  KeyStore server_side = OpenOrDie();  // as the running server holds it
  Result<store::CreatedKey> key = server_side.Create(KeyRole::kWrite, "CI");
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(server_side.Find(key->secret)->has_value());
  Result<bool> any = server_side.AnyReader();
  ASSERT_TRUE(any.ok() && *any);

  KeyStore command_side = OpenOrDie(OpenMode::kExisting);  // `workspace keys revoke`
  // The id with or without its prefix.
  Result<store::RevokeOutcome> revoked = command_side.Revoke(key->info.id.substr(4));
  ASSERT_TRUE(revoked.ok()) << revoked.status().message();
  EXPECT_EQ(*revoked, store::RevokeOutcome::kRevoked);
  EXPECT_EQ(*command_side.Revoke(key->info.id), store::RevokeOutcome::kAlreadyRevoked);
  EXPECT_EQ(*command_side.Revoke("glw_zzzzzzzz"), store::RevokeOutcome::kUnknown);

  Result<std::optional<store::KeyMatch>> found = server_side.Find(key->secret);
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value()) << "the other connection still accepts a revoked key";
  any = server_side.AnyReader();
  ASSERT_TRUE(any.ok());
  EXPECT_FALSE(*any);
  Result<std::vector<store::KeyInfo>> listed = server_side.List();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1U);
  EXPECT_EQ((*listed)[0].revoked_at.size(), 19U);
}

TEST_F(AccessKeysTest, UseIsRecordedAndNamesAreChecked) {
  KeyStore keys = OpenOrDie();
  Result<store::CreatedKey> key = keys.Create(KeyRole::kRead, "Wall screen");
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(keys.RecordUse({key->info.id}, 50).ok());
  Result<std::vector<store::KeyInfo>> listed = keys.List();
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ((*listed)[0].last_used_at.size(), 19U);

  EXPECT_FALSE(keys.Create(KeyRole::kRead, "tab\there").ok());
  EXPECT_FALSE(keys.Create(KeyRole::kRead, std::string(101, 'x')).ok());
  EXPECT_TRUE(keys.Create(KeyRole::kRead, std::string(100, 'x')).ok());
  EXPECT_EQ(store::KeyRoleFromName("write"), KeyRole::kWrite);
  EXPECT_FALSE(store::KeyRoleFromName("admin").has_value());
}

TEST_F(AccessKeysTest, AVersionFiveWorkspaceKeepsItsKeysAndGainsIngestKeys) {
  std::string write_key;
  {
    KeyStore keys = OpenOrDie();
    Result<store::CreatedKey> key = keys.Create(KeyRole::kWrite, "before");
    ASSERT_TRUE(key.ok());
    write_key = key->secret;
  }
  // Back to version 5: its table took read and write keys only.
  const std::string downgrade = R"sql(
CREATE TABLE access_keys_v5 (id TEXT PRIMARY KEY, secret_hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL, role TEXT NOT NULL CHECK (role IN ('read', 'write')),
  created_at TEXT NOT NULL, last_used_at TEXT, revoked_at TEXT);
INSERT INTO access_keys_v5 SELECT * FROM access_keys;
DROP TABLE access_keys;
ALTER TABLE access_keys_v5 RENAME TO access_keys;
DROP TABLE consumer_status;
DROP TABLE inbox_groups;
DELETE FROM sqlite_sequence;
CREATE TABLE inbox_events (id INTEGER PRIMARY KEY, received_ms INTEGER NOT NULL,
  user TEXT NOT NULL, event TEXT NOT NULL, time_ms INTEGER NOT NULL, count INTEGER NOT NULL,
  properties TEXT);
UPDATE workspace_schema SET version = 5;)sql";
  const std::string script = directory_.string() + "/downgrade.sql";
  std::ofstream(script) << downgrade;
  ASSERT_EQ(std::system(("sqlite3 '" + path_ + "' < '" + script + "'").c_str()), 0);

  KeyStore keys = OpenOrDie(OpenMode::kExisting);
  Result<std::optional<store::KeyMatch>> found = keys.Find(write_key);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->role, KeyRole::kWrite);
  Result<store::CreatedKey> ingest = keys.Create(KeyRole::kIngest, "web app");
  ASSERT_TRUE(ingest.ok()) << ingest.status().message();
  EXPECT_EQ((*keys.Find(ingest->secret))->role, KeyRole::kIngest);
  EXPECT_EQ(store::KeyRoleFromName("ingest"), KeyRole::kIngest);
  Result<store::Workspace> workspace = store::Workspace::Open(path_, OpenMode::kExisting);
  ASSERT_TRUE(workspace.ok());
  EXPECT_EQ(workspace->Info()->schema_version, store::kSchemaVersion);
}

TEST_F(AccessKeysTest, IngestKeysDoNotCountAsKeysThatRead) {
  KeyStore keys = OpenOrDie();
  ASSERT_TRUE(keys.Create(KeyRole::kIngest, "web app").ok());
  Result<bool> any = keys.AnyReader();
  ASSERT_TRUE(any.ok());
  EXPECT_FALSE(*any);
  ASSERT_TRUE(keys.Create(KeyRole::kRead, "laptop").ok());
  EXPECT_TRUE(*keys.AnyReader());
}

TEST_F(AccessKeysTest, WorkspacesOfVersionsOneAndTwoGainTheKeysTable) {
  for (const char* fixture : {"workspace_schema_v1.sql", "workspace_schema_v2.sql"}) {
    SCOPED_TRACE(fixture);
    std::filesystem::remove(path_);
    RestoreFixture(fixture);
    {
      KeyStore keys = OpenOrDie(OpenMode::kExisting);
      Result<store::CreatedKey> key = keys.Create(KeyRole::kRead, "after migration");
      ASSERT_TRUE(key.ok()) << key.status().message();
      ASSERT_TRUE(keys.Find(key->secret)->has_value());
    }
    Result<store::Workspace> workspace = store::Workspace::Open(path_, OpenMode::kExisting);
    ASSERT_TRUE(workspace.ok()) << workspace.status().message();
    Result<store::WorkspaceInfo> info = workspace->Info();
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info->schema_version, store::kSchemaVersion);
    // The data and what was saved before are still there.
    Result<Dataset> data = workspace->Load(DataKind::kUsage);
    ASSERT_TRUE(data.ok()) << data.status().message();
    EXPECT_EQ(data->rows(), 3U);
    Result<std::vector<std::string>> problems = workspace->Check();
    ASSERT_TRUE(problems.ok());
    EXPECT_TRUE(problems->empty());
    if (std::string(fixture) == "workspace_schema_v2.sql") {
      Result<std::optional<store::SavedItem>> view =
          workspace->FindSaved(store::SavedKind::kView, "Weekly");
      ASSERT_TRUE(view.ok() && view->has_value());
      EXPECT_EQ((*view)->body, R"({"page":"usage"})");
    }
  }
}

TEST_F(AccessKeysTest, AWorkspaceOfANewerSchemaIsNeitherReadNorGivenKeys) {
  { OpenOrDie(); }
  const std::string fixture =
      std::string(GROWTHLENS_TEST_DIR) + "/fixtures/workspace_schema_v99.sql";
  ASSERT_EQ(std::system(("sqlite3 '" + path_ + "' < '" + fixture + "'").c_str()), 0);
  Result<KeyStore> refused = KeyStore::Open(path_, OpenMode::kExisting);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find(
                fmt::format("version {} this growthlens reads", store::kSchemaVersion)),
            std::string::npos)
      << refused.status().message();
}

}  // namespace
}  // namespace growthlens
