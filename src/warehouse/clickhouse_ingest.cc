#include "warehouse/clickhouse_ingest.h"

#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <functional>
#include <random>
#include <thread>

#include "core/hash.h"
#include "warehouse/clickhouse_rollups.h"
#include "warehouse/clickhouse_schema.h"

namespace growthlens::warehouse {

namespace {

/// Rows of one Dataset kind as TabSeparated lines of its table.
struct Writer {
  const char* table;
  size_t rows;
  std::function<void(std::string& out, size_t row)> line;
};

void AppendNumber(std::string& out, auto value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

Writer WriterOf(const Dataset& dataset, uint64_t load_id) {
  return dataset.Visit(Overloaded{
      [&](const UsageLog& log) {
        const bool events = log.grain == UsageGrain::kEvent;
        const RowCounts counts(log.usage);
        return Writer{events ? kEventsTable : kUsageTable, log.rows(),
                      [&log, counts, events, load_id](std::string& out, size_t row) {
                        AppendTsvField(out, log.users[log.usage.user[row]]);
                        out.push_back('\t');
                        out += FormatDate(log.usage.day[row]);
                        out.push_back('\t');
                        if (events) {
                          AppendNumber(out, log.usage.ms_of_day[row]);
                          out.push_back('\t');
                        }
                        AppendTsvField(out, log.features[log.usage.feature[row]]);
                        out.push_back('\t');
                        AppendNumber(out, counts[row]);
                        out.push_back('\t');
                        AppendNumber(out, load_id);
                        out.push_back('\n');
                      }};
      },
      [&](const TransactionLog& log) {
        return Writer{kTransactionsTable, log.rows(),
                      [&log, load_id](std::string& out, size_t row) {
                        const TransactionColumns& rows = log.transactions;
                        const uint32_t order = rows.order[row];
                        const uint32_t item = rows.item[row];
                        AppendTsvField(out, log.invoices[log.orders.invoice[order]]);
                        out.push_back('\t');
                        const uint32_t customer = log.orders.customer[order];
                        if (customer != kNullCode) AppendTsvField(out, log.users[customer]);
                        out.push_back('\t');
                        AppendNumber(out, log.orders.time[order]);
                        out.push_back('\t');
                        AppendTsvField(out, log.countries[log.orders.country[order]]);
                        out.push_back('\t');
                        AppendTsvField(out, log.stock_codes[log.items.stock_code[item]]);
                        out.push_back('\t');
                        AppendTsvField(out, log.descriptions[log.items.description[item]]);
                        out.push_back('\t');
                        AppendNumber(out, rows.quantity[row]);
                        out.push_back('\t');
                        // Shortest text that reads back as the same double.
                        AppendNumber(out, log.prices[rows.price[row]]);
                        out.push_back('\t');
                        AppendNumber(out, load_id);
                        out.push_back('\n');
                      }};
      }});
}

/// Waits longer after each failed try: 1, 2, 4, 8 s (a restarting server needs a few).
void PauseBeforeRetry(int attempt) {
  std::this_thread::sleep_for(std::chrono::seconds(1) * (1 << std::min(attempt - 1, 3)));
}

uint64_t LoadIdOf(const std::string& checksum) {
  return HashBytes(checksum) >> 1;  // positive in every signed reading
}

Result<uint64_t> CountOf(ClickHouseClient& client, const std::string& sql) {
  Result<std::string> answer = client.Query(sql);
  if (!answer.ok()) return answer.status();
  uint64_t count = 0;
  std::from_chars(answer->data(), answer->data() + answer->size(), count);
  return count;
}

/// The rows a failed attempt of load `load_id` may have left. ClickHouse 18.16 stores what an
/// insert's body held when its connection broke, a last line cut short included: cut inside
/// load_id (every table's last column), that line reads as a row whose load_id is a decimal
/// prefix of ours (seen in clickhouse_faults). A whole other load's id is 18-19 digits of a
/// hash, so it is a prefix of ours with a chance of about 1e-18.
std::string LeftoverRows(uint64_t load_id) {
  return fmt::format("(load_id = {0} OR startsWith('{0}', toString(load_id)))", load_id);
}

/// Deletes the rows of load `load_id` from `table` (a MergeTree) and waits for the mutation.
/// The query id of one try of one block's insert: the load's, so a later attempt can find
/// inserts still running; the try's, so that a retry never meets its own still-running id.
std::string InsertQueryId(uint64_t load_id, size_t block, int attempt) {
  return fmt::format("growthlens-{}-{}-{}", load_id, block, attempt);
}

/// A number of this ingest's own: the deduplication tokens hold it, so a retry within the
/// ingest (a broken connection) is recognised, while a later ingest of the same file, whose
/// blocks may be cut differently (another --chunk-bytes, another build), never has a block
/// skipped for a token of the failed one.
std::string IngestNonce() {
  std::random_device random;
  return fmt::format("{:08x}{:08x}", random(), random());
}

Result<uint64_t> DeleteLeftovers(ClickHouseClient& client, const char* table, uint64_t load_id) {
  // An insert whose connection broke may still be running on the server: a part it commits
  // after the deletion below would stay. Stop this load's inserts and wait for them to end.
  GROWTHLENS_RETURN_IF_ERROR(client.Execute(
      fmt::format("KILL QUERY WHERE query_id LIKE 'growthlens-{}-%' SYNC", load_id)));
  Result<uint64_t> leftovers =
      CountOf(client, fmt::format("SELECT count() FROM {} WHERE {}", table, LeftoverRows(load_id)));
  if (!leftovers.ok() || *leftovers == 0) return leftovers;
  Result<std::string> engine = client.Query(
      fmt::format("SELECT engine FROM system.tables WHERE database = {} AND name = '{}'",
                  SqlString(client.endpoint().database), table));
  if (!engine.ok()) return engine.status();
  if (engine->starts_with("Distributed"))
    return Status(ErrorCode::kDataError,
                  fmt::format("{} rows of an earlier attempt to ingest this file are in {} (no "
                              "history row): delete them on every shard with ALTER TABLE "
                              "{}_local DELETE WHERE {}, then ingest again",
                              *leftovers, table, table, LeftoverRows(load_id)));
  GROWTHLENS_RETURN_IF_ERROR(
      client.Execute(fmt::format("ALTER TABLE {} DELETE WHERE {}", table, LeftoverRows(load_id))));
  for (int wait = 0; wait < 600; ++wait) {
    Result<uint64_t> pending = CountOf(
        client, fmt::format("SELECT count() FROM system.mutations WHERE database = {} AND table = "
                            "'{}' AND is_done = 0",
                            SqlString(client.endpoint().database), table));
    if (!pending.ok()) return pending.status();
    if (*pending == 0) return leftovers;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Status(ErrorCode::kIoError,
                fmt::format("ClickHouse at {}: deleting the rows of an earlier failed attempt "
                            "from {} did not finish within a minute",
                            client.endpoint().Display(), table));
}

}  // namespace

Result<std::optional<std::string>> FindLoad(ClickHouseClient& client, const std::string& checksum) {
  Result<std::string> answer =
      client.Query(fmt::format("SELECT toString(loaded) FROM {} WHERE checksum = {} LIMIT 1",
                               kIngestHistoryTable, SqlString(checksum)));
  if (!answer.ok()) {
    if (answer.status().message().find("Code: 60") != std::string::npos)  // UNKNOWN_TABLE
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("ClickHouse workspace {} has no GrowthLens tables: run growthlens "
                                "workspace init --workspace {} first",
                                client.endpoint().Display(), client.endpoint().Display()));
    return answer.status();
  }
  if (answer->empty()) return std::optional<std::string>();
  return std::optional<std::string>(answer->substr(0, answer->find('\n')));
}

Result<InsertOutcome> InsertParts(ClickHouseClient& client, DataKind kind, LoadRecord& record,
                                  const PartProducer& produce, size_t block_rows) {
  InsertOutcome outcome;
  Result<std::optional<std::string>> previous = FindLoad(client, record.checksum);
  if (!previous.ok()) return previous.status();
  if (previous->has_value()) {
    outcome.already_loaded = **previous;
    return outcome;
  }
  const uint64_t load_id = LoadIdOf(record.checksum);
  const char* table = TableOf(kind);
  Result<bool> tokens = client.KnowsSetting("insert_deduplication_token");
  if (!tokens.ok()) return tokens.status();
  outcome.deduplication_tokens = *tokens;
  Result<bool> distributed_sync = client.KnowsSetting("insert_distributed_sync");
  if (!distributed_sync.ok()) return distributed_sync.status();

  // A broken connection leaves an insert's outcome unknown: the server may have stored the
  // block and lost only its answer. Either a retry sends the same block with the same token and
  // the server skips it if stored, or (servers without tokens, 18.16) the rows of the failed
  // attempt are deleted and the whole file is sent again, every part from the first. Never
  // both within one ingest: the server remembers a token after its rows are deleted, so it
  // would skip them. An earlier ingest's rows are deleted first either way, and its tokens were
  // of its own (IngestNonce). Blocks are numbered across the parts.
  const std::string nonce = IngestNonce();
  std::string block;
  const auto send_block = [&](const Writer& writer, size_t first) -> Status {
    const size_t end = std::min(writer.rows, first + block_rows);
    block.clear();
    for (size_t row = first; row < end; ++row) writer.line(block, row);
    QuerySettings settings;
    if (*tokens)
      settings.emplace_back("insert_deduplication_token",
                            fmt::format("{}:{}:{}", record.checksum, nonce, outcome.blocks));
    // A Distributed table confirms once every shard has the rows, not when it queued them.
    if (*distributed_sync) settings.emplace_back("insert_distributed_sync", "1");
    // A later attempt deletes this one's rows first, stopping its inserts by this id.
    settings.emplace_back("query_id", "");
    for (int attempt = 1;; ++attempt) {
      settings.back().second = InsertQueryId(load_id, outcome.blocks, attempt);
      Status sent = client.Insert(writer.table, block, settings);
      if (sent.ok() || !*tokens || !IsConnectionFailure(sent) || attempt == kInsertAttempts)
        return sent;
      ++outcome.retries;
      PauseBeforeRetry(attempt);
    }
  };
  const PartSender send_part = [&](const Dataset& part) -> Status {
    if (part.kind() != kind)
      return Status(ErrorCode::kInternal,
                    fmt::format("ingesting {}: a part of kind {} in a load of kind {}",
                                record.source, DataKindName(part.kind()), DataKindName(kind)));
    const Writer writer = WriterOf(part, load_id);
    for (size_t first = 0; first < writer.rows; first += block_rows) {
      GROWTHLENS_RETURN_IF_ERROR(send_block(writer, first));
      outcome.rows_added += std::min(writer.rows, first + block_rows) - first;
      ++outcome.blocks;
    }
    return Status::Ok();
  };
  const auto send_all = [&]() -> Status {
    Result<uint64_t> deleted = DeleteLeftovers(client, table, load_id);
    if (!deleted.ok()) return deleted.status();
    outcome.leftover_rows_deleted += *deleted;
    outcome.rows_added = 0;
    outcome.blocks = 0;
    return produce(send_part);
  };
  for (int attempt = 1;; ++attempt) {
    Status sent = send_all();
    if (sent.ok()) break;
    if (*tokens || !IsConnectionFailure(sent) || attempt == kInsertAttempts)
      return Status(sent.code(),
                    fmt::format("{} (ingesting {}: {} rows confirmed; ingesting the file again "
                                "adds each row once)",
                                sent.message(), record.source, outcome.rows_added));
    ++outcome.retries;
    PauseBeforeRetry(attempt);
  }
  std::string history;
  AppendTsvField(history, record.checksum);
  history += fmt::format("\t{}\t", load_id);
  AppendTsvField(history, record.source);
  history += fmt::format("\t{}\t{}\t{}\t{}\t{}\t", DataKindName(kind), record.bytes,
                         record.rows_read, outcome.rows_added,
                         std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count());
  AppendTsvField(history, record.report_json);
  history.push_back('\n');
  // The history row last: a file is ingested once it is there. A lost answer is checked
  // before the row is sent again, so the history holds it once.
  for (int attempt = 1;; ++attempt) {
    Status written = client.Insert(kIngestHistoryTable, history);
    if (written.ok()) break;
    if (!IsConnectionFailure(written) || attempt == kInsertAttempts) return written;
    ++outcome.retries;
    PauseBeforeRetry(attempt);
    Result<std::optional<std::string>> stored = FindLoad(client, record.checksum);
    if (stored.ok() && stored->has_value()) break;
  }
  return outcome;
}

Result<InsertOutcome> InsertDataset(ClickHouseClient& client, const Dataset& dataset,
                                    const LoadRecord& record, size_t block_rows) {
  LoadRecord whole = record;
  return InsertParts(
      client, dataset.kind(), whole, [&](const PartSender& send) { return send(dataset); },
      block_rows);
}

}  // namespace growthlens::warehouse
