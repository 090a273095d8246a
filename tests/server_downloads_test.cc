// The Downloads page's files as `growthlens serve` answers them: the list, each table as an
// attachment with its type and the bytes `growthlens analyze` writes, CSV with spreadsheet
// formulas neutralised, the model, and the offline report with the whole analysis inlined.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "server_test_support.h"

namespace growthlens {
namespace {

using nlohmann::json;
using testing::KeysOf;
using testing::Reply;
using testing::TestServer;

/// A server holding one uploaded usage log ("events.csv") whose features include a formula, and
/// what `growthlens analyze events.csv` writes for the same file, to compare the downloads with.
class ServerDownloads : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<TestServer>();
    const Reply reply =
        server_->Post("/api/v1/upload?name=events.csv", testing::MakeSmallUsageLog(60).csv);
    ASSERT_EQ(reply.status, 200) << reply.body;
    const testing::CommandResult run =
        testing::RunCommandIn(server_->RawDir(), "analyze events.csv --quiet --output-dir " +
                                                     testing::ShellQuote(Expected().string()));
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
  static void TearDownTestSuite() { server_.reset(); }
  /// What the binary wrote.
  static std::filesystem::path Expected() { return server_->scratch() / "cli_processed"; }
  static std::unique_ptr<TestServer> server_;
};

std::unique_ptr<TestServer> ServerDownloads::server_;

TEST_F(ServerDownloads, ListsWhatAnalyzeWrites) {
  const Reply reply = server_->Get("/api/v1/downloads");
  ASSERT_EQ(reply.status, 200) << reply.body;
  const nlohmann::ordered_json files = reply.OrderedJson()["files"];
  EXPECT_EQ(KeysOf(reply.OrderedJson()), std::vector<std::string>{"files"});
  std::vector<std::string> expected;
  for (const auto& entry : std::filesystem::directory_iterator(Expected()))
    if (!entry.path().filename().string().starts_with("."))  // .growthlens: the output sets' state
      expected.push_back(entry.path().filename().string());
  std::sort(expected.begin(), expected.end());
  expected.push_back("report.html");
  std::vector<std::string> names;
  for (const auto& file : files) names.push_back(file["name"]);
  EXPECT_EQ(names, expected);
  for (const std::string wanted :
       {"events_features.csv", "events_model.json", "events_analysis.json", "events_segments.csv"})
    EXPECT_NE(std::find(names.begin(), names.end(), wanted), names.end()) << wanted;

  for (const auto& file : files) {
    SCOPED_TRACE(file.dump());
    const std::string name = file["name"];
    EXPECT_EQ(KeysOf(file),
              (std::vector<std::string>{"name", "dataset", "content_type", "bytes", "url"}));
    EXPECT_EQ(file["url"], "/api/v1/downloads/" + name);
    if (name == "report.html") {
      EXPECT_EQ(file["dataset"], nullptr);
      EXPECT_EQ(file["bytes"], nullptr);
      EXPECT_EQ(file["content_type"], "text/html");
      continue;
    }
    EXPECT_EQ(file["dataset"], "usage");
    EXPECT_EQ(file["bytes"], server_->Get("/api/v1/downloads/" + name).body.size());
    EXPECT_EQ(file["content_type"], name.ends_with(".csv") ? "text/csv" : "application/json");
  }
}

TEST_F(ServerDownloads, FilesAreWhatAnalyzeWritesAsAttachments) {
  const json files = server_->Get("/api/v1/downloads").Json()["files"];
  size_t csv_files = 0;
  for (const json& file : files) {
    const std::string name = file["name"];
    if (name == "report.html") continue;
    SCOPED_TRACE(name);
    const Reply reply = server_->Get(file["url"].get<std::string>());
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.Header("Content-Disposition"), "attachment; filename=\"" + name + "\"");
    const std::string written = testing::ReadFileText(Expected() / name);
    if (name.ends_with(".csv")) {
      ++csv_files;
      EXPECT_EQ(reply.Header("Content-Type"), "text/csv; charset=utf-8");
      EXPECT_EQ(reply.body, written);
      continue;
    }
    EXPECT_EQ(reply.Header("Content-Type"), "application/json");
    json served = reply.Json();
    json expected = json::parse(written);
    if (name.ends_with("_analysis.json")) {  // how long each step took differs between runs
      for (json* doc : {&served, &expected}) {
        doc->erase("timings");
        (*doc)["cleaning"].erase("seconds");
      }
    }
    EXPECT_EQ(served, expected);
  }
  EXPECT_GE(csv_files, 8u);
  const json model = server_->Get("/api/v1/downloads/events_model.json").Json();
  EXPECT_EQ(model["format"], "growthlens-segment-model");
  // Named as uploaded, not by where the server stores it.
  EXPECT_EQ(model["training"]["source"], "events.csv");
  EXPECT_EQ(server_->Get("/api/v1/downloads/events_clean.csv").status, 404);
  EXPECT_EQ(server_->Get("/api/v1/downloads/..%2F..%2Fraw%2Fevents.csv").status, 404);
}

TEST_F(ServerDownloads, FormulasInCsvAreNeutralised) {
  const Reply reply = server_->Get("/api/v1/downloads/events_features.csv");
  ASSERT_EQ(reply.status, 200);
  const std::string formula = testing::SmallUsageLog::kFormulaFeature;
  EXPECT_NE(reply.body.find("\n'" + formula + ","), std::string::npos) << reply.body;
  EXPECT_EQ(reply.body.find("\n" + formula), std::string::npos) << reply.body;
  // JSON keeps the name as it is.
  const json usage = server_->Get("/api/v1/usage").Json();
  EXPECT_NE(usage.dump().find("\"" + formula + "\""), std::string::npos) << usage.dump();
}

TEST_F(ServerDownloads, ReportIsStandaloneHtmlWithTheAnalysis) {
  if (!std::filesystem::exists(testing::WebRoot() / "report.html"))
    GTEST_SKIP() << "web/report.html is not there yet";
  const Reply reply = server_->Get("/api/v1/downloads/report.html");
  ASSERT_EQ(reply.status, 200) << reply.body.substr(0, 500);
  EXPECT_EQ(reply.Header("Content-Type"), "text/html; charset=utf-8");
  // Inline: "Open report" shows it in a tab instead of saving it.
  EXPECT_EQ(reply.Header("Content-Disposition"), "inline; filename=\"report.html\"");
  EXPECT_EQ(reply.body.find("GROWTHLENS_PLOTLY"), std::string::npos);
  EXPECT_EQ(reply.body.find("GROWTHLENS_REPORT_JSON"), std::string::npos);
  EXPECT_EQ(reply.body.find("<script src="), std::string::npos) << "must open offline";

  const size_t at = reply.body.find("{\"generated\":\"");
  ASSERT_NE(at, std::string::npos);
  std::istringstream in(reply.body.substr(at));
  json report;
  in >> report;  // one JSON value; the page goes on after it
  json usage = report["datasets"]["usage"];
  EXPECT_EQ(usage["source"], "events.csv");
  usage.erase("source");
  json analysis = server_->Get("/api/v1/analysis").Json();
  analysis.erase("source");
  EXPECT_EQ(usage, analysis);
  EXPECT_FALSE(report["datasets"].contains("transactions"));
}

}  // namespace
}  // namespace growthlens
