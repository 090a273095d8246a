#include "ml/churn_features.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include "metrics/user_rows.h"

namespace growthlens::ml {

namespace {

// Trend windows: the last two weeks before the cutoff against the four weeks before them.
constexpr Day kRecentDays = 14;
constexpr Day kEarlierDays = 28;

// The columns every kind has, in order.
enum Common : size_t {
  kRecency,
  kFrequency,
  kMonetary,
  kTenure,
  kSinceSignup,
  kRecentActiveDays,
  kEarlierActiveDays,
  kTrend,
  kMeanGap,
  kGapDeviation,
  kLongestGap,
  kCommonCount,
};
constexpr const char* kCommonNames[kCommonCount] = {
    "recency_days",         "frequency",         "monetary",
    "tenure_days",          "days_since_signup", "active_days_last_14",
    "active_days_prior_28", "trend_per_week",    "mean_gap_days",
    "gap_std_days",         "longest_gap_days"};

// Usage logs: intensity, breadth. Transactions: orders, lines, returns.
enum UsageExtra : size_t { kEventsPerDay = kCommonCount, kBreadth, kUsageCount };
enum RetailExtra : size_t {
  kOrders = kCommonCount,
  kAverageOrderValue,
  kLinesPerOrder,
  kReturnLines,
  kReturnShare,
  kRetailCount,
};

// What one user did before the cutoff, in the working buffers of one thread.
struct Scratch {
  std::vector<Day> days;
  std::vector<uint32_t> orders;
  std::vector<int64_t> feature_events;  // per feature code (usage)
  std::vector<uint16_t> touched;        // features with events, to reset
};

// The common columns from a user's sorted distinct active days.
void FillActivity(std::span<const Day> days, Day cutoff, Day signup, std::span<double> row) {
  const Day first = days.front(), last = days.back();
  row[kRecency] = cutoff - last;
  row[kFrequency] = static_cast<double>(days.size());
  row[kTenure] = cutoff - first;
  row[kSinceSignup] = cutoff - (signup != kNoDay && signup <= first ? signup : first);
  const auto recent_begin = std::lower_bound(days.begin(), days.end(), cutoff - kRecentDays);
  const auto earlier_begin =
      std::lower_bound(days.begin(), days.end(), cutoff - kRecentDays - kEarlierDays);
  const double recent = static_cast<double>(days.end() - recent_begin);
  const double earlier = static_cast<double>(recent_begin - earlier_begin);
  row[kRecentActiveDays] = recent;
  row[kEarlierActiveDays] = earlier;
  row[kTrend] = recent / 2.0 - earlier / 4.0;
  if (days.size() < 2) return;  // no gap yet: 0, as for a perfectly regular user
  double sum = 0, sum_squares = 0, longest = 0;
  for (size_t i = 1; i < days.size(); ++i) {
    const double gap = days[i] - days[i - 1];
    sum += gap;
    sum_squares += gap * gap;
    longest = std::max(longest, gap);
  }
  const double gaps = static_cast<double>(days.size() - 1);
  const double mean = sum / gaps;
  row[kMeanGap] = mean;
  row[kGapDeviation] = std::sqrt(std::max(0.0, sum_squares / gaps - mean * mean));
  row[kLongestGap] = longest;
}

template <typename Log>
std::vector<uint32_t> ResolveNames(const StringDictionary& dictionary,
                                   const std::vector<std::string>& names, const char* what,
                                   Status& status) {
  std::vector<uint32_t> codes;
  for (const std::string& name : names) {
    const std::optional<uint32_t> code = dictionary.Find(name);
    if (!code) {
      status = Status(ErrorCode::kInvalidArgument,
                      fmt::format("the model's {} '{}' is not in this data: its features do not "
                                  "match (train a model on this data)",
                                  what, name));
      return {};
    }
    codes.push_back(*code);
  }
  return codes;
}

// Per user group: the row of features (empty when the user is out of the table) and the label.
struct UserResult {
  bool in_table = false;
  bool active_after = false;
};

class TableBuilder {
 public:
  TableBuilder(const ChurnTableOptions& options, size_t cols, size_t groups)
      : options_(options), cols_(cols), values_(groups * cols), results_(groups) {}

