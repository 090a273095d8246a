#include "store/workspace.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "store/dataset_merge.h"
#include "store/row_keys.h"
#include "store/row_layout.h"
#include "store/schema.h"
#include "store/sqlite_db.h"
#include "store/table_layout.h"

namespace growthlens::store {

namespace {

constexpr auto kEventRowColumns = [](auto& rows, auto&& fn) { ForEachEventRowColumn(rows, fn); };
constexpr auto kSignupColumns = [](auto& columns, auto&& fn) { ForEachSignupColumn(columns, fn); };
constexpr auto kTransactionRowColumns = [](auto& columns, auto&& fn) {
  ForEachTransactionRowColumn(columns, fn);
};
constexpr auto kOrderColumns = [](auto& columns, auto&& fn) { ForEachOrderColumn(columns, fn); };
constexpr auto kItemColumns = [](auto& columns, auto&& fn) { ForEachItemColumn(columns, fn); };
constexpr auto kPriceColumns = [](auto& columns, auto&& fn) { ForEachPriceColumn(columns, fn); };

constexpr DataKind kStoredKinds[] = {DataKind::kUsage, DataKind::kEvents, DataKind::kTransactions};

std::string_view RowTableOf(DataKind kind) {
  return kind == DataKind::kTransactions ? tables::kTransactionRows : UsageTablesOf(kind).rows;
}

// A new kind of data stops compiling here (and in Workspace::LoadLocked and Write) until the
// workspace says how it stores it; add it to kStoredKinds too.
std::vector<std::string_view> TablesOf(DataKind kind) {
  switch (kind) {
    case DataKind::kUsage:
    case DataKind::kEvents: {
      const UsageTables usage = UsageTablesOf(kind);
      if (kind == DataKind::kEvents)  // and a values table per property, see PropertyTables
        return {usage.rows, usage.users, usage.features, usage.signup, tables::kEventPropertyNames};
      return {usage.rows, usage.users, usage.features, usage.signup};
    }
    case DataKind::kTransactions:
      return {tables::kTransactionRows,   tables::kTransactionOrders, tables::kTransactionItems,
              tables::kTransactionPrices, tables::kTransactionUsers,  tables::kInvoices,
              tables::kStockCodes,        tables::kDescriptions,      tables::kCountries};
  }
  return {};
}

std::optional<DataKind> KindNamed(std::string_view name) {
  for (const DataKind kind : kStoredKinds)
    if (name == DataKindName(kind)) return kind;
  return std::nullopt;
}

/// Keeps the rows whose `keep` is set, in order, in every column.
template <typename Columns, typename ForEach>
void KeepRows(Columns& columns, ForEach for_each, const std::vector<uint8_t>& keep) {
  for_each(columns, [&](std::string_view, auto& column, auto) {
    if (column.empty()) return;
    size_t out = 0;
    for (size_t row = 0; row < keep.size(); ++row)
      if (keep[row]) column[out++] = column[row];
    column.resize(out);
  });
}

template <typename Values>
bool AllBelow(const Values& values, uint64_t limit, bool null_allowed = false) {
  return std::all_of(values.begin(), values.end(), [&](auto value) {
    return static_cast<uint64_t>(value) < limit || (null_allowed && value == kNullCode);
  });
}

Status Damaged(const std::string& path, std::string_view what) {
  return Status(ErrorCode::kDataError, fmt::format("workspace {} is damaged: {}", path, what));
}

Status ValidateCodes(const std::string& path, const UsageLog& log) {
  const bool events = log.grain == UsageGrain::kEvent;
  const std::string_view what = events ? "an event" : "a usage row";
  if (!AllBelow(log.usage.user, log.users.size()))
    return Damaged(path, fmt::format("{} names a user outside the user dictionary", what));
  if (!AllBelow(log.usage.feature, log.features.size()))
    return Damaged(path, fmt::format("{} names a {} outside its dictionary", what,
                                     events ? "event name" : "feature"));
  const bool times_fit = std::all_of(log.usage.ms_of_day.begin(), log.usage.ms_of_day.end(),
                                     [](int32_t ms) { return ms >= 0 && ms < kMsPerDay; });
  if (log.usage.ms_of_day.size() != (events ? log.rows() : 0) || !times_fit)
    return Damaged(
        path, fmt::format("{} has no time of day or one outside 0..{} ms", what, kMsPerDay - 1));
  return Status::Ok();
}

Status ValidateCodes(const std::string& path, const TransactionLog& log) {
  const TransactionColumns& rows = log.transactions;
  if (!AllBelow(rows.order, log.orders.size()) || !AllBelow(rows.item, log.items.size()) ||
      !AllBelow(rows.price, log.prices.size()))
    return Damaged(path, "a transaction row names an order, item or price that is not stored");
  const OrderTable& orders = log.orders;
  if (orders.customer.size() != orders.size() || orders.time.size() != orders.size() ||
      orders.country.size() != orders.size() || !AllBelow(orders.invoice, log.invoices.size()) ||
      !AllBelow(orders.customer, log.users.size(), true) ||
      !AllBelow(orders.country, log.countries.size()))
    return Damaged(path, "an order names an invoice, customer or country that is not stored");
  const ItemTable& items = log.items;
  if (items.description.size() != items.size() ||
      (!items.non_product.empty() && items.non_product.size() != items.size()) ||
      !AllBelow(items.stock_code, log.stock_codes.size()) ||
      !AllBelow(items.description, log.descriptions.size()))
    return Damaged(path, "an item names a stock code or description that is not stored");
  return Status::Ok();
}

void FreePayloads(std::vector<StoredBlock>& blocks) {
  for (StoredBlock& block : blocks) std::string().swap(block.payload);
}

/// A usage log or an event log (`kind`), both held in a UsageLog.
Result<Dataset> LoadUsage(TableStore& store, const std::string& path, DataKind kind,
                          const DayRange& range, bool source_order, LoadStats& stats) {
  const UsageTables tables = UsageTablesOf(kind);
  UsageLog log;
  log.grain = kind == DataKind::kEvents ? UsageGrain::kEvent : UsageGrain::kDay;
  Result<StringDictionary> users = store.ReadDictionary(tables.users);
  if (!users.ok()) return users.status();
  log.users = std::move(*users);
  Result<StringDictionary> features = store.ReadDictionary(tables.features);
  if (!features.ok()) return features.status();
  log.features = std::move(*features);

  Result<std::vector<StoredBlock>> signup_blocks = store.Blocks(tables.signup);
  if (!signup_blocks.ok()) return signup_blocks.status();
  SignupEntries signup;
  GROWTHLENS_RETURN_IF_ERROR(
      DecodeBlocks<SignupEntries>(*signup_blocks, tables.signup, signup, kSignupColumns));
  log.user_signup.assign(log.users.size(), kNoDay);
  for (size_t entry = 0; entry < signup.user.size(); ++entry) {
    if (signup.user[entry] >= log.users.size() || signup.day.size() != signup.user.size())
      return Damaged(path, "a signup day names a user outside the user dictionary");
    Day& day = log.user_signup[signup.user[entry]];
    if (day == kNoDay || signup.day[entry] < day) day = signup.day[entry];
  }

  std::vector<StringDictionary> property_values;
  Result<StringDictionary> property_names = StringDictionary();
  if (kind == DataKind::kEvents) property_names = store.ReadDictionary(tables::kEventPropertyNames);
  if (!property_names.ok()) return property_names.status();
  for (uint32_t property = 0; property < property_names->size(); ++property) {
    Result<StringDictionary> values = store.ReadDictionary(EventPropertyValuesTable(property));
    if (!values.ok()) return values.status();
    if (values->empty() || !(*values)[0].empty())
      return Damaged(
          path, fmt::format("property '{}' has no 'not set' value", (*property_names)[property]));
    property_values.push_back(std::move(*values));
  }

  Result<std::vector<StoredBlock>> blocks =
      store.Blocks(tables.rows, range.All() ? nullptr : &range, &stats.blocks_stored);
  if (!blocks.ok()) return blocks.status();
  stats.blocks_read = blocks->size();
  StoredEventRows<UsageColumns> rows{log.usage, {}, PropertyColumnNames(property_values.size())};
  rows.properties.resize(property_values.size());
  GROWTHLENS_RETURN_IF_ERROR(DecodeBlocks<StoredEventRows<UsageColumns>>(
      *blocks, tables.rows, rows, kEventRowColumns, &kEventTime));
  FreePayloads(*blocks);  // before the regroup's copies: the peak of a large load
  if (source_order) RegroupRows(rows, kEventRowColumns, *blocks, log.users.size(), log.usage.user);
  if (!range.All()) {
    std::vector<uint8_t> keep(log.rows());
    for (size_t row = 0; row < keep.size(); ++row) keep[row] = range.Contains(log.usage.day[row]);
    KeepRows(rows, kEventRowColumns, keep);
  }
  for (uint32_t property = 0; property < property_values.size(); ++property) {
    Column<uint32_t>& codes = rows.properties[property];
    if (codes.empty()) codes.assign(log.rows(), 0);  // no block of the range has it
    if (!AllBelow(codes, property_values[property].size()))
      return Damaged(path, fmt::format("an event names a value of property '{}' outside its "
                                       "dictionary",
                                       (*property_names)[property]));
    PropertyColumn& column =
        log.properties.columns.emplace_back(std::string((*property_names)[property]));
    column.values = std::move(property_values[property]);
    column.Assign(std::vector<uint32_t>(codes.begin(), codes.end()));
    Column<uint32_t>().swap(codes);
  }
  GROWTHLENS_RETURN_IF_ERROR(ValidateCodes(path, log));
  log.ShrinkToFit();
  return Dataset(std::move(log));
}

Result<Dataset> LoadTransactions(TableStore& store, const std::string& path, const DayRange& range,
                                 bool source_order, LoadStats& stats) {
  TransactionLog log;
  const std::pair<StringDictionary*, std::string_view> dictionaries[] = {
      {&log.users, tables::kTransactionUsers},
      {&log.invoices, tables::kInvoices},
      {&log.stock_codes, tables::kStockCodes},
      {&log.descriptions, tables::kDescriptions},
      {&log.countries, tables::kCountries}};
  for (const auto& [dictionary, table] : dictionaries) {
    Result<StringDictionary> read = store.ReadDictionary(table);
    if (!read.ok()) return read.status();
    *dictionary = std::move(*read);
  }
  log.user_signup.assign(log.users.size(), kNoDay);

  Result<std::vector<StoredBlock>> price_blocks = store.Blocks(tables::kTransactionPrices);
  if (!price_blocks.ok()) return price_blocks.status();
  PriceColumns prices;
  GROWTHLENS_RETURN_IF_ERROR(
      DecodeBlocks<PriceColumns>(*price_blocks, tables::kTransactionPrices, prices, kPriceColumns));
  log.prices = std::move(prices.price);
  Result<std::vector<StoredBlock>> order_blocks = store.Blocks(tables::kTransactionOrders);
  if (!order_blocks.ok()) return order_blocks.status();
  GROWTHLENS_RETURN_IF_ERROR(DecodeBlocks<OrderTable>(*order_blocks, tables::kTransactionOrders,
                                                      log.orders, kOrderColumns));
  Result<std::vector<StoredBlock>> item_blocks = store.Blocks(tables::kTransactionItems);
  if (!item_blocks.ok()) return item_blocks.status();
  GROWTHLENS_RETURN_IF_ERROR(
      DecodeBlocks<ItemTable>(*item_blocks, tables::kTransactionItems, log.items, kItemColumns));

  Result<std::vector<StoredBlock>> blocks =
      store.Blocks(tables::kTransactionRows, range.All() ? nullptr : &range, &stats.blocks_stored);
  if (!blocks.ok()) return blocks.status();
  stats.blocks_read = blocks->size();
  GROWTHLENS_RETURN_IF_ERROR(DecodeBlocks<TransactionColumns>(
      *blocks, tables::kTransactionRows, log.transactions, kTransactionRowColumns));
  FreePayloads(*blocks);
  GROWTHLENS_RETURN_IF_ERROR(ValidateCodes(path, log));
  if (source_order) {
    std::vector<uint32_t> customers(log.rows());
    for (size_t row = 0; row < log.rows(); ++row) customers[row] = UserOfRow(log, row);
    RegroupRows(log.transactions, kTransactionRowColumns, *blocks, log.users.size(), customers);
  }
  if (!range.All()) {
    std::vector<uint8_t> keep(log.rows());
    for (size_t row = 0; row < keep.size(); ++row) keep[row] = range.Contains(DayOfRow(log, row));
    KeepRows(log.transactions, kTransactionRowColumns, keep);
  }
  log.ShrinkToFit();
  return Dataset(std::move(log));
}

/// Raised by every write of blocks or loads, by any connection (an append, a compaction, an
/// erasure: schema.cc's triggers): the remembered event keys (Workspace::RememberEventKeys) hold
/// while it does not move.
Result<int64_t> GenerationOfBlocks(Database& db) {
  Result<Statement> query = db.Prepare("SELECT value FROM blocks_generation");
  if (!query.ok()) return query.status();
  Result<bool> row = query->Step();
  if (!row.ok()) return row.status();
  if (!*row)
    return Status(ErrorCode::kInternal, "the workspace's blocks_generation row is missing");
  return query->Int(0);
}

/// Remembered days of event keys that no load touched in this many appends are forgotten.
constexpr uint64_t kKeepEventKeyLoads = 4;

/// A day range with no day in it: a load of dictionaries and side tables alone.
constexpr DayRange kNoDays{INT32_MAX, INT32_MIN};

/// The days the rows of `data` fall on; an empty range when it has none.
DayRange DaysOf(const Dataset& data) {
  DayRange range{INT32_MAX, INT32_MIN};
  data.Visit([&](const auto& log) {
    for (size_t row = 0; row < log.rows(); ++row) {
      const Day day = DayOfRow(log, row);
      range.first = std::min(range.first, day);
      range.last = std::max(range.last, day);
    }
  });
  return range;
}

/// The days the rows of `data` fall on, ascending, each once.
std::vector<Day> DistinctDaysOf(const Dataset& data) {
  std::vector<Day> days;
  data.Visit([&](const auto& log) {
    Day last = 0;
    for (size_t row = 0; row < log.rows(); ++row) {
      const Day day = DayOfRow(log, row);
      if (days.empty() || day != last) days.push_back(day);  // runs of a day are common
      last = day;
    }
  });
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());
  return days;
}

template <typename Log>
BlockDays RowDays(const Log& log) {
  return [&log](size_t begin, size_t end) {
    std::pair<Day, Day> days{INT32_MAX, INT32_MIN};
    for (size_t row = begin; row < end; ++row) {
      const Day day = DayOfRow(log, row);
      days.first = std::min(days.first, day);
      days.second = std::max(days.second, day);
    }
    return days;
  };
}

StoredLoad LoadFromRow(const Statement& row) {
  StoredLoad load;
  load.id = row.Int(0);
  load.kind = KindNamed(row.Text(1)).value_or(DataKind::kUsage);
  load.record.source_name = row.Text(2);
  load.record.source_bytes = static_cast<uint64_t>(row.Int(3));
  load.record.checksum = row.Text(4);
  load.loaded_at = row.Text(5);
  load.record.rows_read = static_cast<uint64_t>(row.Int(6));
  load.rows_kept = static_cast<uint64_t>(row.Int(7));
  load.rows_added = static_cast<uint64_t>(row.Int(8));
  load.rows_duplicate = static_cast<uint64_t>(row.Int(9));
  load.record.report_json = row.Text(10);
  return load;
}

/// A merge's new property names and values.
Status WriteProperties(TableStore& store, std::optional<int64_t> load_id, const UsageMerge& merge) {
  const std::vector<PropertyColumn>& columns = merge.log.properties.columns;
  if (columns.empty()) return Status::Ok();
  StringDictionary names;
  for (const PropertyColumn& column : columns) names.Intern(column.name());
  GROWTHLENS_RETURN_IF_ERROR(store.WriteDictionary(tables::kEventPropertyNames, load_id, names,
                                                   static_cast<uint32_t>(merge.stored_properties)));
  for (size_t property = 0; property < columns.size(); ++property) {
    const uint32_t stored =
        property < merge.stored_property_values.size() ? merge.stored_property_values[property] : 0;
    GROWTHLENS_RETURN_IF_ERROR(store.WriteDictionary(EventPropertyValuesTable(property), load_id,
                                                     columns[property].values, stored));
  }
  return Status::Ok();
}

/// Every table of `kind`, a values table per stored property included.
Result<std::vector<std::string>> PropertyTables(TableStore& store, DataKind kind) {
  std::vector<std::string> tables;
  if (kind != DataKind::kEvents) return tables;
  Result<StringDictionary> names = store.ReadDictionary(tables::kEventPropertyNames);
  if (!names.ok()) return names.status();
  for (uint32_t property = 0; property < names->size(); ++property)
    tables.push_back(EventPropertyValuesTable(property));
  return tables;
}

constexpr const char* kLoadColumns =
    "id, kind, source_name, source_bytes, checksum, loaded_at, rows_read, rows_kept, rows_added, "
    "rows_duplicate, report_json";

}  // namespace

