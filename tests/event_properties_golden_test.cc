// `growthlens usage --by PROPERTY` against pandas (tests/golden/make_event_properties_golden.py):
// the BPI Challenge 2012 event log read as events, its other columns as properties, split by
// org:resource, lifecycle:transition and case:AMOUNT_REQ. Events and users per value are
// integers (tolerance 0), in pandas' order (most events first, ties by value); adoption within
// 1e-9.

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "command_runner.h"
#include "test_data.h"

namespace growthlens {
namespace {

std::vector<std::string> SplitFields(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream stream(line);
  std::string field;
  while (std::getline(stream, field, ',')) fields.push_back(field);
  if (!line.empty() && line.back() == ',') fields.emplace_back();
  return fields;
}

class PropertiesGolden : public ::testing::TestWithParam<const char*> {};

TEST_P(PropertiesGolden, UsageByPropertyMatchesPandas) {
  static const std::string text =
      testing::ReadXz(testing::PublicDataPath("bpic2012_events.csv.xz"));
  ASSERT_FALSE(text.empty()) << "could not decompress bpic2012_events.csv.xz (is xz installed?)";
  const std::filesystem::path csv = std::filesystem::temp_directory_path() /
                                    ("growthlens_bpic_" + std::to_string(::getpid()) + ".csv");
  std::ofstream(csv) << text;
  const std::string property = GetParam();
  const testing::CommandResult run = testing::RunCommand(
      "usage " + csv.string() +
      " --kind events --user-col case:concept:name --time-col time:timestamp --event-col "
      "concept:name --by " +
      property + " --format csv --quiet");
  std::filesystem::remove(csv);
  ASSERT_EQ(run.exit_code, 0) << run.err;

  std::string file = property;
  std::replace(file.begin(), file.end(), ':', '_');
  std::ifstream golden(testing::GoldenPath("bpic2012_by_" + file + ".csv"));
  ASSERT_TRUE(golden.good()) << file;
  std::vector<std::vector<std::string>> expected;
  for (std::string line; std::getline(golden, line);)
    if (!line.empty() && line[0] != '#' && !line.starts_with("value,"))
      expected.push_back(SplitFields(line));
  std::stringstream out(run.out);
  std::string header;
  std::getline(out, header);
  ASSERT_EQ(header, "value,events,events_share,users,adoption");
  size_t row = 0;
  for (std::string line; std::getline(out, line); ++row) {
    ASSERT_LT(row, expected.size()) << line;
    const std::vector<std::string> got = SplitFields(line);
    ASSERT_EQ(got.size(), 5u) << line;
    EXPECT_EQ(got[0], expected[row][0]) << row;
    EXPECT_EQ(got[1], expected[row][1]) << got[0];
    EXPECT_EQ(got[3], expected[row][2]) << got[0];
    EXPECT_NEAR(std::stod(got[4]), std::stod(expected[row][3]), 1e-9) << got[0];
  }
  EXPECT_EQ(row, expected.size());
}

INSTANTIATE_TEST_SUITE_P(Bpic2012, PropertiesGolden,
                         ::testing::Values("org:resource", "lifecycle:transition",
                                           "case:AMOUNT_REQ"),
                         [](const ::testing::TestParamInfo<const char*>& param_info) {
                           std::string name;
                           for (const char* c = param_info.param; *c != '\0'; ++c)
                             if (std::isalnum(static_cast<unsigned char>(*c))) name += *c;
                           return name;
                         });

}  // namespace
}  // namespace growthlens
