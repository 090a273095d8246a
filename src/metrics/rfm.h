#pragma once
// RFM: recency, frequency and monetary value per user, their 1-5 scores and the named segments
// (definitions in docs/ANALYTICS.md). Usage logs: frequency = distinct active days, monetary =
// total events. Transactions: frequency = distinct invoices, monetary = total amount.
//
//   RfmTable rfm = ComputeRfm(dataset, RfmOptions{});
//   for (size_t i = 0; i < rfm.size(); ++i) Use(dataset.users[rfm.user[i]], rfm.segment[i]);

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/dataset.h"

namespace growthlens {

/// How equal values are scored.
enum class RfmTies {
  kFirstOccurrence,  // pandas qcut(rank(method="first"), 5): equal-size bins, id order breaks ties
  kShared,           // equal values share a score: ceil(5 * rank(method="min") / n)
};

enum class RfmSegment : uint8_t {
  kChampions,
  kLoyal,
  kNew,
  kPromising,
  kPotentialLoyalist,
  kCantLoseThem,
  kAtRisk,
  kNeedAttention,
  kAboutToSleep,
  kHibernating,
  kLost,
};
inline constexpr size_t kRfmSegmentCount = 11;
std::string_view RfmSegmentName(RfmSegment segment);
/// The first matching rule of docs/ANALYTICS.md; scores are 1..5.
RfmSegment SegmentOf(int recency_score, int frequency_score, int monetary_score);

struct RfmOptions {
  std::optional<Day> reference_day;  // default: the day after the last day in the data
  RfmTies ties = RfmTies::kFirstOccurrence;
};

/// One row per user with activity, in ascending id order (numeric when every id is an integer).
struct RfmTable {
  Day reference_day = 0;
  RfmTies ties = RfmTies::kFirstOccurrence;  // how the scores were given to equal values
  std::vector<uint32_t> user;                // code into Dataset::users
  std::vector<int32_t> recency;              // days
  std::vector<int64_t> frequency;
  std::vector<double> monetary;
  std::vector<uint8_t> r, f, m;  // scores 1..5
  std::vector<RfmSegment> segment;
  size_t size() const { return user.size(); }
};

RfmTable ComputeRfm(const Dataset& dataset, const RfmOptions& options);
class UsageRollup;
/// The same table from a usage log's rollup (no pass over the rows).
RfmTable ComputeRfm(const UsageLog& dataset, const UsageRollup& rollup, const RfmOptions& options);

/// Each active user's totals computed elsewhere (a ClickHouse workspace's GROUP BY user), entry
/// for entry with the users' dictionary.
struct UserRfmTotals {
  std::span<const Day> last_day;
  std::span<const int64_t> frequency;
  std::span<const double> monetary;
};
/// The same table from per-user totals: every user of `users` is active; `last_data_day` is the
/// last day of the whole data (the default reference day is the day after it).
RfmTable ComputeRfm(const StringDictionary& users, const UserRfmTotals& totals, Day last_data_day,
                    const RfmOptions& options);

/// The segment summary of docs/ANALYTICS.md: one entry per segment, all 11 in rule order.
struct SegmentSummary {
  uint64_t users = 0;
  double user_share = 0;
  double mean_recency = 0, mean_frequency = 0, mean_monetary = 0;  // 0 when empty
  double monetary = 0;                                             // sum over its users
  double monetary_share = 0;
};
std::array<SegmentSummary, kRfmSegmentCount> SummarizeSegments(const RfmTable& rfm);

/// Scores 1..5 for `values` listed in tie-break order; `higher_is_better` false reverses them
/// (recency). Exposed for tests.
std::vector<uint8_t> QuintileScores(const std::vector<double>& values, RfmTies ties,
                                    bool higher_is_better);

/// Users ordered by id: numerically when every id is an integer, else by bytes.
std::vector<uint32_t> UsersInIdOrder(const StringDictionary& ids,
                                     const std::vector<uint8_t>& active);

}  // namespace growthlens
