#include "app/inbox_fold.h"

#include <fmt/format.h>

#include <limits>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "app/cleaning_report_view.h"
#include "app/json_text.h"
#include "core/csv_field.h"
#include "store/workspace.h"

namespace growthlens::app {

namespace {

using Json = nlohmann::json;

/// Each row's properties by column, and the column names in order of first appearance.
struct PropertyColumns {
  std::vector<std::string> names;
  std::vector<std::vector<std::string>> values;  // [column][row]
};

PropertyColumns PropertiesOf(const store::InboxRows& rows) {
  PropertyColumns columns;
  std::unordered_map<std::string, size_t> index;
  for (size_t row = 0; row < rows.size(); ++row) {
    if (rows.properties_json[row].empty()) continue;
    const Json object = Json::parse(rows.properties_json[row], nullptr, false);
    if (!object.is_object()) continue;  // written by Add from an object: cannot happen
    for (const auto& [key, value] : object.items()) {
      auto [found, added] = index.try_emplace(key, columns.names.size());
      if (added) {
        columns.names.push_back(key);
        columns.values.emplace_back(rows.size());
      }
      columns.values[found->second][row] =
          value.is_string() ? value.get<std::string>() : value.dump();
    }
  }
  return columns;
}

/// Codes of `extra`'s strings in `base`, which grows.
std::vector<uint32_t> MapInto(StringDictionary& base, const StringDictionary& extra) {
  std::vector<uint32_t> codes(extra.size());
  for (uint32_t code = 0; code < extra.size(); ++code) codes[code] = base.Intern(extra[code]);
  return codes;
}

/// `extra`'s property rows after `base`'s `base_rows`: a property only one side has is "not set"
/// (code 0, the empty string) on the other's rows. The bound on properties holds: past it a new
/// name is left out, as the reader leaves out a file's columns past it.
void AppendProperties(EventProperties& base, size_t base_rows, const EventProperties& extra,
                      size_t extra_rows) {
  for (const PropertyColumn& column : extra.columns)
    if (base.Find(column.name()) == nullptr && base.columns.size() < kMaxEventProperties)
      base.Add(column.name(), base_rows);
  for (PropertyColumn& column : base.columns) {
    const PropertyColumn* more = extra.Find(column.name());
    column.Reserve(base_rows + extra_rows);
    if (more == nullptr) {
      for (size_t row = 0; row < extra_rows; ++row) column.Append(0);
      continue;
    }
    const std::vector<uint32_t> codes = MapInto(column.values, more->values);
    for (size_t row = 0; row < extra_rows; ++row) column.Append(codes[(*more)[row]]);
  }
}

Status AppendEvents(UsageLog& base, const UsageLog& extra) {
  const std::vector<uint32_t> users = MapInto(base.users, extra.users);
  const std::vector<uint32_t> features = MapInto(base.features, extra.features);
  if (base.features.size() > uint32_t{std::numeric_limits<uint16_t>::max()} + 1)
    return Status(ErrorCode::kDataError,
                  fmt::format("the workspace's events would have {} names, more than the 65536 "
                              "an event log can have",
                              base.features.size()));
  base.grain = UsageGrain::kEvent;
  base.user_signup.resize(base.users.size(), kNoDay);
  for (uint32_t user = 0; user < extra.users.size() && user < extra.user_signup.size(); ++user) {
    const Day day = extra.user_signup[user];
    Day& known = base.user_signup[users[user]];
    if (day != kNoDay && (known == kNoDay || day < known)) known = day;
  }
  UsageColumns& out = base.usage;
  const UsageColumns& in = extra.usage;
  const size_t before = out.user.size();
  // Counts: a column when either side has one (the other side's rows count 1).
  if (out.events.empty() && !in.events.empty()) out.events.assign(before, 1);
  for (size_t row = 0; row < extra.rows(); ++row) {
    out.user.push_back(users[in.user[row]]);
    out.day.push_back(in.day[row]);
    out.feature.push_back(static_cast<uint16_t>(features[in.feature[row]]));
    out.ms_of_day.push_back(in.ms_of_day.empty() ? 0 : in.ms_of_day[row]);
    if (!out.events.empty()) out.events.push_back(in.events.empty() ? 1 : in.events[row]);
  }
  AppendProperties(base.properties, before, extra.properties, extra.rows());
  return Status::Ok();
}

}  // namespace

std::string InboxCsv(const store::InboxRows& rows) {
  const PropertyColumns properties = PropertiesOf(rows);
  std::string csv = "user_id,timestamp,event,count";
  for (const std::string& name : properties.names) {
    csv += ',';
    AppendCsvField(name, csv);
  }
  csv += '\n';
  for (size_t row = 0; row < rows.size(); ++row) {
    AppendCsvField(rows.user[row], csv);
    csv += fmt::format(",{},", rows.time_ms[row]);
    AppendCsvField(rows.event[row], csv);
    csv += fmt::format(",{}", rows.count[row]);
    for (const std::vector<std::string>& column : properties.values) {
      csv += ',';
      AppendCsvField(column[row], csv);
    }
    csv += '\n';
  }
  return csv;
}

Result<CleanedData> CleanInbox(const store::InboxRows& rows, IngestOptions options) {
  options.read.columns = ColumnOverrides{};
  options.read.columns.kind = DataKind::kEvents;
  options.read.delimiter = ',';
  options.read.date_format = "auto";
  options.encoding = Encoding::kUtf8;
  const std::string name = rows.size() == 0 ? "the inbox"
                                            : fmt::format("the inbox (events {} to {})",
                                                          rows.id.front(), rows.id.back());
  return IngestText(InboxCsv(rows), name, options);
}

Result<FoldOutcome> FoldInbox(store::Workspace& workspace, const IngestOptions& options,
                              size_t max_events, size_t max_loads) {
  FoldOutcome outcome;
  while (outcome.loads < max_loads) {
    Result<store::InboxRows> rows = workspace.Inbox().Read(0, max_events);
    if (!rows.ok()) return rows.status();
    if (rows->size() == 0) return outcome;
    Result<CleanedData> cleaned = CleanInbox(*rows, options);
    if (!cleaned.ok()) return cleaned.status();
    store::LoadRecord record;
    record.source_name = fmt::format("live events {}-{}", rows->id.front(), rows->id.back());
    record.checksum = fmt::format("inbox:{}-{}", rows->id.front(), rows->id.back());
    record.rows_read = rows->size();
    record.report_json = JsonText(CleaningReportJson(cleaned->report, cleaned->dataset));
    Result<store::AppendOutcome> appended =
        workspace.Append(cleaned->dataset, record, rows->id.back());
    if (!appended.ok()) return appended.status();
    // Taken for a load stored before (ids reused, as before schema version 8: docs/LIVE.md),
    // nothing was removed: reading the same rows again would loop without end.
    if (appended->already_loaded)
      return Status(ErrorCode::kInternal,
                    fmt::format("folding the inbox: events {} to {} were taken for load {}, "
                                "stored before; the inbox is left as it is",
                                rows->id.front(), rows->id.back(), appended->already_loaded->id));
    ++outcome.loads;
    outcome.events += rows->size();
    outcome.kept += cleaned->dataset.rows();
    outcome.added += appended->rows_added;
    outcome.duplicates += appended->rows_duplicate;
  }
  return outcome;
}

Result<Dataset> WithInbox(Dataset stored, store::Workspace& workspace,
                          const IngestOptions& options) {
  Result<store::InboxRows> rows = workspace.Inbox().Read(0, std::numeric_limits<int64_t>::max());
  if (!rows.ok()) return rows.status();
  if (rows->size() == 0) return stored;
  UsageLog* base = stored.As<UsageLog>();
  if (base == nullptr || (base->rows() > 0 && base->grain != UsageGrain::kEvent))
    return Status(ErrorCode::kInternal, "the inbox's events added to data that is not events");
  Result<CleanedData> cleaned = CleanInbox(*rows, options);
  if (!cleaned.ok()) return cleaned.status();
  const UsageLog* extra = cleaned->dataset.As<UsageLog>();
  if (extra == nullptr) return Status(ErrorCode::kInternal, "the inbox did not read as events");
  GROWTHLENS_RETURN_IF_ERROR(AppendEvents(*base, *extra));
  return stored;
}

}  // namespace growthlens::app