Workspace::Workspace(std::unique_ptr<Database> db, std::string path)
    : db_(std::move(db)), path_(std::move(path)) {}
struct Workspace::EventKeys {
  int64_t generation = 0;
  uint64_t loads = 0;  // appends made with these keys
  DayKeySets keys;
};

Workspace::Workspace(Workspace&&) noexcept = default;
Workspace& Workspace::operator=(Workspace&&) noexcept = default;
Workspace::~Workspace() = default;

Result<Workspace> Workspace::Open(const std::string& path, OpenMode mode) {
  std::error_code error;
  if (mode == OpenMode::kExisting && !std::filesystem::exists(path, error))
    return Status(ErrorCode::kIoError,
                  fmt::format("workspace {} does not exist (growthlens ingest FILE --workspace {} "
                              "creates it)",
                              path, path));
  if (std::filesystem::is_directory(path, error))
    return Status(ErrorCode::kIoError,
                  fmt::format("workspace {} is a directory, expected a file", path));
  if (mode == OpenMode::kCreate) {
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, error);
  }
  Result<Database> db = Database::Open(path, mode == OpenMode::kCreate);
  if (!db.ok()) return db.status();
  auto owned = std::make_unique<Database>(std::move(*db));
  GROWTHLENS_RETURN_IF_ERROR(PrepareSchema(*owned));
  return Workspace(std::move(owned), path);
}

