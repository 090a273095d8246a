#include "metrics/rfm.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <numeric>
#include <unordered_set>

#include "core/compensated_sum.h"
#include "metrics/activity_grid.h"
#include "metrics/usage_rollup.h"

namespace growthlens {

namespace {

constexpr int kScoreCount = 5;

/// One user's raw R, F, M inputs.
struct UserRfm {
  Day last_day;
  int64_t frequency;
  double monetary;
};

std::optional<int64_t> IntegerId(std::string_view id) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(id.data(), id.data() + id.size(), value);
  if (error != std::errc() || end != id.data() + id.size() || id.empty()) return std::nullopt;
  return value;
}

std::vector<int64_t> DistinctInvoicesPerCustomer(const TransactionLog& dataset) {
  std::vector<int64_t> distinct(dataset.users.size(), 0);
  std::unordered_set<uint64_t> seen;
  const OrderTable& orders = dataset.orders;
  for (uint32_t order = 0; order < orders.size(); ++order) {
    const uint32_t customer = orders.customer[order];
    if (customer == kNullCode) continue;
    if (seen.insert((uint64_t{customer} << 32) | orders.invoice[order]).second)
      ++distinct[customer];
  }
  return distinct;
}

/// Indices of `values` by value, equal values in index order (std::stable_sort's order). Days,
/// day counts and event totals are integers in a small range: a counting sort.
std::vector<uint32_t> StableOrder(const std::vector<double>& values) {
  const size_t n = values.size();
  std::vector<uint32_t> order(n);
  double low = std::numeric_limits<double>::infinity();
  double high = -low;
  bool integers = true;
  for (const double value : values) {
    integers = integers && std::isfinite(value) && value == std::floor(value);
    low = std::min(low, value);
    high = std::max(high, value);
  }
  constexpr double kExtraBuckets = 1024;
  if (n > 0 && integers && high - low <= 4.0 * static_cast<double>(n) + kExtraBuckets) {
    std::vector<uint32_t> start(static_cast<size_t>(high - low) + 2, 0);
    for (const double value : values) ++start[static_cast<size_t>(value - low) + 1];
    for (size_t bucket = 1; bucket < start.size(); ++bucket) start[bucket] += start[bucket - 1];
    for (uint32_t idx = 0; idx < n; ++idx)
      order[start[static_cast<size_t>(values[idx] - low)]++] = idx;
    return order;
  }
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return values[a] < values[b]; });
  return order;
}

/// Recency, frequency, monetary, scores and segments of table.user (filled), the reference day
/// set; values_of(user) gives a user's UserRfm.
template <typename ValuesOf>
void FillRfm(RfmTable& table, const RfmOptions& options, ValuesOf values_of) {
  table.ties = options.ties;
  const size_t n = table.user.size();
  std::vector<double> recency_values(n), frequency_values(n), monetary_values(n);
  table.recency.reserve(n);
  table.frequency.reserve(n);
  table.monetary.reserve(n);
  for (size_t idx = 0; idx < n; ++idx) {
    const UserRfm values = values_of(table.user[idx]);
    table.recency.push_back(table.reference_day - values.last_day);
    table.frequency.push_back(values.frequency);
    table.monetary.push_back(values.monetary);
    recency_values[idx] = table.recency.back();
    frequency_values[idx] = static_cast<double>(values.frequency);
    monetary_values[idx] = values.monetary;
  }
  table.r = QuintileScores(recency_values, options.ties, /*higher_is_better=*/false);
  table.f = QuintileScores(frequency_values, options.ties, /*higher_is_better=*/true);
  table.m = QuintileScores(monetary_values, options.ties, /*higher_is_better=*/true);
  table.segment.reserve(n);
  for (size_t idx = 0; idx < n; ++idx)
    table.segment.push_back(SegmentOf(table.r[idx], table.f[idx], table.m[idx]));
}

}  // namespace

std::string_view RfmSegmentName(RfmSegment segment) {
  constexpr std::array<std::string_view, kRfmSegmentCount> kNames = {
      "Champions",          "Loyal",           "New",     "Promising",
      "Potential Loyalist", "Can't Lose Them", "At Risk", "Need Attention",
      "About to Sleep",     "Hibernating",     "Lost"};
  return kNames[static_cast<size_t>(segment)];
}

