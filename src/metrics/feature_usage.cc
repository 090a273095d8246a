#include "metrics/feature_usage.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include <Eigen/Dense>

#include "metrics/distinct_keys.h"

namespace growthlens {

namespace {

/// The days a kept row can have: the data's range cut to the filter's window; empty when
/// last < first.
std::pair<Day, Day> CandidateDays(const UsageLog& dataset, const UsageFilter& filter) {
  const auto& days = dataset.usage.day;
  if (days.empty()) return {0, -1};
  const auto [low, high] = std::minmax_element(days.begin(), days.end());
  return {std::max(*low, filter.from.value_or(*low)), std::min(*high, filter.to.value_or(*high))};
}

/// Distinct (feature, slot) pairs of one user: a feature in the high half, a day or bucket
/// offset in the low half.
uint64_t FeatureSlotKey(uint16_t feature, int64_t slot) {
  return (uint64_t{feature} << 32) | static_cast<uint32_t>(slot);
}

/// Pearson correlation of the columns of `users` (one row per user, whole numbers of events),
/// from their exact sums (CorrelationOfSums): the same numbers as the usage index's.
template <typename Matrix>
std::vector<std::vector<double>> CorrelationOfColumns(const Matrix& users) {
  const auto features = static_cast<size_t>(users.cols());
  CorrelationSums sums(features);
  std::vector<int64_t> row(features);
  for (Eigen::Index user = 0; user < users.rows(); ++user) {
    for (size_t col = 0; col < features; ++col)
      row[col] = std::llround(users(user, static_cast<Eigen::Index>(col)));
    sums.Add(row);
  }
  return sums.Correlation();
}

}  // namespace

std::vector<uint8_t> KeptFeatures(const UsageLog& dataset, const UsageFilter& filter) {
  std::vector<uint8_t> kept(dataset.features.size(), filter.features.empty() ? 1 : 0);
  for (uint16_t feature : filter.features)
    if (feature < kept.size()) kept[feature] = 1;
  return kept;
}

FeatureReport ComputeFeatureReport(const UsageLog& dataset, const UserRows& by_user,
                                   const UsageFilter& filter, unsigned threads) {
  const size_t features = dataset.features.size();
  const std::vector<uint8_t> feature_kept = KeptFeatures(dataset, filter);
  const RowCounts row_counts(dataset.usage);
  FeatureTotals initial{std::vector<int64_t>(features, 0), std::vector<uint64_t>(features, 0),
                        std::vector<uint64_t>(features, 0), 0};
  const std::vector<FeatureTotals> partials = ForEachUserChunk(
      by_user, threads, initial, [&](FeatureTotals& counts, size_t first, size_t end) {
        DistinctKeys feature_days;
        std::vector<uint32_t> used_by(features, UINT32_MAX);  // last group that used a feature
        for (size_t group = first; group < end; ++group) {
          feature_days.Reset(by_user.RowCount(group));
          bool any = false;
          by_user.ForEachRow(group, [&](uint32_t row) {
            if (!filter.Keeps(dataset, row, feature_kept)) return;
            any = true;
            const uint16_t feature = dataset.usage.feature[row];
            counts.events[feature] += row_counts[row];
            if (used_by[feature] != group) {
              used_by[feature] = static_cast<uint32_t>(group);
              ++counts.users[feature];
            }
            counts.user_days[feature] +=
                feature_days.Insert(FeatureSlotKey(feature, dataset.usage.day[row]));
          });
          counts.active_users += any ? 1 : 0;
        }
      });
  FeatureTotals total = initial;
  for (const FeatureTotals& part : partials) {
    total.active_users += part.active_users;
    for (size_t feature = 0; feature < features; ++feature) {
      total.events[feature] += part.events[feature];
      total.users[feature] += part.users[feature];
      total.user_days[feature] += part.user_days[feature];
    }
  }
  return FeatureReportOf(total);
}

FeatureReport FeatureReportOf(const FeatureTotals& total) {
  FeatureReport report;
  const size_t features = total.events.size();
  report.active_users = total.active_users;
  for (size_t feature = 0; feature < features; ++feature) {
    if (total.users[feature] == 0) continue;
    FeatureStats stats;
    stats.feature = static_cast<uint16_t>(feature);
    stats.events = total.events[feature];
    stats.users = total.users[feature];
    stats.adoption = static_cast<double>(stats.users) / static_cast<double>(report.active_users);
    stats.breadth = stats.adoption;
    stats.frequency =
        static_cast<double>(total.user_days[feature]) / static_cast<double>(stats.users);
    report.features.push_back(stats);
  }
  std::stable_sort(
      report.features.begin(), report.features.end(),
      [](const FeatureStats& a, const FeatureStats& b) { return a.events > b.events; });
  return report;
}

FeatureReport ComputeFeatureReport(const UsageLog& dataset, const UsageFilter& filter) {
  return ComputeFeatureReport(dataset, UserRows(dataset), filter);
}

FeatureSeries ComputeFeatureSeries(const UsageLog& dataset, const UserRows& by_user,
                                   CohortPeriod granularity, const UsageFilter& filter,
                                   unsigned threads) {
  FeatureSeries series;
  series.granularity = granularity;
  const auto [first_day, last_day] = CandidateDays(dataset, filter);
  if (last_day < first_day) return series;
  const size_t features = dataset.features.size();
  const std::vector<uint8_t> feature_kept = KeptFeatures(dataset, filter);
  const RowCounts row_counts(dataset.usage);
  const BucketTable bucket_of(first_day, last_day, granularity);
  const int32_t first_bucket = bucket_of(first_day);
  const auto buckets = static_cast<size_t>(bucket_of(last_day) - first_bucket + 1);
  SeriesTotals initial{first_bucket, buckets, std::vector<int64_t>(features * buckets, 0),
                       std::vector<uint64_t>(features * buckets, 0)};
  const std::vector<SeriesTotals> partials = ForEachUserChunk(
      by_user, threads, initial, [&](SeriesTotals& counts, size_t first, size_t end) {
        DistinctKeys feature_buckets;
        for (size_t group = first; group < end; ++group) {
          feature_buckets.Reset(by_user.RowCount(group));
          by_user.ForEachRow(group, [&](uint32_t row) {
            if (!filter.Keeps(dataset, row, feature_kept)) return;
            const uint16_t feature = dataset.usage.feature[row];
            const auto bucket =
                static_cast<size_t>(bucket_of(dataset.usage.day[row]) - first_bucket);
            const size_t cell = feature * buckets + bucket;
            counts.events[cell] += row_counts[row];
            counts.users[cell] += feature_buckets.Insert(FeatureSlotKey(feature, bucket));
          });
        }
      });
  SeriesTotals total = initial;
  for (const SeriesTotals& part : partials)
    for (size_t cell = 0; cell < total.events.size(); ++cell) {
      total.events[cell] += part.events[cell];
      total.users[cell] += part.users[cell];
    }
  return FeatureSeriesOf(total, granularity);
}

FeatureSeries FeatureSeriesOf(const SeriesTotals& total, CohortPeriod granularity) {
  FeatureSeries series;
  series.granularity = granularity;
  const size_t buckets = total.buckets;
  const int32_t first_bucket = total.first_bucket;
  if (buckets == 0) return series;  // no candidate day
  const size_t features = buckets == 0 ? 0 : total.events.size() / buckets;
  // Buckets from the first to the last with a kept row (every kept row counts a user).
  size_t low = buckets, high = 0;
  for (size_t feature = 0; feature < features; ++feature)
    for (size_t bucket = 0; bucket < buckets; ++bucket)
      if (total.users[feature * buckets + bucket] != 0) {
        low = std::min(low, bucket);
        high = std::max(high, bucket);
      }
  if (low > high) return series;
  for (size_t bucket = low; bucket <= high; ++bucket)
    series.buckets.push_back(first_bucket + static_cast<int32_t>(bucket));
  for (size_t feature = 0; feature < features; ++feature) {
    const auto begin = static_cast<std::ptrdiff_t>(feature * buckets);
    bool used = false;
    for (size_t bucket = low; bucket <= high && !used; ++bucket)
      used = total.users[feature * buckets + bucket] != 0;
    if (!used) continue;
    series.features.push_back(static_cast<uint16_t>(feature));
    series.events.emplace_back(
        total.events.begin() + begin + static_cast<std::ptrdiff_t>(low),
        total.events.begin() + begin + static_cast<std::ptrdiff_t>(high + 1));
    series.users.emplace_back(total.users.begin() + begin + static_cast<std::ptrdiff_t>(low),
                              total.users.begin() + begin + static_cast<std::ptrdiff_t>(high + 1));
  }
  return series;
}

FeatureSeries ComputeFeatureSeries(const UsageLog& dataset, CohortPeriod granularity,
                                   const UsageFilter& filter) {
  return ComputeFeatureSeries(dataset, UserRows(dataset), granularity, filter);
}

std::vector<std::vector<double>> FeatureCorrelation(const UsageLog& dataset,
                                                    const UserRows& by_user,
                                                    const UsageFilter& filter, unsigned threads) {
  const size_t features = dataset.features.size();
  const std::vector<uint8_t> feature_kept = KeptFeatures(dataset, filter);
  const RowCounts row_counts(dataset.usage);
  // The user x feature pivot of total events, one row per group; `kept` marks the groups with
  // a kept row (pandas' pivot has rows only for them).
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> pivot =
      Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(by_user.groups()),
                            static_cast<Eigen::Index>(features));
  std::vector<uint8_t> kept(by_user.groups(), 0);
  ForEachUserChunk(by_user, threads, 0, [&](int&, size_t first, size_t end) {
    for (size_t group = first; group < end; ++group)
      by_user.ForEachRow(group, [&](uint32_t row) {
        if (!filter.Keeps(dataset, row, feature_kept)) return;
        kept[group] = 1;
        pivot(static_cast<Eigen::Index>(group), dataset.usage.feature[row]) +=
            static_cast<double>(row_counts[row]);
      });
  });
  std::vector<Eigen::Index> kept_rows;
  for (size_t group = 0; group < kept.size(); ++group)
    if (kept[group]) kept_rows.push_back(static_cast<Eigen::Index>(group));
  return CorrelationOfColumns(pivot(kept_rows, Eigen::all));
}

