#include "metrics/rfm.h"

#include <gtest/gtest.h>

#include <set>

#include "prep/ingest.h"
#include "test_data.h"

namespace growthlens {
namespace {

TEST(RfmSegments, EveryCellMatchesOneSegmentAndEverySegmentIsReachable) {
  std::set<RfmSegment> reached;
  for (int r = 1; r <= 5; ++r)
    for (int f = 1; f <= 5; ++f)
      for (int m = 1; m <= 5; ++m) reached.insert(SegmentOf(r, f, m));
  EXPECT_EQ(reached.size(), kRfmSegmentCount);
  EXPECT_EQ(SegmentOf(5, 5, 5), RfmSegment::kChampions);
  EXPECT_EQ(SegmentOf(5, 5, 1), RfmSegment::kLoyal);  // frequent and recent, low spend
  EXPECT_EQ(SegmentOf(5, 1, 5), RfmSegment::kNew);
  EXPECT_EQ(SegmentOf(3, 1, 1), RfmSegment::kPromising);
  EXPECT_EQ(SegmentOf(4, 2, 2), RfmSegment::kPotentialLoyalist);
  EXPECT_EQ(SegmentOf(1, 5, 5), RfmSegment::kCantLoseThem);
  EXPECT_EQ(SegmentOf(2, 3, 1), RfmSegment::kAtRisk);
  EXPECT_EQ(SegmentOf(2, 2, 5), RfmSegment::kNeedAttention);
  EXPECT_EQ(SegmentOf(2, 1, 1), RfmSegment::kAboutToSleep);
  EXPECT_EQ(SegmentOf(1, 2, 1), RfmSegment::kHibernating);
  EXPECT_EQ(SegmentOf(1, 1, 5), RfmSegment::kLost);
  EXPECT_EQ(RfmSegmentName(RfmSegment::kCantLoseThem), "Can't Lose Them");
}

TEST(RfmScores, EqualSizeBinsOfRanksAsPandasQcut) {
  // Expected values printed by pandas 1.5.3: qcut(s.rank(method="first"), 5, labels=[1..5])
  // and labels=[5..1]; two values per bin.
  const std::vector<double> values = {5, 1, 3, 3, 2, 8, 9, 4, 7, 6};
  const std::vector<uint8_t> scores =
      QuintileScores(values, RfmTies::kFirstOccurrence, /*higher_is_better=*/true);
  EXPECT_EQ(scores, (std::vector<uint8_t>{3, 1, 2, 2, 1, 5, 5, 3, 4, 4}));
  // Ties broken by order: the first 3 (index 2) ranks 3rd, the second (index 3) 4th; both bin 2.
  const std::vector<uint8_t> reversed =
      QuintileScores(values, RfmTies::kFirstOccurrence, /*higher_is_better=*/false);
  EXPECT_EQ(reversed, (std::vector<uint8_t>{3, 5, 4, 4, 5, 1, 1, 3, 2, 2}));
}

TEST(RfmScores, UnevenCountsFollowNumpyQuantileEdges) {
  // n = 7: edges at 1 + q*6 = 1, 2.2, 3.4, 4.6, 5.8, 7 -> ranks 1-2 | 3 | 4 | 5 | 6-7 (pandas
  // gives the same).
  const std::vector<double> values = {10, 20, 30, 40, 50, 60, 70};
  EXPECT_EQ(QuintileScores(values, RfmTies::kFirstOccurrence, true),
            (std::vector<uint8_t>{1, 1, 2, 3, 4, 5, 5}));
}

TEST(RfmScores, SharedTiesGiveEqualValuesOneScore) {
  // Eight equal values and two larger ones: with shared ties the eight share score 1
  // (min rank 1 -> ceil(5 * 1 / 10) = 1); with first-occurrence ranks they spread over 1-4.
  const std::vector<double> values = {1, 1, 1, 1, 1, 1, 1, 1, 9, 9};
  EXPECT_EQ(QuintileScores(values, RfmTies::kShared, true),
            (std::vector<uint8_t>{1, 1, 1, 1, 1, 1, 1, 1, 5, 5}));
  EXPECT_EQ(QuintileScores(values, RfmTies::kFirstOccurrence, true),
            (std::vector<uint8_t>{1, 1, 2, 2, 3, 3, 4, 4, 5, 5}));
}

TEST(Rfm, TransactionsByHand) {
  const std::string text = std::string(testing::kRetailHeader) +
                           "1,A,a,2,2011-01-01 10:00,5.0,200,UK\n"  // customer 200: 2 invoices
                           "1,B,b,1,2011-01-01 10:00,2.5,200,UK\n"
                           "2,A,a,1,2011-01-05 09:00,5.0,200,UK\n"
                           "3,A,a,4,2011-01-03 12:00,5.0,30,UK\n"     // customer 30: 1 invoice
                           "4,C,c,1,2011-01-09 08:00,1.0,1000,UK\n";  // last day: 2011-01-09
  Result<CleanedData> data = IngestText(text, "t.csv", IngestOptions());
  ASSERT_TRUE(data.ok()) << data.status().message();
  const RfmTable rfm = ComputeRfm(data->dataset, RfmOptions());
  ASSERT_EQ(rfm.size(), 3u);
  EXPECT_EQ(rfm.reference_day, DaysFromCivil(2011, 1, 10));
  // Numeric id order: 30, 200, 1000 (not "1000" < "200" < "30").
  EXPECT_EQ(data->dataset.users()[rfm.user[0]], "30");
  EXPECT_EQ(data->dataset.users()[rfm.user[1]], "200");
  EXPECT_EQ(data->dataset.users()[rfm.user[2]], "1000");
  EXPECT_EQ(rfm.recency, (std::vector<int32_t>{7, 5, 1}));
  EXPECT_EQ(rfm.frequency, (std::vector<int64_t>{1, 2, 1}));
  EXPECT_DOUBLE_EQ(rfm.monetary[0], 20.0);
  EXPECT_DOUBLE_EQ(rfm.monetary[1], 17.5);
  EXPECT_DOUBLE_EQ(rfm.monetary[2], 1.0);
  // n = 3: edges 1, 1.4, 1.8, 2.2, 2.6, 3 -> ranks 1 | 2 | 3 fall in bins 1, 3, 5.
  EXPECT_EQ(rfm.r, (std::vector<uint8_t>{1, 3, 5}));
  EXPECT_EQ(rfm.f, (std::vector<uint8_t>{1, 5, 3}));  // ties: customer 30 before 1000
  EXPECT_EQ(rfm.m, (std::vector<uint8_t>{5, 3, 1}));
}

TEST(Rfm, UsageFrequencyCountsDistinctActiveDays) {
  const std::string text = std::string(testing::kUsageHeader) +
                           "u1,2024-01-01,2024-01-02,Search,3\n"
                           "u1,2024-01-01,2024-01-02,Export,2\n"  // same day: one active day
                           "u1,2024-01-01,2024-01-05,Search,1\n"
                           "u2,2024-01-01,2024-01-03,Search,7\n";
  Result<CleanedData> data = IngestText(text, "u.csv", IngestOptions());
  ASSERT_TRUE(data.ok()) << data.status().message();
  const RfmTable rfm = ComputeRfm(data->dataset, RfmOptions());
  ASSERT_EQ(rfm.size(), 2u);
  EXPECT_EQ(rfm.frequency, (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(rfm.recency, (std::vector<int32_t>{1, 3}));
  EXPECT_DOUBLE_EQ(rfm.monetary[0], 6.0);
  EXPECT_DOUBLE_EQ(rfm.monetary[1], 7.0);
}

// A ClickHouse workspace's RFM comes from per-user totals (GROUP BY user); given in another user
// order (the server's), it must be the rows' table, ties broken by id as there.
TEST(Rfm, PerUserTotalsGiveTheRowsTable) {
  const std::string text = std::string(testing::kUsageHeader) +
                           "u2,2024-01-01,2024-01-03,Search,7\n"
                           "u1,2024-01-01,2024-01-02,Search,3\n"
                           "u1,2024-01-01,2024-01-02,Export,2\n"
                           "u10,2024-01-01,2024-01-03,Search,7\n"
                           "u1,2024-01-01,2024-01-05,Search,1\n";
  Result<CleanedData> data = IngestText(text, "u.csv", IngestOptions());
  ASSERT_TRUE(data.ok()) << data.status().message();
  const RfmTable from_rows = ComputeRfm(data->dataset, RfmOptions());
  StringDictionary users;  // the order ClickHouse happened to send
  for (const char* id : {"u10", "u1", "u2"}) users.Intern(id);
  const std::vector<Day> last = {ParseIsoDate("2024-01-03").value(),
                                 ParseIsoDate("2024-01-05").value(),
                                 ParseIsoDate("2024-01-03").value()};
  const std::vector<int64_t> frequency = {1, 2, 1};
  const std::vector<double> monetary = {7, 6, 7};
  const RfmTable from_totals = ComputeRfm(users, UserRfmTotals{last, frequency, monetary},
                                          ParseIsoDate("2024-01-05").value(), RfmOptions());
  ASSERT_EQ(from_totals.size(), from_rows.size());
  EXPECT_EQ(from_totals.reference_day, from_rows.reference_day);
  for (size_t idx = 0; idx < from_rows.size(); ++idx) {
    EXPECT_EQ(users[from_totals.user[idx]], data->dataset.users()[from_rows.user[idx]]) << idx;
    EXPECT_EQ(from_totals.recency[idx], from_rows.recency[idx]) << idx;
    EXPECT_EQ(from_totals.frequency[idx], from_rows.frequency[idx]) << idx;
    EXPECT_EQ(from_totals.monetary[idx], from_rows.monetary[idx]) << idx;
    EXPECT_EQ(from_totals.r[idx], from_rows.r[idx]) << idx;
    EXPECT_EQ(from_totals.f[idx], from_rows.f[idx]) << idx;
    EXPECT_EQ(from_totals.m[idx], from_rows.m[idx]) << idx;
    EXPECT_EQ(from_totals.segment[idx], from_rows.segment[idx]) << idx;
  }
}

}  // namespace
}  // namespace growthlens