Result<std::optional<StoredLoad>> Workspace::FindLoad(const std::string& checksum) {
  Result<Statement> query = db_->Prepare(
      fmt::format("SELECT {} FROM loads WHERE checksum = ? ORDER BY id LIMIT 1", kLoadColumns));
  if (!query.ok()) return query.status();
  GROWTHLENS_RETURN_IF_ERROR(query->BindText(1, checksum));
  Result<bool> row = query->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<StoredLoad>();
  return std::optional<StoredLoad>(LoadFromRow(*query));
}

Result<AppendOutcome> Workspace::Append(const Dataset& data, const LoadRecord& record,
                                        std::optional<int64_t> fold_inbox_through) {
  Result<Transaction> transaction = Transaction::Begin(*db_);
  if (!transaction.ok()) return transaction.status();
  AppendOutcome outcome;
  Result<std::optional<StoredLoad>> previous = FindLoad(record.checksum);
  if (!previous.ok()) return previous.status();
  if (previous->has_value()) {
    outcome.already_loaded = std::move(*previous);
    return outcome;
  }
  const DayRange days = DaysOf(data);
  // Taken out while this transaction may change the blocks: a failure below leaves none.
  std::unique_ptr<EventKeys> keys;
  if (remember_event_keys_ && data.kind() == DataKind::kEvents) {
    Result<std::unique_ptr<EventKeys>> taken = TakeEventKeys(DistinctDaysOf(data));
    if (!taken.ok()) return taken.status();
    keys = std::move(*taken);
  }
  Result<Dataset> stored =
      LoadLocked(data.kind(), keys != nullptr ? kNoDays : days, /*source_order=*/false);
  if (!stored.ok()) return stored.status();

  Result<Statement> insert = db_->Prepare(
      "INSERT INTO loads (kind, source_name, source_bytes, checksum, loaded_at, rows_read, "
      "rows_kept, rows_added, rows_duplicate, report_json) "
      "VALUES (?, ?, ?, ?, datetime('now'), ?, ?, 0, 0, ?)");
  if (!insert.ok()) return insert.status();
  GROWTHLENS_RETURN_IF_ERROR(insert->BindText(1, DataKindName(data.kind())));
  GROWTHLENS_RETURN_IF_ERROR(insert->BindText(2, record.source_name));
  GROWTHLENS_RETURN_IF_ERROR(insert->BindInt(3, static_cast<int64_t>(record.source_bytes)));
  GROWTHLENS_RETURN_IF_ERROR(insert->BindText(4, record.checksum));
  GROWTHLENS_RETURN_IF_ERROR(insert->BindInt(5, static_cast<int64_t>(record.rows_read)));
  GROWTHLENS_RETURN_IF_ERROR(insert->BindInt(6, static_cast<int64_t>(data.rows())));
  GROWTHLENS_RETURN_IF_ERROR(insert->BindText(7, record.report_json));
  GROWTHLENS_RETURN_IF_ERROR(insert->Run());
  outcome.load_id = db_->LastInsertId();

  GROWTHLENS_RETURN_IF_ERROR(Write(data, outcome.load_id, &*stored, &outcome.rows_duplicate,
                                   &outcome.rows_added, keys != nullptr ? &keys->keys : nullptr));
  Result<Statement> update =
      db_->Prepare("UPDATE loads SET rows_added = ?, rows_duplicate = ? WHERE id = ?");
  if (!update.ok()) return update.status();
  GROWTHLENS_RETURN_IF_ERROR(update->BindInt(1, static_cast<int64_t>(outcome.rows_added)));
  GROWTHLENS_RETURN_IF_ERROR(update->BindInt(2, static_cast<int64_t>(outcome.rows_duplicate)));
  GROWTHLENS_RETURN_IF_ERROR(update->BindInt(3, outcome.load_id));
  GROWTHLENS_RETURN_IF_ERROR(update->Run());
  if (fold_inbox_through)
    GROWTHLENS_RETURN_IF_ERROR(EventInbox(*db_).RemoveThrough(*fold_inbox_through));
  if (keys != nullptr) {
    Result<int64_t> generation = GenerationOfBlocks(*db_);
    if (!generation.ok()) return generation.status();
    keys->generation = *generation;
  }
  GROWTHLENS_RETURN_IF_ERROR(transaction->Commit());
  event_keys_ = std::move(keys);
  return outcome;
}

