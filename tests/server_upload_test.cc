// Getting files into `growthlens serve`: uploads of both schemas as a raw body or multipart, the
// kind override, readable upload errors, safe stored names, and two files of one name.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "server_test_support.h"

namespace growthlens {
namespace {

using nlohmann::json;
using testing::KeysOf;
using testing::Reply;
using testing::TestServer;

/// A small Online Retail file: `customers` customers with 1-3 invoices of two lines each.
struct SmallTransactions {
  std::string csv =
      "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";
  size_t rows = 0;
  size_t customers = 0;
  std::string first_day = "9999-99-99";
  std::string last_day;
};

SmallTransactions MakeSmallTransactions(int customers) {
  SmallTransactions file;
  int invoice = 500000;
  for (int customer = 1; customer <= customers; ++customer) {
    for (int order = 0; order <= customer % 3; ++order) {
      ++invoice;
      const std::string day = testing::DayOfJanFeb2025((customer * 5 + 17 * order) % 59);
      const std::string date = day + " 10:30:00";
      file.first_day = std::min(file.first_day, day);
      file.last_day = std::max(file.last_day, day);
      for (int line = 0; line < 2; ++line) {
        file.csv += std::to_string(invoice) + "," + std::to_string(20000 + line) +
                    (line == 0 ? ",RED MUG," : ",BLUE MUG,") +
                    std::to_string((customer + order + line) % 6 + 1) + "," + date + "," +
                    (line == 0 ? "2.50," : "4.25,") + std::to_string(12000 + customer) +
                    ",United Kingdom\n";
        ++file.rows;
      }
    }
    ++file.customers;
  }
  return file;
}

void ExpectDataset(const nlohmann::ordered_json& dataset, const std::string& kind,
                   const std::string& source, size_t rows, size_t users,
                   const std::string& first_day, const std::string& last_day) {
  EXPECT_EQ(KeysOf(dataset),
            (std::vector<std::string>{"name", "kind", "source", "rows", "users", "first_day",
                                      "last_day", "load_seconds", "cleaning"}));
  EXPECT_EQ(dataset["name"], kind);
  EXPECT_EQ(dataset["kind"], kind);
  EXPECT_EQ(dataset["source"], source);
  EXPECT_EQ(dataset["rows"], rows);
  EXPECT_EQ(dataset["users"], users);
  EXPECT_EQ(dataset["first_day"], first_day);
  EXPECT_EQ(dataset["last_day"], last_day);
  EXPECT_EQ(dataset["cleaning"]["kind"], kind);
  EXPECT_EQ(dataset["cleaning"]["records"], rows);
  EXPECT_EQ(dataset["cleaning"]["rows_kept"], rows);
}

TEST(ServerUpload, UsageLogAsRawBody) {
  TestServer server;
  const testing::SmallUsageLog log = testing::MakeSmallUsageLog(40);
  const Reply reply = server.Post("/api/v1/upload?name=my_usage.csv", log.csv);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.Header("Content-Type"), "application/json");
  ExpectDataset(reply.OrderedJson(), "usage", "my_usage.csv", log.rows, log.users, log.first_day,
                log.last_day);
  EXPECT_EQ(testing::ReadFileText(server.data_dir() / "raw" / "my_usage.csv"), log.csv);
  const json status = server.Get("/api/v1/status").Json();
  ASSERT_EQ(status["datasets"].size(), 1u);
  EXPECT_EQ(status["datasets"][0], reply.Json());
}

TEST(ServerUpload, TransactionsAsMultipart) {
  TestServer server;
  const SmallTransactions file = MakeSmallTransactions(45);
  const Reply reply = server.PostFile("/api/v1/upload", file.csv, "orders.csv");
  ASSERT_EQ(reply.status, 200) << reply.body;
  ExpectDataset(reply.OrderedJson(), "transactions", "orders.csv", file.rows, file.customers,
                file.first_day, file.last_day);
  // Both schemas side by side: a usage log joins the transactions, listed first.
  const testing::SmallUsageLog log = testing::MakeSmallUsageLog(30);
  ASSERT_EQ(server.PostFile("/api/v1/upload", log.csv, "events.csv").status, 200);
  const json status = server.Get("/api/v1/status").Json();
  ASSERT_EQ(status["datasets"].size(), 2u);
  EXPECT_EQ(status["datasets"][0]["source"], "events.csv");
  EXPECT_EQ(status["datasets"][1]["source"], "orders.csv");
}

TEST(ServerUpload, EventLogsLoadAsEventsInTheirOwnSlot) {
  // Issue 18.1: an event file goes through the same upload; it is held as the event log, which
  // product-usage routes read when no usage log is held (server_workspace_kinds_test.cc has both).
  std::string csv = "distinct_id,timestamp,event_name\n";
  for (int user = 1; user <= 30; ++user)
    for (int event = 0; event <= user % 4; ++event)
      csv += fmt::format("u{},{}T1{}:00:00.250+02:00,view\n", user,
                         testing::DayOfJanFeb2025((user * 2 + event) % 59), event);
  TestServer server;
  Reply reply = server.Post("/api/v1/upload?name=clicks.csv", csv);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.Json()["kind"], "events");
  EXPECT_EQ(reply.Json()["name"], "events");
  EXPECT_EQ(reply.Json()["users"], 30);
  for (const std::string dataset : {"", "?dataset=events"}) {
    const Reply kpis = server.Get("/api/v1/kpis" + dataset);
    ASSERT_EQ(kpis.status, 200) << dataset << kpis.body;
    EXPECT_EQ(kpis.Json()["kind"], "events") << dataset;
  }
  const Reply usage = server.Get("/api/v1/kpis?dataset=usage");
  EXPECT_EQ(usage.status, 409);
  EXPECT_NE(usage.body.find("no usage log is loaded (the server holds an event log)"),
            std::string::npos)
      << usage.body;
  reply = server.Post("/api/v1/upload?name=clicks.csv&kind=events", csv);
  EXPECT_EQ(reply.status, 200) << reply.body;
}