RfmSegment SegmentOf(int r, int f, int m) {
  if (r >= 4 && f >= 4 && m >= 4) return RfmSegment::kChampions;
  if (r >= 3 && f >= 3) return RfmSegment::kLoyal;
  if (r >= 4 && f == 1) return RfmSegment::kNew;
  if (r == 3 && f == 1) return RfmSegment::kPromising;
  if (r >= 3 && f == 2) return RfmSegment::kPotentialLoyalist;
  if (f >= 4 && m >= 4) return RfmSegment::kCantLoseThem;  // r <= 2 from here on
  if (f >= 3) return RfmSegment::kAtRisk;
  if (r == 2 && f == 2) return RfmSegment::kNeedAttention;
  if (r == 2) return RfmSegment::kAboutToSleep;  // f == 1
  if (f == 2) return RfmSegment::kHibernating;   // r == 1
  return RfmSegment::kLost;                      // r == 1, f == 1
}

std::vector<uint8_t> QuintileScores(const std::vector<double>& values, RfmTies ties,
                                    bool higher_is_better) {
  const size_t n = values.size();
  std::vector<uint8_t> scores(n, 0);
  if (n == 0) return scores;
  const std::vector<uint32_t> order = StableOrder(values);
  // Edges as numpy.quantile (linear) computes them over ranks 1..n at linspace(0, 1, 6).
  std::array<double, kScoreCount + 1> edges{};
  for (int edge_idx = 0; edge_idx <= kScoreCount; ++edge_idx) {
    const double q = edge_idx == kScoreCount ? 1.0 : static_cast<double>(edge_idx) / kScoreCount;
    const double index = q * static_cast<double>(n - 1);
    const double below = std::floor(index);
    edges[static_cast<size_t>(edge_idx)] = (below + 1) + (index - below);
  }
  size_t tie_start = 0;
  for (size_t position = 0; position < n; ++position) {
    if (position > 0 && values[order[position]] != values[order[position - 1]])
      tie_start = position;
    int bin = 1;
    if (ties == RfmTies::kFirstOccurrence) {
      const double rank = static_cast<double>(position + 1);
      while (bin < kScoreCount && rank > edges[static_cast<size_t>(bin)]) ++bin;
    } else {
      const double rank_min = static_cast<double>(tie_start + 1);
      bin = static_cast<int>(std::ceil(kScoreCount * rank_min / static_cast<double>(n)));
      bin = std::clamp(bin, 1, kScoreCount);
    }
    scores[order[position]] = static_cast<uint8_t>(higher_is_better ? bin : kScoreCount + 1 - bin);
  }
  return scores;
}

std::vector<uint32_t> UsersInIdOrder(const StringDictionary& ids,
                                     const std::vector<uint8_t>& active) {
  std::vector<uint32_t> users;
  for (uint32_t user = 0; user < active.size(); ++user)
    if (active[user]) users.push_back(user);
  std::vector<int64_t> numeric(ids.size(), 0);
  bool all_integers = true;
  for (uint32_t user : users) {
    const std::optional<int64_t> id = IntegerId(ids[user]);
    all_integers = all_integers && id.has_value();
    if (id) numeric[user] = *id;
  }
  const auto numeric_order = [&](uint32_t a, uint32_t b) {
    return numeric[a] != numeric[b] ? numeric[a] < numeric[b] : a < b;
  };
  // Logs written in id order give codes in id order already: one check instead of a sort.
  if (all_integers && !std::is_sorted(users.begin(), users.end(), numeric_order))
    std::sort(users.begin(), users.end(), numeric_order);
  else if (!all_integers)
    std::sort(users.begin(), users.end(), [&](uint32_t a, uint32_t b) { return ids[a] < ids[b]; });
  return users;
}

