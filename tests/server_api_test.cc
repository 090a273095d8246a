// The HTTP side of `growthlens serve`, in process: what /api/v1/status reports before and after
// loading, errors as JSON naming the parameter at fault, the response cache and its
// generations, and the static files of the dashboard.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <string>

#include "command_runner.h"
#include "server_test_support.h"

namespace growthlens {
namespace {

using nlohmann::json;
using testing::RawExchange;
using testing::Reply;
using testing::TestServer;

/// The status a client sees; `parameter` is the JSON value of "parameter" (null or a name).
void ExpectError(const Reply& reply, int status, const json& parameter,
                 const std::string& mentions) {
  EXPECT_EQ(reply.status, status) << reply.body;
  EXPECT_EQ(reply.Header("Content-Type"), "application/json") << reply.body;
  const json doc = reply.Json();
  ASSERT_TRUE(doc.is_object()) << reply.body;
  EXPECT_EQ(doc.size(), 2u) << reply.body;
  EXPECT_EQ(doc["parameter"], parameter) << reply.body;
  ASSERT_TRUE(doc["error"].is_string()) << reply.body;
  EXPECT_NE(doc["error"].get<std::string>().find(mentions), std::string::npos)
      << "'" << mentions << "' not in: " << doc["error"];
}

TEST(ServerApiStatus, NothingLoaded) {
  TestServer server;
  const Reply reply = server.Get("/api/v1/status");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.Header("Content-Type"), "application/json");
  EXPECT_EQ(reply.body,
            "{\"version\":\"0.1.0\",\"busy\":false,\"workspace\":false,\"store\":\"memory\","
            "\"datasets\":[],"
            "\"default_usage\":null}\n");
  // Nothing to analyse yet: 409, naming the missing dataset.
  ExpectError(server.Get("/api/v1/kpis"), 409, "dataset", "no data is loaded yet; upload");
  ExpectError(server.Get("/api/v1/analysis"), 409, "dataset", "no data is loaded yet; upload");
  EXPECT_EQ(server.Get("/api/v1/downloads").body, "{\"files\":[]}\n");
}

TEST(ServerApiStatus, DemoDatasetsAsIngestAndKpisSeeThem) {
  TestServer server;
  const Reply demo = server.LoadSmallDemo();
  ASSERT_EQ(demo.status, 200) << demo.body;
  const json loaded = demo.Json();
  EXPECT_EQ(testing::KeysOf(demo.OrderedJson()), std::vector<std::string>{"datasets"});
  const json status = server.Get("/api/v1/status").Json();
  EXPECT_EQ(status["version"], "0.1.0");
  EXPECT_EQ(status["busy"], false);
  EXPECT_EQ(status["workspace"], false);  // held in memory only
  ASSERT_EQ(status["datasets"].size(), 3u) << status.dump();
  EXPECT_EQ(status["datasets"], loaded["datasets"]);

  // The demo's event log is the usage log's users, event by event.
  EXPECT_EQ(status["datasets"][2]["users"], status["datasets"][0]["users"]);
  const std::string files[] = {server.DemoUsagePath(), server.DemoTransactionsPath(),
                               server.DemoEventsPath()};
  const std::string kinds[] = {"usage", "transactions", "events"};
  const std::string sources[] = {"usage_log.csv", "transactions.csv", "events.csv"};
  for (size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(kinds[i]);
    const json& dataset = status["datasets"][i];
    const auto ordered = server.Get("/api/v1/status").OrderedJson()["datasets"][i];
    EXPECT_EQ(testing::KeysOf(ordered),
              (std::vector<std::string>{"name", "kind", "source", "rows", "users", "first_day",
                                        "last_day", "load_seconds", "cleaning"}));
    EXPECT_EQ(dataset["name"], kinds[i]);
    EXPECT_EQ(dataset["kind"], kinds[i]);
    EXPECT_EQ(dataset["source"], sources[i]);
    EXPECT_GT(dataset["load_seconds"].get<double>(), 0.0);

    const testing::CommandResult ingest = testing::RunCommand(
        "ingest " + testing::ShellQuote(files[i]) + " --format json --quiet --no-write");
    ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
    // The same report, but for how long this run took.
    json cleaning = dataset["cleaning"];
    json ingested = json::parse(ingest.out);
    EXPECT_GT(cleaning["seconds"]["read"].get<double>(), 0.0);
    cleaning.erase("seconds");
    ingested.erase("seconds");
    EXPECT_EQ(cleaning, ingested);
    EXPECT_EQ(dataset["rows"], dataset["cleaning"]["rows_kept"]);

    const testing::CommandResult kpis =
        testing::RunCommand("kpis " + testing::ShellQuote(files[i]) + " --format json --quiet");
    ASSERT_EQ(kpis.exit_code, 0) << kpis.err;
    const json expected = json::parse(kpis.out);
    EXPECT_EQ(dataset["rows"], expected["rows"]);
    EXPECT_EQ(dataset["users"], expected[kinds[i] == "transactions" ? "customers" : "users"]);
    EXPECT_EQ(dataset["first_day"], expected["from"]);
    EXPECT_EQ(dataset["last_day"], expected["to"]);
  }
}

// The demo runs `generate` in process: its summary must not reach the server's stdout (the
// terminal of `growthlens serve --demo`), as nothing else the commands print does.
TEST(ServerApiStatus, DemoPrintsNothingOnStdout) {
  TestServer server;
  ::testing::internal::CaptureStdout();
  const Reply demo = server.LoadSmallDemo();
  const std::string printed = ::testing::internal::GetCapturedStdout();
  EXPECT_EQ(demo.status, 200) << demo.body;
  EXPECT_EQ(printed, "");
}

TEST(ServerApiStatus, DemoRefusesBadSizes) {
  TestServer server;
  ExpectError(server.Post("/api/v1/demo?users=5", "", ""), 400, "users", "10..2000000");
  ExpectError(server.Post("/api/v1/demo?users=many", "", ""), 400, "users", "'many'");
  ExpectError(server.Post("/api/v1/demo?rows=5", "", ""), 400, "rows", "not accepted");
  EXPECT_EQ(server.Get("/api/v1/status").Json()["datasets"].size(), 0u);
}

/// One server with the small demo loaded, for the error checks.
class ServerApiErrors : public testing::DemoServerSuite {};

TEST_F(ServerApiErrors, UnknownParameterIsNamed) {
  ExpectError(server_->Get("/api/v1/kpis?bogus=1"), 400, "bogus", "'bogus': not accepted");
  ExpectError(server_->Get("/api/v1/usage?view=series&colour=red"), 400, "colour", "colour");
  ExpectError(server_->Get("/api/v1/insights?from=2025-01-01"), 400, "from", "from");
}

TEST_F(ServerApiErrors, BadValueIsNamed) {
  ExpectError(server_->Get("/api/v1/usage?view=series&period=year"), 400, "period", "'year'");
  ExpectError(server_->Get("/api/v1/cohorts?period=year"), 400, "period", "'year'");
  ExpectError(server_->Get("/api/v1/usage?view=pie"), 400, "view", "'pie'");
  ExpectError(server_->Get("/api/v1/kpis?from=2025-13-45"), 400, "from", "2025-13-45");
  ExpectError(server_->Get("/api/v1/segment?k=lots"), 400, "k", "lots");
  ExpectError(server_->Get("/api/v1/kpis?dataset=orders"), 400, "dataset", "'orders'");
}

TEST_F(ServerApiErrors, UnknownFeatureIsNamed) {
  const Reply reply = server_->Get("/api/v1/usage?features=Search,Teleport");
  ExpectError(reply, 400, "features", "Teleport");
  // The message lists the features there are.
  EXPECT_NE(reply.body.find("Dashboard"), std::string::npos) << reply.body;
}

TEST_F(ServerApiErrors, ServerOwnedOptionsAreRefused) {
  ExpectError(server_->Get("/api/v1/kpis?format=csv"), 400, "format", "not accepted");
  ExpectError(server_->Get("/api/v1/segment?output-dir=%2Ftmp"), 400, "output-dir", "not accepted");
  ExpectError(server_->Get("/api/v1/segment?model=%2Ftmp%2Fm.json"), 400, "model", "not accepted");
  ExpectError(server_->Get("/api/v1/usage?users-file=%2Fetc%2Fpasswd"), 400, "users-file",
              "not accepted");
  ExpectError(server_->Get("/api/v1/segment?no-write=false"), 400, "no-write", "not accepted");
  ExpectError(server_->Get("/api/v1/segment/users?view=model"), 400, "view", "not accepted");
  ExpectError(server_->Get("/api/v1/experiment/plan?dataset=usage&baseline=0.1"), 400, "dataset",
              "analyses no data");
}

TEST_F(ServerApiErrors, UnknownRoutesAre404Json) {
  ExpectError(server_->Get("/api/v1/nope"), 404, nullptr, "/api/v1/nope");
  ExpectError(server_->Get("/api/v1/usage/extra"), 404, nullptr, "usage/extra");
  ExpectError(server_->Post("/api/v1/kpis", "x"), 404, nullptr, "POST /api/v1/kpis");
  ExpectError(server_->Get("/api/v1/downloads/nothing.csv"), 404, nullptr, "nothing.csv");
}

TEST_F(ServerApiErrors, PostWithoutBodyIs400Json) {
  ExpectError(server_->Post("/api/v1/upload", "", "text/csv"), 400, "file", "empty");
  ExpectError(server_->Post("/api/v1/experiment/analyze", "", "text/csv"), 400, "file",
              "experiment CSV");
  // Nothing was replaced by the failed upload.
  EXPECT_EQ(server_->Get("/api/v1/status").Json()["datasets"].size(), 3u);
}

// cpp-httplib gives up on such a request after its read timeout (5 s), then the error handler
// answers.
TEST_F(ServerApiErrors, PostWithoutContentLengthIs400Json) {
  const std::string answer = RawExchange(
      server_->port(),
      "POST /api/v1/upload?name=a.csv HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 400 ", 0), 0u) << answer;
  EXPECT_NE(answer.find("\r\nContent-Type: application/json\r\n"), std::string::npos) << answer;
  EXPECT_NE(answer.find("{\"error\":\"the request could not be read (HTTP 400); a POST needs a "
                        "Content-Length, even 0\",\"parameter\":null}\n"),
            std::string::npos)
      << answer;
}

