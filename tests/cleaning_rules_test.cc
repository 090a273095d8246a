// The cleaning rules: each one fires and is counted with the right example line, the first rule
// that rejects a row owns it, each can be switched off, and the Dataset built from the kept
// rows (dictionaries, derived fields, memory) reflects exactly those rows.

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/dataset.h"
#include "core/date.h"
#include "core/derived_fields.h"
#include "core/dictionary.h"
#include "dataset_kinds.h"
#include "io/staged_table.h"
#include "metrics/dataset_summary.h"
#include "metrics/revenue.h"
#include "prep/cleaning_report.h"
#include "prep/cleaning_rules.h"
#include "prep/ingest.h"
#include "test_data.h"

namespace growthlens {
namespace {

using testing::kRetailHeader;
using testing::kUsageHeader;

// A valid transaction line and a valid usage line, for padding fixtures.
constexpr std::string_view kGoodSale =
    "536365,85123A,WHITE HANGING HEART,6,2010-12-01 08:26,2.55,17850,United Kingdom";
constexpr std::string_view kGoodEvent = "u1,2023-01-01,2023-01-02,search,3";

std::string Retail(std::initializer_list<std::string_view> lines) {
  std::string text(kRetailHeader);
  for (std::string_view line : lines) (text += line) += '\n';
  return text;
}

std::string Usage(std::initializer_list<std::string_view> lines) {
  std::string text(kUsageHeader);
  for (std::string_view line : lines) (text += line) += '\n';
  return text;
}

Result<CleanedData> Ingest(std::string text, const IngestOptions& options = {}) {
  return IngestText(std::move(text), "rules.csv", options);
}

const RuleOutcome& Outcome(const CleaningReport& report, CleaningRule rule) {
  return report.rules[static_cast<size_t>(rule)];
}

uint64_t Dropped(const CleaningReport& report, CleaningRule rule) {
  return Outcome(report, rule).dropped;
}

std::vector<uint64_t> LinesOf(const std::vector<RowExample>& examples) {
  std::vector<uint64_t> lines;
  for (const RowExample& example : examples) lines.push_back(example.line);
  return lines;
}

std::vector<uint64_t> ExampleLines(const CleaningReport& report, CleaningRule rule) {
  return LinesOf(Outcome(report, rule).examples);
}

// Every rule's count, in rule order.
std::vector<uint64_t> DroppedPerRule(const CleaningReport& report) {
  std::vector<uint64_t> counts;
  for (const RuleOutcome& outcome : report.rules) counts.push_back(outcome.dropped);
  return counts;
}

// Only `rule` dropped rows, `count` of them.
std::vector<uint64_t> Only(CleaningRule rule, uint64_t count) {
  std::vector<uint64_t> counts(kCleaningRuleCount, 0);
  counts[static_cast<size_t>(rule)] = count;
  return counts;
}

void ExpectBalanced(const CleaningReport& report) {
  EXPECT_EQ(report.records, report.rows_kept + report.DroppedByRules() + report.MalformedTotal());
}

Timestamp At(int year, int month, int day, int hour = 0, int minute = 0) {
  return static_cast<Timestamp>(DaysFromCivil(year, month, day)) * kSecondsPerDay + hour * 3600 +
         minute * 60;
}

// ---------------------------------------------------------------------------------------------
// One rule at a time

TEST(CleaningRules, DuplicateKeepsTheFirstOccurrenceComparingParsedValues) {
  const std::string text = Retail({
      "536365,85123A,HEART,6,2010-12-01 08:26,2.55,17850,United Kingdom",   // 2
      "536365,71053,LANTERN,6,2010-12-01 08:26,3.39,17850,United Kingdom",  // 3
      "536365,85123A,HEART,6,2010-12-01 08:26,2.55,17850,United Kingdom",   // 4: copy of 2
      "536365,85123A,HEART,6,2010-12-01 08:26,2.56,17850,United Kingdom",   // 5: other price
      "536365,85123A,HEART,6.0,12/1/2010 8:26,2.550,17850,United Kingdom",  // 6: 2 as parsed
      "536365,85123A,HEART,6,2010-12-01 08:26,2.55,17850,France",           // 7: other country
  });
  const Result<CleanedData> result = Ingest(text);
  ASSERT_TRUE(result.ok()) << result.status().message();
  const CleaningReport& report = result->report;
  EXPECT_EQ(DroppedPerRule(report), Only(CleaningRule::kDuplicate, 2));
  EXPECT_EQ(ExampleLines(report, CleaningRule::kDuplicate), (std::vector<uint64_t>{4, 6}));
  EXPECT_EQ(report.rows_kept, 4u);
  EXPECT_EQ(result->dataset.rows(), 4u);
  ExpectBalanced(report);

  // Usage rows: a different signup makes a different row.
  const Result<CleanedData> usage = Ingest(Usage({
      "u1,2023-01-01,2023-01-02,search,3",  // 2
      "u1,,2023-01-02,search,3",            // 3
      "u1,2023-01-01,2023-01-02,search,3",  // 4: copy of 2
      "u1,,2023-01-02,search,3",            // 5: copy of 3
      "u1,2023-01-01,2023-01-02,search,4",  // 6
  }));
  ASSERT_TRUE(usage.ok()) << usage.status().message();
  EXPECT_EQ(DroppedPerRule(usage->report), Only(CleaningRule::kDuplicate, 2));
  EXPECT_EQ(ExampleLines(usage->report, CleaningRule::kDuplicate), (std::vector<uint64_t>{4, 5}));
  EXPECT_EQ(usage->report.rows_kept, 3u);
}

TEST(CleaningRules, MissingId) {
  const Result<CleanedData> result = Ingest(Retail({
      kGoodSale,                                                           // 2
      "536366,22633,HAND WARMER,6,2010-12-01 08:28,1.85,,United Kingdom",  // 3
      "",                                                                  // 4: blank line
      "536367,22632,HAND WARMER RED,6,2010-12-01 08:28,1.85,,France",      // 5
  }));
  ASSERT_TRUE(result.ok()) << result.status().message();
  const CleaningReport& report = result->report;
  EXPECT_EQ(DroppedPerRule(report), Only(CleaningRule::kMissingId, 2));
  EXPECT_EQ(ExampleLines(report, CleaningRule::kMissingId), (std::vector<uint64_t>{3, 5}));
  EXPECT_EQ(Outcome(report, CleaningRule::kMissingId).examples[0].column, "CustomerID");
  EXPECT_EQ(report.rows_kept, 1u);
  ExpectBalanced(report);

  const Result<CleanedData> usage =
      Ingest(Usage({",2023-01-01,2023-01-02,search,3", "u2,2023-01-01,2023-01-02,search,1"}));
  ASSERT_TRUE(usage.ok()) << usage.status().message();
  EXPECT_EQ(DroppedPerRule(usage->report), Only(CleaningRule::kMissingId, 1));
  EXPECT_EQ(ExampleLines(usage->report, CleaningRule::kMissingId), (std::vector<uint64_t>{2}));
  EXPECT_EQ(Outcome(usage->report, CleaningRule::kMissingId).examples[0].column, "user_id");
}

TEST(CleaningRules, InvalidDateUnparsable) {
  const Result<CleanedData> result = Ingest(Retail({
      kGoodSale,                                                                // 2
      "536366,22633,HAND WARMER,6,2010-13-01 08:28,1.85,17850,United Kingdom",  // 3
      "536367,22633,HAND WARMER,6,,1.85,17850,United Kingdom",                  // 4: empty
  }));
  ASSERT_TRUE(result.ok()) << result.status().message();
  const CleaningReport& report = result->report;
  EXPECT_EQ(DroppedPerRule(report), Only(CleaningRule::kInvalidDate, 2));
  const std::vector<RowExample>& examples = Outcome(report, CleaningRule::kInvalidDate).examples;
  EXPECT_EQ(LinesOf(examples), (std::vector<uint64_t>{3, 4}));
  ASSERT_EQ(examples.size(), 2u);
  EXPECT_EQ(examples[0].column, "InvoiceDate");
  EXPECT_EQ(examples[0].value, "2010-13-01 08:28");
  EXPECT_EQ(report.MalformedTotal(), 0u);  // with the rule on, a bad date is a rule drop
  EXPECT_EQ(report.rows_kept, 1u);

  const Result<CleanedData> usage = Ingest(Usage({
      "u1,2023-01-01,yesterday,search,3",   // 2
      "u2,2023-02-30,2023-03-02,search,3",  // 3: the signup is no date
      kGoodEvent,                           // 4
  }));
  ASSERT_TRUE(usage.ok()) << usage.status().message();
  EXPECT_EQ(DroppedPerRule(usage->report), Only(CleaningRule::kInvalidDate, 2));
  const std::vector<RowExample>& usage_examples =
      Outcome(usage->report, CleaningRule::kInvalidDate).examples;
  ASSERT_EQ(usage_examples.size(), 2u);
  EXPECT_EQ(usage_examples[0].line, 2u);
  EXPECT_EQ(usage_examples[0].column, "event_date");
  EXPECT_EQ(usage_examples[0].value, "yesterday");
  EXPECT_EQ(usage_examples[1].line, 3u);
  EXPECT_EQ(usage_examples[1].column, "signup_date");
  EXPECT_EQ(usage_examples[1].value, "2023-02-30");
  EXPECT_EQ(usage->report.rows_kept, 1u);
}

TEST(CleaningRules, InvalidDateOutOfRange) {
  IngestOptions options;
  options.cleaning.min_date = DaysFromCivil(2010, 12, 1);  // inclusive
  options.cleaning.max_date = DaysFromCivil(2011, 1, 1);   // exclusive
  const Result<CleanedData> result = Ingest(Retail({
                                                "536365,A,X,1,2010-11-30 23:59,1.5,17850,UK",  // 2
                                                "536366,A,X,1,2010-12-01 00:00,1.5,17850,UK",  // 3
                                                "536367,A,X,1,2010-12-31 23:59,1.5,17850,UK",  // 4
                                                "536368,A,X,1,2011-01-01 00:00,1.5,17850,UK",  // 5
                                            }),
                                            options);
  ASSERT_TRUE(result.ok()) << result.status().message();
  const CleaningReport& report = result->report;
  EXPECT_EQ(DroppedPerRule(report), Only(CleaningRule::kInvalidDate, 2));
  const std::vector<RowExample>& examples = Outcome(report, CleaningRule::kInvalidDate).examples;
  EXPECT_EQ(LinesOf(examples), (std::vector<uint64_t>{2, 5}));
  ASSERT_EQ(examples.size(), 2u);
  EXPECT_EQ(examples[0].column, "InvoiceDate");
  EXPECT_EQ(examples[0].value, "2010-11-30 23:59:00");
  EXPECT_EQ(examples[1].value, "2011-01-01 00:00:00");
  ASSERT_EQ(result->dataset.rows(), 2u);
  EXPECT_EQ(TransactionsOf(result->dataset).orders.time[0], At(2010, 12, 1));
  EXPECT_EQ(TransactionsOf(result->dataset).orders.time[1], At(2010, 12, 31, 23, 59));

  // The default range is [1970-01-01, 2100-01-01).
  const Result<CleanedData> defaults = Ingest(Retail({
      "536365,A,X,1,1969-12-31 23:59,1.5,17850,UK",  // 2
      "536366,A,X,1,1970-01-01 00:00,1.5,17850,UK",  // 3
      "536367,A,X,1,2099-12-31 23:59,1.5,17850,UK",  // 4
      "536368,A,X,1,2100-01-01 00:00,1.5,17850,UK",  // 5
  }));
  ASSERT_TRUE(defaults.ok()) << defaults.status().message();
  EXPECT_EQ(DroppedPerRule(defaults->report), Only(CleaningRule::kInvalidDate, 2));
  EXPECT_EQ(ExampleLines(defaults->report, CleaningRule::kInvalidDate),
            (std::vector<uint64_t>{2, 5}));
}

TEST(CleaningRules, InvalidDateOutOfRangeInUsageLogs) {
  IngestOptions options;
  options.cleaning.min_date = DaysFromCivil(2023, 1, 1);
  options.cleaning.max_date = DaysFromCivil(2024, 1, 1);
  const Result<CleanedData> result = Ingest(Usage({
                                                "u1,,2022-12-31,search,1",            // 2
                                                "u2,2023-01-01,2024-01-01,search,1",  // 3: event
                                                "u3,2022-06-01,2023-02-01,search,1",  // 4: signup
                                                "u4,2023-01-01,2023-12-31,search,1",  // 5: kept
                                            }),
                                            options);
  ASSERT_TRUE(result.ok()) << result.status().message();
  const CleaningReport& report = result->report;
  EXPECT_EQ(DroppedPerRule(report), Only(CleaningRule::kInvalidDate, 3));
  const std::vector<RowExample>& examples = Outcome(report, CleaningRule::kInvalidDate).examples;
  EXPECT_EQ(LinesOf(examples), (std::vector<uint64_t>{2, 3, 4}));
  ASSERT_EQ(examples.size(), 3u);
  EXPECT_EQ(examples[0].column, "event_date");
  EXPECT_EQ(examples[0].value, "2022-12-31");
  EXPECT_EQ(examples[2].column, "signup_date");
  EXPECT_EQ(examples[2].value, "2022-06-01");
  ASSERT_EQ(result->dataset.rows(), 1u);
  EXPECT_EQ(result->dataset.users()[0], "u4");
}

TEST(CleaningRules, InvalidDateExampleNamesTheEventDateWhenOnlyItIsOutOfRange) {
  // The signup is fine; the event date is what breaks the rule, so the example must show it.
  IngestOptions options;
  options.cleaning.max_date = DaysFromCivil(2024, 1, 1);
  const Result<CleanedData> result =
      Ingest(Usage({"u2,2023-01-01,2024-01-01,search,1", kGoodEvent}), options);
  ASSERT_TRUE(result.ok()) << result.status().message();
  const std::vector<RowExample>& examples =
      Outcome(result->report, CleaningRule::kInvalidDate).examples;
  ASSERT_EQ(examples.size(), 1u);
  EXPECT_EQ(examples[0].line, 2u);
  EXPECT_EQ(examples[0].column, "event_date");
  EXPECT_EQ(examples[0].value, "2024-01-01");
}

TEST(CleaningRules, InvalidDateExampleShowsTheTextAfterManyEarlierUnparsableDates) {
  // Five unparsable dates on rows dropped for a missing id come first; the example of the one
  // dropped as invalid_date must still show what was written in its date column.
  std::vector<std::string> lines;
  for (int row_idx = 0; row_idx < 6; ++row_idx)
    lines.push_back(fmt::format("53636{},A,X,1,soon,1.5,,UK", row_idx));  // 2..7
  lines.push_back("536370,A,X,1,31/12/2010 10:00,1.5,17850,UK");          // 8
  std::string text(kRetailHeader);
  for (const std::string& line : lines) text += line + "\n";
  const Result<CleanedData> result = Ingest(text);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(Dropped(result->report, CleaningRule::kMissingId), 6u);
  const std::vector<RowExample>& examples =
      Outcome(result->report, CleaningRule::kInvalidDate).examples;
  ASSERT_EQ(examples.size(), 1u);
  EXPECT_EQ(examples[0].line, 8u);
  EXPECT_EQ(examples[0].column, "InvoiceDate");
  EXPECT_EQ(examples[0].value, "31/12/2010 10:00");
}

TEST(CleaningRules, Cancelled) {
  const Result<CleanedData> result = Ingest(Retail({
      kGoodSale,                                                                    // 2
      "C536379,D,Discount,-1,2010-12-01 09:41,27.5,14527,United Kingdom",           // 3
      "C536383,35004C,SET OF 3 TINS,5,2010-12-01 09:49,4.65,15311,United Kingdom",  // 4
  }));
  ASSERT_TRUE(result.ok()) << result.status().message();
  const CleaningReport& report = result->report;
  // Line 3 also has a negative quantity: it counts as cancelled only.
  EXPECT_EQ(DroppedPerRule(report), Only(CleaningRule::kCancelled, 2));
  const std::vector<RowExample>& examples = Outcome(report, CleaningRule::kCancelled).examples;
  EXPECT_EQ(LinesOf(examples), (std::vector<uint64_t>{3, 4}));
  ASSERT_EQ(examples.size(), 2u);
  EXPECT_EQ(examples[0].column, "InvoiceNo");
  EXPECT_EQ(examples[0].value, "C536379");
  EXPECT_EQ(report.rows_kept, 1u);
}

// ---------------------------------------------------------------------------------------------
// Netting cancelled orders

TEST(Netting, ACancellationTakesItsUnitsBackFromTheLatestEarlierPurchases) {
  const Result<CleanedData> result = Ingest(Retail({
      "500001,A,Alpha,10,2011-01-03 09:00,2.0,100,UK",    // 2: 10 units, 6 taken back below
      "500002,A,Alpha,5,2011-01-04 09:00,2.0,100,UK",     // 3: 5 units, all taken back
      "C500003,A,Alpha,-11,2011-01-05 09:00,2.0,100,UK",  // 4: takes 5 from line 3, 6 from 2
      "500004,A,Alpha,7,2011-01-06 09:00,2.0,100,UK",     // 5: after the cancellation: kept
      "500005,B,Beta,3,2011-01-03 09:00,1.0,100,UK",      // 6: another item: kept
      "500006,A,Alpha,4,2011-01-03 09:00,2.0,200,UK",     // 7: another customer: kept
  }));
  ASSERT_TRUE(result.ok()) << result.status().message();
  const CleaningReport& report = result->report;
  EXPECT_EQ(Dropped(report, CleaningRule::kCancelled), 1u);
  EXPECT_EQ(Dropped(report, CleaningRule::kNetCancellations), 1u);
  EXPECT_EQ(ExampleLines(report, CleaningRule::kNetCancellations), (std::vector<uint64_t>{3}));
  EXPECT_EQ(Outcome(report, CleaningRule::kNetCancellations).examples[0].message,
            "5 units of A cancelled by C500003");
  const NettingReport& netting = report.netting;
  EXPECT_TRUE(netting.enabled);
  EXPECT_EQ(netting.cancellation_lines, 1u);
  EXPECT_EQ(netting.matched_lines, 1u);
  EXPECT_EQ(netting.units_cancelled, 11);
  EXPECT_EQ(netting.units_netted, 11);
  EXPECT_EQ(netting.purchase_lines_removed, 1u);
  EXPECT_EQ(netting.purchase_lines_reduced, 1u);
  EXPECT_TRUE(netting.unmatched.empty());
  ExpectBalanced(report);
  // Kept: line 2 with 4 units left, lines 5, 6 and 7 as they were.
  const Dataset& dataset = result->dataset;
  ASSERT_EQ(dataset.rows(), 4u);
  EXPECT_EQ(TransactionsOf(dataset).transactions.quantity[0], 4);
  EXPECT_EQ(TransactionsOf(dataset).transactions.quantity[1], 7);
  EXPECT_EQ(TransactionsOf(dataset).transactions.quantity[2], 3);
  EXPECT_EQ(TransactionsOf(dataset).transactions.quantity[3], 4);
  double revenue = 0;
  for (size_t row = 0; row < dataset.rows(); ++row)
    revenue += TransactionsOf(dataset).AmountOfRow(row);
  EXPECT_DOUBLE_EQ(revenue, 8.0 + 14.0 + 3.0 + 8.0);
}

TEST(Netting, UnitsNoEarlierPurchaseCanGiveBackAreUnmatchedAndListed) {
  const Result<CleanedData> result = Ingest(Retail({
      "C500001,A,Alpha,-2,2011-01-02 09:00,2.0,100,UK",  // 2: before any purchase: unmatched
      "500002,A,Alpha,3,2011-01-03 09:00,2.0,100,UK",    // 3: 3 units, all taken back
      "C500003,A,Alpha,-5,2011-01-04 09:00,2.0,100,UK",  // 4: 3 netted, 2 unmatched
      "500004,B,Beta,2,2011-01-05 09:00,1.0,100,UK",     // 5
      "C500005,B,Beta,-2,2011-01-05 09:00,1.0,100,UK",   // 6: same minute, after it in the file
  }));
  ASSERT_TRUE(result.ok()) << result.status().message();
  const NettingReport& netting = result->report.netting;
  EXPECT_EQ(netting.cancellation_lines, 3u);
  EXPECT_EQ(netting.matched_lines, 1u);
  EXPECT_EQ(netting.partly_matched_lines, 1u);
  EXPECT_EQ(netting.unmatched_lines, 1u);
  EXPECT_EQ(netting.units_cancelled, 9);
  EXPECT_EQ(netting.units_netted, 5);
  EXPECT_EQ(netting.UnitsUnmatched(), 4);
  EXPECT_EQ(netting.purchase_lines_removed, 2u);
  ASSERT_EQ(netting.unmatched.size(), 2u);
  EXPECT_EQ(netting.unmatched[0].line, 2u);
  EXPECT_EQ(netting.unmatched[0].invoice, "C500001");
  EXPECT_EQ(netting.unmatched[0].customer, "100");
  EXPECT_EQ(netting.unmatched[0].stock_code, "A");
  EXPECT_EQ(netting.unmatched[0].unmatched, 2);
  EXPECT_EQ(netting.unmatched[1].line, 4u);
  EXPECT_EQ(netting.unmatched[1].units, 5);
  EXPECT_EQ(netting.unmatched[1].unmatched, 2);
  EXPECT_EQ(result->dataset.rows(), 0u);
}

TEST(Netting, SwitchedOffGivesTheSeedsPlainRule) {
  const std::string text = Retail({
      "500001,A,Alpha,80995,2011-12-09 09:15,2.08,16446,United Kingdom",
      "C500002,A,Alpha,-80995,2011-12-09 09:27,2.08,16446,United Kingdom",
  });
  const Result<CleanedData> netted = Ingest(text);
  ASSERT_TRUE(netted.ok());
  EXPECT_EQ(netted->dataset.rows(), 0u);
  IngestOptions plain;
  plain.cleaning.Set(CleaningRule::kNetCancellations, false);
  const Result<CleanedData> kept = Ingest(text, plain);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->dataset.rows(), 1u);  // the cancelled order stays
  EXPECT_EQ(Dropped(kept->report, CleaningRule::kCancelled), 1u);
  EXPECT_FALSE(kept->report.netting.enabled);
  EXPECT_FALSE(Outcome(kept->report, CleaningRule::kNetCancellations).enabled);
}

TEST(NonProducts, PostageFeesAndAdjustmentsAreRecognisedByCodeOrDescription) {
  const NonProductRules rules = NonProductRules::Defaults();
  for (const auto& [code, description] :
       {std::pair{"POST", "POSTAGE"}, std::pair{"post", ""}, std::pair{"DOT", "DOTCOM POSTAGE"},
        std::pair{"M", "Manual"}, std::pair{"m", "Manual"}, std::pair{"D", "Discount"},
        std::pair{"B", "Adjust bad debt"}, std::pair{"BANK CHARGES", "Bank Charges"},
        std::pair{"AMAZONFEE", "AMAZON FEE"}, std::pair{"CRUK", "CRUK Commission"},
        std::pair{"gift_0001_20", "Dotcomgiftshop Gift Voucher £20.00"},
        std::pair{"22016", "Dotcomgiftshop Gift Voucher £100.00"},
        std::pair{"23444", "Next Day  Carriage"}, std::pair{"23574", "PACKING CHARGE"}})
    EXPECT_TRUE(rules.Matches(code, description)) << code << " " << description;
  for (const auto& [code, description] :
       {std::pair{"23099", "FRENCH CARRIAGE LANTERN"}, std::pair{"22637", "PIGGY BANK RETROSPOT"},
        std::pair{"PADS", "PADS TO MATCH ALL CUSHIONS"}, std::pair{"DCGSSGIRL", "GIRLS PARTY BAG"},
        std::pair{"21656", "samples/damages"}, std::pair{"B", "Beta"}, std::pair{"M", "MUG"}})
    EXPECT_FALSE(rules.Matches(code, description)) << code << " " << description;
}

TEST(NonProducts, KeptInRevenueLeftOutOfTheProductRankingAndConfigurable) {
  const std::string text = Retail({
      "500001,A,Alpha,10,2011-01-03 09:00,2.0,100,UK",
      "500001,POST,POSTAGE,1,2011-01-03 09:00,40.0,100,UK",
      "500002,B,Beta,1,2011-01-04 09:00,5.0,100,UK",
  });
  const Result<CleanedData> data = Ingest(text);
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(TransactionsOf(data->dataset).items.non_product, (std::vector<uint8_t>{0, 1, 0}));
  EXPECT_EQ(Summarize(data->dataset).products, 2u);
  const ParetoCurve curve = ProductPareto(TransactionsOf(data->dataset));
  ASSERT_EQ(curve.products.size(), 2u);
  EXPECT_EQ(curve.products[0].stock_code, "A");
  EXPECT_DOUBLE_EQ(curve.product_revenue, 25.0);
  EXPECT_DOUBLE_EQ(curve.cumulative_share.back(), 1.0);
  ASSERT_EQ(curve.non_products.size(), 1u);
  EXPECT_DOUBLE_EQ(curve.non_products[0].revenue, 40.0);
  EXPECT_DOUBLE_EQ(curve.non_product_revenue, 40.0);
  // With no rules, postage is a product again (the top one).
  IngestOptions none;
  none.cleaning.non_products = NonProductRules{};
  const Result<CleanedData> all = Ingest(text, none);
  ASSERT_TRUE(all.ok());
  const ParetoCurve every = ProductPareto(TransactionsOf(all->dataset));
  ASSERT_EQ(every.products.size(), 3u);
  EXPECT_EQ(every.products[0].stock_code, "POST");
  EXPECT_TRUE(every.non_products.empty());
}

TEST(CleaningRules, NonPositiveQuantity) {
  const Result<CleanedData> result = Ingest(Retail({
      "536365,A,X,0,2010-12-01 08:26,2.55,17850,UK",   // 2
      kGoodSale,                                       // 3
      "536366,A,X,-3,2010-12-01 08:26,2.55,17850,UK",  // 4
  }));
  ASSERT_TRUE(result.ok()) << result.status().message();
  const CleaningReport& report = result->report;
  EXPECT_EQ(DroppedPerRule(report), Only(CleaningRule::kNonPositiveQuantity, 2));
  const std::vector<RowExample>& examples =
      Outcome(report, CleaningRule::kNonPositiveQuantity).examples;
  EXPECT_EQ(LinesOf(examples), (std::vector<uint64_t>{2, 4}));
  ASSERT_EQ(examples.size(), 2u);
  EXPECT_EQ(examples[0].column, "Quantity");
  EXPECT_EQ(examples[0].value, "0");
  EXPECT_EQ(examples[1].value, "-3");
  EXPECT_EQ(report.rows_kept, 1u);
}

TEST(CleaningRules, NonPositivePrice) {
  const Result<CleanedData> result = Ingest(Retail({
      kGoodSale,                                      // 2
      "536365,A,X,1,2010-12-01 08:26,0,17850,UK",     // 3
      "536366,A,X,1,2010-12-01 08:26,-1.5,17850,UK",  // 4
      "536367,A,X,1,2010-12-01 08:26,0.01,17850,UK",  // 5: kept
  }));
  ASSERT_TRUE(result.ok()) << result.status().message();
  const CleaningReport& report = result->report;
  EXPECT_EQ(DroppedPerRule(report), Only(CleaningRule::kNonPositivePrice, 2));
  const std::vector<RowExample>& examples =
      Outcome(report, CleaningRule::kNonPositivePrice).examples;
  EXPECT_EQ(LinesOf(examples), (std::vector<uint64_t>{3, 4}));
  ASSERT_EQ(examples.size(), 2u);
  EXPECT_EQ(examples[0].column, "UnitPrice");
  EXPECT_EQ(examples[0].value, "0");
  EXPECT_EQ(examples[1].value, "-1.5");
  EXPECT_EQ(report.rows_kept, 2u);
}

TEST(CleaningRules, NonPositiveEvents) {
  const Result<CleanedData> result = Ingest(Usage({
      "u1,2023-01-01,2023-01-02,search,0",   // 2
      kGoodEvent,                            // 3
      "u2,2023-01-01,2023-01-02,search,-2",  // 4
  }));
  ASSERT_TRUE(result.ok()) << result.status().message();
  const CleaningReport& report = result->report;
  EXPECT_EQ(DroppedPerRule(report), Only(CleaningRule::kNonPositiveEvents, 2));
  const std::vector<RowExample>& examples =
      Outcome(report, CleaningRule::kNonPositiveEvents).examples;
  EXPECT_EQ(LinesOf(examples), (std::vector<uint64_t>{2, 4}));
  ASSERT_EQ(examples.size(), 2u);
  EXPECT_EQ(examples[0].column, "events_count");
  EXPECT_EQ(examples[1].value, "-2");
  EXPECT_EQ(report.rows_kept, 1u);
  // Transaction-only rules cannot fire on usage logs and say so.
  EXPECT_FALSE(Outcome(report, CleaningRule::kCancelled).applies);
  EXPECT_FALSE(Outcome(report, CleaningRule::kNonPositivePrice).applies);
  EXPECT_TRUE(Outcome(report, CleaningRule::kNonPositiveEvents).applies);
}

TEST(CleaningRules, EventBeforeSignup) {
  const Result<CleanedData> result = Ingest(Usage({
      "u1,2023-02-01,2023-01-31,search,1",  // 2: a day early
      "u1,2023-02-01,2023-02-01,search,1",  // 3: the signup day itself is fine
      "u2,,2020-01-01,search,1",            // 4: no signup, nothing to compare
  }));
  ASSERT_TRUE(result.ok()) << result.status().message();
  const CleaningReport& report = result->report;
  EXPECT_EQ(DroppedPerRule(report), Only(CleaningRule::kEventBeforeSignup, 1));
  const std::vector<RowExample>& examples =
      Outcome(report, CleaningRule::kEventBeforeSignup).examples;
  ASSERT_EQ(examples.size(), 1u);
  EXPECT_EQ(examples[0].line, 2u);
  EXPECT_EQ(examples[0].column, "event_date");
  EXPECT_EQ(examples[0].value, "2023-01-31 (signup 2023-02-01)");
  EXPECT_EQ(report.rows_kept, 2u);
  EXPECT_TRUE(Outcome(result->report, CleaningRule::kEventBeforeSignup).applies);
}

// ---------------------------------------------------------------------------------------------
// Attribution

TEST(CleaningRules, EachDroppedRowCountsUnderTheFirstRuleThatRejectsIt) {
  const Result<CleanedData> result = Ingest(Retail({
      "C536379,D,Discount,-1,2010-12-01 09:41,27.5,14527,United Kingdom",  // 2: cancelled
      "C536379,D,Discount,-1,2010-12-01 09:41,27.5,14527,United Kingdom",  // 3: duplicate only
      "536380,A,X,0,2010-12-01 09:41,0,,United Kingdom",                   // 4: missing id
      "536381,A,X,0,sometime,0,14527,United Kingdom",                      // 5: invalid date
      "536382,A,X,-2,2010-12-01 09:41,0,14527,United Kingdom",             // 6: quantity
      "536383,A,X,2,2010-12-01 09:41,0,14527,United Kingdom",              // 7: price
      "536384,A,X,2,2010-12-01 09:41,1,14527,United Kingdom",              // 8: kept
      "536380,A,X,0,2010-12-01 09:41,0,,United Kingdom",                   // 9: duplicate of 4
      "536385,A,X,2,2010-12-01 09:41,1,14527",                             // 10: malformed
  }));
  ASSERT_TRUE(result.ok()) << result.status().message();
  const CleaningReport& report = result->report;
  EXPECT_EQ(DroppedPerRule(report), (std::vector<uint64_t>{2, 1, 1, 1, 1, 1, 0, 0, 0}));
  EXPECT_EQ(ExampleLines(report, CleaningRule::kDuplicate), (std::vector<uint64_t>{3, 9}));
  EXPECT_EQ(ExampleLines(report, CleaningRule::kMissingId), (std::vector<uint64_t>{4}));
  EXPECT_EQ(ExampleLines(report, CleaningRule::kInvalidDate), (std::vector<uint64_t>{5}));
  EXPECT_EQ(ExampleLines(report, CleaningRule::kCancelled), (std::vector<uint64_t>{2}));
  EXPECT_EQ(ExampleLines(report, CleaningRule::kNonPositiveQuantity), (std::vector<uint64_t>{6}));
  EXPECT_EQ(ExampleLines(report, CleaningRule::kNonPositivePrice), (std::vector<uint64_t>{7}));
  EXPECT_EQ(report.records, 9u);
  EXPECT_EQ(report.MalformedTotal(), 1u);
  EXPECT_EQ(report.rows_kept, 1u);
  EXPECT_EQ(report.DroppedByRules(), 7u);
  EXPECT_EQ(report.DroppedByRules(), report.records - report.MalformedTotal() - report.rows_kept);

  const Result<CleanedData> usage = Ingest(Usage({
      "u1,2023-02-01,2023-01-01,search,0",  // 2: events <= 0 (also before signup)
      "u1,2023-02-01,2023-01-01,search,0",  // 3: duplicate
      ",2023-02-01,2023-01-01,search,0",    // 4: missing id
      "u2,2023-02-01,someday,search,0",     // 5: invalid date
      "u3,2023-02-01,2023-01-01,search,5",  // 6: before signup
      "u4,2023-02-01,2023-03-01,search,5",  // 7: kept
  }));
  ASSERT_TRUE(usage.ok()) << usage.status().message();
  EXPECT_EQ(DroppedPerRule(usage->report), (std::vector<uint64_t>{1, 1, 1, 0, 0, 0, 0, 1, 1}));
  EXPECT_EQ(ExampleLines(usage->report, CleaningRule::kNonPositiveEvents),
            (std::vector<uint64_t>{2}));
  EXPECT_EQ(ExampleLines(usage->report, CleaningRule::kEventBeforeSignup),
            (std::vector<uint64_t>{6}));
  EXPECT_EQ(usage->report.rows_kept, 1u);
  ExpectBalanced(usage->report);
}

// ---------------------------------------------------------------------------------------------
// Switching rules off

struct RuleCase {
  CleaningRule rule;
  std::string text;  // one good row, then one row only `rule` rejects
};

std::vector<RuleCase> OneOffenderPerRule() {
  const std::string_view sale = kGoodSale;
  const std::string_view event = kGoodEvent;
  return {
      {CleaningRule::kDuplicate, Retail({sale, sale})},
      {CleaningRule::kMissingId, Retail({sale, "536366,A,X,1,2010-12-02 10:00,1.5,,UK"})},
      {CleaningRule::kInvalidDate, Retail({sale, "536366,A,X,1,1960-05-02 10:00,1.5,12583,UK"})},
      {CleaningRule::kCancelled, Retail({sale, "C536366,A,X,1,2010-12-02 10:00,1.5,12583,UK"})},
      {CleaningRule::kNonPositiveQuantity,
       Retail({sale, "536366,A,X,0,2010-12-02 10:00,1.5,12583,UK"})},
      {CleaningRule::kNonPositivePrice,
       Retail({sale, "536366,A,X,1,2010-12-02 10:00,0.0,12583,UK"})},
      {CleaningRule::kNonPositiveEvents, Usage({event, "u2,2023-01-01,2023-01-05,export,0"})},
      {CleaningRule::kEventBeforeSignup, Usage({event, "u2,2023-01-10,2023-01-05,export,2"})},
  };
}

TEST(CleaningRules, SwitchingARuleOffKeepsTheRowsItWouldDrop) {
  for (const RuleCase& rule_case : OneOffenderPerRule()) {
    SCOPED_TRACE(CleaningRuleName(rule_case.rule));
    const Result<CleanedData> on = Ingest(rule_case.text);
    ASSERT_TRUE(on.ok()) << on.status().message();
    EXPECT_EQ(DroppedPerRule(on->report), Only(rule_case.rule, 1));
    EXPECT_EQ(ExampleLines(on->report, rule_case.rule), (std::vector<uint64_t>{3}));
    EXPECT_EQ(on->report.rows_kept, 1u);
    EXPECT_EQ(on->dataset.rows(), 1u);
    EXPECT_TRUE(Outcome(on->report, rule_case.rule).enabled);

    IngestOptions options;
    options.cleaning.Set(rule_case.rule, false);
    const Result<CleanedData> off = Ingest(rule_case.text, options);
    ASSERT_TRUE(off.ok()) << off.status().message();
    EXPECT_EQ(DroppedPerRule(off->report), std::vector<uint64_t>(kCleaningRuleCount, 0));
    EXPECT_FALSE(Outcome(off->report, rule_case.rule).enabled);
    EXPECT_EQ(off->report.rows_kept, 2u);
    EXPECT_EQ(off->report.MalformedTotal(), 0u);
    ASSERT_EQ(off->dataset.rows(), 2u);
  }
}

TEST(CleaningRules, RowsKeptWithARuleOffCarryTheirValues) {
  const std::vector<RuleCase> cases = OneOffenderPerRule();
  auto ingest_without = [&](CleaningRule rule) {
    IngestOptions options;
    options.cleaning.Set(rule, false);
    const auto found = std::find_if(cases.begin(), cases.end(),
                                    [rule](const RuleCase& entry) { return entry.rule == rule; });
    return Ingest(found->text, options);
  };
  {
    const Result<CleanedData> result = ingest_without(CleaningRule::kMissingId);
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_EQ(UserOfRow(result->dataset, 1), kNullCode);
    EXPECT_EQ(result->dataset.users().size(), 1u);
  }
  {
    const Result<CleanedData> result = ingest_without(CleaningRule::kInvalidDate);
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_EQ(DayOfRow(result->dataset, 1), DaysFromCivil(1960, 5, 2));
  }
  {
    const Result<CleanedData> result = ingest_without(CleaningRule::kNonPositiveQuantity);
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_EQ(TransactionsOf(result->dataset).transactions.quantity[1], 0);
    EXPECT_DOUBLE_EQ(TransactionsOf(result->dataset).AmountOfRow(1), 0.0);
  }
  {
    const Result<CleanedData> result = ingest_without(CleaningRule::kNonPositiveEvents);
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_EQ(UsageOf(result->dataset).usage.events, (Column<int32_t>{3, 0}));
  }
  {
    const Result<CleanedData> result = ingest_without(CleaningRule::kEventBeforeSignup);
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_EQ(UsageOf(result->dataset).usage.day[1], DaysFromCivil(2023, 1, 5));
    EXPECT_EQ(result->dataset.user_signup()[1], DaysFromCivil(2023, 1, 10));
  }
}

TEST(CleaningRules, InvalidDateOffMakesUnparsableDatesMalformed) {
  IngestOptions options;
  options.cleaning.Set(CleaningRule::kInvalidDate, false);
  const std::string text = Retail({
      kGoodSale,                                     // 2
      "536366,A,X,1,not a date,1.5,12583,UK",        // 3: malformed
      "536367,A,X,1,1960-05-02 10:00,1.5,12583,UK",  // 4: out of range, kept
  });
  const Result<CleanedData> result = Ingest(text, options);
  ASSERT_TRUE(result.ok()) << result.status().message();
  const CleaningReport& report = result->report;
  EXPECT_EQ(DroppedPerRule(report), std::vector<uint64_t>(kCleaningRuleCount, 0));
  const auto unparsable = static_cast<size_t>(ParseIssue::kUnparsableDate);
  EXPECT_EQ(report.malformed[unparsable], 1u);
  ASSERT_EQ(report.malformed_examples[unparsable].size(), 1u);
  EXPECT_EQ(report.malformed_examples[unparsable][0].line, 3u);
  EXPECT_EQ(report.malformed_examples[unparsable][0].column, "InvoiceDate");
  EXPECT_EQ(report.malformed_examples[unparsable][0].value, "not a date");
  EXPECT_EQ(report.rows_kept, 2u);
  ASSERT_EQ(result->dataset.rows(), 2u);
  EXPECT_EQ(DayOfRow(result->dataset, 1), DaysFromCivil(1960, 5, 2));
  ExpectBalanced(report);

  // Malformed, so --strict refuses it.
  options.strict = true;
  const Result<CleanedData> strict = Ingest(text, options);
  ASSERT_FALSE(strict.ok());
  EXPECT_NE(strict.status().message().find("rules.csv line 3, column InvoiceDate"),
            std::string::npos)
      << strict.status().message();

  // Usage logs too.
  IngestOptions usage_options;
  usage_options.cleaning.Set(CleaningRule::kInvalidDate, false);
  const Result<CleanedData> usage =
      Ingest(Usage({"u1,2023-01-01,32/01/2023,search,1", kGoodEvent}), usage_options);
  ASSERT_TRUE(usage.ok()) << usage.status().message();
  EXPECT_EQ(usage->report.malformed[unparsable], 1u);
  ASSERT_EQ(usage->report.malformed_examples[unparsable].size(), 1u);
  EXPECT_EQ(usage->report.malformed_examples[unparsable][0].line, 2u);
  EXPECT_EQ(usage->report.malformed_examples[unparsable][0].value, "32/01/2023");
  EXPECT_EQ(usage->report.rows_kept, 1u);
}

// ---------------------------------------------------------------------------------------------
// The Dataset built from the kept rows

TEST(CleaningRules, DictionariesHoldOnlyStringsOfKeptRows) {
  const Result<CleanedData> result = Ingest(Retail({
      "C900001,GHOSTCODE,GHOST DESC,-1,2010-12-01 09:41,2.5,99999,Atlantis",  // cancelled
      "536365,85123A,HEART,6,2010-12-01 08:26,2.55,17850,United Kingdom",     // kept
      "536366,ZEROQTY,ZERO THING,0,2010-12-01 08:27,2.55,99999,Atlantis",     // quantity
      "536367,71053,LANTERN,2,2010-12-01 08:28,3.39,,Lemuria",                // missing id
      "536368,71053,LANTERN,2,2010-12-01 08:29,3.39,13047,France",            // kept
      "536369,FREE,FREEBIE,2,2010-12-01 08:29,0,13047,Mu",                    // price
  }));
  ASSERT_TRUE(result.ok()) << result.status().message();
  const Dataset& dataset = result->dataset;
  ASSERT_EQ(dataset.rows(), 2u);
  EXPECT_EQ(dataset.users().size(), 2u);
  EXPECT_EQ(dataset.users()[0], "17850");
  EXPECT_EQ(dataset.users()[1], "13047");
  EXPECT_FALSE(dataset.users().Find("99999").has_value());
  EXPECT_EQ(TransactionsOf(dataset).invoices.size(), 2u);
  EXPECT_FALSE(TransactionsOf(dataset).invoices.Find("C900001").has_value());
  EXPECT_FALSE(TransactionsOf(dataset).invoices.Find("536367").has_value());
  EXPECT_EQ(TransactionsOf(dataset).stock_codes.size(), 2u);
  EXPECT_FALSE(TransactionsOf(dataset).stock_codes.Find("GHOSTCODE").has_value());
  EXPECT_FALSE(TransactionsOf(dataset).stock_codes.Find("ZEROQTY").has_value());
  EXPECT_FALSE(TransactionsOf(dataset).stock_codes.Find("FREE").has_value());
  EXPECT_EQ(TransactionsOf(dataset).descriptions.size(), 2u);
  EXPECT_FALSE(TransactionsOf(dataset).descriptions.Find("GHOST DESC").has_value());
  EXPECT_EQ(TransactionsOf(dataset).countries.size(), 2u);
  EXPECT_TRUE(TransactionsOf(dataset).countries.Find("France").has_value());
  EXPECT_FALSE(TransactionsOf(dataset).countries.Find("Atlantis").has_value());
  EXPECT_FALSE(TransactionsOf(dataset).countries.Find("Lemuria").has_value());
  EXPECT_EQ(TransactionsOf(dataset).orders.size(), 2u);
  EXPECT_EQ(TransactionsOf(dataset).items.size(), 2u);
  EXPECT_EQ(TransactionsOf(dataset).prices, (std::vector<double>{2.55, 3.39}));
  EXPECT_EQ(dataset.user_signup().size(), 2u);

  const DatasetSummary summary = Summarize(dataset);
  EXPECT_EQ(summary.users, 2u);
  EXPECT_EQ(summary.orders, 2u);
  EXPECT_EQ(summary.products, 2u);
  EXPECT_EQ(summary.countries, 2u);
  EXPECT_DOUBLE_EQ(summary.revenue, 6 * 2.55 + 2 * 3.39);

  const Result<CleanedData> usage = Ingest(Usage({
      "ghost,2023-01-01,2023-01-02,unused,0",  // events <= 0
      "u1,2023-01-01,2023-01-02,search,3",     // kept
      "ghost,2023-01-05,2023-01-02,unused,1",  // before signup
      "u2,,2023-01-03,export,1",               // kept
  }));
  ASSERT_TRUE(usage.ok()) << usage.status().message();
  EXPECT_EQ(usage->dataset.users().size(), 2u);
  EXPECT_FALSE(usage->dataset.users().Find("ghost").has_value());
  EXPECT_EQ(UsageOf(usage->dataset).features.size(), 2u);
  EXPECT_FALSE(UsageOf(usage->dataset).features.Find("unused").has_value());
  EXPECT_EQ(usage->dataset.user_signup(), (std::vector<Day>{DaysFromCivil(2023, 1, 1), kNoDay}));
}

TEST(DerivedFields, TransactionsAmountsCohortsAndMonths) {
  const Result<CleanedData> result = Ingest(Retail({
      "536365,A,X,6,2010-12-01 08:26,2.55,17850,UK",  // 17850 first seen December 2010
      "536366,B,Y,3,2011-01-15 10:00,1.25,17850,UK", "536367,A,X,2,2011-02-03 10:00,2.55,13047,UK",
      "536368,C,Z,12,2011-01-31 23:59,0.85,13047,UK",  // 13047's first month is January
  }));
  ASSERT_TRUE(result.ok()) << result.status().message();
  const Dataset& dataset = result->dataset;
  ASSERT_EQ(dataset.rows(), 4u);
  EXPECT_DOUBLE_EQ(TransactionsOf(dataset).AmountOfRow(0), 6 * 2.55);
  EXPECT_DOUBLE_EQ(TransactionsOf(dataset).AmountOfRow(1), 3.75);
  EXPECT_DOUBLE_EQ(TransactionsOf(dataset).AmountOfRow(2), 5.1);
  EXPECT_DOUBLE_EQ(TransactionsOf(dataset).AmountOfRow(3), 12 * 0.85);
  EXPECT_EQ(TransactionsOf(dataset).prices.size(), 3u);  // 2.55 is coded once

  const int32_t dec2010 = MonthIndexOf(DaysFromCivil(2010, 12, 1));
  EXPECT_EQ(dec2010, 491);
  EXPECT_EQ(FormatMonth(dec2010), "2010-12");
  ASSERT_EQ(dataset.users()[0], "17850");
  EXPECT_EQ(UserCohortMonths(dataset), (std::vector<int32_t>{dec2010, dec2010 + 1}));
  EXPECT_EQ(RowMonths(dataset),
            (std::vector<int32_t>{dec2010, dec2010 + 1, dec2010 + 2, dec2010 + 1}));
}

TEST(DerivedFields, UsageCohortsUseTheSignupMonthWhenGiven) {
  const Result<CleanedData> result = Ingest(Usage({
      "u1,2023-01-20,2023-02-05,search,1",  // signup January, first activity February
      "u2,,2023-03-10,search,1",            // no signup: first activity, February
      "u1,2023-01-20,2023-03-01,export,2",
      "u2,,2023-02-28,export,1",
      "u3,2022-12-31,2023-01-01,search,1",
  }));
  ASSERT_TRUE(result.ok()) << result.status().message();
  const Dataset& dataset = result->dataset;
  const int32_t jan2023 = MonthIndexOf(DaysFromCivil(2023, 1, 1));
  EXPECT_EQ(jan2023, 636);
  EXPECT_EQ(UserCohortMonths(dataset), (std::vector<int32_t>{jan2023, jan2023 + 1, jan2023 - 1}));
  EXPECT_EQ(RowMonths(dataset),
            (std::vector<int32_t>{jan2023 + 1, jan2023 + 2, jan2023 + 2, jan2023 + 1, jan2023}));
  EXPECT_EQ(dataset.user_signup(),
            (std::vector<Day>{DaysFromCivil(2023, 1, 20), kNoDay, DaysFromCivil(2022, 12, 31)}));
}

TEST(CleaningRules, UsageSignupConflictsAreCountedKeepingTheEarliest) {
  const Result<CleanedData> result = Ingest(Usage({
      "u1,2023-01-05,2023-02-01,search,1",
      "u2,2023-01-03,2023-02-01,search,1",
      "u1,2023-01-01,2023-02-02,search,1",  // u1 disagrees with itself
      "u2,2023-01-03,2023-02-03,export,1",  // u2 agrees
      "u3,,2023-02-01,search,1",
      "u3,2023-01-09,2023-02-04,search,1",  // a missing signup is no disagreement
      "u4,2023-01-07,2023-02-01,search,1",
      "u4,2023-01-02,2023-02-05,search,1",  // u4 disagrees too
      "u4,2023-01-04,2023-02-06,search,1",
  }));
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result->report.signup_conflicts, 2u);
  EXPECT_EQ(result->report.rows_kept, 9u);
  const Dataset& dataset = result->dataset;
  ASSERT_EQ(dataset.users().size(), 4u);
  EXPECT_EQ(dataset.user_signup(),
            (std::vector<Day>{DaysFromCivil(2023, 1, 1), DaysFromCivil(2023, 1, 3),
                              DaysFromCivil(2023, 1, 9), DaysFromCivil(2023, 1, 2)}));
  // The cohort follows the earliest signup.
  EXPECT_EQ(UserCohortMonths(dataset)[0], MonthIndexOf(DaysFromCivil(2023, 1, 1)));
}

