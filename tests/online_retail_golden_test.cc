// The cleaning report on the full UCI Online Retail file against independent pandas
// computations: the seed's plain rule for cancellations (drop the C invoices, keep the
// purchases: net_cancellations switched off; tests/golden/make_online_retail_golden.py ->
// online_retail_cleaning.golden) and the default, netting them against the purchases they take
// back, with the product rankings that leave postage and fees out
// (tests/golden/make_netting_golden.py -> online_retail_netting.golden). Counts must match
// exactly; revenue to half a cent (pandas sums pairwise, we sum in file order: the two differ by
// ~3e-6 on this file).

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "core/derived_fields.h"
#include "dataset_kinds.h"
#include "metrics/revenue.h"
#include "prep/ingest.h"
#include "test_data.h"

namespace growthlens {
namespace {

constexpr double kRevenueTolerance = 0.005;

class OnlineRetailGolden : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    text_ = new std::string(testing::ReadXz(testing::PublicDataPath("online_retail.csv.xz")));
    golden_ = new std::map<std::string, std::string>(
        testing::ReadGolden(testing::GoldenPath("online_retail_cleaning.golden")));
  }
  static void TearDownTestSuite() {
    delete text_;
    delete golden_;
  }
  void SetUp() override {
    ASSERT_FALSE(text_->empty())
        << "cannot read tests/data/online_retail.csv.xz (is xz installed?)";
    ASSERT_FALSE(golden_->empty());
  }

  /// The seed's rules: cancellations dropped, the purchases they cancel kept.
  static IngestOptions PlainRule() {
    IngestOptions options;
    options.cleaning.Set(CleaningRule::kNetCancellations, false);
    return options;
  }
  static CleanedData Ingest(const IngestOptions& options) {
    Result<CleanedData> cleaned = IngestText(*text_, "online_retail.csv", options);
    EXPECT_TRUE(cleaned.ok()) << cleaned.status().message();
    return std::move(cleaned).value();
  }
  static uint64_t Golden(const std::string& key) {
    EXPECT_TRUE(golden_->count(key)) << "golden file lacks " << key;
    return std::stoull(golden_->at(key));
  }
  static uint64_t Dropped(const CleaningReport& report, CleaningRule rule) {
    return report.rules[static_cast<size_t>(rule)].dropped;
  }

  static std::string* text_;
  static std::map<std::string, std::string>* golden_;
};
std::string* OnlineRetailGolden::text_ = nullptr;
std::map<std::string, std::string>* OnlineRetailGolden::golden_ = nullptr;

TEST_F(OnlineRetailGolden, RawFileFactsMatchPublishedFigures) {
  IngestOptions options;
  for (CleaningRule rule : kAllCleaningRules) options.cleaning.Set(rule, false);
  const CleanedData raw = Ingest(options);
  const Dataset& dataset = raw.dataset;
  EXPECT_EQ(raw.report.records, Golden("rows_in"));
  EXPECT_EQ(raw.report.MalformedTotal(), 0u);
  EXPECT_EQ(dataset.rows(), Golden("rows_in"));
  EXPECT_EQ(TransactionsOf(dataset).invoices.size(), Golden("raw.invoices"));
  EXPECT_EQ(TransactionsOf(dataset).stock_codes.size(), Golden("raw.stock_codes"));
  EXPECT_EQ(dataset.users().size(), Golden("raw.customers"));
  EXPECT_EQ(TransactionsOf(dataset).countries.size(), Golden("raw.countries"));
  uint64_t missing_description = 0;
  for (size_t row = 0; row < dataset.rows(); ++row)
    missing_description +=
        TransactionsOf(dataset)
            .descriptions[TransactionsOf(dataset)
                              .items.description[TransactionsOf(dataset).transactions.item[row]]]
            .empty();
  EXPECT_EQ(missing_description, Golden("raw.missing_description"));
}