TEST(ServerApiLimits, UploadOverTheLimitIs413Json) {
  server::ServerSettings settings;
  settings.max_upload_bytes = 1000;
  TestServer server(settings);
  const testing::SmallUsageLog log = testing::MakeSmallUsageLog(40);
  ASSERT_GT(log.csv.size(), 1000u);
  ExpectError(server.Post("/api/v1/upload?name=big.csv", log.csv), 413, nullptr,
              "larger than the server accepts");
  EXPECT_EQ(server.Get("/api/v1/status").Json()["datasets"].size(), 0u);
  ASSERT_EQ(server.Post("/api/v1/upload?name=small.csv", testing::MakeSmallUsageLog(8).csv).status,
            200);
}

TEST(ServerApiErrorsUsageOnly, RevenueNeedsTransactions) {
  TestServer server;
  const testing::SmallUsageLog log = testing::MakeSmallUsageLog(40);
  ASSERT_EQ(server.Post("/api/v1/upload?name=usage.csv", log.csv).status, 200);
  ExpectError(server.Get("/api/v1/revenue"), 409, "dataset", "no transactions file is loaded");
  ExpectError(server.Get("/api/v1/kpis?dataset=transactions"), 409, "dataset",
              "no transactions file is loaded");
  EXPECT_EQ(server.Get("/api/v1/kpis").status, 200);
}