TEST(DatasetLayout, BytesPerRowOfRowColumns) {
  std::string usage_text(kUsageHeader);
  std::string retail_text(kRetailHeader);
  constexpr int kRows = 1000;
  for (int row_idx = 0; row_idx < kRows; ++row_idx) {
    usage_text += fmt::format("u{},2023-01-01,2023-02-{},f{},{}\n", row_idx % 37, 10 + row_idx % 18,
                              row_idx % 7, 1 + row_idx);
    retail_text +=
        fmt::format("{},S{},D{},{},2010-12-01 08:26,{}.5,1{},UK\n", 536000 + row_idx / 3,
                    row_idx % 50, row_idx % 50, 1 + row_idx % 9, 1 + row_idx % 11, row_idx % 40);
  }
  Result<CleanedData> usage = Ingest(usage_text);
  Result<CleanedData> retail = Ingest(retail_text);
  ASSERT_TRUE(usage.ok()) << usage.status().message();
  ASSERT_TRUE(retail.ok()) << retail.status().message();
  Dataset usage_data = std::move(usage.value().dataset);
  Dataset retail_data = std::move(retail.value().dataset);
  ASSERT_EQ(usage_data.rows(), static_cast<size_t>(kRows));
  ASSERT_EQ(retail_data.rows(), static_cast<size_t>(kRows));
  usage_data.ShrinkToFit();
  retail_data.ShrinkToFit();
  const DatasetMemory usage_memory = usage_data.Memory();
  const DatasetMemory retail_memory = retail_data.Memory();
  EXPECT_EQ(usage_memory.row_columns, 14u * kRows);
  EXPECT_EQ(retail_memory.row_columns, 16u * kRows);
  EXPECT_DOUBLE_EQ(usage_memory.BytesPerRow(usage_data.rows()), 14.0);
  EXPECT_DOUBLE_EQ(retail_memory.BytesPerRow(retail_data.rows()), 16.0);
  EXPECT_GT(retail_memory.side_tables, 0u);
  EXPECT_GT(usage_memory.dictionaries, 0u);
  EXPECT_DOUBLE_EQ(DatasetMemory().BytesPerRow(0), 0.0);
}

}  // namespace
}  // namespace growthlens
