// GET /api/v1/predictions and /api/v1/predictions/export on the small demo: parameters refused
// with 400 naming them, the per-user probabilities those of `growthlens churn score` with the
// model `growthlens churn train` makes of the same file (training is deterministic), the CLV those
// of `growthlens clv`, the bands and histogram counting every scored user, the export listing the
// same users, spreadsheet-safe, and a user's own risk.

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "command_runner.h"
#include "server_test_support.h"

namespace growthlens {
namespace {

using nlohmann::json;
using testing::Reply;

/// column -> value per row of a CSV without quoted commas (ids and numbers).
std::vector<std::map<std::string, std::string>> CsvRows(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  for (std::istringstream head(line); std::getline(head, line, ',');) header.push_back(line);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::map<std::string, std::string> row;
    std::istringstream cells(line);
    std::string cell;
    for (size_t i = 0; i < header.size() && std::getline(cells, cell, ','); ++i)
      row[header[i]] = cell;
    rows.push_back(std::move(row));
  }
  return rows;
}

class ServerPredictions : public testing::DemoServerSuite {
 protected:
  static void ExpectRefused(const std::string& query, const std::string& parameter);
};

void ServerPredictions::ExpectRefused(const std::string& query, const std::string& parameter) {
  const Reply reply = server_->Get("/api/v1/predictions?dataset=transactions&" + query);
  EXPECT_EQ(reply.status, 400) << query << ": " << reply.body;
  EXPECT_EQ(reply.Json()["parameter"], parameter) << query << ": " << reply.body;
}

TEST_F(ServerPredictions, ParametersOutOfBoundsAreRefusedByName) {
  ExpectRefused("view=everything", "view");
  ExpectRefused("band=critical", "band");
  ExpectRefused("page=0", "page");
  ExpectRefused("page-size=1001", "page-size");
  ExpectRefused("segment=" + std::string(201, 'x'), "segment");
  ExpectRefused("user=" + std::string(201, 'x'), "user");
  ExpectRefused("horizon=30", "horizon");
  const Reply export_page = server_->Get("/api/v1/predictions/export?dataset=transactions&page=2");
  EXPECT_EQ(export_page.status, 400) << export_page.body;
  EXPECT_EQ(export_page.Json()["parameter"], "page");
}

TEST_F(ServerPredictions, ProbabilitiesAreChurnScoresOfTheModelChurnTrainMakes) {
  const json summary = server_->Get("/api/v1/predictions?dataset=transactions").Json();
  ASSERT_TRUE(summary["available"].get<bool>()) << summary.dump();
  ASSERT_EQ(summary["models"].size(), 2u);
  EXPECT_EQ(summary["models"][0]["kept"].get<bool>() + summary["models"][1]["kept"].get<bool>(), 1);
  const size_t users = summary["risk"]["users"];
  size_t binned = 0;
  for (const json& bin : summary["risk"]["histogram"]) binned += bin["users"].get<size_t>();
  EXPECT_EQ(binned, users);
  EXPECT_EQ(summary["risk"]["high"].get<size_t>() + summary["risk"]["medium"].get<size_t>() +
                summary["risk"]["low"].get<size_t>(),
            users);

  const std::filesystem::path model = server_->scratch() / "churn_model.json";
  const std::string file = testing::ShellQuote(server_->DemoTransactionsPath());
  const testing::CommandResult trained = testing::RunCommand(
      "churn train " + file + " --quiet --model-out " + testing::ShellQuote(model.string()));
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  const testing::CommandResult scored =
      testing::RunCommand("churn score " + file + " --quiet --format csv --model " +
                          testing::ShellQuote(model.string()));
  ASSERT_EQ(scored.exit_code, 0) << scored.err;
  std::map<std::string, std::map<std::string, std::string>> cli;
  for (auto& row : CsvRows(scored.out)) cli[row["user_id"]] = row;
  ASSERT_EQ(cli.size(), users);

  const json listed =
      server_->Get("/api/v1/predictions?dataset=transactions&view=users&page-size=1000").Json();
  ASSERT_EQ(listed["total"], users);
  ASSERT_EQ(listed["users"].size(), users);
  const testing::CommandResult clv =
      testing::RunCommand("clv " + file + " --quiet --format csv --view customers");
  ASSERT_EQ(clv.exit_code, 0) << clv.err;
  std::map<std::string, double> clv_of;
  for (auto& row : CsvRows(clv.out)) clv_of[row["customer"]] = std::stod(row["clv"]);
  // The bands are the stated bounds: the page colours and words its chart by them.
  const double high_from = summary["risk"]["high_from"],
               medium_from = summary["risk"]["medium_from"];
  EXPECT_GT(high_from, medium_from);
  size_t high = 0, medium = 0;
  for (const json& user : listed["users"]) {
    const double probability = user["churn_probability"];
    high += probability >= high_from;
    medium += probability >= medium_from && probability < high_from;
  }
  EXPECT_EQ(high, summary["risk"]["high"].get<size_t>());
  EXPECT_EQ(medium, summary["risk"]["medium"].get<size_t>());
  size_t with_clv = 0;
  for (const json& user : listed["users"]) {
    const std::string id = user["user_id"];
    ASSERT_TRUE(cli.contains(id)) << id;
    const double probability = user["churn_probability"];
    EXPECT_NEAR(probability, std::stod(cli[id]["churn_probability"]), 1e-4) << id;
    EXPECT_EQ(user["risk_band"], cli[id]["risk_band"]) << id;
    if (user["clv"].is_null()) continue;
    ++with_clv;
    ASSERT_TRUE(clv_of.contains(id)) << id;
    EXPECT_NEAR(user["clv"].get<double>(), clv_of[id], 0.01) << id;
    EXPECT_NEAR(user["value_at_risk"].get<double>(), clv_of[id] * probability,
                0.01 + 1e-4 * clv_of[id])
        << id;
  }
  EXPECT_GT(with_clv, users / 2);
}

TEST_F(ServerPredictions, ExportListsTheFilteredUsersSafeForSpreadsheets) {
  const json high =
      server_->Get("/api/v1/predictions?dataset=transactions&view=users&band=high&page-size=1000")
          .Json();
  const Reply csv = server_->Get("/api/v1/predictions/export?dataset=transactions&band=high");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.Header("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_NE(csv.Header("Content-Disposition").find("churn_predictions.csv"), std::string::npos);
  const auto rows = CsvRows(csv.body);
  ASSERT_EQ(rows.size(), high["total"].get<size_t>());
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].at("user_id"), high["users"][i]["user_id"]);
    EXPECT_EQ(rows[i].at("risk_band"), "high");
    EXPECT_GE(std::stod(rows[i].at("churn_probability")), 0.6 - 5e-5);
  }
  // The value at risk orders the list.
  for (size_t i = 1; i < high["users"].size(); ++i)
    EXPECT_GE(high["users"][i - 1]["value_at_risk"].get<double>() + 1e-9,
              high["users"][i]["value_at_risk"].get<double>());
}