  // Sorts and dedups the user's days, fills the common columns and decides whether the user is
  // in the table; the kind's own columns are filled by the caller.
  bool Finish(size_t group, std::vector<Day>& days, Day signup, bool active_after) {
    if (days.empty()) return false;
    std::sort(days.begin(), days.end());
    days.erase(std::unique(days.begin(), days.end()), days.end());
    if (options_.active_within > 0 && days.back() < options_.cutoff - options_.active_within)
      return false;
    FillActivity(days, options_.cutoff, signup, row(group));
    results_[group] = {true, active_after};
    return true;
  }
  std::span<double> row(size_t group) { return {values_.data() + group * cols_, cols_}; }

  // Rows in user id order (not code order, which is the file's order of first appearance), so
  // that a table made elsewhere from the same data (a ClickHouse workspace's rollups) lists the
  // same rows in the same order, and the models, deciles and samples read them alike.
  ChurnTable Collect(const UserRows& by_user, const StringDictionary& ids, bool labelled) {
    ChurnTable table;
    size_t rows = 0;
    for (const UserResult& result : results_) rows += result.in_table;
    std::vector<size_t> groups;
    groups.reserve(rows);
    for (size_t group = 0; group < results_.size(); ++group)
      if (results_[group].in_table) groups.push_back(group);
    std::sort(groups.begin(), groups.end(),
              [&](size_t a, size_t b) { return ids[by_user.user(a)] < ids[by_user.user(b)]; });
    table.x = FeatureMatrix(rows, cols_);
    for (size_t row_idx = 0; row_idx < rows; ++row_idx) {
      const size_t group = groups[row_idx];
      table.users.push_back(by_user.user(group));
      std::copy_n(values_.begin() + static_cast<std::ptrdiff_t>(group * cols_), cols_,
                  table.x.row(row_idx).begin());
      if (labelled) table.churned.push_back(results_[group].active_after ? 0 : 1);
    }
    return table;
  }