TEST_F(OnlineRetailGolden, PlainCancellationRuleDropsWhatPandasDrops) {
  const CleanedData cleaned = Ingest(PlainRule());
  const CleaningReport& report = cleaned.report;
  EXPECT_EQ(report.records, Golden("rows_in"));
  EXPECT_EQ(Dropped(report, CleaningRule::kDuplicate), Golden("drop.duplicate"));
  EXPECT_EQ(Dropped(report, CleaningRule::kMissingId), Golden("drop.missing_customer"));
  EXPECT_EQ(Dropped(report, CleaningRule::kInvalidDate), Golden("drop.invalid_date"));
  EXPECT_EQ(Dropped(report, CleaningRule::kCancelled), Golden("drop.cancelled"));
  EXPECT_EQ(Dropped(report, CleaningRule::kNonPositiveQuantity),
            Golden("drop.non_positive_quantity"));
  EXPECT_EQ(Dropped(report, CleaningRule::kNonPositivePrice), Golden("drop.non_positive_price"));
  EXPECT_EQ(report.rows_kept, Golden("rows_kept"));
  EXPECT_EQ(report.records - report.rows_kept, report.DroppedByRules() + report.MalformedTotal());

  const Dataset& dataset = cleaned.dataset;
  EXPECT_EQ(dataset.rows(), Golden("rows_kept"));
  EXPECT_EQ(dataset.users().size(), Golden("kept.customers"));
  EXPECT_EQ(TransactionsOf(dataset).invoices.size(), Golden("kept.invoices"));
  EXPECT_EQ(TransactionsOf(dataset).stock_codes.size(), Golden("kept.stock_codes"));
  EXPECT_EQ(TransactionsOf(dataset).countries.size(), Golden("kept.countries"));
  double revenue = 0;
  Timestamp first = INT64_MAX, last = INT64_MIN;
  for (size_t row = 0; row < dataset.rows(); ++row) {
    revenue += TransactionsOf(dataset).AmountOfRow(row);
    const Timestamp time =
        TransactionsOf(dataset).orders.time[TransactionsOf(dataset).transactions.order[row]];
    first = std::min(first, time);
    last = std::max(last, time);
  }
  EXPECT_NEAR(revenue, std::stod(golden_->at("kept.revenue")), kRevenueTolerance);
  EXPECT_EQ(FormatTimestamp(first), golden_->at("kept.first_date"));
  EXPECT_EQ(FormatTimestamp(last), golden_->at("kept.last_date"));
}

TEST_F(OnlineRetailGolden, DerivedMonthsAndCohortsMatch) {
  const CleanedData cleaned = Ingest(PlainRule());
  const Dataset& dataset = cleaned.dataset;
  std::map<std::string, uint64_t> rows_by_month;
  for (int32_t month : RowMonths(dataset)) ++rows_by_month["rows_by_month." + FormatMonth(month)];
  std::map<std::string, uint64_t> customers_by_cohort;
  for (int32_t month : UserCohortMonths(dataset))
    ++customers_by_cohort["customers_by_cohort." + FormatMonth(month)];
  size_t golden_months = 0, golden_cohorts = 0;
  for (const auto& [key, value] : *golden_) {
    if (key.starts_with("rows_by_month.")) {
      ++golden_months;
      EXPECT_EQ(rows_by_month[key], std::stoull(value)) << key;
    } else if (key.starts_with("customers_by_cohort.")) {
      ++golden_cohorts;
      EXPECT_EQ(customers_by_cohort[key], std::stoull(value)) << key;
    }
  }
  EXPECT_EQ(golden_months, 13u);
  EXPECT_EQ(rows_by_month.size(), golden_months);
  EXPECT_EQ(golden_cohorts, 13u);
  EXPECT_EQ(customers_by_cohort.size(), golden_cohorts);
}

TEST_F(OnlineRetailGolden, SwitchingOffDuplicatesMovesTheirRowsToLaterRules) {
  IngestOptions options = PlainRule();
  options.cleaning.Set(CleaningRule::kDuplicate, false);
  const CleanedData cleaned = Ingest(options);
  const CleaningReport& report = cleaned.report;
  EXPECT_EQ(Dropped(report, CleaningRule::kDuplicate), 0u);
  EXPECT_FALSE(report.rules[static_cast<size_t>(CleaningRule::kDuplicate)].enabled);
  EXPECT_EQ(Dropped(report, CleaningRule::kMissingId), Golden("nodup.drop.missing_customer"));
  EXPECT_EQ(Dropped(report, CleaningRule::kInvalidDate), Golden("nodup.drop.invalid_date"));
  EXPECT_EQ(Dropped(report, CleaningRule::kCancelled), Golden("nodup.drop.cancelled"));
  EXPECT_EQ(Dropped(report, CleaningRule::kNonPositiveQuantity),
            Golden("nodup.drop.non_positive_quantity"));
  EXPECT_EQ(Dropped(report, CleaningRule::kNonPositivePrice),
            Golden("nodup.drop.non_positive_price"));
  EXPECT_EQ(report.rows_kept, Golden("nodup.rows_kept"));
}

