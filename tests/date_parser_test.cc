#include "io/date_parser.h"

#include <gtest/gtest.h>

namespace growthlens {
namespace {

Timestamp At(int year, int month, int day, int hour = 0, int minute = 0, int second = 0) {
  return static_cast<Timestamp>(DaysFromCivil(year, month, day)) * kSecondsPerDay + hour * 3600 +
         minute * 60 + second;
}

TEST(CivilDays, RoundTripsAcrossCenturiesAndLeapDays) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
  for (Day day = -800'000; day <= 800'000; day += 37) {
    const CivilDate date = CivilFromDays(day);
    ASSERT_EQ(DaysFromCivil(date.year, date.month, date.day), day);
  }
  EXPECT_EQ(WeekdayOf(DaysFromCivil(2011, 12, 9)), 4);  // a Friday
  EXPECT_EQ(FormatMonth(MonthIndexOf(DaysFromCivil(2010, 12, 31))), "2010-12");
  EXPECT_EQ(FormatMonth(MonthIndexOf(DaysFromCivil(1969, 1, 5))), "1969-01");
  EXPECT_EQ(FormatTimestamp(At(2011, 12, 9, 12, 50)), "2011-12-09 12:50:00");
}

TEST(DateParser, IsoForms) {
  EXPECT_EQ(ParseIsoTimestamp("2011-12-09"), At(2011, 12, 9));
  EXPECT_EQ(ParseIsoTimestamp("2011-12-09 12:50"), At(2011, 12, 9, 12, 50));
  EXPECT_EQ(ParseIsoTimestamp("2011-12-09 12:50:07"), At(2011, 12, 9, 12, 50, 7));
  EXPECT_EQ(ParseIsoTimestamp("2017-01-21 22:11:48.556739"), At(2017, 1, 21, 22, 11, 48));
  EXPECT_EQ(ParseIsoTimestamp("2011-10-01T00:38:44.546+02:00"), At(2011, 9, 30, 22, 38, 44));
  EXPECT_EQ(ParseIsoTimestamp("2011-10-01T00:38:44Z"), At(2011, 10, 1, 0, 38, 44));
  EXPECT_EQ(ParseIsoTimestamp("2012-02-29"), At(2012, 2, 29));
}

TEST(DateParser, RejectsInvalidIso) {
  for (const char* bad :
       {"", "2011-13-01", "2011-02-29", "2011-12-32", "2011-12-9", "11-12-09", "2011-12-09 25:00",
        "2011-12-09 12:60", "2011-12-09 12:50:00 junk", "2011/12/09", "yesterday"})
    EXPECT_FALSE(ParseIsoTimestamp(bad).has_value()) << bad;
}

TEST(DateParser, KaggleMonthFirst) {
  EXPECT_EQ(ParseMonthDayYear("12/1/2010 8:26"), At(2010, 12, 1, 8, 26));
  EXPECT_EQ(ParseMonthDayYear("1/13/2011 14:05:09"), At(2011, 1, 13, 14, 5, 9));
  EXPECT_EQ(ParseMonthDayYear("2/29/2012"), At(2012, 2, 29));
  EXPECT_FALSE(ParseMonthDayYear("13/1/2011 8:26").has_value());
  EXPECT_FALSE(ParseMonthDayYear("12/1/10 8:26").has_value());
}

TEST(DateParser, AutoPicksTheFormPerValue) {
  const Result<DateParser> parser = DateParser::FromSpec("auto");
  ASSERT_TRUE(parser.ok());
  EXPECT_EQ(parser->Parse("2010-12-01 08:26:00"), At(2010, 12, 1, 8, 26));
  EXPECT_EQ(parser->Parse("12/1/2010 8:26"), At(2010, 12, 1, 8, 26));
  EXPECT_FALSE(parser->Parse("1.12.2010").has_value());
}

TEST(DateParser, ExplicitFormat) {
  const Result<DateParser> european = DateParser::FromSpec("%d.%m.%Y %H:%M");
  ASSERT_TRUE(european.ok());
  EXPECT_EQ(european->Parse("01.12.2010 08:26"), At(2010, 12, 1, 8, 26));
  EXPECT_FALSE(european->Parse("2010-12-01 08:26").has_value());
  const Result<DateParser> named = DateParser::FromSpec("%d-%b-%y %I");
  EXPECT_FALSE(named.ok());  // %I is not supported: the message must say so
  EXPECT_NE(named.status().message().find("unsupported"), std::string::npos);
  const Result<DateParser> short_year = DateParser::FromSpec("%d-%b-%y %H:%M %p");
  ASSERT_TRUE(short_year.ok());
  EXPECT_EQ(short_year->Parse("09-Dec-11 12:50 PM"), At(2011, 12, 9, 12, 50));
  EXPECT_EQ(short_year->Parse("09-dec-11 12:50 AM"), At(2011, 12, 9, 0, 50));
  EXPECT_FALSE(DateParser::FromSpec("%m/%d").ok());  // no year
}

}  // namespace
}  // namespace growthlens