Result<std::unique_ptr<Workspace::EventKeys>> Workspace::TakeEventKeys(
    const std::vector<Day>& days) {
  Result<int64_t> generation = GenerationOfBlocks(*db_);
  if (!generation.ok()) return generation.status();
  std::unique_ptr<EventKeys> keys = std::move(event_keys_);
  if (keys == nullptr || keys->generation != *generation) {
    keys = std::make_unique<EventKeys>();
    keys->generation = *generation;
  }
  // The days not held, a run of consecutive ones read at once.
  for (size_t first = 0; first < days.size();) {
    if (keys->keys.Covers(days[first])) {
      ++first;
      continue;
    }
    size_t last = first;
    while (last + 1 < days.size() && days[last + 1] == days[last] + 1 &&
           !keys->keys.Covers(days[last + 1]))
      ++last;
    Result<Dataset> stored =
        LoadLocked(DataKind::kEvents, DayRange{days[first], days[last]}, /*source_order=*/false);
    if (!stored.ok()) return stored.status();
    for (size_t day = first; day <= last; ++day) keys->keys.Cover(days[day]);
    if (const UsageLog* log = stored->As<UsageLog>(); log != nullptr)
      ForEachUsageKey(log->usage, [&keys](RowKey key) { keys->keys.Add(key); });
    first = last + 1;
  }
  keys->keys.Seal();
  ++keys->loads;
  for (const Day day : days) keys->keys.Touch(day, keys->loads);
  if (keys->loads > kKeepEventKeyLoads)
    keys->keys.ForgetTouchedBefore(keys->loads - kKeepEventKeyLoads + 1);
  return keys;
}

