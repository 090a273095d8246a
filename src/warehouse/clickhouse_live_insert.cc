#include "warehouse/clickhouse_live_insert.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "core/date.h"
#include "core/json_string.h"
#include "core/stable_hash.h"
#include "warehouse/clickhouse_ingest.h"
#include "warehouse/clickhouse_schema.h"
#include "warehouse/clickhouse_tsv.h"

namespace growthlens::warehouse {

namespace {

/// An event's identity in the check: "key\tuser" with the user as it is (the key, a number,
/// ends at the first tab).
std::string StoredId(uint64_t key, std::string_view user) {
  std::string id = fmt::format("{}\t", key);
  id += user;
  return id;
}

/// The identity of a line of the check query's answer: its user unescaped (ClickHouse escapes
/// more than tabs and line breaks in TSV: quotes, \b, \f), so it compares with StoredId's.
Result<std::string> StoredIdOfLine(std::string_view line) {
  const std::vector<std::string_view> fields = TsvFields(line);
  GROWTHLENS_RETURN_IF_ERROR(ExpectTsvFields(fields, 2, "the stored events' keys"));
  uint64_t key = 0;
  GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[0], key, "a stored event's key"));
  return StoredId(key, UnescapeTsv(fields[1]));
}

std::string NameOfQueries(std::string_view name) {
  std::string clean(name);
  for (char& c : clean)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') c = '_';
  return clean;
}

/// The row's day; before 1970 (which a ClickHouse Date cannot hold, storing 0000-00-00) day 0,
/// so the check query asks for the day that was stored.
/// `text` with the characters a regular expression (re2, ClickHouse's match) reads as syntax
/// escaped; NameOfQueries leaves only letters, digits, '_', '-' and '.'.
std::string RegexEscaped(std::string_view text) {
  std::string escaped;
  for (const char c : text) {
    if (c == '.' || c == '-') escaped += '\\';
    escaped += c;
  }
  return escaped;
}

Day DayOfMillis(int64_t time_ms) {
  return std::max<Day>(0, DayOf(time_ms >= 0 ? time_ms / 1000 : (time_ms - 999) / 1000));
}

}  // namespace

uint64_t LiveEventKey(std::string_view uuid) {
  return Fnv1a64(uuid);
}

std::string LiveInsertToken(std::span<const uint64_t> keys) {
  std::vector<uint64_t> sorted(keys.begin(), keys.end());
  std::sort(sorted.begin(), sorted.end());
  std::string key_bytes;
  key_bytes.reserve(sorted.size() * 8);
  for (const uint64_t key : sorted)
    for (int shift = 0; shift < 64; shift += 8)
      key_bytes.push_back(static_cast<char>((key >> shift) & 0xFF));
  return fmt::format("live-{:016x}", Fnv1a64(key_bytes));
}

void AppendLiveRowsJson(std::span<const LiveEventRow> rows, std::string& out) {
  for (const LiveEventRow& row : rows) {
    const Day day = DayOfMillis(row.time_ms);
    out += "{\"user\":";
    AppendJsonString(row.user, out);
    out += fmt::format(",\"day\":\"{}\",\"ms_of_day\":{},\"event\":", FormatDate(day),
                       row.time_ms - int64_t{day} * kSecondsPerDay * 1000);
    AppendJsonString(row.event, out);
    out += fmt::format(",\"events\":{},\"load_id\":{}}}\n", row.count, row.key);
  }
}

Result<LiveEventWriter> LiveEventWriter::Open(const ClickHouseEndpoint& endpoint,
                                              std::string_view name) {
  Result<ClickHouseClient> client = ClickHouseClient::Connect(endpoint);
  if (!client.ok()) return client.status();
  Result<std::string> tables = client->Query(
      fmt::format("SELECT count() FROM system.tables WHERE database = {} AND name = {}",
                  SqlString(endpoint.database), SqlString(kEventsTable)));
  if (!tables.ok()) return tables.status();
  if (!tables->starts_with("1"))
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("ClickHouse workspace {} has no GrowthLens tables: run growthlens "
                              "workspace init --workspace {} first",
                              endpoint.Display(), endpoint.Display()));
  Result<bool> tokens = client->KnowsSetting("insert_deduplication_token");
  if (!tokens.ok()) return tokens.status();
  Result<bool> distributed_sync = client->KnowsSetting("insert_distributed_sync");
  if (!distributed_sync.ok()) return distributed_sync.status();
  LiveEventWriter writer(std::move(*client), NameOfQueries(name), *tokens);
  writer.distributed_sync_ = *distributed_sync;
  return writer;
}

