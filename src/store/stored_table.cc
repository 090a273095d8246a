#include "store/stored_table.h"

#include <fmt/format.h>

namespace growthlens::store {

namespace detail {

bool IsJointPart(std::string_view name, const JointTime* joint) {
  return joint != nullptr && (name == joint->day || name == joint->ms_of_day);
}

bool SplitTimes(std::span<const int64_t> times, Day* day, int32_t* ms_of_day) {
  for (size_t row = 0; row < times.size(); ++row) {
    const int64_t time = times[row];
    const int64_t days = time / kMsPerDay - (time % kMsPerDay < 0 ? 1 : 0);  // floor
    if (days < INT32_MIN || days > INT32_MAX) return false;
    day[row] = static_cast<Day>(days);
    ms_of_day[row] = static_cast<int32_t>(time - days * kMsPerDay);
  }
  return true;
}

}  // namespace detail

Result<uint64_t> TableStore::RowCount(std::string_view table) {
  Result<Statement> query = db_.Prepare(
      "SELECT COALESCE(MAX(first_row + row_count), 0) FROM blocks WHERE table_name = ?");
  if (!query.ok()) return query.status();
  GROWTHLENS_RETURN_IF_ERROR(query->BindText(1, table));
  Result<bool> row = query->Step();
  if (!row.ok()) return row.status();
  return static_cast<uint64_t>(query->Int(0));
}

Result<std::vector<StoredBlock>> TableStore::Blocks(std::string_view table, const DayRange* range,
                                                    uint64_t* stored) {
  // Payloads are read by id, only those of blocks in the range: SQLite reads every column a
  // query names for each row it steps over, a blob's overflow pages too.
  Result<Statement> query = db_.Prepare(
      "SELECT id, first_row, row_count, min_day, max_day, regroup_unit FROM blocks "
      "WHERE table_name = ? ORDER BY first_row");
  if (!query.ok()) return query.status();
  Result<Statement> payload = db_.Prepare("SELECT payload FROM blocks WHERE id = ?");
  if (!payload.ok()) return payload.status();
  GROWTHLENS_RETURN_IF_ERROR(query->BindText(1, table));
  std::vector<StoredBlock> blocks;
  uint64_t expected_first = 0;
  for (;;) {
    Result<bool> row = query->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    StoredBlock block;
    block.id = query->Int(0);
    block.first_row = static_cast<uint64_t>(query->Int(1));
    const int64_t rows = query->Int(2);
    if (block.first_row != expected_first || rows <= 0 || rows > int64_t{UINT32_MAX})
      return Status(
          ErrorCode::kDataError,
          fmt::format("workspace {}: {} block {} starts at row {} with {} rows, expected "
                      "a block starting at row {}; the workspace is damaged",
                      db_.path(), table, block.id, block.first_row, rows, expected_first));
    block.rows = static_cast<uint32_t>(rows);
    expected_first += block.rows;
    if (stored != nullptr) ++*stored;
    if (!query->IsNull(3) && !query->IsNull(4))
      block.days = std::pair(static_cast<Day>(query->Int(3)), static_cast<Day>(query->Int(4)));
    if (range != nullptr && block.days && !range->Overlaps(block.days->first, block.days->second))
      continue;
    if (!query->IsNull(5)) block.regroup_unit = query->Int(5);
    GROWTHLENS_RETURN_IF_ERROR(payload->BindInt(1, block.id));
    Result<bool> found = payload->Step();
    if (!found.ok()) return found.status();
    if (*found) block.payload = std::string(payload->Blob(0));
    GROWTHLENS_RETURN_IF_ERROR(payload->Reset());
    blocks.push_back(std::move(block));
  }
  return blocks;
}

Status TableStore::DeleteTable(std::string_view table) {
  Result<Statement> erase = db_.Prepare("DELETE FROM blocks WHERE table_name = ?");
  if (!erase.ok()) return erase.status();
  GROWTHLENS_RETURN_IF_ERROR(erase->BindText(1, table));
  return erase->Run();
}

Status TableStore::WriteBlocks(std::string_view table, std::optional<int64_t> load_id,
                               std::optional<int64_t> regroup_unit, size_t begin, size_t end,
                               const BlockDays& days, const EncodeFn& encode) {
  if (end <= begin) return Status::Ok();
  Result<uint64_t> stored = RowCount(table);
  if (!stored.ok()) return stored.status();
  const size_t count = (end - begin + kBlockRows - 1) / kBlockRows;
  std::vector<Result<std::string>> payloads(count, Status(ErrorCode::kInternal, "not encoded"));
  ParallelFor(count, 0, [&](size_t block) {
    const size_t from = begin + block * kBlockRows;
    payloads[block] = encode(from, std::min(end, from + kBlockRows));
  });
  Result<Statement> insert = db_.Prepare(
      "INSERT INTO blocks (load_id, table_name, first_row, row_count, min_day, max_day, payload, "
      "regroup_unit) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  if (!insert.ok()) return insert.status();
  uint64_t first_row = *stored;
  for (size_t block = 0; block < count; ++block) {
    if (!payloads[block].ok()) return payloads[block].status();
    const size_t from = begin + block * kBlockRows;
    const size_t to = std::min(end, from + kBlockRows);
    GROWTHLENS_RETURN_IF_ERROR(load_id ? insert->BindInt(1, *load_id) : insert->BindNull(1));
    GROWTHLENS_RETURN_IF_ERROR(insert->BindText(2, table));
    GROWTHLENS_RETURN_IF_ERROR(insert->BindInt(3, static_cast<int64_t>(first_row)));
    GROWTHLENS_RETURN_IF_ERROR(insert->BindInt(4, static_cast<int64_t>(to - from)));
    if (days) {
      const auto [low, high] = days(from, to);
      GROWTHLENS_RETURN_IF_ERROR(insert->BindInt(5, low));
      GROWTHLENS_RETURN_IF_ERROR(insert->BindInt(6, high));
    }
    GROWTHLENS_RETURN_IF_ERROR(insert->BindBlob(7, *payloads[block]));
    GROWTHLENS_RETURN_IF_ERROR(regroup_unit ? insert->BindInt(8, *regroup_unit)
                                            : insert->BindNull(8));
    GROWTHLENS_RETURN_IF_ERROR(insert->Run());
    first_row += to - from;
    payloads[block] = Status(ErrorCode::kInternal, "written");  // frees the bytes
  }
  return Status::Ok();
}

Status TableStore::WriteDictionary(std::string_view table, std::optional<int64_t> load_id,
                                   const StringDictionary& dictionary, uint32_t first) {
  return WriteBlocks(table, load_id, std::nullopt, first, dictionary.size(), nullptr,
                     [&](size_t from, size_t to) -> Result<std::string> {
                       BlockWriter writer(static_cast<uint32_t>(to - from));
                       writer.Strings("text", dictionary, static_cast<uint32_t>(from),
                                      static_cast<uint32_t>(to - from));
                       return writer.Compress(level_);
                     });
}

Result<StringDictionary> TableStore::ReadDictionary(std::string_view table) {
  Result<std::vector<StoredBlock>> blocks = Blocks(table);
  if (!blocks.ok()) return blocks.status();
  StringDictionary dictionary;
  uint64_t total = 0;
  for (const StoredBlock& block : *blocks) total += block.rows;
  dictionary.Reserve(total);
  std::vector<std::string_view> strings;
  for (const StoredBlock& block : *blocks) {
    Result<BlockReader> reader =
        BlockReader::Open(block.payload, fmt::format("{} block {}", table, block.id));
    if (!reader.ok()) return reader.status();
    strings.clear();
    GROWTHLENS_RETURN_IF_ERROR(reader->Strings("text", strings));
    for (const std::string_view text : strings) dictionary.Intern(text);
  }
  if (dictionary.size() != total)
    return Status(ErrorCode::kDataError,
                  fmt::format("workspace {}: {} holds {} strings of which only {} are distinct; "
                              "the workspace is damaged",
                              db_.path(), table, total, dictionary.size()));
  return dictionary;
}

}  // namespace growthlens::store