std::vector<Day> Workspace::RememberedEventKeyDays() const {
  return event_keys_ != nullptr ? event_keys_->keys.HeldDays() : std::vector<Day>{};
}

Status Workspace::Write(const Dataset& data, std::optional<int64_t> load_id, Dataset* stored,
                        uint64_t* duplicates, uint64_t* added, DayKeySets* stored_keys) {
  TableStore store(*db_, level_);
  return data.Visit(Overloaded{
      [&](const UsageLog& load) -> Status {
        UsageLog* held = stored != nullptr ? stored->As<UsageLog>() : nullptr;
        Result<UsageMerge> merge =
            MergeUsage(held != nullptr ? std::move(*held) : UsageLog{}, load, stored_keys);
        if (!merge.ok()) return merge.status();
        UsageLog& log = merge->log;
        if (stored_keys != nullptr) {
          ForEachUsageKey(log.usage, [stored_keys](RowKey key) { stored_keys->Add(key); });
          stored_keys->Seal();
        }
        const UsageTables tables = UsageTablesOf(load.kind());
        GROWTHLENS_RETURN_IF_ERROR(
            store.WriteDictionary(tables.users, load_id, log.users, merge->stored_users));
        GROWTHLENS_RETURN_IF_ERROR(
            store.WriteDictionary(tables.features, load_id, log.features, merge->stored_features));
        GROWTHLENS_RETURN_IF_ERROR(store.WriteRows(tables.signup, load_id, merge->signup,
                                                   kSignupColumns, 0, merge->signup.user.size()));
        GROWTHLENS_RETURN_IF_ERROR(WriteProperties(store, load_id, *merge));
        StoredEventRows<UsageColumns> rows{
            log.usage, {}, PropertyColumnNames(log.properties.columns.size())};
        for (const PropertyColumn& column : log.properties.columns) {
          const std::vector<uint32_t> codes = column.Codes();
          rows.properties.emplace_back(codes.begin(), codes.end());
        }
        const RowLayout layout = PlanRowLayout(log.usage.user, log.usage.day, kBlockRows);
        PermuteRows(rows, kEventRowColumns, layout.order);
        GROWTHLENS_RETURN_IF_ERROR(WriteLayout(store, tables.rows, load_id, rows, kEventRowColumns,
                                               layout, RowDays(log), &kEventTime));
        *duplicates = merge->duplicates;
        *added = log.rows();
        return Status::Ok();
      },
      [&](const TransactionLog& load) -> Status {
        TransactionLog* held = stored != nullptr ? stored->As<TransactionLog>() : nullptr;
        Result<TransactionMerge> merge =
            MergeTransactions(held != nullptr ? std::move(*held) : TransactionLog{}, load);
        if (!merge.ok()) return merge.status();
        TransactionLog& log = merge->log;
        const std::pair<const StringDictionary*, std::pair<std::string_view, uint32_t>>
            dictionaries[] = {
                {&log.users, {tables::kTransactionUsers, merge->stored_users}},
                {&log.invoices, {tables::kInvoices, merge->stored_invoices}},
                {&log.stock_codes, {tables::kStockCodes, merge->stored_stock_codes}},
                {&log.descriptions, {tables::kDescriptions, merge->stored_descriptions}},
                {&log.countries, {tables::kCountries, merge->stored_countries}}};
        for (const auto& [dictionary, table] : dictionaries)
          GROWTHLENS_RETURN_IF_ERROR(
              store.WriteDictionary(table.first, load_id, *dictionary, table.second));
        const PriceColumns prices{log.prices};
        GROWTHLENS_RETURN_IF_ERROR(store.WriteRows(tables::kTransactionPrices, load_id, prices,
                                                   kPriceColumns, merge->stored_prices,
                                                   prices.price.size()));
        GROWTHLENS_RETURN_IF_ERROR(store.WriteRows(tables::kTransactionOrders, load_id, log.orders,
                                                   kOrderColumns, merge->stored_orders,
                                                   log.orders.size()));
        GROWTHLENS_RETURN_IF_ERROR(store.WriteRows(tables::kTransactionItems, load_id, log.items,
                                                   kItemColumns, merge->stored_items,
                                                   log.items.size()));
        std::vector<uint32_t> customers(log.rows());
        std::vector<Day> days(log.rows());
        for (size_t row = 0; row < log.rows(); ++row) {
          customers[row] = UserOfRow(log, row);
          days[row] = DayOfRow(log, row);
        }
        const RowLayout layout = PlanRowLayout(customers, days, kBlockRows);
        PermuteRows(log.transactions, kTransactionRowColumns, layout.order);
        GROWTHLENS_RETURN_IF_ERROR(WriteLayout(store, tables::kTransactionRows, load_id,
                                               log.transactions, kTransactionRowColumns, layout,
                                               RowDays(log)));
        *duplicates = merge->duplicates;
        *added = log.rows();
        return Status::Ok();
      }});
}