/// The demo's transactions with each customer id turned into text a spreadsheet would run:
/// "=12346", "+12347", "-12348", "@12349" in turn.
std::string WithFormulaCustomerIds(const std::string& transactions) {
  std::istringstream in(transactions);
  std::string line, out;
  std::getline(in, line);
  out += line + "\n";
  constexpr char kLeads[] = {'=', '+', '-', '@'};
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    // CustomerID,Country close the line and hold no commas.
    const size_t country = line.rfind(',');
    const size_t customer = line.rfind(',', country - 1);
    const std::string id = line.substr(customer + 1, country - customer - 1);
    const bool numeric =
        !id.empty() && id.find_first_not_of("0123456789") == std::string::npos;  // not a guest
    out += numeric ? line.substr(0, customer + 1) + kLeads[std::stoul(id) % 4] +
                         line.substr(customer + 1) + "\n"
                   : line + "\n";
  }
  return out;
}

TEST_F(ServerPredictions, ExportKeepsIdsThatLookLikeFormulasAsText) {
  testing::TestServer server;
  const std::string transactions =
      WithFormulaCustomerIds(testing::ReadFileText(server_->DemoTransactionsPath()));
  const Reply uploaded =
      server.Post("/api/v1/upload?name=transactions.csv&kind=transactions", transactions);
  ASSERT_EQ(uploaded.status, 200) << uploaded.body;
  const json summary = server.Get("/api/v1/predictions?dataset=transactions").Json();
  ASSERT_TRUE(summary["available"].get<bool>()) << summary.dump();
  const Reply csv = server.Get("/api/v1/predictions/export?dataset=transactions");
  ASSERT_EQ(csv.status, 200) << csv.body;
  const auto rows = CsvRows(csv.body);
  ASSERT_EQ(rows.size(), summary["risk"]["users"].get<size_t>());
  std::set<char> leads;
  for (const auto& row : rows) {
    const std::string& id = row.at("user_id");
    ASSERT_GE(id.size(), 2u);
    EXPECT_EQ(id[0], '\'') << id << ": a formula-like cell is kept as text";
    leads.insert(id[1]);
  }
  EXPECT_EQ(leads, (std::set<char>{'=', '+', '-', '@'}));
}

TEST_F(ServerPredictions, OneUsersRiskAndDrivers) {
  const json first =
      server_->Get("/api/v1/predictions?dataset=usage&view=users&page-size=1").Json();
  ASSERT_TRUE(first["available"].get<bool>()) << first["unavailable"];  // the demo is fixed
  ASSERT_EQ(first["users"].size(), 1u);
  const std::string id = first["users"][0]["user_id"];
  const json one =
      server_->Get("/api/v1/predictions?dataset=usage&view=users&user=" + testing::UrlEncode(id))
          .Json();
  ASSERT_EQ(one["total"], 1);
  EXPECT_EQ(one["users"][0], first["users"][0]);
  EXPECT_FALSE(one["users"][0]["driver_1"].get<std::string>().empty());
  const json none =
      server_->Get("/api/v1/predictions?dataset=usage&view=users&user=nobody-here").Json();
  EXPECT_EQ(none["total"], 0);
}

}  // namespace
}  // namespace growthlens