TEST(ServerApiCache, RepeatIsAHitAndANewUploadIsAMiss) {
  TestServer server;
  const testing::SmallUsageLog first = testing::MakeSmallUsageLog(40);
  ASSERT_EQ(server.Post("/api/v1/upload?name=first.csv", first.csv).status, 200);

  const std::string target = "/api/v1/kpis?from=2025-01-01&to=2025-02-28";
  const Reply miss = server.Get(target);
  ASSERT_EQ(miss.status, 200) << miss.body;
  EXPECT_EQ(miss.Header("X-GrowthLens-Cache"), "miss");
  EXPECT_EQ(miss.Json()["users"], 40);
  const Reply hit = server.Get(target);
  EXPECT_EQ(hit.Header("X-GrowthLens-Cache"), "hit");
  EXPECT_EQ(hit.body, miss.body);
  // The same parameters in another order are the same entry.
  const Reply reordered = server.Get("/api/v1/kpis?to=2025-02-28&from=2025-01-01");
  EXPECT_EQ(reordered.Header("X-GrowthLens-Cache"), "hit");
  EXPECT_EQ(reordered.body, miss.body);
  // Other parameters are another entry.
  EXPECT_EQ(server.Get("/api/v1/kpis?from=2025-01-02&to=2025-02-28").Header("X-GrowthLens-Cache"),
            "miss");

  const testing::SmallUsageLog second = testing::MakeSmallUsageLog(65, "v");
  ASSERT_EQ(server.Post("/api/v1/upload?name=second.csv", second.csv).status, 200);
  const Reply fresh = server.Get(target);
  ASSERT_EQ(fresh.status, 200) << fresh.body;
  EXPECT_EQ(fresh.Header("X-GrowthLens-Cache"), "miss");
  EXPECT_EQ(fresh.Json()["users"], 65);
  EXPECT_EQ(fresh.Json()["rows"], second.rows);
  EXPECT_EQ(server.Get(target).Header("X-GrowthLens-Cache"), "hit");
}