// The Kaggle export of the same data: Latin-1 bytes and dates like "12/1/2010 8:26".
std::string ToKaggleExport(const std::string& utf8) {
  std::string out;
  out.reserve(utf8.size());
  constexpr size_t kInvoiceDateField = 4;
  size_t field = 0;
  bool quoted = false;
  for (size_t pos = 0; pos < utf8.size(); ++pos) {
    const char c = utf8[pos];
    if (c == '"') quoted = !quoted;
    if (!quoted && c == ',') ++field;
    if (!quoted && c == '\n') field = 0;
    const bool date_starts = !quoted && c == ',' && field == kInvoiceDateField &&
                             pos + 20 < utf8.size() && utf8[pos + 5] == '-';
    if (date_starts) {  // ",2010-12-01 08:26:00" -> ",12/1/2010 8:26"
      const std::string_view date(utf8.data() + pos + 1, 19);
      out += fmt::format(",{}/{}/{} {}:{}", std::stoi(std::string(date.substr(5, 2))),
                         std::stoi(std::string(date.substr(8, 2))), date.substr(0, 4),
                         std::stoi(std::string(date.substr(11, 2))), date.substr(14, 2));
      pos += 19;
      continue;
    }
    const auto byte = static_cast<unsigned char>(c);
    if (byte == 0xC2 || byte == 0xC3) {  // two-byte UTF-8 for U+0080..U+00FF -> one Latin-1 byte
      out.push_back(static_cast<char>(((byte & 0x03) << 6) | (utf8[++pos] & 0x3F)));
      continue;
    }
    out.push_back(c);
  }
  return out;
}

TEST_F(OnlineRetailGolden, KaggleLatin1ExportGivesTheSameCounts) {
  const std::string kaggle = ToKaggleExport(*text_);
  ASSERT_NE(kaggle.find("12/1/2010 8:26"), std::string::npos);
  ASSERT_NE(kaggle.find('\xA3'), std::string::npos);  // the pound sign, as one Latin-1 byte
  Result<CleanedData> cleaned = IngestText(kaggle, "OnlineRetail.csv", PlainRule());
  ASSERT_TRUE(cleaned.ok()) << cleaned.status().message();
  const CleaningReport& report = cleaned->report;
  EXPECT_EQ(report.source.encoding, Encoding::kWindows1252);
  EXPECT_EQ(report.records, Golden("rows_in"));
  EXPECT_EQ(Dropped(report, CleaningRule::kDuplicate), Golden("drop.duplicate"));
  EXPECT_EQ(Dropped(report, CleaningRule::kMissingId), Golden("drop.missing_customer"));
  EXPECT_EQ(Dropped(report, CleaningRule::kInvalidDate), 0u);
  EXPECT_EQ(Dropped(report, CleaningRule::kCancelled), Golden("drop.cancelled"));
  EXPECT_EQ(Dropped(report, CleaningRule::kNonPositivePrice), Golden("drop.non_positive_price"));
  EXPECT_EQ(report.rows_kept, Golden("rows_kept"));
  EXPECT_EQ(TransactionsOf(cleaned->dataset).orders.time,
            TransactionsOf(Ingest(PlainRule()).dataset).orders.time);

  // Every row kept: the descriptions, transcoded back to UTF-8, equal the UTF-8 file's.
  IngestOptions keep_all;
  for (CleaningRule rule : kAllCleaningRules) keep_all.cleaning.Set(rule, false);
  Result<CleanedData> raw_kaggle = IngestText(kaggle, "OnlineRetail.csv", keep_all);
  ASSERT_TRUE(raw_kaggle.ok());
  const CleanedData raw_utf8 = Ingest(keep_all);
  const StringDictionary& kaggle_descriptions = TransactionsOf(raw_kaggle->dataset).descriptions;
  ASSERT_EQ(kaggle_descriptions.size(), TransactionsOf(raw_utf8.dataset).descriptions.size());
  size_t with_pound = 0;
  for (uint32_t code = 0; code < kaggle_descriptions.size(); ++code) {
    EXPECT_EQ(kaggle_descriptions[code], TransactionsOf(raw_utf8.dataset).descriptions[code]);
    with_pound += kaggle_descriptions[code].find("\xC2\xA3") != std::string_view::npos;
  }
  EXPECT_GT(with_pound, 0u);
}