TEST(ServerUpload, NdjsonEventsWithPropertiesAndUsageByProperty) {
  // Issue 18: events as JSON lines upload like a CSV; /api/v1/usage?by= splits them by a
  // property.
  std::string ndjson;
  for (int user = 1; user <= 12; ++user)
    for (int event = 0; event <= user % 3; ++event)
      ndjson += fmt::format(
          "{{\"user_id\":\"u{}\",\"event\":\"view\",\"timestamp\":\"{}T10:0{}:00Z\","
          "\"properties\":{{\"platform\":\"{}\"}}}}\n",
          user, testing::DayOfJanFeb2025(user), event, user % 2 == 0 ? "ios" : "web");
  TestServer server;
  Reply reply = server.Post("/api/v1/upload?name=clicks.ndjson", ndjson);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.Json()["kind"], "events");
  const Reply usage = server.Get("/api/v1/usage?by=platform");
  ASSERT_EQ(usage.status, 200) << usage.body;
  const json values = usage.Json()["values"];
  ASSERT_EQ(values.size(), 2u);
  // Even users (ios) 2, 4, .., 12: 1 + 2 + 3 + 1 + 2 + 3 + ... events: 12; odd (web): 12 too.
  EXPECT_EQ(values[0]["events"].get<int>() + values[1]["events"].get<int>(), 24);
  EXPECT_EQ(values[0]["users"], 6);
  EXPECT_EQ(values[1]["users"], 6);
  const Reply unknown = server.Get("/api/v1/usage?by=plan");
  EXPECT_EQ(unknown.status, 400) << unknown.body;
  EXPECT_EQ(unknown.Json()["parameter"], "by");
}

TEST(ServerUpload, KindOverridesTheHeader) {
  // A header that is both a usage log and Online Retail: read as a usage log unless told.
  std::string csv =
      "user_id,signup_date,event_date,feature_name,events_count,InvoiceNo,StockCode,"
      "Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";
  size_t rows = 0;
  for (int user = 1; user <= 30; ++user) {
    for (int day = 0; day <= user % 3; ++day, ++rows) {
      const std::string date = testing::DayOfJanFeb2025((user * 2 + 13 * day) % 59);
      csv += "u" + std::to_string(user) + ",2024-12-01," + date + ",Search," +
             std::to_string(user % 4 + 1) + "," + std::to_string(500000 + rows) + ",20001,MUG," +
             std::to_string(user % 5 + 1) + "," + date + " 09:00:00,2.50," +
             std::to_string(12000 + user) + ",France\n";
    }
  }
  TestServer server;
  Reply reply = server.Post("/api/v1/upload?name=both.csv", csv);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.Json()["kind"], "usage");
  EXPECT_EQ(reply.Json()["rows"], rows);
  reply = server.Post("/api/v1/upload?name=both.csv&kind=transactions", csv);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.Json()["kind"], "transactions");
  EXPECT_EQ(reply.Json()["users"], 30);
  reply = server.Post("/api/v1/upload?name=both.csv&kind=auto", csv);
  EXPECT_EQ(reply.Json()["kind"], "usage");

  // A usage log forced to be transactions cannot be read as such: the page asks which column
  // is what.
  const testing::SmallUsageLog log = testing::MakeSmallUsageLog(20);
  reply = server.Post("/api/v1/upload?name=events.csv&kind=transactions", log.csv);
  EXPECT_EQ(reply.status, 400) << reply.body;
  EXPECT_EQ(reply.Json()["parameter"], "columns");
  EXPECT_EQ(reply.Json()["columns"][0], "user_id");
  reply = server.Post("/api/v1/upload?name=events.csv&kind=orders", log.csv);
  EXPECT_EQ(reply.status, 400) << reply.body;
  EXPECT_EQ(reply.Json()["parameter"], "kind");
}

