#include "metrics/feature_usage.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace growthlens {

namespace {

std::vector<uint8_t> KeptFeatures(const Dataset& dataset, const UsageFilter& filter) {
  std::vector<uint8_t> kept(dataset.features.size(), filter.features.empty() ? 1 : 0);
  for (uint16_t feature : filter.features)
    if (feature < kept.size()) kept[feature] = 1;
  return kept;
}

/// Kept rows grouped by feature (a counting sort), so each feature is processed on its own with
/// one reusable bitmap instead of one bitmap per feature.
struct RowsByFeature {
  std::vector<uint32_t> rows;
  std::vector<size_t> begin;  // feature f's rows are rows[begin[f], begin[f + 1])
  Day first_day = INT32_MAX;
  Day last_day = INT32_MIN;
};

RowsByFeature GroupRows(const Dataset& dataset, const UsageFilter& filter) {
  const std::vector<uint8_t> feature_kept = KeptFeatures(dataset, filter);
  RowsByFeature grouped;
  grouped.begin.assign(dataset.features.size() + 1, 0);
  for (size_t row = 0; row < dataset.rows(); ++row) {
    if (!filter.Keeps(dataset, row, feature_kept)) continue;
    ++grouped.begin[dataset.usage.feature[row] + 1];
    grouped.first_day = std::min(grouped.first_day, dataset.usage.day[row]);
    grouped.last_day = std::max(grouped.last_day, dataset.usage.day[row]);
  }
  for (size_t feature = 0; feature < dataset.features.size(); ++feature)
    grouped.begin[feature + 1] += grouped.begin[feature];
  grouped.rows.resize(grouped.begin.back());
  std::vector<size_t> cursor(grouped.begin.begin(), grouped.begin.end() - 1);
  for (size_t row = 0; row < dataset.rows(); ++row)
    if (filter.Keeps(dataset, row, feature_kept))
      grouped.rows[cursor[dataset.usage.feature[row]]++] = static_cast<uint32_t>(row);
  return grouped;
}

/// A users x slots bitmap that is cleared by undoing exactly the bits that were set.
class ReusableBitmap {
 public:
  ReusableBitmap(size_t users, size_t slots) : slots_(slots), bits_((users * slots + 63) / 64, 0) {}
  /// True the first time (user, slot) is set.
  bool Set(uint32_t user, size_t slot) {
    const size_t bit = user * slots_ + slot;
    const uint64_t mask = uint64_t{1} << (bit % 64);
    if (bits_[bit / 64] & mask) return false;
    bits_[bit / 64] |= mask;
    touched_.push_back(bit / 64);
    return true;
  }
  void Clear() {
    for (size_t word : touched_) bits_[word] = 0;
    touched_.clear();
  }

 private:
  size_t slots_;
  std::vector<uint64_t> bits_;
  std::vector<size_t> touched_;
};

}  // namespace

FeatureReport ComputeFeatureReport(const Dataset& dataset, const UsageFilter& filter) {
  FeatureReport report;
  const RowsByFeature grouped = GroupRows(dataset, filter);
  if (grouped.rows.empty()) return report;
  const size_t users = dataset.users.size();
  std::vector<uint8_t> active(users, 0);
  for (uint32_t row : grouped.rows) active[dataset.usage.user[row]] = 1;
  report.active_users = static_cast<uint64_t>(std::count(active.begin(), active.end(), 1));

  const auto span = static_cast<size_t>(grouped.last_day - grouped.first_day + 1);
  ReusableBitmap user_days(users, span);
  std::vector<uint32_t> stamp(users, 0);  // feature + 1 that last counted the user
  for (size_t feature = 0; feature < dataset.features.size(); ++feature) {
    if (grouped.begin[feature] == grouped.begin[feature + 1]) continue;
    FeatureStats stats;
    stats.feature = static_cast<uint16_t>(feature);
    uint64_t active_days = 0;
    for (size_t idx = grouped.begin[feature]; idx < grouped.begin[feature + 1]; ++idx) {
      const uint32_t row = grouped.rows[idx];
      const uint32_t user = dataset.usage.user[row];
      stats.events += dataset.usage.events[row];
      if (stamp[user] != feature + 1) {
        stamp[user] = static_cast<uint32_t>(feature + 1);
        ++stats.users;
      }
      active_days +=
          user_days.Set(user, static_cast<size_t>(dataset.usage.day[row] - grouped.first_day));
    }
    user_days.Clear();
    stats.adoption = static_cast<double>(stats.users) / static_cast<double>(report.active_users);
    stats.breadth = stats.adoption;
    stats.frequency = static_cast<double>(active_days) / static_cast<double>(stats.users);
    report.features.push_back(stats);
  }
  std::stable_sort(
      report.features.begin(), report.features.end(),
      [](const FeatureStats& a, const FeatureStats& b) { return a.events > b.events; });
  return report;
}