TEST_F(OnlineRetailGolden, SingleAndParallelReadsAgree) {
  IngestOptions single;
  single.read.threads = 1;
  IngestOptions parallel;
  parallel.read.threads = 2;
  const CleanedData one = Ingest(single);
  const CleanedData two = Ingest(parallel);
  ASSERT_EQ(one.dataset.rows(), two.dataset.rows());
  EXPECT_EQ(TransactionsOf(one.dataset).transactions.order,
            TransactionsOf(two.dataset).transactions.order);
  EXPECT_EQ(TransactionsOf(one.dataset).transactions.item,
            TransactionsOf(two.dataset).transactions.item);
  EXPECT_EQ(TransactionsOf(one.dataset).transactions.quantity,
            TransactionsOf(two.dataset).transactions.quantity);
  EXPECT_EQ(TransactionsOf(one.dataset).transactions.price,
            TransactionsOf(two.dataset).transactions.price);
  EXPECT_EQ(TransactionsOf(one.dataset).prices, TransactionsOf(two.dataset).prices);
  EXPECT_EQ(TransactionsOf(one.dataset).orders.time, TransactionsOf(two.dataset).orders.time);
  for (CleaningRule rule : kAllCleaningRules)
    EXPECT_EQ(Dropped(one.report, rule), Dropped(two.report, rule)) << CleaningRuleName(rule);
}

/// online_retail_netting.golden as key -> value.
const std::map<std::string, std::string>& NettingGolden() {
  static const std::map<std::string, std::string> golden =
      testing::ReadGolden(testing::GoldenPath("online_retail_netting.golden"));
  return golden;
}

TEST_F(OnlineRetailGolden, NettingCancellationsMatchesPandas) {
  const auto& golden = NettingGolden();
  ASSERT_FALSE(golden.empty());
  const auto count = [&](const std::string& key) {
    EXPECT_TRUE(golden.count(key)) << "golden file lacks " << key;
    return golden.count(key) ? std::stoll(golden.at(key)) : -1;
  };
  const CleanedData cleaned = Ingest(IngestOptions());
  const CleaningReport& report = cleaned.report;
  EXPECT_EQ(Dropped(report, CleaningRule::kDuplicate), count("drop.duplicate"));
  EXPECT_EQ(Dropped(report, CleaningRule::kMissingId), count("drop.missing_customer"));
  EXPECT_EQ(Dropped(report, CleaningRule::kCancelled), count("drop.cancelled"));
  EXPECT_EQ(Dropped(report, CleaningRule::kNonPositivePrice), count("drop.non_positive_price"));
  EXPECT_EQ(Dropped(report, CleaningRule::kNetCancellations), count("drop.net_cancellations"));
  EXPECT_EQ(report.rows_kept, count("rows_kept"));
  EXPECT_EQ(report.records - report.rows_kept, report.DroppedByRules() + report.MalformedTotal());

  const NettingReport& netting = report.netting;
  EXPECT_TRUE(netting.enabled);
  EXPECT_EQ(netting.cancellation_lines, count("netting.cancellation_lines"));
  EXPECT_EQ(netting.matched_lines, count("netting.matched_lines"));
  EXPECT_EQ(netting.partly_matched_lines, count("netting.partly_matched_lines"));
  EXPECT_EQ(netting.unmatched_lines, count("netting.unmatched_lines"));
  EXPECT_EQ(netting.units_cancelled, count("netting.units_cancelled"));
  EXPECT_EQ(netting.units_netted, count("netting.units_netted"));
  EXPECT_EQ(netting.UnitsUnmatched(), count("netting.units_unmatched"));
  EXPECT_EQ(netting.purchase_lines_removed, count("netting.purchase_lines_removed"));
  EXPECT_EQ(netting.purchase_lines_reduced, count("netting.purchase_lines_reduced"));
  ASSERT_GE(netting.unmatched.size(), 5u);
  for (size_t idx = 0; idx < 5; ++idx) {
    const std::string key = "unmatched." + std::to_string(idx);
    const UnmatchedCancellation& entry = netting.unmatched[idx];
    EXPECT_EQ(static_cast<int64_t>(entry.line), count(key + ".line"));
    EXPECT_EQ(entry.invoice, golden.at(key + ".invoice"));
    EXPECT_EQ(entry.customer, golden.at(key + ".customer"));
    EXPECT_EQ(entry.stock_code, golden.at(key + ".stock_code"));
    EXPECT_EQ(entry.units, count(key + ".units"));
    EXPECT_EQ(entry.unmatched, count(key + ".unmatched_units"));
  }

  const Dataset& dataset = cleaned.dataset;
  EXPECT_EQ(dataset.users().size(), static_cast<size_t>(count("kept.customers")));
  EXPECT_EQ(TransactionsOf(dataset).invoices.size(), static_cast<size_t>(count("kept.invoices")));
  double revenue = 0;
  for (size_t row = 0; row < dataset.rows(); ++row)
    revenue += TransactionsOf(dataset).AmountOfRow(row);
  EXPECT_NEAR(revenue, std::stod(golden.at("kept.revenue")), kRevenueTolerance);
}