void CorrelationSums::Add(std::span<const int64_t> totals) {
  ++users_;
  const size_t k = sums_.size();
  nonzero_.clear();
  bool small = true;
  for (size_t a = 0; a < k; ++a) {
    if (totals[a] == 0) continue;
    nonzero_.push_back(a);
    sums_[a] += totals[a];
    small &= totals[a] > -kSmall && totals[a] < kSmall;
  }
  for (size_t i = 0; i < nonzero_.size(); ++i) {
    const size_t a = nonzero_[i];
    if (small) {
      int64_t* row = pending_.data() + a * k;
      for (size_t j = i; j < nonzero_.size(); ++j)
        row[nonzero_[j]] += totals[a] * totals[nonzero_[j]];
    } else {
      Int128* row = products_.data() + a * k;
      for (size_t j = i; j < nonzero_.size(); ++j)
        row[nonzero_[j]] += Int128{totals[a]} * totals[nonzero_[j]];
    }
  }
  if (small && ++pending_users_ == kBatch) Flush();
}

void CorrelationSums::Flush() {
  for (size_t idx = 0; idx < products_.size(); ++idx) products_[idx] += pending_[idx];
  std::fill(pending_.begin(), pending_.end(), 0);
  pending_users_ = 0;
}

void CorrelationSums::Merge(const CorrelationSums& other) {
  users_ += other.users_;
  for (size_t idx = 0; idx < sums_.size(); ++idx) sums_[idx] += other.sums_[idx];
  for (size_t idx = 0; idx < products_.size(); ++idx) products_[idx] += other.Product(idx);
}