namespace {

/// A usage log's RFM from its users' active days and events: the one computation, whether the
/// days come from the analysis' rollup or from the rows on their own.
RfmTable UsageRfm(const StringDictionary& users, const ActivityGrid& grid,
                  const std::vector<int64_t>& user_events, const RfmOptions& options) {
  RfmTable table;
  table.reference_day = options.reference_day.value_or(grid.last_day() + 1);
  std::vector<uint8_t> active(users.size(), 0);
  for (uint32_t user = 0; user < active.size(); ++user)
    active[user] = grid.LastActiveDay(user).has_value() ? 1 : 0;
  table.user = UsersInIdOrder(users, active);
  FillRfm(table, options, [&](uint32_t user) {
    return UserRfm{*grid.LastActiveDay(user), grid.ActiveDays(user),
                   static_cast<double>(user_events[user])};
  });
  return table;
}

RfmTable TransactionRfm(const TransactionLog& dataset, const RfmOptions& options) {
  RfmTable table;
  const size_t user_count = dataset.users.size();
  std::vector<uint8_t> active(user_count, 0);
  std::vector<Day> last_day(user_count, INT32_MIN);
  std::vector<CompensatedSum> monetary(user_count);
  Day last = INT32_MIN;
  for (size_t row = 0; row < dataset.rows(); ++row) {
    const Day day = DayOfRow(dataset, row);
    last = std::max(last, day);
    const uint32_t user = UserOfRow(dataset, row);
    if (user == kNullCode) continue;
    active[user] = 1;
    last_day[user] = std::max(last_day[user], day);
    monetary[user].Add(dataset.AmountOfRow(row));
  }
  table.reference_day = options.reference_day.value_or(last + 1);
  const std::vector<int64_t> frequency = DistinctInvoicesPerCustomer(dataset);
  table.user = UsersInIdOrder(dataset.users, active);
  FillRfm(table, options, [&](uint32_t user) {
    return UserRfm{last_day[user], frequency[user], monetary[user].Value()};
  });
  return table;
}

}  // namespace

RfmTable ComputeRfm(const Dataset& dataset, const RfmOptions& options) {
  if (dataset.rows() == 0) {
    RfmTable table;
    table.reference_day = options.reference_day.value_or(0);
    table.ties = options.ties;
    return table;
  }
  return dataset.Visit(Overloaded{
      [&](const UsageLog& log) {
        // Events are integers, summed exactly; the active days come from one grid over the rows.
        const UsageColumns& rows = log.usage;
        const auto [first, last] = std::minmax_element(rows.day.begin(), rows.day.end());
        std::vector<int64_t> events(log.users.size(), 0);
        const RowCounts counts(rows);
        for (size_t row = 0; row < rows.user.size(); ++row) events[rows.user[row]] += counts[row];
        return UsageRfm(log.users, ActivityGrid(dataset, *first, *last), events, options);
      },
      [&](const TransactionLog& log) { return TransactionRfm(log, options); }});
}

RfmTable ComputeRfm(const UsageLog& dataset, const UsageRollup& rollup, const RfmOptions& options) {
  return UsageRfm(dataset.users, rollup.days(), rollup.user_events(), options);
}

RfmTable ComputeRfm(const StringDictionary& users, const UserRfmTotals& totals, Day last_data_day,
                    const RfmOptions& options) {
  RfmTable table;
  table.reference_day = options.reference_day.value_or(last_data_day + 1);
  table.user = UsersInIdOrder(users, std::vector<uint8_t>(users.size(), 1));
  FillRfm(table, options, [&](uint32_t user) {
    return UserRfm{totals.last_day[user], totals.frequency[user], totals.monetary[user]};
  });
  return table;
}

std::array<SegmentSummary, kRfmSegmentCount> SummarizeSegments(const RfmTable& rfm) {
  std::array<SegmentSummary, kRfmSegmentCount> summary{};
  std::array<CompensatedSum, kRfmSegmentCount> recency, frequency, monetary;
  CompensatedSum total;
  for (size_t idx = 0; idx < rfm.size(); ++idx) {
    const auto segment = static_cast<size_t>(rfm.segment[idx]);
    ++summary[segment].users;
    recency[segment].Add(rfm.recency[idx]);
    frequency[segment].Add(static_cast<double>(rfm.frequency[idx]));
    monetary[segment].Add(rfm.monetary[idx]);
    total.Add(rfm.monetary[idx]);
  }
  for (size_t segment = 0; segment < kRfmSegmentCount; ++segment) {
    SegmentSummary& entry = summary[segment];
    entry.monetary = monetary[segment].Value();
    entry.monetary_share = total.Value() == 0 ? 0 : entry.monetary / total.Value();
    if (entry.users == 0) continue;
    const auto users = static_cast<double>(entry.users);
    entry.user_share = users / static_cast<double>(rfm.size());
    entry.mean_recency = recency[segment].Value() / users;
    entry.mean_frequency = frequency[segment].Value() / users;
    entry.mean_monetary = entry.monetary / users;
  }
  return summary;
}

}  // namespace growthlens
