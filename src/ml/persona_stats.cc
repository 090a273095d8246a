#include "ml/persona_stats.h"

#include <algorithm>

#include "core/compensated_sum.h"
#include "core/parallel.h"

namespace growthlens::ml {

namespace {

/// Median of `values`, which it reorders (nth_element).
double Median(std::vector<double>& values) {
  if (values.empty()) return 0;
  const size_t middle = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(middle),
                   values.end());
  const double upper = values[middle];
  if (values.size() % 2 == 1) return upper;
  const double lower =
      *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(middle));
  return (lower + upper) / 2;
}

/// Medians per persona of an integer column (days, orders): by counting each value when the
/// values span a range small next to the rows, else by Median. The same values either way.
template <typename Int>
std::vector<double> MediansOf(const std::vector<Int>& column, std::span<const int32_t> labels,
                              const std::vector<uint64_t>& users) {
  const size_t k = users.size();
  std::vector<double> medians(k, 0.0);
  if (column.empty()) return medians;
  const auto [low, high] = std::minmax_element(column.begin(), column.end());
  const auto range = static_cast<uint64_t>(static_cast<int64_t>(*high) - *low) + 1;
  constexpr uint64_t kSlack = uint64_t{1} << 16;
  if (range > (column.size() + kSlack) / k) {
    std::vector<std::vector<double>> values(k);
    for (size_t persona = 0; persona < k; ++persona) values[persona].reserve(users[persona]);
    for (size_t idx = 0; idx < column.size(); ++idx)
      values[static_cast<size_t>(labels[idx])].push_back(static_cast<double>(column[idx]));
    for (size_t persona = 0; persona < k; ++persona) medians[persona] = Median(values[persona]);
    return medians;
  }
  std::vector<uint32_t> counts(k * range, 0);
  for (size_t idx = 0; idx < column.size(); ++idx)
    ++counts[static_cast<size_t>(labels[idx]) * range +
             static_cast<uint64_t>(static_cast<int64_t>(column[idx]) - *low)];
  for (size_t persona = 0; persona < k; ++persona) {
    if (users[persona] == 0) continue;
    // The values at sorted positions middle - 1 (even counts) and middle.
    const uint64_t middle = users[persona] / 2;
    const uint32_t* persona_counts = counts.data() + persona * range;
    uint64_t seen = 0;
    double lower = 0;
    for (uint64_t offset = 0; offset < range; ++offset) {
      const uint64_t next = seen + persona_counts[offset];
      const auto value =
          static_cast<double>(static_cast<int64_t>(*low) + static_cast<int64_t>(offset));
      if (seen <= middle - 1 && middle - 1 < next) lower = value;
      if (seen <= middle && middle < next) {
        medians[persona] = users[persona] % 2 == 1 ? value : (lower + value) / 2;
        break;
      }
      seen = next;
    }
  }
  return medians;
}

/// Events per (persona, feature) from the per-user counts: the same integer sums as from the
/// rows (each count is a whole number of events, exact in a double).
std::vector<std::vector<int64_t>> EventsFromUserFeatures(
    const UserFeatureEvents& user_features, const std::vector<int32_t>& persona_of_user,
    size_t personas, size_t features) {
  std::vector<std::vector<int64_t>> events(personas, std::vector<int64_t>(features, 0));
  const size_t users = user_features.users.size();
  // Rows of users outside the table go to an extra slot, ignored.
  std::vector<uint32_t> slot_of_row(users);
  for (size_t row = 0; row < users; ++row) {
    const int32_t persona = persona_of_user[user_features.users[row]];
    slot_of_row[row] =
        static_cast<uint32_t>(persona >= 0 ? static_cast<size_t>(persona) : personas);
  }
  // Four partial sums per slot, rows taken in turn, so consecutive rows of one persona do not
  // wait on each other's additions (integers: the order does not change the totals).
  constexpr size_t kWays = 4;
  std::vector<int64_t> partial(kWays * (personas + 1));
  const auto columns = std::min(features, user_features.events.cols);
  for (size_t feature = 0; feature < columns; ++feature) {
    const double* counts = user_features.events.column(feature);
    std::fill(partial.begin(), partial.end(), 0);
    for (size_t row = 0; row < users; ++row)
      partial[(row % kWays) * (personas + 1) + slot_of_row[row]] +=
          static_cast<int64_t>(counts[row]);
    for (size_t persona = 0; persona < personas; ++persona)
      for (size_t way = 0; way < kWays; ++way)
        events[persona][feature] += partial[way * (personas + 1) + persona];
  }
  return events;
}

}  // namespace