TEST(ServerUpload, BadFilesAreNamedWithTheirLine) {
  TestServer server;
  Reply reply = server.Post("/api/v1/upload?name=export.csv", "name,amount\nann,3\n");
  EXPECT_EQ(reply.status, 400) << reply.body;
  EXPECT_EQ(reply.Header("Content-Type"), "application/json");
  // Columns no schema explains: the page asks which is what, from the columns and first rows.
  EXPECT_EQ(reply.Json()["parameter"], "columns");
  EXPECT_EQ(reply.Json()["columns"], json::array({"name", "amount"}));
  EXPECT_EQ(reply.Json()["preview"], json::array({json::array({"ann", "3"})}));
  const std::string message = reply.Json()["error"];
  EXPECT_EQ(message.rfind("export.csv line 1: cannot recognise the header", 0), 0u) << message;
  EXPECT_EQ(message.find(server.data_dir().string()), std::string::npos) << message;

  reply = server.PostFile("/api/v1/upload", "", "empty.csv");
  EXPECT_EQ(reply.status, 400) << reply.body;
  EXPECT_EQ(reply.Json()["parameter"], "file");
  reply = server.Post("/api/v1/upload?name=notes.exe", testing::MakeSmallUsageLog(20).csv);
  EXPECT_EQ(reply.status, 400) << reply.body;
  EXPECT_EQ(reply.Json()["parameter"], "name");
  reply = server.Post("/api/v1/upload?name=a.csv&colour=red", testing::MakeSmallUsageLog(20).csv);
  EXPECT_EQ(reply.status, 400) << reply.body;
  EXPECT_EQ(reply.Json()["parameter"], "colour");
  EXPECT_EQ(server.Get("/api/v1/status").Json()["datasets"].size(), 0u);
}

TEST(ServerUpload, PathsInNamesStayUnderRaw) {
  TestServer server;
  const testing::SmallUsageLog log = testing::MakeSmallUsageLog(30);
  Reply reply = server.Post("/api/v1/upload?name=" + testing::UrlEncode("../../x.csv"), log.csv);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.Json()["source"], "x.csv");
  EXPECT_TRUE(std::filesystem::exists(server.data_dir() / "raw" / "x.csv"));
  EXPECT_FALSE(std::filesystem::exists(server.scratch() / "x.csv"));
  EXPECT_FALSE(std::filesystem::exists(server.data_dir() / "x.csv"));

  reply = server.PostFile("/api/v1/upload", log.csv, "..\\..\\win dows.csv");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.Json()["source"], "win_dows.csv");
  reply = server.PostFile("/api/v1/upload", log.csv, "/etc/cron.d/..csv");  // leaves "csv"
  EXPECT_EQ(reply.status, 400) << reply.body;
  EXPECT_EQ(reply.Json()["parameter"], "name");
  // Everything written went below data/.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(server.scratch()))
    EXPECT_EQ(entry.path().string().rfind(server.data_dir().string(), 0), 0u) << entry.path();
}

// A usage log and transactions uploaded under the same file name are both held; their raw files
// and their tables must not overwrite each other.
TEST(ServerUpload, SameNameForBothKindsKeepsBothApart) {
  TestServer server;
  const testing::SmallUsageLog log = testing::MakeSmallUsageLog(40);
  const SmallTransactions orders = MakeSmallTransactions(45);
  ASSERT_EQ(server.Post("/api/v1/upload?name=data.csv", log.csv).status, 200);
  ASSERT_EQ(server.Post("/api/v1/upload?name=data.csv", orders.csv).status, 200);
  ASSERT_EQ(server.Get("/api/v1/status").Json()["datasets"].size(), 2u);

  const json files = server.Get("/api/v1/downloads").Json()["files"];
  std::vector<std::string> names;
  size_t analyses = 0;
  for (const json& file : files) {
    const std::string name = file["name"];
    EXPECT_EQ(std::count(names.begin(), names.end(), name), 0) << "listed twice: " << name;
    names.push_back(name);
    if (!name.ends_with("_analysis.json")) continue;
    ++analyses;
    // Each dataset's analysis file is its own.
    EXPECT_EQ(server.Get(file["url"].get<std::string>()).Json()["kind"], file["dataset"]) << name;
  }
  EXPECT_EQ(analyses, 2u);
}

}  // namespace
}  // namespace growthlens
