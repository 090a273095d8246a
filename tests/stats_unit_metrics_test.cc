// Per-user experiment pieces below the CLI: the parallel per-arm sums (thread-count independent,
// equal to plain two-pass moments), metrics per arm (rates, ratios, CUPED) against the
// sums-based engine functions, the always-valid p-value against its interval, the control
// choice, and the per-user CSV reader (chunks, labels, errors in file order).

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "io/unit_table_reader.h"
#include "stats/arm_stats.h"
#include "stats/cuped.h"
#include "stats/experiment_analysis.h"
#include "stats/sequential.h"
#include "stats/unit_metrics.h"
#include "stats/unit_sums.h"

namespace growthlens {
namespace {

/// Deterministic pseudo-random per-user data: arm codes, a metric y, a correlated covariate x.
struct Units {
  std::vector<std::uint32_t> arm;
  std::vector<double> y, x, binary, count;
};

Units MakeUnits(std::size_t rows) {
  Units units;
  std::uint64_t state = 12345;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) / 9007199254740992.0;
  };
  for (std::size_t row = 0; row < rows; ++row) {
    const std::uint32_t arm = next() < 0.5 ? 0 : 1;
    const double x = 1000.0 + 50.0 * next();
    units.arm.push_back(arm);
    units.x.push_back(x);
    units.y.push_back(0.8 * x + 10.0 * next() + (arm == 1 ? 2.0 : 0.0));
    units.binary.push_back(next() < 0.3 + 0.05 * arm ? 1.0 : 0.0);
    units.count.push_back(std::floor(4.0 * next()));
  }
  return units;
}

struct TwoPass {
  double n = 0, mean_y = 0, var_y = 0, mean_x = 0, var_x = 0, cov = 0;
};

TwoPass Moments(const Units& units, std::uint32_t arm, const std::vector<double>& y,
                const std::vector<double>& x) {
  TwoPass out;
  for (std::size_t row = 0; row < y.size(); ++row) {
    if (units.arm[row] != arm) continue;
    out.n += 1;
    out.mean_y += y[row];
    out.mean_x += x[row];
  }
  out.mean_y /= out.n;
  out.mean_x /= out.n;
  for (std::size_t row = 0; row < y.size(); ++row) {
    if (units.arm[row] != arm) continue;
    out.var_y += (y[row] - out.mean_y) * (y[row] - out.mean_y);
    out.var_x += (x[row] - out.mean_x) * (x[row] - out.mean_x);
    out.cov += (y[row] - out.mean_y) * (x[row] - out.mean_x);
  }
  out.var_y /= out.n - 1;
  out.var_x /= out.n - 1;
  out.cov /= out.n - 1;
  return out;
}

stats::UnitMetricColumns Column(std::string name, stats::MetricType type,
                                std::span<const double> values,
                                std::span<const double> denominator = {},
                                std::string covariate_name = "",
                                std::span<const double> covariate = {}) {
  stats::UnitMetricColumns column;
  column.name = std::move(name);
  column.type = type;
  column.values = values;
  column.denominator = denominator;
  column.covariate_name = std::move(covariate_name);
  column.covariate = covariate;
  return column;
}

stats::LiftEstimate Lift(double estimate, double std_error) {
  stats::LiftEstimate lift;
  lift.estimate = estimate;
  lift.std_error = std_error;
  return lift;
}

UnitTableRequest Request(std::vector<UnitColumnRequest> columns, unsigned threads) {
  UnitTableRequest request;
  request.label_column = 1;
  request.columns = std::move(columns);
  request.threads = threads;
  return request;
}

bool Near(double actual, double expected, double tolerance = 1e-11) {
  return std::fabs(actual - expected) <= tolerance * std::max(1.0, std::fabs(expected));
}