PersonaTable PersonaNumbersOf(const RfmTable& rfm, std::span<const int32_t> labels, size_t k) {
  PersonaTable table;
  table.personas.resize(k);
  std::vector<uint64_t> users(k, 0);
  std::vector<CompensatedSum> recency(k), frequency(k), monetary(k);
  CompensatedSum all_monetary;
  for (size_t idx = 0; idx < rfm.size(); ++idx) {
    const auto persona = static_cast<size_t>(labels[idx]);
    ++users[persona];
    recency[persona].Add(rfm.recency[idx]);
    frequency[persona].Add(static_cast<double>(rfm.frequency[idx]));
    monetary[persona].Add(rfm.monetary[idx]);
    all_monetary.Add(rfm.monetary[idx]);
  }
  table.monetary = all_monetary.Value();
  const std::vector<double> median_recency = MediansOf(rfm.recency, labels, users);
  const std::vector<double> median_frequency = MediansOf(rfm.frequency, labels, users);
  std::vector<std::vector<double>> monetary_values(k);
  for (size_t persona = 0; persona < k; ++persona) monetary_values[persona].reserve(users[persona]);
  for (size_t idx = 0; idx < rfm.size(); ++idx)
    monetary_values[static_cast<size_t>(labels[idx])].push_back(rfm.monetary[idx]);
  for (size_t persona = 0; persona < k; ++persona) {
    PersonaNumbers& numbers = table.personas[persona];
    numbers.users = users[persona];
    numbers.monetary = monetary[persona].Value();
    if (users[persona] > 0) {
      const auto count = static_cast<double>(users[persona]);
      numbers.mean_recency = recency[persona].Value() / count;
      numbers.mean_frequency = frequency[persona].Value() / count;
      numbers.mean_monetary = numbers.monetary / count;
    }
    numbers.median_recency = median_recency[persona];
    numbers.median_frequency = median_frequency[persona];
    numbers.median_monetary = Median(monetary_values[persona]);
  }
  return table;
}

std::vector<std::vector<int64_t>> EventsByPersonaAndFeature(
    const UsageLog& dataset, const RfmTable& rfm, std::span<const int32_t> labels, size_t k,
    unsigned threads, const UserFeatureEvents* user_features) {
  std::vector<int32_t> persona_of_user(dataset.users.size(), -1);
  for (size_t idx = 0; idx < rfm.size(); ++idx) persona_of_user[rfm.user[idx]] = labels[idx];
  const size_t features = dataset.features.size();
  if (user_features != nullptr && !user_features->empty())
    return EventsFromUserFeatures(*user_features, persona_of_user, k, features);
  // Slices of rows on every core, each into its own [persona][feature] counts: integer sums,
  // so the merge gives the same totals whatever the threads.
  constexpr size_t kRowsPerSlice = size_t{1} << 20;
  const size_t slices = (dataset.rows() + kRowsPerSlice - 1) / kRowsPerSlice;
  std::vector<std::vector<int64_t>> slice_events(slices);
  const RowCounts row_counts(dataset.usage);
  ParallelFor(slices, threads, [&](size_t slice) {
    std::vector<int64_t>& counts = slice_events[slice];
    counts.assign(k * features, 0);
    const size_t end = std::min(dataset.rows(), (slice + 1) * kRowsPerSlice);
    for (size_t row = slice * kRowsPerSlice; row < end; ++row) {
      const int32_t persona = persona_of_user[dataset.usage.user[row]];
      if (persona >= 0)
        counts[static_cast<size_t>(persona) * features + dataset.usage.feature[row]] +=
            row_counts[row];
    }
  });
  std::vector<std::vector<int64_t>> events(k, std::vector<int64_t>(features, 0));
  for (const std::vector<int64_t>& counts : slice_events)
    for (size_t persona = 0; persona < k; ++persona)
      for (size_t feature = 0; feature < features; ++feature)
        events[persona][feature] += counts[persona * features + feature];
  return events;
}

}  // namespace growthlens::ml
