// FeatureTransform (log1p + StandardScaler) against scikit-learn on the Online Retail RFM table
// (tests/golden/kmeans_rfm.golden): fitted mean and scale and transformed rows to 1e-9
// relative; re-application to new data, inversion, constant columns and bad input.

#include "ml/feature_transform.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "ml_test_data.h"

namespace growthlens::ml {
namespace {

using testing::GoldenNumber;
using testing::RelativelyClose;

constexpr double kSklearnTolerance = 1e-9;

TEST(FeatureTransformGolden, RfmLog1pStandardScalerMatchesSklearn) {
  const testing::RetailRfm& rfm = testing::OnlineRetailRfm();
  const auto golden = testing::MlGolden("kmeans_rfm.golden");
  ASSERT_EQ(rfm.raw.cols(), 3u);
  for (size_t col = 0; col < 3; ++col) {
    const std::string column = std::to_string(col);
    EXPECT_TRUE(RelativelyClose(rfm.transform.mean[col],
                                GoldenNumber(golden, "transform.mean." + column),
                                kSklearnTolerance));
    EXPECT_TRUE(RelativelyClose(rfm.transform.scale[col],
                                GoldenNumber(golden, "transform.scale." + column),
                                kSklearnTolerance));
  }
  for (const size_t row : {0u, 1u, 2u, 1000u, 4326u}) {
    for (size_t col = 0; col < 3; ++col) {
      const std::string key = "z." + std::to_string(row) + "." + std::to_string(col);
      EXPECT_TRUE(
          RelativelyClose(rfm.scaled(row, col), GoldenNumber(golden, key), kSklearnTolerance))
          << key;
    }
  }
}

TEST(FeatureTransformTest, ReappliesStoredParametersToNewRows) {
  const FeatureMatrix train =
      FeatureMatrix::FromRowMajor(4, 2, {0.0, 10.0, 1.0, 20.0, 3.0, 40.0, 7.0, 80.0}).value();
  const FeatureTransform transform = FeatureTransform::Fit(train).value();
  // Population std of log1p values: column 0 is log(1), log(2), log(4), log(8).
  const double ln2 = std::log(2.0);
  EXPECT_NEAR(transform.mean[0], 1.5 * ln2, 1e-15);
  EXPECT_NEAR(transform.scale[0], std::sqrt(1.25) * ln2, 1e-15);
  const FeatureMatrix fresh = FeatureMatrix::FromRowMajor(1, 2, {15.0, 5.0}).value();
  const FeatureMatrix z = transform.Apply(fresh).value();
  EXPECT_NEAR(z(0, 0), (std::log(16.0) - transform.mean[0]) / transform.scale[0], 1e-15);
  EXPECT_NEAR(z(0, 1), (std::log1p(5.0) - transform.mean[1]) / transform.scale[1], 1e-15);
  const FeatureMatrix back = transform.Invert(z).value();
  EXPECT_NEAR(back(0, 0), 15.0, 1e-12);
  EXPECT_NEAR(back(0, 1), 5.0, 1e-12);

  const FeatureTransform linear =
      FeatureTransform::Fit(train, FeatureTransformOptions{/*log1p=*/false}).value();
  EXPECT_NEAR(linear.mean[1], 37.5, 1e-12);
  const FeatureMatrix scaled = linear.Apply(train).value();
  double sum = 0, squares = 0;
  for (size_t row = 0; row < 4; ++row) {
    sum += scaled(row, 1);
    squares += scaled(row, 1) * scaled(row, 1);
  }
  EXPECT_NEAR(sum, 0.0, 1e-12);
  EXPECT_NEAR(squares / 4.0, 1.0, 1e-12) << "unit population variance";
}

TEST(FeatureTransformTest, FitApplyEqualsFitThenApplyBitForBit) {
  // Whole numbers below and above FitApply's log1p table, -0.0 and fractions.
  const size_t rows = 3'000;
  FeatureMatrix x(rows, 3);
  for (size_t row = 0; row < rows; ++row) {
    x(row, 0) = static_cast<double>(row);
    x(row, 1) = static_cast<double>(row * 3);
    x(row, 2) = row == 0 ? -0.0 : static_cast<double>(row) / 8.0 - 0.5;
  }
  const FeatureTransform fitted = FeatureTransform::Fit(x).value();
  const FeatureMatrix expected = fitted.Apply(x).value();
  for (const unsigned threads : {1u, 2u}) {
    FeatureTransform transform;
    const FeatureMatrix z = FeatureTransform::FitApply(x, transform, threads).value();
    EXPECT_EQ(transform.mean, fitted.mean);
    EXPECT_EQ(transform.scale, fitted.scale);
    ASSERT_EQ(z.rows(), rows);
    EXPECT_EQ(std::memcmp(z.values().data(), expected.values().data(),
                          expected.values().size() * sizeof(double)),
              0)
        << threads << " threads";
  }
}

TEST(FeatureTransformTest, ConstantColumnKeepsScaleOne) {
  const FeatureMatrix x = FeatureMatrix::FromRowMajor(3, 2, {5.0, 1.0, 5.0, 2.0, 5.0, 3.0}).value();
  const FeatureTransform transform = FeatureTransform::Fit(x).value();
  EXPECT_EQ(transform.scale[0], 1.0);
  EXPECT_NEAR(transform.Apply(x).value()(1, 0), 0.0, 1e-15);
}

TEST(FeatureTransformTest, RejectsBadInput) {
  EXPECT_FALSE(FeatureTransform::Fit(FeatureMatrix()).ok());
  const FeatureMatrix minus_one = FeatureMatrix::FromRowMajor(2, 1, {-1.0, 3.0}).value();
  const Result<FeatureTransform> domain = FeatureTransform::Fit(minus_one);
  ASSERT_FALSE(domain.ok());
  EXPECT_NE(domain.status().message().find("log1p needs values > -1"), std::string::npos);
  EXPECT_TRUE(FeatureTransform::Fit(minus_one, FeatureTransformOptions{false}).ok());
  const FeatureMatrix with_nan =
      FeatureMatrix::FromRowMajor(2, 1, {std::numeric_limits<double>::quiet_NaN(), 3.0}).value();
  EXPECT_FALSE(FeatureTransform::Fit(with_nan).ok());
  const FeatureTransform transform =
      FeatureTransform::Fit(FeatureMatrix::FromRowMajor(2, 1, {1.0, 3.0}).value()).value();
  EXPECT_FALSE(transform.Apply(FeatureMatrix(2, 2)).ok()) << "column count differs";
  EXPECT_FALSE(transform.Apply(minus_one).ok());
  EXPECT_FALSE(FeatureMatrix::FromRowMajor(2, 2, {1.0}).ok());
  const std::vector<double> a = {1, 2}, b = {1};
  const std::span<const double> columns[] = {a, b};
  EXPECT_FALSE(FeatureMatrix::FromColumns(columns).ok());
}

}  // namespace
}  // namespace growthlens::ml
