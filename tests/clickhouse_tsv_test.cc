#include "warehouse/clickhouse_tsv.h"

#include <gtest/gtest.h>

#include <cstdint>

#include "warehouse/clickhouse_client.h"

namespace growthlens::warehouse {
namespace {

TEST(ClickHouseTsv, FieldsNumbersAndArrays) {
  const std::vector<std::string_view> fields = TsvFields("u\\t1\t20000\t[1,2,300]\t[]");
  ASSERT_EQ(fields.size(), 4u);
  EXPECT_EQ(UnescapeTsv(fields[0]), "u\t1");
  uint16_t day = 0;
  ASSERT_TRUE(ParseTsvNumber(fields[1], day, "a day").ok());
  EXPECT_EQ(day, 20000);
  std::vector<uint32_t> items;
  ASSERT_TRUE(ParseTsvNumberArray(fields[2], items, "codes").ok());
  EXPECT_EQ(items, (std::vector<uint32_t>{1, 2, 300}));
  ASSERT_TRUE(ParseTsvNumberArray(fields[3], items, "codes").ok());
  EXPECT_TRUE(items.empty());
  EXPECT_TRUE(ExpectTsvFields(fields, 4, "a row").ok());
}

TEST(ClickHouseTsv, MalformedAnswersAreErrorsNamingWhat) {
  uint16_t day = 0;
  const Status too_big = ParseTsvNumber("70000", day, "a first day");
  ASSERT_FALSE(too_big.ok());
  EXPECT_NE(too_big.message().find("'70000' for a first day"), std::string::npos);
  std::vector<uint32_t> items;
  EXPECT_FALSE(ParseTsvNumberArray("[1,x]", items, "codes").ok());
  EXPECT_FALSE(ParseTsvNumberArray("1,2", items, "codes").ok());
  EXPECT_FALSE(ParseTsvNumberArray("[1,]", items, "codes").ok());
  const Status short_row = ExpectTsvFields(TsvFields("a\tb"), 3, "a user's row");
  EXPECT_NE(short_row.message().find("2 fields for a user's row: expected 3"), std::string::npos);
}

TEST(ClickHouseClient, ConnectionFailuresAreToldFromRefusals) {
  // Nothing listens on port 1: the connection fails, and says so.
  Result<ClickHouseEndpoint> endpoint = ParseClickHouseUrl("clickhouse://127.0.0.1:1/db");
  ASSERT_TRUE(endpoint.ok());
  Result<ClickHouseClient> client = ClickHouseClient::Connect(*endpoint);
  ASSERT_FALSE(client.ok());
  EXPECT_TRUE(IsConnectionFailure(client.status()));
  EXPECT_NE(client.status().message().find(
                "ClickHouse at clickhouse://127.0.0.1:1/db: the query 'SELECT version()' failed: "
                "3 tries"),
            std::string::npos)
      << client.status().message();
  EXPECT_FALSE(IsConnectionFailure(Status(ErrorCode::kIoError, "Code: 60, DB::Exception")));
  EXPECT_FALSE(IsConnectionFailure(Status::Ok()));
}

}  // namespace
}  // namespace growthlens::warehouse
