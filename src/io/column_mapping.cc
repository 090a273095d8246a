#include "io/column_mapping.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/event_properties.h"

namespace growthlens {

namespace {

struct RoleAliases {
  Role role;
  std::vector<std::string_view> names;  // normalised
};

// Known schemas' column names per role, normalised. Order matters only for readability.
const std::vector<RoleAliases>& UsageAliases() {
  static const std::vector<RoleAliases> kAliases = {
      {Role::kUser, {"userid"}},       {Role::kSignup, {"signupdate"}},
      {Role::kTime, {"eventdate"}},    {Role::kItem, {"featurename", "feature"}},
      {Role::kCount, {"eventscount"}},
  };
  return kAliases;
}

// Event exports (Segment, Mixpanel, Amplitude, process logs): who, when, what, and how many.
const std::vector<RoleAliases>& EventAliases() {
  static const std::vector<RoleAliases> kAliases = {
      {Role::kUser, {"userid", "distinctid", "user", "caseid"}},
      {Role::kTime, {"timestamp", "eventtime", "time", "ts", "eventtimestamp"}},
      {Role::kItem, {"event", "eventname", "eventtype", "activity"}},
      {Role::kCount, {"count", "eventscount", "eventcount"}},
  };
  return kAliases;
}

const std::vector<RoleAliases>& RetailAliases() {
  static const std::vector<RoleAliases> kAliases = {
      {Role::kOrder, {"invoiceno", "invoice"}},
      {Role::kItem, {"stockcode"}},
      {Role::kDescription, {"description"}},
      {Role::kCount, {"quantity"}},
      {Role::kTime, {"invoicedate"}},
      {Role::kPrice, {"unitprice", "price"}},
      {Role::kUser, {"customerid"}},
      {Role::kCountry, {"country"}},
  };
  return kAliases;
}

int FindColumn(const std::vector<std::string>& normalized, std::string_view wanted) {
  for (size_t column_idx = 0; column_idx < normalized.size(); ++column_idx)
    if (normalized[column_idx] == wanted) return static_cast<int>(column_idx);
  return kUnmapped;
}

ColumnMapping EmptyMapping(const std::vector<std::string>& header) {
  ColumnMapping mapping;
  mapping.column.fill(kUnmapped);
  mapping.header = header;
  return mapping;
}

// Maps every alias it can; returns the roles in `required` that stayed unmapped.
std::vector<std::string> ApplyAliases(const std::vector<RoleAliases>& aliases,
                                      const std::vector<std::string>& normalized,
                                      std::initializer_list<Role> required,
                                      ColumnMapping& mapping) {
  for (const RoleAliases& alias : aliases) {
    for (std::string_view name : alias.names) {
      const int column = FindColumn(normalized, name);
      if (column != kUnmapped) {
        mapping.column[static_cast<size_t>(alias.role)] = column;
        break;
      }
    }
  }
  std::vector<std::string> missing;
  for (Role role : required)
    if (!mapping.Has(role)) missing.emplace_back(RoleName(role));
  return missing;
}

// Every column no role takes becomes a property, as the selection says; a column named
// "properties" is a JSON object whose keys the parser selects.
Status MapProperties(const ColumnOverrides& overrides, ColumnMapping& mapping) {
  const PropertySelection& selection = overrides.properties;
  mapping.property_selection = selection;
  if (selection.none) return Status::Ok();
  std::vector<uint8_t> taken(mapping.header.size(), 0);
  for (const int column : mapping.column)
    if (column != kUnmapped) taken[static_cast<size_t>(column)] = 1;
  std::vector<std::string> over_limit;
  bool has_json = false;
  for (size_t column = 0; column < mapping.header.size(); ++column) {
    const std::string& name = mapping.header[column];
    if (taken[column] || name.empty()) continue;
    const bool json = NormalizeColumnName(name) == "properties";
    if (!json && !selection.Keeps(name)) continue;
    if (mapping.properties.size() >= kMaxEventProperties) {
      over_limit.push_back(name);
      continue;
    }
    has_json = has_json || json;
    mapping.properties.push_back({static_cast<int>(column), name, json});
  }
  if (!over_limit.empty())
    mapping.property_notes.push_back(
        fmt::format("{} more property columns than the {} kept were left out: {} (keep the ones "
                    "you need with --property NAME)",
                    over_limit.size(), kMaxEventProperties, fmt::join(over_limit, ", ")));
  // A --property that names nothing is a typo, unless a JSON column may hold it.
  if (!has_json)
    for (const std::string& wanted : selection.names) {
      bool found = false;
      for (const PropertySource& source : mapping.properties)
        found = found || NormalizeColumnName(source.name) == NormalizeColumnName(wanted);
      if (!found)
        return Status(ErrorCode::kSchemaError,
                      fmt::format("--property {}: no such column among the event's other columns "
                                  "({})",
                                  wanted, fmt::join(mapping.header, ", ")));
    }
  return Status::Ok();
}

}  // namespace

const char* RoleName(Role role) {
  constexpr const char* kNames[kRoleCount] = {"user",  "signup", "time",  "item",        "count",
                                              "price", "amount", "order", "description", "country"};
  return kNames[static_cast<size_t>(role)];
}

const char* SchemaDisplayName(SchemaName schema) {
  switch (schema) {
    case SchemaName::kUsageLog:
      return "usage log";
    case SchemaName::kEventLog:
      return "event log";
    case SchemaName::kOnlineRetail:
      return "Online Retail";
    case SchemaName::kOnlineRetailII:
      return "Online Retail II";
    case SchemaName::kCustom:
      return "custom mapping";
  }
  return "custom mapping";
}

std::string ColumnMapping::NameOf(Role role) const {
  const int index = (*this)[role];
  return index == kUnmapped ? RoleName(role) : header[static_cast<size_t>(index)];
}

bool PropertySelection::Keeps(std::string_view name) const {
  if (none) return false;
  if (names.empty()) return true;
  const std::string key = NormalizeColumnName(name);
  for (const std::string& wanted : names)
    if (wanted == name || NormalizeColumnName(wanted) == key) return true;
  return false;
}

bool ColumnOverrides::Any() const {
  for (const std::string& column_name : name)
    if (!column_name.empty()) return true;
  return false;
}

std::string NormalizeColumnName(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z')
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      out.push_back(c);
  }
  return out;
}

