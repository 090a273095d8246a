#pragma once
// Feature usage of a usage log: totals and adoption per feature, time series per feature by
// day, week or month, the feature correlation matrix (Pearson over per-user event totals, as
// pandas' DataFrame.corr on the user x feature pivot filled with 0) and the engagement matrix
// (breadth = share of active users who used the feature, frequency = mean distinct days of use
// among them). Filters: a date window, a set of features, a set of users (a segment).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/column.h"

#include "core/dataset.h"
#include "metrics/cohorts.h"
#include "metrics/user_rows.h"

namespace growthlens {

struct UsageFilter {
  std::optional<Day> from;                      // inclusive
  std::optional<Day> to;                        // inclusive
  std::vector<uint16_t> features;               // feature codes; empty = all
  const std::vector<uint8_t>* users = nullptr;  // per user code, 1 = included; null = all

  bool Keeps(const UsageLog& dataset, size_t row, const std::vector<uint8_t>& feature_kept) const {
    const Day day = dataset.usage.day[row];
    const uint32_t user = dataset.usage.user[row];
    return (!from || day >= *from) && (!to || day <= *to) &&
           feature_kept[dataset.usage.feature[row]] && user != kNullCode &&
           (users == nullptr || (*users)[user]);
  }
};

/// Per feature code, 1 when the filter keeps its rows.
std::vector<uint8_t> KeptFeatures(const UsageLog& dataset, const UsageFilter& filter);

struct FeatureStats {
  uint16_t feature = 0;  // code into Dataset::features
  int64_t events = 0;
  uint64_t users = 0;    // distinct users
  double adoption = 0;   // users / active users (in the filter)
  double breadth = 0;    // same as adoption: share of active users
  double frequency = 0;  // mean distinct days of use per user of the feature
};

struct FeatureReport {
  uint64_t active_users = 0;           // users with any kept row
  std::vector<FeatureStats> features;  // most events first
};

struct FeatureSeries {
  CohortPeriod granularity = CohortPeriod::kDay;
  std::vector<int32_t> buckets;              // CohortBucketOf, ascending, no gaps
  std::vector<uint16_t> features;            // row order of the tables below
  std::vector<std::vector<int64_t>> events;  // [feature][bucket]
  std::vector<std::vector<uint64_t>> users;  // [feature][bucket]: distinct users
};

// Each analysis walks the rows user by user (UserRows) on `threads` threads (0 = all cores);
// the overloads without UserRows build it first.
FeatureReport ComputeFeatureReport(const UsageLog& dataset, const UserRows& by_user,
                                   const UsageFilter& filter, unsigned threads = 0);
FeatureReport ComputeFeatureReport(const UsageLog& dataset, const UsageFilter& filter);

FeatureSeries ComputeFeatureSeries(const UsageLog& dataset, const UserRows& by_user,
                                   CohortPeriod granularity, const UsageFilter& filter,
                                   unsigned threads = 0);
FeatureSeries ComputeFeatureSeries(const UsageLog& dataset, CohortPeriod granularity,
                                   const UsageFilter& filter);

/// What the per-user passes count, before it is shaped into a report or a series (UsageRollup
/// counts the same in its one pass).
struct FeatureTotals {
  std::vector<int64_t> events;      // per feature
  std::vector<uint64_t> users;      // distinct users per feature
  std::vector<uint64_t> user_days;  // sum over users of distinct days of use
  uint64_t active_users = 0;
};
FeatureReport FeatureReportOf(const FeatureTotals& totals);

struct SeriesTotals {
  int32_t first_bucket = 0;     // of the candidate days
  size_t buckets = 0;           // from first_bucket on
  std::vector<int64_t> events;  // [feature * buckets + bucket]
  std::vector<uint64_t> users;  // distinct users
};
FeatureSeries FeatureSeriesOf(const SeriesTotals& totals, CohortPeriod granularity);

/// A dense matrix of doubles kept column after column, the linear-algebra library's default
/// layout: the .cc files that compute on it map it without a copy, and no header brings it.
struct ColumnMajorMatrix {
  size_t rows = 0;
  size_t cols = 0;
  Column<double> values;  // [col * rows + row]; default-initialised, filled by the owner

  double& operator()(size_t row, size_t col) { return values[col * rows + row]; }
  double operator()(size_t row, size_t col) const { return values[col * rows + row]; }
  const double* column(size_t col) const { return values.data() + col * rows; }
};

/// Events per (user, feature) of a usage log: the user x feature pivot that UsageRollup counts,
/// kept by RunAnalysis so that later steps (the personas' top features) need no pass over the
/// rows. Empty when the analysis did not roll the rows up (see Analysis::user_features).
struct UserFeatureEvents {
  std::vector<uint32_t> users;  // user code of each row of `events`
  ColumnMajorMatrix events;     // users.size() x features; whole numbers of events
  bool empty() const { return users.empty(); }
};

/// Pearson correlation of per-user whole-number totals from their exact sums: n, sum x_a and
/// sum x_a x_b (128-bit), r = (n sum x_a x_b - sum x_a sum x_b) / sqrt(..a.. ..b..) in long double;
/// NaN where a column does not vary. Every correlation of feature usage goes through it, so the
/// row scans, the load's analysis and the usage index give the same bits.
class CorrelationSums {
 public:
  explicit CorrelationSums(size_t columns)
      : sums_(columns, 0), products_(columns * columns, 0), pending_(columns * columns, 0) {}
  /// One user's totals, one per column.
  void Add(std::span<const int64_t> totals);
  void Merge(const CorrelationSums& other);
  /// [a][b] over the columns.
  std::vector<std::vector<double>> Correlation() const;

 private:
  __extension__ typedef __int128 Int128;
  // Users whose totals are all below 2^24 in absolute value (products below 2^48) add their
  // products in 64 bits, moved to the 128-bit sums every 2^14 such users (below 2^62): the
  // same exact sums at a fraction of the cost.
  static constexpr int64_t kSmall = int64_t{1} << 24;
  static constexpr int64_t kBatch = int64_t{1} << 14;
  void Flush();
  Int128 Product(size_t idx) const { return products_[idx] + pending_[idx]; }

  int64_t users_ = 0;
  int64_t pending_users_ = 0;
  std::vector<int64_t> sums_;
  std::vector<Int128> products_;  // [a * columns + b], a <= b
  std::vector<int64_t> pending_;  // likewise, of the users not yet moved to products_
  std::vector<size_t> nonzero_;   // Add's columns with a total (scratch)
};

/// Pearson correlation of the columns of a user x feature pivot (one row per user), as below.
std::vector<std::vector<double>> CorrelationOfPivot(const ColumnMajorMatrix& users);

/// [a][b] over the features in code order; NaN where a feature's usage is constant.
std::vector<std::vector<double>> FeatureCorrelation(const UsageLog& dataset,
                                                    const UserRows& by_user,
                                                    const UsageFilter& filter,
                                                    unsigned threads = 0);
std::vector<std::vector<double>> FeatureCorrelation(const UsageLog& dataset,
                                                    const UsageFilter& filter);

}  // namespace growthlens