Result<std::vector<DataKind>> Workspace::Kinds() {
  std::vector<DataKind> kinds;
  TableStore store(*db_, level_);
  for (const DataKind kind : kStoredKinds) {
    Result<uint64_t> rows = store.RowCount(RowTableOf(kind));
    if (!rows.ok()) return rows.status();
    bool held = *rows > 0;
    if (!held && kind == DataKind::kEvents) {  // live events not yet folded into blocks
      Result<int64_t> inbox = db_->QueryInt("SELECT EXISTS (SELECT 1 FROM inbox_groups)");
      if (!inbox.ok()) return inbox.status();
      held = *inbox != 0;
    }
    if (held) kinds.push_back(kind);
  }
  return kinds;
}

Result<Dataset> Workspace::Load(DataKind kind, const DayRange& range, LoadStats* stats) {
  // One read transaction, so that a load appended meanwhile is seen whole or not at all.
  Result<Transaction> reading = Transaction::Begin(*db_, Transaction::kRead);
  if (!reading.ok()) return reading.status();
  return LoadLocked(kind, range, /*source_order=*/true, stats);
}

Result<Dataset> Workspace::LoadLocked(DataKind kind, const DayRange& range, bool source_order,
                                      LoadStats* stats) {
  TableStore store(*db_, level_);
  LoadStats ignored;
  LoadStats& counted = stats != nullptr ? *stats : ignored;
  switch (kind) {
    case DataKind::kUsage:
    case DataKind::kEvents:
      return LoadUsage(store, path_, kind, range, source_order, counted);
    case DataKind::kTransactions:
      return LoadTransactions(store, path_, range, source_order, counted);
  }
  return Status(ErrorCode::kInternal, "a kind of data the workspace does not store");
}

