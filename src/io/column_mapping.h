#pragma once
// Maps the columns of a CSV header onto the Dataset's roles. Known schemas are detected from
// the header, case-, space- and underscore-insensitively: the usage log, event logs
// (user_id/distinct_id, timestamp/time/event_time/ts, event/event_name[, count]), UCI Online
// Retail and Online Retail II. Any other export is mapped by naming its columns per role.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/dataset.h"
#include "core/status.h"

namespace growthlens {

enum class Role : uint8_t {
  kUser,         // user_id / CustomerID
  kSignup,       // signup_date (usage)
  kTime,         // event_date / InvoiceDate
  kItem,         // feature_name (usage) / StockCode (transactions)
  kCount,        // events_count / Quantity
  kPrice,        // UnitPrice
  kAmount,       // a line total, for exports without a unit price
  kOrder,        // InvoiceNo
  kDescription,  // Description
  kCountry,      // Country
};
inline constexpr size_t kRoleCount = 10;
const char* RoleName(Role role);

inline constexpr int kUnmapped = -1;

/// Which schema a header was recognised as.
enum class SchemaName { kUsageLog, kEventLog, kOnlineRetail, kOnlineRetailII, kCustom };
const char* SchemaDisplayName(SchemaName schema);

/// A row filter: only rows whose column `column` holds exactly `value` are read (--where).
struct RowFilter {
  int column = kUnmapped;  // header index
  std::string name;        // as the user gave it, for the report: "lifecycle:transition"
  std::string value;
};

/// A column kept as an event property: its values as they are, or (json) a JSON object whose
/// top-level keys become properties.
struct PropertySource {
  int column = kUnmapped;  // header index
  std::string name;        // as in the header
  bool json = false;
};

/// Which property columns of an events source to keep (--property, --no-properties).
struct PropertySelection {
  bool none = false;
  std::vector<std::string> names;  // empty: every one (up to kMaxEventProperties)
  /// Whether a property named `name` is kept (names compare as NormalizeColumnName does).
  bool Keeps(std::string_view name) const;
};

struct ColumnMapping {
  DataKind kind = DataKind::kUsage;
  SchemaName schema = SchemaName::kCustom;
  std::array<int, kRoleCount> column{};  // header index per role, or kUnmapped
  std::vector<std::string> header;       // the header's names as written
  std::vector<RowFilter> where;          // every filter must hold for a row to be read
  std::string signup_event;  // events: the event that marks a signup; empty: sign_up / signup
  /// Events: the columns kept as properties, and the selection (it filters JSON keys too).
  std::vector<PropertySource> properties;
  PropertySelection property_selection;
  std::vector<std::string> property_notes;  // columns left out by the bound, for the report

  int operator[](Role role) const { return column[static_cast<size_t>(role)]; }
  bool Has(Role role) const { return (*this)[role] != kUnmapped; }
  /// The header name of a role's column ("InvoiceDate"), or the role name when unmapped.
  std::string NameOf(Role role) const;
};

/// Column names given by the user, one per role (empty = not given), and an optional kind.
struct ColumnOverrides {
  std::array<std::string, kRoleCount> name;
  std::optional<DataKind> kind;
  /// --where COLUMN=VALUE filters, (column name, value); they apply to any schema.
  std::vector<std::pair<std::string, std::string>> where;
  /// --signup-event NAME: an event log's signup event (exact name); empty: sign_up / signup.
  std::string signup_event;
  PropertySelection properties;  // events: --property / --no-properties
  bool Any() const;
};

/// "Customer ID" -> "customerid": lower case, letters and digits only.
std::string NormalizeColumnName(std::string_view name);

/// NDJSON events: the role a top-level key takes (user, time, item or count): the key named for
/// the role by an override, or else one of the event log's names for it; nullopt for others.
std::optional<Role> EventRoleOfKey(std::string_view key, const ColumnOverrides& overrides);

/// Maps a header: overrides first, then the known schemas. Fails with a message naming the
/// missing columns and what was found.
Result<ColumnMapping> MapColumns(const std::vector<std::string>& header,
                                 const ColumnOverrides& overrides);
/// MapColumns, then the --where filters' columns found in the header (or an error naming them)
/// and, for events, the property columns: every column no role takes (a column named
/// "properties" holds JSON), as the selection says.
Result<ColumnMapping> MapColumnsAndFilters(const std::vector<std::string>& header,
                                           const ColumnOverrides& overrides);

}  // namespace growthlens
