#include "warehouse/clickhouse_url.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace growthlens::warehouse {
namespace {

TEST(ClickHouseUrl, HostPortDatabaseAndTls) {
  Result<ClickHouseEndpoint> plain =
      ParseClickHouseUrl("clickhouse://127.0.0.1:18123/product", "u", "p");
  ASSERT_TRUE(plain.ok()) << plain.status().message();
  EXPECT_FALSE(plain->https);
  EXPECT_EQ(plain->host, "127.0.0.1");
  EXPECT_EQ(plain->port, 18123);
  EXPECT_EQ(plain->database, "product");
  EXPECT_EQ(plain->user, "u");
  EXPECT_EQ(plain->password, "p");
  EXPECT_EQ(plain->Display(), "clickhouse://127.0.0.1:18123/product");

  Result<ClickHouseEndpoint> tls = ParseClickHouseUrl("clickhouse+https://ch.example.com/db_1");
  ASSERT_TRUE(tls.ok()) << tls.status().message();
  EXPECT_TRUE(tls->https);
  EXPECT_EQ(tls->port, 8443);  // the default TLS port of ClickHouse's HTTP interface
  EXPECT_TRUE(IsClickHouseUrl("clickhouse://h/d"));
  EXPECT_FALSE(IsClickHouseUrl("/home/me/clickhouse.glw"));
}

TEST(ClickHouseUrl, CredentialsFromTheEnvironmentWhenNotGiven) {
  ::setenv("GROWTHLENS_CLICKHOUSE_USER", "reader", 1);
  ::setenv("GROWTHLENS_CLICKHOUSE_PASSWORD", "secret", 1);
  Result<ClickHouseEndpoint> endpoint = ParseClickHouseUrl("clickhouse://h:1/d");
  ::unsetenv("GROWTHLENS_CLICKHOUSE_USER");
  ::unsetenv("GROWTHLENS_CLICKHOUSE_PASSWORD");
  ASSERT_TRUE(endpoint.ok());
  EXPECT_EQ(endpoint->user, "reader");
  EXPECT_EQ(endpoint->password, "secret");
  EXPECT_EQ(endpoint->Display().find("secret"), std::string::npos);
}

TEST(ClickHouseUrl, RefusesWhatItCannotUseNamingThePart) {
  const struct {
    const char* url;
    const char* says;
  } cases[] = {
      {"clickhouse://127.0.0.1:8123", "names no database"},
      {"clickhouse://127.0.0.1:99999/db", "port '99999'"},
      {"clickhouse://127.0.0.1:x/db", "port 'x'"},
      {"clickhouse://:8123/db", "names no host"},
      {"clickhouse://me:pw@127.0.0.1:8123/db", "carries credentials"},
      // Refused for the credentials before anything else: no message may echo the password.
      {"clickhouse://me:pw@127.0.0.1:8123", "carries credentials"},
      {"https://me:pw@127.0.0.1/db", "carries credentials"},
      {"me:pw@127.0.0.1:8123/db", "carries credentials"},
      {"clickhouse://127.0.0.1:8123/db;DROP", "not a plain name"},
      {"clickhouse://127.0.0.1:8123/1db", "not a plain name"},
      {"http://127.0.0.1:8123/db", "not a ClickHouse URL"},
  };
  for (const auto& c : cases) {
    Result<ClickHouseEndpoint> endpoint = ParseClickHouseUrl(c.url);
    ASSERT_FALSE(endpoint.ok()) << c.url;
    EXPECT_NE(endpoint.status().message().find(c.says), std::string::npos)
        << c.url << ": " << endpoint.status().message();
    EXPECT_EQ(endpoint.status().message().find(":pw"), std::string::npos) << c.url;
  }
}

}  // namespace
}  // namespace growthlens::warehouse
