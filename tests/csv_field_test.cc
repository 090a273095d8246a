// The CSV quoting every writer shares (core/csv_field.h): RFC 4180, quoted only when needed.
#include "core/csv_field.h"

#include <gtest/gtest.h>

#include <string>

namespace growthlens {
namespace {

std::string Appended(std::string_view field) {
  std::string out = "x,";
  AppendCsvField(field, out);
  return out;
}

TEST(CsvFieldTest, PlainTextIsCopiedAsItIs) {
  EXPECT_EQ(Appended("Dashboard"), "x,Dashboard");
  EXPECT_EQ(Appended(""), "x,");
  EXPECT_EQ(Appended("caf\xc3\xa9 'quoted' ; tab\there"), "x,caf\xc3\xa9 'quoted' ; tab\there");
}

TEST(CsvFieldTest, CommaQuoteAndLineBreaksAreQuoted) {
  EXPECT_EQ(Appended("a,b"), "x,\"a,b\"");
  EXPECT_EQ(Appended("line\nbreak"), "x,\"line\nbreak\"");
  EXPECT_EQ(Appended("carriage\rreturn"), "x,\"carriage\rreturn\"");
  EXPECT_EQ(Appended("12\" vinyl"), "x,\"12\"\" vinyl\"");
  EXPECT_EQ(Appended("\""), "x,\"\"\"\"");
}

TEST(CsvFieldTest, QuoteEqualsAppendToNothing) {
  for (const std::string_view field : {"plain", "", "a,b", "say \"hi\"", "two\nlines"}) {
    std::string appended;
    AppendCsvField(field, appended);
    EXPECT_EQ(QuoteCsvField(field), appended) << field;
  }
  EXPECT_EQ(QuoteCsvField("RED, WHITE \"HEART\""), "\"RED, WHITE \"\"HEART\"\"\"");
}

}  // namespace
}  // namespace growthlens