Status LiveEventWriter::StopEarlierInserts() {
  GROWTHLENS_RETURN_IF_ERROR(client_.Execute(
      fmt::format("KILL QUERY WHERE match(query_id, {}) SYNC",
                  SqlString(fmt::format("^growthlens-live-{}-[0-9]+$", RegexEscaped(name_))))));
  unsure_ = false;
  return Status::Ok();
}

Result<std::unordered_set<std::string>> LiveEventWriter::StoredOf(
    std::span<const LiveEventRow> rows) {
  // A query holds the lists of at most kCheckRows rows and about kCheckBytes of text: the
  // server's max_query_size (256 KiB by default) limits the text, and a user id may be long.
  constexpr size_t kCheckRows = 1'000;
  constexpr size_t kCheckBytes = 128 << 10;
  std::unordered_set<std::string> stored;
  std::unordered_set<std::string> users, keys;
  for (size_t first = 0; first < rows.size();) {
    users.clear();
    keys.clear();
    size_t bytes = 0;
    size_t end = first;
    for (; end < rows.size() && end - first < kCheckRows && bytes < kCheckBytes; ++end) {
      std::string user = SqlString(rows[end].user);
      bytes += user.size() + 22;
      users.insert(std::move(user));
      keys.insert(fmt::format("{}", rows[end].key));
    }
    first = end;
    // Not narrowed by day: an event sent again after midnight without its own time is given
    // another day, and must still be found. user leads the primary key.
    std::vector<std::string> found;
    GROWTHLENS_RETURN_IF_ERROR(client_.QueryLines(
        fmt::format("SELECT load_id, user FROM {} WHERE user IN ({}) AND load_id IN ({})",
                    kEventsTable, fmt::join(users, ","), fmt::join(keys, ",")),
        [&](std::string_view line) {
          found.emplace_back(line);
          return Status::Ok();
        },
        [&] { found.clear(); }));
    for (const std::string& line : found) {
      Result<std::string> id = StoredIdOfLine(line);
      if (!id.ok()) return id.status();
      stored.insert(std::move(*id));
    }
  }
  return stored;
}

Result<LiveInsertOutcome> LiveEventWriter::Insert(std::span<const LiveEventRow> rows) {
  LiveInsertOutcome outcome;
  if (rows.empty()) return outcome;
  std::vector<LiveEventRow> sending;
  std::string body;
  for (int attempt = 1;; ++attempt) {
    // A failed insert may still run on the server: it ends before the check below, so a part it
    // commits cannot come after the check said its rows were missing.
    if (unsure_) GROWTHLENS_RETURN_IF_ERROR(StopEarlierInserts());
    Result<std::unordered_set<std::string>> stored = StoredOf(rows);
    if (!stored.ok()) return stored.status();
    sending.clear();
    std::unordered_set<std::string> seen;
    for (const LiveEventRow& row : rows) {
      std::string id = StoredId(row.key, row.user);
      if (stored->contains(id) || !seen.insert(std::move(id)).second) continue;
      sending.push_back(row);
    }
    outcome.duplicates = rows.size() - sending.size();
    if (sending.empty()) return outcome;
    body.clear();
    AppendLiveRowsJson(sending, body);
    QuerySettings settings;
    settings.emplace_back("query_id", fmt::format("growthlens-live-{}-{}", name_, ++inserts_));
    if (tokens_) {
      std::vector<uint64_t> keys;
      for (const LiveEventRow& row : sending) keys.push_back(row.key);
      settings.emplace_back("insert_deduplication_token", LiveInsertToken(keys));
    }
    if (distributed_sync_) settings.emplace_back("insert_distributed_sync", "1");
    Status sent = client_.Insert(kEventsTable, body, settings, "JSONEachRow");
    if (sent.ok()) {
      outcome.stored = sending.size();
      return outcome;
    }
    unsure_ = true;
    if (!IsConnectionFailure(sent) || attempt == kInsertAttempts) return sent;
    ++outcome.retries;
    std::this_thread::sleep_for(std::chrono::seconds(1) * (1 << std::min(attempt - 1, 3)));
  }
}

}  // namespace growthlens::warehouse
