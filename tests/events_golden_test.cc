// The events reader against pandas (tests/golden/make_events_golden.py): the BPI Challenge 2012
// event log read as events, its ISO times with +01:00/+02:00 offsets normalised to UTC, gives
// pandas' rows, users, event names, UTC days and milliseconds of the day. Every value is an
// integer: the tolerance is 0.

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <string>

#include "bpic2012_options.h"
#include "core/date.h"
#include "dataset_kinds.h"
#include "prep/ingest.h"
#include "test_data.h"

namespace growthlens {
namespace {

TEST(EventsGolden, Bpic2012ReadsAsPandasReadsIt) {
  const std::string text = testing::ReadXz(testing::PublicDataPath("bpic2012_events.csv.xz"));
  ASSERT_FALSE(text.empty()) << "could not decompress bpic2012_events.csv.xz (is xz installed?)";
  const IngestOptions options = testing::Bpic2012EventOptions();
  const Result<CleanedData> data = IngestText(text, "bpic2012_events.csv", options);
  ASSERT_TRUE(data.ok()) << data.status().message();
  const UsageLog& log = UsageOf(data->dataset);
  const std::map<std::string, std::string> golden =
      testing::ReadGolden(testing::GoldenPath("bpic2012_events.golden"));
  ASSERT_FALSE(golden.empty());

  EXPECT_EQ(std::to_string(log.rows()), golden.at("rows"));
  EXPECT_EQ(std::to_string(log.users.size()), golden.at("users"));
  EXPECT_EQ(std::to_string(log.features.size()), golden.at("events"));
  EXPECT_EQ(
      std::to_string(data->report.rules[static_cast<size_t>(CleaningRule::kDuplicate)].dropped),
      golden.at("duplicates"));
  int64_t day_sum = 0, ms_sum = 0;
  Day first = INT32_MAX, last = INT32_MIN;
  std::map<Day, std::pair<int64_t, std::set<uint32_t>>> per_day;
  for (size_t row = 0; row < log.rows(); ++row) {
    const Day day = log.usage.day[row];
    day_sum += day;
    ms_sum += log.usage.ms_of_day[row];
    first = std::min(first, day);
    last = std::max(last, day);
    ++per_day[day].first;
    per_day[day].second.insert(log.usage.user[row]);
  }
  EXPECT_EQ(FormatDate(first), golden.at("first_day"));
  EXPECT_EQ(FormatDate(last), golden.at("last_day"));
  EXPECT_EQ(std::to_string(day_sum), golden.at("day_sum"));
  EXPECT_EQ(std::to_string(ms_sum), golden.at("ms_sum"));

  std::ifstream days(testing::GoldenPath("bpic2012_events_days.csv"));
  std::string line;
  size_t days_checked = 0;
  while (std::getline(days, line)) {
    if (line.empty() || line[0] == '#' || line.starts_with("day,")) continue;
    const size_t comma = line.find(',');
    const size_t second = line.find(',', comma + 1);
    const std::optional<Day> day = ParseIsoDate(line.substr(0, comma));
    ASSERT_TRUE(day.has_value()) << line;
    const auto found = per_day.find(*day);
    ASSERT_NE(found, per_day.end()) << line;
    EXPECT_EQ(std::to_string(found->second.first), line.substr(comma + 1, second - comma - 1))
        << line;
    EXPECT_EQ(std::to_string(found->second.second.size()), line.substr(second + 1)) << line;
    ++days_checked;
  }
  EXPECT_EQ(days_checked, per_day.size());
}

}  // namespace
}  // namespace growthlens