TEST(ServerApiStatic, DashboardFilesAndNothingElse) {
  TestServer server;
  const Reply index = server.Get("/");
  EXPECT_EQ(index.status, 200);
  EXPECT_TRUE(index.Header("Content-Type").starts_with("text/html"))
      << index.Header("Content-Type");
  EXPECT_EQ(index.body, testing::ReadFileText(testing::WebRoot() / "index.html"));

  const Reply app = server.Get("/app.js");
  EXPECT_EQ(app.status, 200);
  EXPECT_TRUE(app.Header("Content-Type").starts_with("text/javascript"))
      << app.Header("Content-Type");
  EXPECT_EQ(app.body, testing::ReadFileText(testing::WebRoot() / "app.js"));

  for (const std::string path :
       {"/node_modules/plotly.js-dist-min/plotly.min.js", "/node_modules/", "/lib/../index.html",
        "/%2e%2e/CMakeLists.txt", "/vendor/../package.json", "/../CMakeLists.txt"}) {
    const Reply refused = server.Get(path);
    EXPECT_EQ(refused.status, 404) << path;
    EXPECT_EQ(refused.body.find("cmake_minimum_required"), std::string::npos) << path;
  }

  const std::filesystem::path plotly =
      testing::WebRoot() / "node_modules" / "plotly.js-dist-min" / "plotly.min.js";
  if (!std::filesystem::exists(plotly)) GTEST_SKIP() << "no " << plotly << ": run npm ci in web/";
  const Reply vendor = server.Get("/vendor/plotly.min.js");
  EXPECT_EQ(vendor.status, 200);
  EXPECT_TRUE(vendor.Header("Content-Type").starts_with("text/javascript"))
      << vendor.Header("Content-Type");
  EXPECT_EQ(vendor.body.size(), std::filesystem::file_size(plotly));
  EXPECT_TRUE(vendor.body == testing::ReadFileText(plotly));
}

}  // namespace
}  // namespace growthlens
