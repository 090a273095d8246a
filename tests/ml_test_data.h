#pragma once
// Inputs of the ML tests: the golden points, centres and labels written by
// tests/golden/make_kmeans_golden.py, and the scaled Online Retail RFM table (ingested once per
// test run and shared by every test that needs it).

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "metrics/rfm.h"
#include "ml/feature_matrix.h"
#include "ml/feature_transform.h"
#include "ml/rfm_features.h"
#include "prep/ingest.h"
#include "test_data.h"

namespace growthlens::testing {

/// A golden CSV as a header and rows of fields (plain commas, no quoting in these files).
struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  size_t Column(const std::string& name) const {
    for (size_t idx = 0; idx < header.size(); ++idx) {
      if (header[idx] == name) return idx;
    }
    ADD_FAILURE() << "no column " << name;
    return 0;
  }
};

inline CsvTable ReadSimpleCsv(const std::string& name) {
  std::ifstream in(GoldenPath(name));
  EXPECT_TRUE(in.good()) << name;
  CsvTable table;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::string> fields;
    std::stringstream stream(line);
    std::string field;
    while (std::getline(stream, field, ',')) fields.push_back(field);
    if (table.header.empty()) {
      table.header = std::move(fields);
    } else {
      table.rows.push_back(std::move(fields));
    }
  }
  return table;
}

/// strtod: correctly rounded, so "%.17g" text gives back the exact double Python wrote.
inline double ParseDouble(const std::string& text) {
  return std::strtod(text.c_str(), nullptr);
}

inline std::vector<double> ParseDoubles(const std::string& text) {
  std::vector<double> values;
  std::stringstream stream(text);
  std::string word;
  while (stream >> word) values.push_back(ParseDouble(word));
  return values;
}

/// The 2,000 x 4 golden points (columns x0..x3).
inline const ml::FeatureMatrix& GoldenPoints() {
  static const ml::FeatureMatrix points = [] {
    const CsvTable table = ReadSimpleCsv("kmeans_points.csv");
    std::vector<double> values;
    for (const auto& row : table.rows) {
      for (size_t col = 0; col < 4; ++col) values.push_back(ParseDouble(row[col]));
    }
    return ml::FeatureMatrix::FromRowMajor(table.rows.size(), 4, std::move(values)).value();
  }();
  return points;
}

/// An integer column of a golden CSV.
inline std::vector<int32_t> GoldenLabels(const std::string& file, const std::string& column) {
  const CsvTable table = ReadSimpleCsv(file);
  const size_t col = table.Column(column);
  std::vector<int32_t> labels;
  for (const auto& row : table.rows) labels.push_back(std::stoi(row[col]));
  return labels;
}

inline std::map<std::string, std::string> MlGolden(const std::string& name) {
  return ReadGolden(GoldenPath(name));
}

inline double GoldenNumber(const std::map<std::string, std::string>& golden,
                           const std::string& key) {
  const auto found = golden.find(key);
  EXPECT_NE(found, golden.end()) << key;
  return found == golden.end() ? std::nan("") : ParseDouble(found->second);
}

/// |actual - expected| <= tolerance * max(1, |expected|).
inline ::testing::AssertionResult RelativelyClose(double actual, double expected,
                                                  double tolerance) {
  if (std::abs(actual - expected) <= tolerance * std::max(1.0, std::abs(expected)))
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << actual << " vs expected " << expected << " (diff " << actual - expected
         << ", tolerance " << tolerance << " relative)";
}

/// The clean Online Retail RFM table (recency, frequency, monetary) and its log1p + standard
/// scaled version, in ascending CustomerID order.
struct RetailRfm {
  ml::FeatureMatrix raw;
  ml::FeatureTransform transform;
  ml::FeatureMatrix scaled;
};

inline const RetailRfm& OnlineRetailRfm() {
  static const std::unique_ptr<RetailRfm> rfm = [] {
    Result<CleanedData> data = IngestText(ReadXz(PublicDataPath("online_retail.csv.xz")),
                                          "online_retail.csv", IngestOptions());
    EXPECT_TRUE(data.ok()) << data.status().message();
    auto result = std::make_unique<RetailRfm>();
    if (!data.ok()) return result;
    result->raw = ml::RfmFeatures(ComputeRfm(data->dataset, RfmOptions()));
    Result<ml::FeatureTransform> transform = ml::FeatureTransform::Fit(result->raw);
    EXPECT_TRUE(transform.ok()) << transform.status().message();
    result->transform = *transform;
    result->scaled = transform->Apply(result->raw).value();
    return result;
  }();
  return *rfm;
}

}  // namespace growthlens::testing

namespace growthlens::testing {

/// Seeded Gaussian blobs: `clusters` centres uniform in [-10, 10]^dims, unit spread (Box-Muller
/// on std::mt19937_64, written out so every standard library gives the same points).
inline ml::FeatureMatrix MakeBlobs(size_t rows, size_t dims, size_t clusters, uint64_t seed,
                                   double spread = 1.0) {
  std::mt19937_64 rng(seed);
  const auto uniform = [&] { return static_cast<double>(rng() >> 11) * 0x1.0p-53; };
  std::vector<double> centres(clusters * dims);
  for (double& value : centres) value = -10.0 + 20.0 * uniform();
  ml::FeatureMatrix x(rows, dims);
  for (size_t row = 0; row < rows; ++row) {
    const size_t cluster = row % clusters;
    for (size_t dim = 0; dim < dims; ++dim) {
      const double radius = std::sqrt(-2.0 * std::log(1.0 - uniform()));
      const double normal = radius * std::cos(6.283185307179586 * uniform());
      x(row, dim) = centres[cluster * dims + dim] + spread * normal;
    }
  }
  return x;
}

}  // namespace growthlens::testing