 private:
  const ChurnTableOptions& options_;
  size_t cols_;
  std::vector<double> values_;
  std::vector<UserResult> results_;
};

Result<ChurnTable> BuildUsage(const UsageLog& log, const ChurnFeatureSpec& spec,
                              const ChurnTableOptions& options, bool labelled) {
  Status status;
  const std::vector<uint32_t> share_codes =
      ResolveNames<UsageLog>(log.features, spec.feature_shares, "feature", status);
  if (!status.ok()) return status;
  std::optional<uint32_t> active_feature;
  if (!options.active_feature.empty()) {
    active_feature = log.features.Find(options.active_feature);
    if (!active_feature)
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("--active-feature '{}': no such feature in the data",
                                options.active_feature));
  }
  const size_t cols = kUsageCount + share_codes.size();
  const UserRows by_user(log, options.threads);
  TableBuilder builder(options, cols, by_user.groups());
  const RowCounts counts(log.usage);
  const Day cutoff = options.cutoff, label_end = options.cutoff + options.horizon;
  Scratch initial;
  initial.feature_events.assign(log.features.size(), 0);
  ForEachUserChunk(by_user, options.threads, initial, [&](Scratch& s, size_t first, size_t end) {
    for (size_t group = first; group < end; ++group) {
      s.days.clear();
      int64_t events = 0;
      bool active_after = false;
      by_user.ForEachRow(group, [&](uint32_t row) {
        const Day day = log.usage.day[row];
        const uint16_t feature = log.usage.feature[row];
        if (day < cutoff) {
          s.days.push_back(day);
          const int64_t count = counts[row];
          events += count;
          if (s.feature_events[feature] == 0) s.touched.push_back(feature);
          s.feature_events[feature] += count;
        } else if (day < label_end && (!active_feature || feature == *active_feature)) {
          active_after = true;
        }
      });
      const uint32_t user = by_user.user(group);
      const Day signup = user < log.user_signup.size() ? log.user_signup[user] : kNoDay;
      if (builder.Finish(group, s.days, signup, active_after)) {
        std::span<double> row = builder.row(group);
        row[kMonetary] = static_cast<double>(events);
        row[kEventsPerDay] = static_cast<double>(events) / row[kFrequency];
        row[kBreadth] = static_cast<double>(s.touched.size());
        for (size_t i = 0; i < share_codes.size(); ++i)
          row[kUsageCount + i] = events > 0
                                     ? static_cast<double>(s.feature_events[share_codes[i]]) /
                                           static_cast<double>(events)
                                     : 0.0;
      }
      for (const uint16_t feature : s.touched) s.feature_events[feature] = 0;
      s.touched.clear();
    }
  });
  return builder.Collect(by_user, log.users, labelled);
}

Result<ChurnTable> BuildTransactions(const TransactionLog& log, const ChurnFeatureSpec& spec,
                                     const ChurnTableOptions& options, bool labelled) {
  Status status;
  const std::vector<uint32_t> country_codes =
      ResolveNames<TransactionLog>(log.countries, spec.countries, "country", status);
  if (!status.ok()) return status;
  const size_t cols = kRetailCount + country_codes.size();
  const UserRows by_user(log, options.threads);
  TableBuilder builder(options, cols, by_user.groups());
  const Day cutoff = options.cutoff, label_end = options.cutoff + options.horizon;
  ForEachUserChunk(by_user, options.threads, Scratch{}, [&](Scratch& s, size_t first, size_t end) {
    for (size_t group = first; group < end; ++group) {
      s.days.clear();
      s.orders.clear();
      double amount = 0, returned = 0, gross = 0;
      size_t lines = 0, return_lines = 0;
      uint32_t last_order = 0;
      Timestamp last_time = 0;
      bool active_after = false;
      by_user.ForEachRow(group, [&](uint32_t row) {
        const uint32_t order = log.transactions.order[row];
        const Timestamp time = log.orders.time[order];
        const Day day = DayOf(time);
        if (day < cutoff) {
          s.days.push_back(day);
          s.orders.push_back(log.orders.invoice[order]);
          const double line = log.AmountOfRow(row);
          amount += line;
          ++lines;
          if (line < 0) {
            returned -= line;
            ++return_lines;
          } else {
            gross += line;
          }
          if (s.orders.size() == 1 || time >= last_time) last_order = order, last_time = time;
        } else if (day < label_end) {
          active_after = true;
        }
      });
      if (builder.Finish(group, s.days, kNoDay, active_after)) {
        std::sort(s.orders.begin(), s.orders.end());
        const double orders =
            static_cast<double>(std::unique(s.orders.begin(), s.orders.end()) - s.orders.begin());
        std::span<double> row = builder.row(group);
        row[kMonetary] = amount;
        row[kOrders] = orders;
        row[kAverageOrderValue] = amount / orders;
        row[kLinesPerOrder] = static_cast<double>(lines) / orders;
        row[kReturnLines] = static_cast<double>(return_lines);
        row[kReturnShare] = gross > 0 ? returned / gross : 0.0;
        for (size_t i = 0; i < country_codes.size(); ++i)
          row[kRetailCount + i] = log.orders.country[last_order] == country_codes[i] ? 1.0 : 0.0;
      }
    }
  });
  return builder.Collect(by_user, log.users, labelled);
}

}  // namespace

std::vector<std::string> BaseChurnFeatures(DataKind kind) {
  std::vector<std::string> names(std::begin(kCommonNames), std::end(kCommonNames));
  if (IsUsageKind(kind)) {
    names.insert(names.end(), {"events_per_active_day", "breadth"});
  } else {
    names.insert(names.end(), {"orders", "average_order_value", "lines_per_order", "return_lines",
                               "return_share"});
  }
  return names;
}

std::vector<std::string> ChurnFeatureSpec::Names() const {
  std::vector<std::string> names = BaseChurnFeatures(kind);
  for (const std::string& feature : feature_shares) names.push_back("share:" + feature);
  for (const std::string& country : countries) names.push_back("country:" + country);
  return names;
}

