#pragma once
// The churn feature table: one row per user as of a cutoff day, computed only from the rows
// before it, and the label (no activity in the `horizon` days from the cutoff on) where the data
// reaches that far. The columns are named by a ChurnFeatureSpec, so a model trained on one table
// can ask for the same columns of another dataset (and be refused when they cannot be made).
//
//   const ChurnFeatureSpec spec = ChurnSpecFor(dataset);
//   Result<ChurnTable> table = BuildChurnTable(dataset, spec, {.cutoff = day, .horizon = 30});

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/data_kind.h"
#include "core/dataset.h"
#include "core/date.h"
#include "core/status.h"
#include "ml/feature_matrix.h"

namespace growthlens::ml {

/// Which columns a churn table has: the fixed behaviour columns of its kind, then one share per
/// named feature (usage and event logs) and one indicator per named country (transactions).
struct ChurnFeatureSpec {
  DataKind kind = DataKind::kUsage;
  std::vector<std::string> feature_shares;  // "share:<name>": the feature's share of events
  std::vector<std::string> countries;       // "country:<name>": 1 when the last order's country

  /// Every column name, in the table's order.
  std::vector<std::string> Names() const;
  friend bool operator==(const ChurnFeatureSpec&, const ChurnFeatureSpec&) = default;
};

/// The fixed columns of a kind, before the shares and countries.
std::vector<std::string> BaseChurnFeatures(DataKind kind);

/// The spec for `dataset`: its `max_shares` most used features (by events over the whole data)
/// or its `max_countries` countries with most customers.
ChurnFeatureSpec ChurnSpecFor(const Dataset& dataset, size_t max_shares = 12,
                              size_t max_countries = 8);

struct ChurnTableOptions {
  Day cutoff = kNoDay;   // features from the days before it, the label from it on
  int32_t horizon = 30;  // days after the cutoff in which no activity means churned
  /// Users in the table: those active in the `active_within` days before the cutoff (0: every
  /// user with a row before it).
  int32_t active_within = 90;
  /// When set, only rows of this feature (event) count as activity for the label.
  std::string active_feature;
  unsigned threads = 0;  // 0 = all cores
  /// The data's last day (LastActivityDay), when the caller has it: saves a scan of every row.
  std::optional<Day> last_day;
};

struct ChurnTable {
  std::vector<std::string> names;  // per column
  std::vector<uint32_t> users;     // user code per row, in user id order
  FeatureMatrix x;
  /// Per row, 1 = no activity in [cutoff, cutoff + horizon). Empty when the data ends before
  /// cutoff + horizon (a table to score, not to train on).
  std::vector<uint8_t> churned;
  Day cutoff = kNoDay;
  int32_t horizon = 0;
  bool labelled() const { return !churned.empty(); }
};

/// What one user of a usage or event log did before a cutoff, aggregated elsewhere (a ClickHouse
/// workspace's rollups): the row BuildChurnTable would fill from the user's rows.
struct UsageChurnTotals {
  std::span<const Day> days;  // distinct active days before the cutoff, ascending, not empty
  int64_t events = 0;
  int64_t breadth = 0;                    // distinct features with events
  std::span<const int64_t> share_events;  // per spec.feature_shares
};
/// Fills `row` (spec.Names().size() columns of a usage spec) from `totals`; no signup day.
void FillUsageChurnRow(const UsageChurnTotals& totals, Day cutoff, std::span<double> row);

/// The last day with a row (kNoDay when the data is empty).
Day LastActivityDay(const Dataset& dataset);

/// The table of `dataset` with the columns of `spec`. Refuses a spec of another kind, a spec
/// naming a feature or country the data does not have, and a cutoff outside the data.
Result<ChurnTable> BuildChurnTable(const Dataset& dataset, const ChurnFeatureSpec& spec,
                                   const ChurnTableOptions& options);

}  // namespace growthlens::ml