FeatureSeries ComputeFeatureSeries(const Dataset& dataset, CohortPeriod granularity,
                                   const UsageFilter& filter) {
  FeatureSeries series;
  series.granularity = granularity;
  const RowsByFeature grouped = GroupRows(dataset, filter);
  if (grouped.rows.empty()) return series;
  const BucketTable bucket_of(grouped.first_day, grouped.last_day, granularity);
  const int32_t first = bucket_of(grouped.first_day);
  const int32_t last = bucket_of(grouped.last_day);
  const auto buckets = static_cast<size_t>(last - first + 1);
  for (int32_t bucket = first; bucket <= last; ++bucket) series.buckets.push_back(bucket);
  ReusableBitmap user_buckets(dataset.users.size(), buckets);
  for (size_t feature = 0; feature < dataset.features.size(); ++feature) {
    if (grouped.begin[feature] == grouped.begin[feature + 1]) continue;
    series.features.push_back(static_cast<uint16_t>(feature));
    std::vector<int64_t>& events = series.events.emplace_back(buckets, 0);
    std::vector<uint64_t>& users = series.users.emplace_back(buckets, 0);
    for (size_t idx = grouped.begin[feature]; idx < grouped.begin[feature + 1]; ++idx) {
      const uint32_t row = grouped.rows[idx];
      const auto bucket = static_cast<size_t>(bucket_of(dataset.usage.day[row]) - first);
      events[bucket] += dataset.usage.events[row];
      users[bucket] += user_buckets.Set(dataset.usage.user[row], bucket) ? 1 : 0;
    }
    user_buckets.Clear();
  }
  return series;
}

std::vector<std::vector<double>> FeatureCorrelation(const Dataset& dataset,
                                                    const UsageFilter& filter) {
  const size_t features = dataset.features.size();
  const std::vector<uint8_t> feature_kept = KeptFeatures(dataset, filter);
  // The user x feature pivot of total events, rows only for users with a kept row.
  std::vector<uint32_t> row_of_user(dataset.users.size(), UINT32_MAX);
  std::vector<double> pivot;
  for (size_t row = 0; row < dataset.rows(); ++row) {
    if (!filter.Keeps(dataset, row, feature_kept)) continue;
    uint32_t& pivot_row = row_of_user[dataset.usage.user[row]];
    if (pivot_row == UINT32_MAX) {
      pivot_row = static_cast<uint32_t>(pivot.size() / features);
      pivot.resize(pivot.size() + features, 0.0);
    }
    pivot[pivot_row * features + dataset.usage.feature[row]] += dataset.usage.events[row];
  }
  const size_t n = features == 0 ? 0 : pivot.size() / features;
  std::vector<double> mean(features, 0.0);
  for (size_t user_row = 0; user_row < n; ++user_row)
    for (size_t feature = 0; feature < features; ++feature)
      mean[feature] += pivot[user_row * features + feature];
  for (double& value : mean) value /= static_cast<double>(std::max<size_t>(n, 1));
  // Two-pass: centred cross products, then normalise.
  std::vector<double> cross(features * features, 0.0);
  for (size_t user_row = 0; user_row < n; ++user_row)
    for (size_t a = 0; a < features; ++a) {
      const double centred_a = pivot[user_row * features + a] - mean[a];
      for (size_t b = a; b < features; ++b)
        cross[a * features + b] += centred_a * (pivot[user_row * features + b] - mean[b]);
    }
  std::vector<std::vector<double>> correlation(features, std::vector<double>(features, 0.0));
  for (size_t a = 0; a < features; ++a)
    for (size_t b = a; b < features; ++b) {
      const double denominator = std::sqrt(cross[a * features + a] * cross[b * features + b]);
      const double value = denominator > 0 ? cross[a * features + b] / denominator
                                           : std::numeric_limits<double>::quiet_NaN();
      correlation[a][b] = correlation[b][a] = value;
    }
  return correlation;
}

}  // namespace growthlens