Result<WorkspaceInfo> Workspace::Info() {
  WorkspaceInfo info;
  Result<int64_t> version = db_->QueryInt("SELECT version FROM workspace_schema");
  if (!version.ok()) return version.status();
  info.schema_version = static_cast<int>(*version);
  Result<int64_t> pages = db_->QueryInt("PRAGMA page_count");
  Result<int64_t> page_size = db_->QueryInt("PRAGMA page_size");
  if (!pages.ok()) return pages.status();
  if (!page_size.ok()) return page_size.status();
  info.file_bytes = static_cast<uint64_t>(*pages * *page_size);
  std::error_code error;
  const auto wal = std::filesystem::file_size(path_ + "-wal", error);
  info.wal_bytes = error ? 0 : static_cast<uint64_t>(wal);

  Result<Statement> tables_query = db_->Prepare(
      "SELECT table_name, SUM(row_count), COUNT(*), SUM(length(payload)) FROM blocks "
      "GROUP BY table_name ORDER BY table_name");
  if (!tables_query.ok()) return tables_query.status();
  for (;;) {
    Result<bool> row = tables_query->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    info.tables.push_back({tables_query->Text(0), static_cast<uint64_t>(tables_query->Int(1)),
                           static_cast<uint64_t>(tables_query->Int(2)),
                           static_cast<uint64_t>(tables_query->Int(3))});
  }
  Result<Statement> loads_query =
      db_->Prepare(fmt::format("SELECT {} FROM loads ORDER BY id", kLoadColumns));
  if (!loads_query.ok()) return loads_query.status();
  for (;;) {
    Result<bool> row = loads_query->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    info.loads.push_back(LoadFromRow(*loads_query));
  }
  return info;
}