std::vector<std::vector<double>> CorrelationSums::Correlation() const {
  const size_t k = sums_.size();
  // n times the co-moment, n sum x_a x_b - sum x_a sum x_b: exact in 128 bits.
  const auto co_moment = [&](size_t a, size_t b) {
    return static_cast<long double>(Int128{users_} * Product(std::min(a, b) * k + std::max(a, b)) -
                                    Int128{sums_[a]} * sums_[b]);
  };
  std::vector<std::vector<double>> correlation(k, std::vector<double>(k, 0.0));
  for (size_t a = 0; a < k; ++a)
    for (size_t b = a; b < k; ++b) {  // one value for [a][b] and [b][a]: exactly symmetric
      const long double denominator = std::sqrt(co_moment(a, a) * co_moment(b, b));
      correlation[a][b] = correlation[b][a] =
          denominator > 0 ? static_cast<double>(co_moment(a, b) / denominator)
                          : std::numeric_limits<double>::quiet_NaN();
    }
  return correlation;
}

std::vector<std::vector<double>> CorrelationOfPivot(const ColumnMajorMatrix& users) {
  return CorrelationOfColumns(
      Eigen::Map<const Eigen::MatrixXd>(users.values.data(), static_cast<Eigen::Index>(users.rows),
                                        static_cast<Eigen::Index>(users.cols)));
}

std::vector<std::vector<double>> FeatureCorrelation(const UsageLog& dataset,
                                                    const UsageFilter& filter) {
  return FeatureCorrelation(dataset, UserRows(dataset), filter);
}

}  // namespace growthlens