TEST_F(OnlineRetailGolden, ProductsAfterNettingLeaveOutTheCancelledOrderAndPostage) {
  const auto& golden = NettingGolden();
  const auto number = [&](const std::string& key) { return std::stod(golden.at(key)); };
  const CleanedData netted = Ingest(IngestOptions());
  const ParetoCurve curve = ProductPareto(TransactionsOf(netted.dataset));
  EXPECT_EQ(curve.products.size(), std::stoull(golden.at("products")));
  EXPECT_EQ(curve.top_count, std::stoull(golden.at("products.top20_count")));
  EXPECT_NEAR(curve.top_share, number("products.top20_share"), 1e-9);
  EXPECT_NEAR(curve.product_revenue, number("product_revenue"), kRevenueTolerance);
  EXPECT_NEAR(curve.non_product_revenue, number("non_product_revenue"), kRevenueTolerance);
  for (size_t rank = 1; rank <= 10; ++rank) {
    const std::string key = "top." + std::to_string(rank);
    const ProductRevenue& product = curve.products[rank - 1];
    EXPECT_EQ(product.stock_code, golden.at(key + ".stock_code")) << key;
    EXPECT_NEAR(product.revenue, number(key + ".revenue"), kRevenueTolerance) << key;
    EXPECT_EQ(product.quantity, std::stoll(golden.at(key + ".quantity"))) << key;
  }
  // PAPER CRAFT, LITTLE BIRDIE: its one sale, 80,995 units, was taken back by C581484.
  EXPECT_EQ(golden.at("product.23843.revenue"), "absent");
  for (const ProductRevenue& product : curve.products) EXPECT_NE(product.stock_code, "23843");
  // Postage and the like: their own lines, every one pandas finds.
  size_t listed = 0;
  for (const auto& [key, value] : golden)
    if (key.starts_with("non_product.") && key.ends_with(".revenue")) ++listed;
  ASSERT_EQ(curve.non_products.size(), listed);
  for (const ProductRevenue& line : curve.non_products) {
    std::string code = line.stock_code;
    std::replace(code.begin(), code.end(), ' ', '_');
    EXPECT_NEAR(line.revenue, number("non_product." + code + ".revenue"), kRevenueTolerance)
        << code;
    EXPECT_EQ(line.quantity, std::stoll(golden.at("non_product." + code + ".quantity"))) << code;
  }
  // The seed's plain rule keeps the cancelled order: 23843 is then the top product.
  const CleanedData plain_data = Ingest(PlainRule());
  const ParetoCurve plain = ProductPareto(TransactionsOf(plain_data.dataset));
  EXPECT_EQ(plain.products.front().stock_code, golden.at("plain.top.1.stock_code"));
  EXPECT_NEAR(plain.products.front().revenue, number("plain.top.1.revenue"), kRevenueTolerance);
}

}  // namespace
}  // namespace growthlens