std::optional<Role> EventRoleOfKey(std::string_view key, const ColumnOverrides& overrides) {
  const std::string normalized = NormalizeColumnName(key);
  for (const RoleAliases& alias : EventAliases()) {
    const std::string& given = overrides.name[static_cast<size_t>(alias.role)];
    if (!given.empty()) {
      if (key == given || normalized == NormalizeColumnName(given)) return alias.role;
      continue;
    }
    if (std::find(alias.names.begin(), alias.names.end(), normalized) != alias.names.end())
      return alias.role;
  }
  return std::nullopt;
}

Result<ColumnMapping> MapColumns(const std::vector<std::string>& header,
                                 const ColumnOverrides& overrides) {
  std::vector<std::string> normalized;
  normalized.reserve(header.size());
  for (const std::string& name : header) normalized.push_back(NormalizeColumnName(name));
  const std::string found = fmt::format("found columns: {}", fmt::join(header, ", "));

  if (overrides.Any()) {
    ColumnMapping mapping = EmptyMapping(header);
    for (size_t role_idx = 0; role_idx < kRoleCount; ++role_idx) {
      const std::string& wanted = overrides.name[role_idx];
      if (wanted.empty()) continue;
      const int column = FindColumn(normalized, NormalizeColumnName(wanted));
      if (column == kUnmapped)
        return Status(ErrorCode::kSchemaError,
                      fmt::format("column '{}' given for {} is not in the header ({})", wanted,
                                  RoleName(static_cast<Role>(role_idx)), found));
      mapping.column[role_idx] = column;
    }
    const bool looks_like_transactions =
        mapping.Has(Role::kPrice) || mapping.Has(Role::kAmount) || mapping.Has(Role::kOrder);
    mapping.kind = overrides.kind.value_or(looks_like_transactions ? DataKind::kTransactions
                                                                   : DataKind::kUsage);
    if (!mapping.Has(Role::kUser) || !mapping.Has(Role::kTime))
      return Status(
          ErrorCode::kSchemaError,
          fmt::format("a custom mapping needs at least --user-col and --time-col ({})", found));
    if (ByKind(mapping.kind, false, true) && !mapping.Has(Role::kPrice) &&
        !mapping.Has(Role::kAmount))
      return Status(ErrorCode::kSchemaError,
                    fmt::format("transactions need --price-col or --amount-col ({})", found));
    return mapping;
  }

  ColumnMapping usage = EmptyMapping(header);
  const std::vector<std::string> usage_missing =
      ApplyAliases(UsageAliases(), normalized, {Role::kUser, Role::kTime, Role::kItem}, usage);
  ColumnMapping events = EmptyMapping(header);
  const std::vector<std::string> events_missing =
      ApplyAliases(EventAliases(), normalized, {Role::kUser, Role::kTime, Role::kItem}, events);
  ColumnMapping retail = EmptyMapping(header);
  const std::vector<std::string> retail_missing = ApplyAliases(
      RetailAliases(), normalized,
      {Role::kOrder, Role::kItem, Role::kCount, Role::kTime, Role::kPrice, Role::kUser}, retail);
  if (usage_missing.empty() && (!overrides.kind || *overrides.kind == DataKind::kUsage)) {
    usage.kind = DataKind::kUsage;
    usage.schema = SchemaName::kUsageLog;
    return usage;
  }
  if (events_missing.empty() && (!overrides.kind || *overrides.kind == DataKind::kEvents)) {
    events.kind = DataKind::kEvents;
    events.schema = SchemaName::kEventLog;
    return events;
  }
  if (retail_missing.empty() && (!overrides.kind || ByKind(*overrides.kind, false, true))) {
    retail.kind = DataKind::kTransactions;
    const bool is_ii = FindColumn(normalized, "invoice") != kUnmapped ||
                       FindColumn(normalized, "price") != kUnmapped;
    retail.schema = is_ii ? SchemaName::kOnlineRetailII : SchemaName::kOnlineRetail;
    return retail;
  }
  return Status(
      ErrorCode::kSchemaError,
      fmt::format("cannot recognise the header as a usage log (user_id, signup_date, event_date, "
                  "feature_name, events_count; missing {}), as events (user_id, timestamp, "
                  "event[, count]; missing {}) or as Online Retail transactions "
                  "(InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice, "
                  "CustomerID, Country; missing {}); {}. Map other exports with --kind, "
                  "--user-col, --time-col, --item-col (--event-col), --count-col, --price-col, "
                  "--amount-col, --order-col",
                  fmt::join(usage_missing, ", "), fmt::join(events_missing, ", "),
                  fmt::join(retail_missing, ", "), found));
}

