#include "metrics/dataset_summary.h"

#include <algorithm>

#include "core/compensated_sum.h"

namespace growthlens {

namespace {

void SummarizeKind(const UsageLog& dataset, DatasetSummary& summary) {
  const UsageColumns& usage = dataset.usage;
  const uint32_t feature_count = dataset.features.size();
  std::vector<int64_t> events(feature_count, 0);
  // Bit per (user, feature): a user counts once per feature however many rows they have.
  std::vector<uint64_t> used(dataset.users.size(), 0);
  std::vector<std::vector<uint8_t>> used_wide;
  const bool narrow = feature_count <= 64;
  if (!narrow) used_wide.assign(dataset.users.size(), std::vector<uint8_t>(feature_count, 0));
  const RowCounts counts(usage);
  for (size_t row = 0; row < usage.user.size(); ++row) {
    const uint16_t feature = usage.feature[row];
    events[feature] += counts[row];
    summary.total_events += counts[row];
    const uint32_t user = usage.user[row];
    if (user == kNullCode) continue;
    if (narrow)
      used[user] |= uint64_t{1} << feature;
    else
      used_wide[user][feature] = 1;
  }
  std::vector<uint64_t> users_per_feature(feature_count, 0);
  for (size_t user = 0; user < dataset.users.size(); ++user)
    for (uint32_t feature = 0; feature < feature_count; ++feature)
      users_per_feature[feature] += narrow ? (used[user] >> feature) & 1 : used_wide[user][feature];
  for (uint32_t feature = 0; feature < feature_count; ++feature) {
    const double adoption = summary.users == 0 ? 0.0
                                               : static_cast<double>(users_per_feature[feature]) /
                                                     static_cast<double>(summary.users);
    summary.features.push_back({std::string(dataset.features[feature]), events[feature],
                                users_per_feature[feature], adoption});
  }
  std::stable_sort(
      summary.features.begin(), summary.features.end(),
      [](const FeatureSummary& a, const FeatureSummary& b) { return a.events > b.events; });
}

void SummarizeKind(const TransactionLog& dataset, DatasetSummary& summary) {
  CompensatedSum revenue;  // to the cent, as the revenue analyses
  for (size_t row = 0; row < dataset.rows(); ++row) revenue.Add(dataset.AmountOfRow(row));
  summary.revenue = revenue.Value();
  summary.orders = dataset.invoices.size();
  // Stock codes with a product line; postage, fees and adjustments counted apart.
  std::vector<uint8_t> product(dataset.stock_codes.size(), 0), other(product.size(), 0);
  for (uint32_t item = 0; item < dataset.items.size(); ++item)
    (dataset.items.IsProduct(item) ? product : other)[dataset.items.stock_code[item]] = 1;
  summary.products = static_cast<uint64_t>(std::count(product.begin(), product.end(), 1));
  summary.non_product_codes = static_cast<uint64_t>(std::count(other.begin(), other.end(), 1));
  summary.countries = dataset.countries.size();
}

template <typename Log>
DatasetSummary SummarizeLog(const Log& dataset) {
  DatasetSummary summary;
  summary.kind = dataset.kind();
  summary.rows = dataset.rows();
  summary.memory = dataset.Memory();
  std::vector<uint8_t> has_row(dataset.users.size(), 0);
  Day first = INT32_MAX, last = INT32_MIN;
  for (size_t row = 0; row < dataset.rows(); ++row) {
    const Day day = DayOfRow(dataset, row);
    first = std::min(first, day);
    last = std::max(last, day);
    const uint32_t user = UserOfRow(dataset, row);
    if (user != kNullCode) has_row[user] = 1;
  }
  for (uint8_t flag : has_row) summary.users += flag;
  if (summary.rows > 0) {
    summary.first_day = first;
    summary.last_day = last;
  }
  SummarizeKind(dataset, summary);
  return summary;
}

}  // namespace

DatasetSummary Summarize(const Dataset& dataset) {
  return dataset.Visit([](const auto& log) { return SummarizeLog(log); });
}

}  // namespace growthlens