Result<std::vector<std::string>> Workspace::Check() {
  std::vector<std::string> problems;
  Result<Statement> integrity = db_->Prepare("PRAGMA integrity_check");
  if (!integrity.ok()) return integrity.status();
  for (;;) {
    Result<bool> row = integrity->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (integrity->Text(0) != "ok") problems.push_back("SQLite: " + integrity->Text(0));
  }
  Result<int64_t> orphans = db_->QueryInt(
      "SELECT count(*) FROM blocks WHERE load_id IS NOT NULL AND load_id NOT IN "
      "(SELECT id FROM loads)");
  if (!orphans.ok()) return orphans.status();
  if (*orphans > 0) problems.push_back(fmt::format("{} blocks belong to no load", *orphans));
  std::string known;
  for (const DataKind kind : kStoredKinds)
    for (const std::string_view table : TablesOf(kind))
      known += fmt::format("{}'{}'", known.empty() ? "" : ", ", table);
  {
    TableStore store(*db_, level_);
    Result<std::vector<std::string>> property_tables = PropertyTables(store, DataKind::kEvents);
    if (!property_tables.ok()) return property_tables.status();
    for (const std::string& table : *property_tables) known += fmt::format(", '{}'", table);
  }
  Result<int64_t> unknown =
      db_->QueryInt(fmt::format("SELECT count(*) FROM blocks WHERE table_name NOT IN ({})", known));
  if (!unknown.ok()) return unknown.status();
  if (*unknown > 0) problems.push_back(fmt::format("{} blocks belong to no known table", *unknown));
  if (!problems.empty()) return problems;  // SQLite's own damage first: nothing above is sure

  Result<Transaction> reading = Transaction::Begin(*db_, Transaction::kRead);
  if (!reading.ok()) return reading.status();
  for (const DataKind kind : kStoredKinds) {
    Result<Dataset> data = LoadLocked(kind, {}, /*source_order=*/false);  // rows as in blocks
    if (!data.ok()) {
      problems.push_back(data.status().message());
      continue;
    }
    // Each rows block's recorded day span must be its rows' span, or date ranges would skip it.
    TableStore store(*db_, level_);
    Result<std::vector<StoredBlock>> blocks = store.Blocks(RowTableOf(kind));
    if (!blocks.ok()) return blocks.status();
    data->Visit([&](const auto& log) {
      const BlockDays days = RowDays(log);
      for (const StoredBlock& block : *blocks) {
        const auto actual = days(block.first_row, block.first_row + block.rows);
        if (!block.days || *block.days != actual)
          problems.push_back(
              fmt::format("{} block {} records days {}..{} but its rows span {}..{}",
                          RowTableOf(kind), block.id, block.days ? block.days->first : 0,
                          block.days ? block.days->second : 0, actual.first, actual.second));
      }
    });
  }
  return problems;
}

Status Workspace::Replace(const Dataset& data, const std::vector<ReportUpdate>& reports) {
  Result<Transaction> transaction = Transaction::Begin(*db_);
  if (!transaction.ok()) return transaction.status();
  Result<Statement> update = db_->Prepare("UPDATE loads SET report_json = ? WHERE id = ?");
  if (!update.ok()) return update.status();
  for (const ReportUpdate& report : reports) {
    GROWTHLENS_RETURN_IF_ERROR(update->BindText(1, report.report_json));
    GROWTHLENS_RETURN_IF_ERROR(update->BindInt(2, report.load_id));
    GROWTHLENS_RETURN_IF_ERROR(update->Run());
  }
  TableStore store(*db_, level_);
  Result<std::vector<std::string>> property_tables = PropertyTables(store, data.kind());
  if (!property_tables.ok()) return property_tables.status();
  for (const std::string& table : *property_tables)
    GROWTHLENS_RETURN_IF_ERROR(store.DeleteTable(table));
  for (const std::string_view table : TablesOf(data.kind()))
    GROWTHLENS_RETURN_IF_ERROR(store.DeleteTable(table));
  uint64_t duplicates = 0, added = 0;
  GROWTHLENS_RETURN_IF_ERROR(Write(data, std::nullopt, nullptr, &duplicates, &added));
  return transaction->Commit();
}

Status Workspace::Vacuum() {
  GROWTHLENS_RETURN_IF_ERROR(db_->Exec("VACUUM"));
  return db_->Exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

}  // namespace growthlens::store