Result<ColumnMapping> MapColumnsAndFilters(const std::vector<std::string>& header,
                                           const ColumnOverrides& overrides) {
  Result<ColumnMapping> mapping = MapColumns(header, overrides);
  if (!mapping.ok()) return mapping;
  if (!overrides.signup_event.empty() && mapping->kind != DataKind::kEvents)
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("--signup-event {}: only event logs have signup events; this file "
                              "reads as {} (--kind events reads it as an event log)",
                              overrides.signup_event, DataKindName(mapping->kind)));
  mapping->signup_event = overrides.signup_event;
  std::vector<std::string> normalized;
  for (const std::string& column_name : header)
    normalized.push_back(NormalizeColumnName(column_name));
  for (const auto& [name, value] : overrides.where) {
    // The exact name first: "case:REG_DATE" and "case:reg_date" may both be there.
    int column = FindColumn(header, name);
    if (column == kUnmapped) column = FindColumn(normalized, NormalizeColumnName(name));
    if (column == kUnmapped)
      return Status(ErrorCode::kSchemaError,
                    fmt::format("--where {}={}: no column '{}' in the header (found columns: {})",
                                name, value, name, fmt::join(header, ", ")));
    mapping->where.push_back({column, name, value});
  }
  if (mapping->kind == DataKind::kEvents)
    GROWTHLENS_RETURN_IF_ERROR(MapProperties(overrides, *mapping));
  return mapping;
}

}  // namespace growthlens
