// RoundCsvNumbers: the Downloads page's one number format for spreadsheets.
#include "server/rounded_csv.h"

#include <gtest/gtest.h>

namespace growthlens::server {
namespace {

TEST(RoundedCsv, LongDecimalsAndExponentsAreRoundedOtherFieldsKept) {
  EXPECT_EQ(RoundCsvNumbers("feature,share,users\nSearch,0.3427383308708056,1200\n"),
            "feature,share,users\nSearch,0.342738,1200\n");
  EXPECT_EQ(RoundCsvNumbers("a,b,c\n1234.5699999999999,-0.00000001,1.5e-09\n"),
            "a,b,c\n1234.57,0,0\n");
  EXPECT_EQ(RoundCsvNumbers("a,b\n2.5e+03,-7.1250000001\r\n"), "a,b\n2500,-7.125\r\n");
  // Six decimals or fewer, integers, dates, text and quoted fields stay as written.
  const std::string kept =
      "day,x,y,name,note\n2024-01-02,0.123456,42,\"0.3427383308708056\",'=1.23456789\n"
      "2024-01-03,,-3,\"a \"\"quoted\"\", 1.23456789\",inf\n";
  EXPECT_EQ(RoundCsvNumbers(kept), kept);
  // Beyond 1e15 fixed notation would invent digits: kept.
  EXPECT_EQ(RoundCsvNumbers("x\n1.2345678901234567e+20"), "x\n1.2345678901234567e+20");
  EXPECT_EQ(RoundCsvNumbers("x\n0.123456789", 2), "x\n0.12");
  EXPECT_EQ(RoundCsvNumbers(""), "");
}

}  // namespace
}  // namespace growthlens::server
