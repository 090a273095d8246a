// What the dashboard's interface needs from the server (issue 16, points 7-10): the date range on
// revenue, cohorts and RFM, the daily trend of the KPIs, the users behind a segment, persona or
// cohort cell (paged, exported as spreadsheet-safe CSV) and one user's detail, the column-mapping
// answer of an upload with unknown columns, and bounded parameters on all of them.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <numeric>
#include <string>

#include "server_test_support.h"

namespace growthlens {
namespace {

using nlohmann::json;
using testing::Reply;
using testing::TestServer;

/// One server with the small demo loaded for the whole file.
class ServerDrill : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TestServer();
    ASSERT_EQ(server_->LoadSmallDemo().status, 200);
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static json Get(const std::string& target) {
    const Reply reply = server_->Get(target);
    EXPECT_EQ(reply.status, 200) << target << ": " << reply.body;
    return reply.Json();
  }
  static TestServer* server_;
};

TestServer* ServerDrill::server_ = nullptr;

void ExpectRefused(const Reply& reply, const std::string& parameter) {
  EXPECT_EQ(reply.status, 400) << reply.body;
  EXPECT_EQ(reply.Json()["parameter"], parameter) << reply.body;
}

TEST_F(ServerDrill, RevenueFollowsTheDateRangeAndKeepsReturningCustomers) {
  const json all = Get("/api/v1/revenue?dataset=transactions");
  const std::string from =
      all["months"][all["months"].size() / 2]["month"].get<std::string>() + "-01";
  const json part = Get("/api/v1/revenue?dataset=transactions&from=" + from);
  const json kpis = Get("/api/v1/kpis?dataset=transactions&from=" + from);
  EXPECT_EQ(part["window"]["all_time"], false);
  EXPECT_EQ(part["window"]["from"], from);
  EXPECT_NEAR(part["revenue"].get<double>(), kpis["revenue"].get<double>(), 1e-6);
  EXPECT_EQ(part["orders"], kpis["orders"]);
  // The months of the range are the months of the whole data from there on, to the cent:
  // customers who first bought before the range stay returning customers in it.
  const json& months = part["months"];
  ASSERT_GT(months.size(), 0u);
  size_t offset = all["months"].size() / 2;
  for (size_t i = 0; i < months.size(); ++i) {
    const json& whole = all["months"][offset + i];
    EXPECT_EQ(months[i]["month"], whole["month"]);
    EXPECT_NEAR(months[i]["new_revenue"].get<double>(), whole["new_revenue"].get<double>(), 1e-6);
    EXPECT_NEAR(months[i]["returning_revenue"].get<double>(),
                whole["returning_revenue"].get<double>(), 1e-6);
  }
}

TEST_F(ServerDrill, RfmAndCohortsFollowTheDateRange) {
  const json all = Get("/api/v1/rfm");
  const json q4 = Get("/api/v1/rfm?from=2025-10-01&to=2025-12-31");
  const json kpis = Get("/api/v1/kpis?from=2025-10-01&to=2025-12-31");
  EXPECT_EQ(q4["total_users"], kpis["active_users"]);
  EXPECT_LT(q4["total_users"].get<int>(), all["total_users"].get<int>());
  EXPECT_EQ(q4["reference_day"], "2026-01-01");  // the day after the range
  const json cohorts = Get("/api/v1/cohorts?from=2025-10-01&values=count");
  EXPECT_EQ(cohorts["window"]["from"], "2025-10-01");
  // Users who started before the range are in their earlier, left-censored cohorts.
  for (const json& row : cohorts["cohorts"])
    EXPECT_EQ(row["left_censored"], row["cohort"].get<std::string>() < "2025-10") << row.dump();
  ExpectRefused(server_->Get("/api/v1/cohorts?from=2025-12-01&to=2025-11-01"), "from");
  ExpectRefused(server_->Get("/api/v1/revenue?to=yesterday"), "to");
}

TEST_F(ServerDrill, KpiTrendHasADayPerDayWithDauWauMau) {
  const json kpis = Get("/api/v1/kpis?from=2025-10-01&to=2025-12-31");
  const json trend = Get("/api/v1/kpis?view=trend&from=2025-10-01&to=2025-12-31");
  ASSERT_EQ(trend["days"].size(), 92u);
  EXPECT_EQ(trend["days"][0]["day"], "2025-10-01");
  double dau = 0;
  for (const json& day : trend["days"]) {
    dau += day["daily_active_users"].get<double>();
    EXPECT_LE(day["daily_active_users"], day["weekly_active_users"]);
    EXPECT_LE(day["weekly_active_users"], day["monthly_active_users"]);
  }
  // The card's average DAU is the mean of the trend's days.
  EXPECT_NEAR(dau / 92.0, kpis["average_dau"].get<double>(), 0.006);
  const json revenue = Get("/api/v1/kpis?dataset=transactions&view=trend");
  const json card = Get("/api/v1/kpis?dataset=transactions");
  double total = 0;
  for (const json& day : revenue["days"]) total += day["revenue"].get<double>();
  EXPECT_NEAR(total, card["revenue"].get<double>(), 1e-6 * card["revenue"].get<double>());
  ExpectRefused(server_->Get("/api/v1/kpis?view=graph"), "view");
}

TEST_F(ServerDrill, UsersOfASegmentAPersonaAndACohortCell) {
  const json rfm = Get("/api/v1/rfm");
  const json model = Get("/api/v1/segment");
  for (const json& segment : rfm["segments"]) {
    if (segment["users"] == 0) continue;
    const json list = Get("/api/v1/users?page-size=10&segment=" +
                          httplib::detail::encode_query_param(segment["segment"]));
    EXPECT_EQ(list["matched"], segment["users"]) << segment["segment"];
    EXPECT_EQ(list["total_users"], rfm["total_users"]);
    EXPECT_LE(list["users"].size(), 10u);
    for (const json& user : list["users"]) EXPECT_EQ(user["segment"], segment["segment"]);
  }
  // The personas are the dataset's model, the one /segment shows.
  for (const json& persona : model["personas"]) {
    const json list =
        Get("/api/v1/users?persona=" + httplib::detail::encode_query_param(persona["name"]));
    EXPECT_EQ(list["matched"], persona["users"]) << persona["name"];
  }
  // A cell of the count heatmap: the cohort's users active that many months later.
  const json cohorts = Get("/api/v1/cohorts?values=count");
  for (const json& row : cohorts["cohorts"]) {
    if (row["values"].size() < 3 || row["values"][2].is_null()) continue;
    const json cell =
        Get("/api/v1/users?cohort=" + row["cohort"].get<std::string>() + "&age=2&page-size=1");
    EXPECT_EQ(cell["matched"], row["values"][2]) << row["cohort"];
    const json whole = Get("/api/v1/users?cohort=" + row["cohort"].get<std::string>());
    EXPECT_EQ(whole["matched"], row["size"]) << row["cohort"];
  }
  // Pages: the same order, without gaps or repeats.
  const json first = Get("/api/v1/users?page-size=7&page=1");
  const json second = Get("/api/v1/users?page-size=7&page=2");
  EXPECT_EQ(first["pages"], (first["matched"].get<int>() + 6) / 7);
  const json both = Get("/api/v1/users?page-size=14");
  for (size_t i = 0; i < 7; ++i) {
    EXPECT_EQ(both["users"][i]["id"], first["users"][i]["id"]);
    EXPECT_EQ(both["users"][7 + i]["id"], second["users"][i]["id"]);
  }
}

TEST_F(ServerDrill, UsersOfAFeatureACountryAndSeveralSegments) {
  // The documents are held in locals: a range-for over a member of a temporary reads freed
  // memory (the temporary dies before the loop runs; ASan: heap-use-after-free).
  const json usage = Get("/api/v1/usage");
  for (const json& feature : usage["features"]) {
    const json list = Get("/api/v1/users?page-size=1&feature=" +
                          httplib::detail::encode_query_param(feature["feature"]));
    EXPECT_EQ(list["matched"], feature["users"]) << feature["feature"];
  }
  const json revenue = Get("/api/v1/revenue?view=countries");
  for (const json& country : revenue["countries"]) {
    const json list = Get("/api/v1/users?dataset=transactions&page-size=1&country=" +
                          httplib::detail::encode_query_param(country["country"]));
    EXPECT_EQ(list["matched"], country["customers"]) << country["country"];
  }
  const json rfm = Get("/api/v1/rfm");
  uint64_t both = 0;
  for (const json& segment : rfm["segments"])
    if (segment["segment"] == "Champions" || segment["segment"] == "At Risk")
      both += segment["users"].get<uint64_t>();
  EXPECT_EQ(Get("/api/v1/users?segment=Champions,At%20Risk")["matched"], both);
  ExpectRefused(server_->Get("/api/v1/users?feature=Teleport"), "feature");
  ExpectRefused(server_->Get("/api/v1/users?country=France"), "country");  // a usage log
}

TEST_F(ServerDrill, UsersAreBoundedAndNamedOnError) {
  ExpectRefused(server_->Get("/api/v1/users?page-size=0"), "page-size");
  ExpectRefused(server_->Get("/api/v1/users?page-size=1001"), "page-size");
  ExpectRefused(server_->Get("/api/v1/users?page=0"), "page");
  ExpectRefused(server_->Get("/api/v1/users?age=2"), "age");
  ExpectRefused(server_->Get("/api/v1/users?cohort=2025-03&age=x"), "age");
  ExpectRefused(server_->Get("/api/v1/users?cohort=1999-01"), "cohort");
  ExpectRefused(server_->Get("/api/v1/users?id=nobody"), "id");
  ExpectRefused(server_->Get("/api/v1/users?search=" + std::string(201, 'x')), "search");
  ExpectRefused(server_->Get("/api/v1/users?format=csv"), "format");
  ExpectRefused(server_->Get("/api/v1/users/export?page=2"), "page");
}

TEST_F(ServerDrill, OneUsersDetailMatchesTheirRfmRow) {
  const json users = Get("/api/v1/rfm?view=users");
  const json row = users["users"][3];
  const std::string id = row["id"];
  const json user = Get("/api/v1/users?id=" + httplib::detail::encode_query_param(id));
  EXPECT_EQ(user["view"], "user");
  EXPECT_EQ(user["rfm"]["segment"], row["segment"]);
  EXPECT_EQ(user["rfm"]["recency"], row["recency"]);
  EXPECT_EQ(user["rfm"]["frequency"], row["frequency"]);
  ASSERT_TRUE(user["persona"].is_object());
  // The timeline adds up to the user's RFM: active days and events.
  EXPECT_EQ(user["timeline"].size(), row["frequency"].get<size_t>());
  double events = 0;
  for (const json& day : user["timeline"]) events += day["events"].get<double>();
  EXPECT_DOUBLE_EQ(events, row["monetary"].get<double>());
  EXPECT_EQ(user["timeline"].back()["day"], user["last_day"]);
}

TEST_F(ServerDrill, UsersExportIsAnAttachmentWithEveryUser) {
  const json list = Get("/api/v1/users?segment=Champions&page-size=5");
  const Reply reply = server_->Get("/api/v1/users/export?segment=Champions");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.Header("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_EQ(reply.Header("Content-Disposition"), "attachment; filename=\"users.csv\"");
  const size_t lines = static_cast<size_t>(std::count(reply.body.begin(), reply.body.end(), '\n'));
  EXPECT_EQ(lines, list["matched"].get<size_t>() + 1);
  EXPECT_EQ(reply.body.rfind("id,segment,persona,recency,frequency,monetary,first_day,last_day,"
                             "cohort\n",
                             0),
            0u);
}

TEST(ServerDrillUpload, UnknownColumnsAnswerWithAPreviewThenLoadWhenMapped) {
  TestServer server;
  std::string csv = "member,day,action,times\n";
  for (int user = 0; user < 8; ++user)
    for (int day = 1; day <= 3; ++day)
      csv += (user == 0 ? std::string("=SUM(1)") : "m" + std::to_string(user)) + ",2025-01-0" +
             std::to_string(day + user % 3) + ",open,2\n";
  Reply reply = server.Post("/api/v1/upload?name=app.csv", csv);
  ASSERT_EQ(reply.status, 400) << reply.body;
  const json asked = reply.Json();
  EXPECT_EQ(asked["parameter"], "columns");
  EXPECT_EQ(asked["columns"], json::array({"member", "day", "action", "times"}));
  ASSERT_EQ(asked["preview"].size(), 5u);
  EXPECT_EQ(asked["preview"][1], json::array({"=SUM(1)", "2025-01-02", "open", "2"}));
  EXPECT_EQ(asked["roles"]["usage"]["required"], json::array({"user", "time", "item"}));
  EXPECT_EQ(server.Get("/api/v1/status").Json()["datasets"].size(), 0u);

  // A mapping naming a column that is not there is refused, naming the role's parameter.
  reply = server.Post("/api/v1/upload?name=app.csv&kind=usage&user-col=who&time-col=day", csv);
  EXPECT_EQ(reply.status, 400) << reply.body;
  EXPECT_EQ(reply.Json()["parameter"], "columns");
  ExpectRefused(server.Post("/api/v1/upload?name=app.csv&user-col=" + std::string(201, 'x'), csv),
                "user-col");

  reply = server.Post(
      "/api/v1/upload?name=app.csv&kind=usage&user-col=member&time-col=day&item-col=action&"
      "count-col=times",
      csv);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.Json()["rows"], 24);
  EXPECT_EQ(reply.Json()["users"], 8);
  // The export keeps a cell a spreadsheet would run as a formula as text.
  const Reply exported = server.Get("/api/v1/users/export");
  EXPECT_NE(exported.body.find("'=SUM(1)"), std::string::npos) << exported.body;
  EXPECT_EQ(exported.body.find("\n=SUM"), std::string::npos) << exported.body;
}

}  // namespace
}  // namespace growthlens