namespace {

// The `limit` codes with the largest totals (ties by code), as their names.
std::vector<std::string> TopNames(const StringDictionary& dictionary,
                                  const std::vector<int64_t>& totals, size_t limit) {
  std::vector<uint32_t> codes(totals.size());
  std::iota(codes.begin(), codes.end(), 0u);
  std::stable_sort(codes.begin(), codes.end(),
                   [&](uint32_t a, uint32_t b) { return totals[a] > totals[b]; });
  std::vector<std::string> names;
  for (const uint32_t code : codes) {
    if (names.size() == limit || totals[code] == 0) break;
    names.emplace_back(dictionary[code]);
  }
  return names;
}

}  // namespace

ChurnFeatureSpec ChurnSpecFor(const Dataset& dataset, size_t max_shares, size_t max_countries) {
  ChurnFeatureSpec spec;
  spec.kind = dataset.kind();
  dataset.Visit(Overloaded{[&](const UsageLog& log) {
                             std::vector<int64_t> events(log.features.size(), 0);
                             const RowCounts counts(log.usage);
                             for (size_t row = 0; row < log.rows(); ++row)
                               events[log.usage.feature[row]] += counts[row];
                             spec.feature_shares = TopNames(log.features, events, max_shares);
                           },
                           [&](const TransactionLog& log) {
                             // Customers per country, by each customer's first order in the table.
                             std::vector<int64_t> customers(log.countries.size(), 0);
                             std::vector<uint8_t> seen(log.users.size(), 0);
                             for (uint32_t order = 0; order < log.orders.size(); ++order) {
                               const uint32_t customer = log.orders.customer[order];
                               if (customer >= seen.size() || seen[customer]) continue;
                               seen[customer] = 1;
                               ++customers[log.orders.country[order]];
                             }
                             spec.countries = TopNames(log.countries, customers, max_countries);
                           }});
  return spec;
}

void FillUsageChurnRow(const UsageChurnTotals& totals, Day cutoff, std::span<double> row) {
  FillActivity(totals.days, cutoff, kNoDay, row);
  const auto events = static_cast<double>(totals.events);
  row[kMonetary] = events;
  row[kEventsPerDay] = events / row[kFrequency];
  row[kBreadth] = static_cast<double>(totals.breadth);
  for (size_t i = 0; i < totals.share_events.size(); ++i)
    row[kUsageCount + i] =
        totals.events > 0 ? static_cast<double>(totals.share_events[i]) / events : 0.0;
}

Day LastActivityDay(const Dataset& dataset) {
  Day last_day = kNoDay;
  dataset.Visit([&](const auto& log) {
    for (size_t row = 0; row < log.rows(); ++row) last_day = std::max(last_day, DayOfRow(log, row));
  });
  return last_day;
}

Result<ChurnTable> BuildChurnTable(const Dataset& dataset, const ChurnFeatureSpec& spec,
                                   const ChurnTableOptions& options) {
  if (IsUsageKind(spec.kind) != IsUsageKind(dataset.kind()))
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("the model was trained on {} data, this is {} data: its features "
                              "do not match",
                              DataKindName(spec.kind), DataKindName(dataset.kind())));
  if (options.cutoff == kNoDay)
    return Status(ErrorCode::kInvalidArgument, "churn table: no cutoff day given");
  if (options.horizon < 1)
    return Status(ErrorCode::kInvalidArgument, "--horizon: expected at least 1 day");
  // The label needs the data to reach the horizon's last day.
  const Day last_day = options.last_day.value_or(LastActivityDay(dataset));
  const bool labelled = last_day != kNoDay && last_day >= options.cutoff + options.horizon - 1;
  Result<ChurnTable> table = dataset.Visit(Overloaded{
      [&](const UsageLog& log) { return BuildUsage(log, spec, options, labelled); },
      [&](const TransactionLog& log) { return BuildTransactions(log, spec, options, labelled); }});
  if (!table.ok()) return table;
  table->names = spec.Names();
  table->cutoff = options.cutoff;
  table->horizon = options.horizon;
  if (table->users.empty())
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("cutoff {}: no user was active in the {} days before it",
                              FormatDate(options.cutoff), options.active_within));
  return table;
}

}  // namespace growthlens::ml