TEST(UnitSumsTest, ThreadCountDoesNotChangeTheSums) {
  const Units units = MakeUnits(200'000);
  auto one = stats::SumByArm(units.arm, 2, units.y, units.x, 1);
  auto two = stats::SumByArm(units.arm, 2, units.y, units.x, 2);
  ASSERT_TRUE(one.ok() && two.ok());
  for (std::size_t arm = 0; arm < 2; ++arm) {
    EXPECT_EQ(one->arms[arm].sum_y, two->arms[arm].sum_y);
    EXPECT_EQ(one->arms[arm].sum_xy, two->arms[arm].sum_xy);
    EXPECT_EQ(one->arms[arm].sum_x_squares, two->arms[arm].sum_x_squares);
  }
  EXPECT_NEAR(one->shift_x, 1025.0, 2.0);  // the rounded mean of the first values
  EXPECT_EQ(one->shift_x, std::round(one->shift_x));
}

TEST(UnitSumsTest, RejectsBadShapesAndCodes) {
  const std::vector<std::uint32_t> arm = {0, 1, 2};
  const std::vector<double> y = {1, 2, 3};
  EXPECT_FALSE(stats::SumByArm(arm, 2, y).ok());  // code 2 with 2 arms
  EXPECT_FALSE(stats::SumByArm(arm, 3, std::vector<double>{1, 2}).ok());
}

TEST(UnitMetricsTest, MeansRatesRatiosAndCupedAgreeWithTwoPassMoments) {
  const Units units = MakeUnits(50'000);
  const std::vector<std::string> arms = {"control", "treatment"};
  auto mean =
      stats::SummarizeUnitMetric(units.arm, arms, Column("y", stats::MetricType::kMean, units.y));
  ASSERT_TRUE(mean.ok()) << mean.status().message();
  for (std::uint32_t arm = 0; arm < 2; ++arm) {
    const TwoPass expected = Moments(units, arm, units.y, units.x);
    EXPECT_EQ(mean->arms[arm].n, expected.n);
    EXPECT_TRUE(Near(mean->arms[arm].mean, expected.mean_y));
    EXPECT_TRUE(Near(mean->arms[arm].variance, expected.var_y, 1e-9));
  }

  auto rate = stats::SummarizeUnitMetric(units.arm, arms,
                                         Column("b", stats::MetricType::kProportion, units.binary));
  ASSERT_TRUE(rate.ok());
  for (std::uint32_t arm = 0; arm < 2; ++arm) {
    double successes = 0;
    for (std::size_t row = 0; row < units.arm.size(); ++row)
      if (units.arm[row] == arm) successes += units.binary[row];
    EXPECT_EQ(static_cast<double>(rate->successes[arm]), successes);
  }

  auto ratio = stats::SummarizeUnitMetric(
      units.arm, arms, Column("y_per_count", stats::MetricType::kRatio, units.y, units.count));
  ASSERT_TRUE(ratio.ok()) << ratio.status().message();
  for (std::uint32_t arm = 0; arm < 2; ++arm) {
    const TwoPass expected = Moments(units, arm, units.y, units.count);
    const double ratio_mean = expected.mean_y / expected.mean_x;
    const double variance = stats::VarianceOfRatio(expected.mean_y, expected.var_y, expected.mean_x,
                                                   expected.var_x, expected.cov);
    EXPECT_TRUE(Near(ratio->arms[arm].mean, ratio_mean));
    EXPECT_TRUE(Near(ratio->arms[arm].variance, variance, 1e-9));
  }

  auto cuped = stats::SummarizeUnitMetric(
      units.arm, arms, Column("y", stats::MetricType::kMean, units.y, {}, "x", units.x));
  ASSERT_TRUE(cuped.ok() && cuped->cuped);
  // theta = cov(x, y) / var(x) over both arms pooled, from two passes over all rows.
  double mx = 0, my = 0;
  for (std::size_t row = 0; row < units.y.size(); ++row) mx += units.x[row], my += units.y[row];
  mx /= static_cast<double>(units.y.size());
  my /= static_cast<double>(units.y.size());
  double sxy = 0, sxx = 0;
  for (std::size_t row = 0; row < units.y.size(); ++row) {
    sxy += (units.x[row] - mx) * (units.y[row] - my);
    sxx += (units.x[row] - mx) * (units.x[row] - mx);
  }
  const double theta = sxy / sxx;
  EXPECT_TRUE(Near(cuped->cuped->theta, theta, 1e-9));
  for (std::uint32_t arm = 0; arm < 2; ++arm) {
    const TwoPass expected = Moments(units, arm, units.y, units.x);
    EXPECT_TRUE(
        Near(cuped->cuped->arms[arm].mean, expected.mean_y - theta * (expected.mean_x - mx), 1e-9));
    EXPECT_TRUE(Near(cuped->cuped->arms[arm].variance,
                     expected.var_y + theta * theta * expected.var_x - 2 * theta * expected.cov,
                     1e-8));
    EXPECT_GT(cuped->cuped->variance_reduction[arm], 0.5);  // y follows x closely
  }

  EXPECT_FALSE(stats::SummarizeUnitMetric(
                   units.arm, arms,
                   Column("r", stats::MetricType::kRatio, units.y, units.count, "x", units.x))
                   .ok());
}

TEST(SequentialTest, AlwaysValidPValueAgreesWithTheInterval) {
  for (double n : {100.0, 5000.0, 1e6}) {
    for (double z : {0.0, 0.5, 1.96, 2.5, 3.0, 4.0, 6.0}) {
      const stats::LiftEstimate lift = Lift(z * 0.1, 0.1);
      auto interval = stats::SequentialInterval(lift, n);
      auto p = stats::SequentialPValue(lift, n);
      ASSERT_TRUE(interval.ok() && p.ok());
      EXPECT_EQ(*p < 0.05, interval->significant) << "n " << n << " z " << z << " p " << *p;
      EXPECT_GE(*p, 2.0 * (1.0 - 0.5 * std::erfc(-z / std::sqrt(2.0))) - 1e-12)
          << "never below the fixed-horizon p";
    }
  }
  EXPECT_EQ(*stats::SequentialPValue(Lift(0.0, 0.1), 1000), 1.0);
  auto lift = stats::SequentialLift(Lift(0.3, 0.1), 5000);
  ASSERT_TRUE(lift.ok());
  EXPECT_EQ(lift->estimate, 0.3);
  EXPECT_LT(lift->ci_low, 0.3 - 1.96 * 0.1);
}

TEST(ExperimentAnalysisTest, ControlIsNamedOrCalledControlOrFirst) {
  const std::vector<std::string> arms = {"B", "Control", "C"};
  EXPECT_EQ(*stats::FindControl(arms, ""), 1u);
  EXPECT_EQ(*stats::FindControl(arms, "C"), 2u);
  EXPECT_EQ(*stats::FindControl(std::vector<std::string>{"x", "y"}, ""), 0u);
  auto missing = stats::FindControl(arms, "A");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "no variant named 'A' (variants: B, Control, C)");
}

TEST(ExperimentAnalysisTest, MetricWithoutControlDataIsAnError) {
  const std::vector<std::string> arms = {"A", "B"};
  const std::vector<std::int64_t> users = {100, 100};
  stats::MetricArms metric;
  metric.name = "m";
  metric.arms = {stats::ArmMoments{}, stats::ArmMoments{100, 1.0, 1.0}};
  auto analysis = stats::AnalyzeExperiment(arms, users, std::vector{metric}, {});
  ASSERT_FALSE(analysis.ok());
  EXPECT_EQ(analysis.status().message(), "metric 'm' has no data for the control 'A'");
}

/// A per-user CSV of `rows` rows, big enough to be cut into chunks.
std::string PerUserText(std::size_t rows, const std::string& bad_cell = "", std::size_t at = 0) {
  std::string text = "user_id,arm,value,flag\n";
  for (std::size_t row = 0; row < rows; ++row) {
    const std::string value = row == at && !bad_cell.empty() ? bad_cell : std::to_string(row % 97);
    text += std::to_string(row) + "," + (row % 3 == 0 ? "B" : "A") + "," + value + "," +
            (row % 2 == 0 ? "true" : "False") + "\n";
  }
  return text;
}

TEST(UnitTableReaderTest, ChunkedReadEqualsOneThread) {
  const std::string text = PerUserText(300'000);  // ~5 MB: several chunks on two threads
  auto preview = PreviewCsv(text, "units.csv");
  ASSERT_TRUE(preview.ok());
  auto one = ReadUnitTable(text, "units.csv", *preview, Request({{2, false}, {3, false}}, 1));
  auto two = ReadUnitTable(text, "units.csv", *preview, Request({{2, false}, {3, false}}, 2));
  ASSERT_TRUE(one.ok() && two.ok());
  EXPECT_EQ(one->rows(), 300'000u);
  EXPECT_EQ(one->labels, (std::vector<std::string>{"B", "A"}));  // first-seen order
  EXPECT_EQ(one->label, two->label);
  EXPECT_EQ(one->values, two->values);
  EXPECT_EQ(two->binary, (std::vector<bool>{false, true}));
  EXPECT_EQ(two->values[1][0], 1.0);  // "true"
  EXPECT_EQ(two->values[1][1], 0.0);  // "False"
}

TEST(UnitTableReaderTest, FirstErrorInFileOrderWithItsLine) {
  const std::string text = PerUserText(300'000, "n/a", 250'000);
  auto preview = PreviewCsv(text, "units.csv");
  ASSERT_TRUE(preview.ok());
  auto table = ReadUnitTable(text, "units.csv", *preview, Request({{2, false}}, 2));
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.status().message(),
            "units.csv:250002:3: column 'value': expected a number, found 'n/a'");
}

TEST(UnitTableReaderTest, QuotedFieldsWithLineBreaksAndValues) {
  const std::string text =
      "user,arm,note,value\n1,A,\"two\nlines\",1.5\n2,B,\"x, y\",2\n3,A,plain,-0.25\n";
  auto preview = PreviewCsv(text, "q.csv");
  ASSERT_TRUE(preview.ok());
  auto table = ReadUnitTable(text, "q.csv", *preview, Request({{3, false}}, 2));
  ASSERT_TRUE(table.ok()) << table.status().message();
  EXPECT_EQ(std::vector<double>(table->values[0].begin(), table->values[0].end()),
            (std::vector<double>{1.5, 2, -0.25}));
  EXPECT_FALSE(ParseUnitValue("nan", false).has_value());
  EXPECT_FALSE(ParseUnitValue("inf", false).has_value());
  EXPECT_FALSE(ParseUnitValue("", false).has_value());
  EXPECT_EQ(*ParseUnitValue(" 7 ", false), 7.0);
  EXPECT_EQ(*ParseUnitValue("2,5", true), 2.5);
}

// Issue 14.3: escaped quotes in two fields of a record (the second copy once moved the first).
TEST(UnitTableReaderTest, EscapedQuotesInSeveralFieldsKeepTheLabels) {
  std::string text = "user,arm,value\n";
  for (int row = 0; row < 40; ++row)
    text += std::string(1, '"') + std::to_string(row) + "\"\"\",\"" + (row % 2 == 0 ? "A" : "B") +
            "\"\"\"," + std::to_string(row) + "\n";
  auto preview = PreviewCsv(text, "q.csv");
  ASSERT_TRUE(preview.ok());
  auto table = ReadUnitTable(text, "q.csv", *preview, Request({{2, false}}, 1));
  ASSERT_TRUE(table.ok()) << table.status().message();
  EXPECT_EQ(table->labels, (std::vector<std::string>{"A\"", "B\""}));
  EXPECT_EQ(table->rows(), 40u);
}

TEST(UnitTableReaderTest, FastDecimalsAreTheDoublesFromCharsGives) {
  std::uint64_t state = 99;
  for (int round = 0; round < 200'000; ++round) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const std::string digits = std::to_string((state >> 20) % 1'000'000'000'000'000ULL);
    const size_t fraction = (state >> 8) % (digits.size() + 1);  // digits after the point
    const std::string whole = digits.substr(0, digits.size() - fraction);
    const std::string text = std::string(state & 1 ? "-" : "") + (whole.empty() ? "0" : whole) +
                             (fraction > 0 ? "." + digits.substr(digits.size() - fraction) : "");
    double expected = 0;
    std::from_chars(text.data(), text.data() + text.size(), expected);
    const std::optional<double> parsed = ParseUnitValue(text, false);
    ASSERT_TRUE(parsed.has_value()) << text;
    ASSERT_EQ(*parsed, expected) << text;
  }
  EXPECT_EQ(*ParseUnitValue("1e3", false), 1000.0);  // not plain: the general path
  EXPECT_EQ(*ParseUnitValue("12345678901234567", false), 12345678901234567.0);
}

}  // namespace
}  // namespace growthlens
