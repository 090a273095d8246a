// POST /api/v1/experiment/analyze: the uploaded experiment file analysed as
// `growthlens experiment analyze` does (GrowthBook's published case to its digits), parsed in
// memory by the same reader, with errors and outputs naming the uploaded file and parameters.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "server_test_support.h"

namespace growthlens {
namespace {

using nlohmann::json;
using testing::Reply;
using testing::TestServer;

const char* const kGrowthBookCase =
    "variant,metric,n,sum,sum_squares\n"
    "A,rev,3407,1396.87,52377.9767\n"
    "B,rev,3461,2422.7,134698.29\n";

TEST(ServerExperiment, GrowthBookCase) {
  TestServer server;
  for (const bool multipart : {false, true}) {
    SCOPED_TRACE(multipart ? "multipart" : "raw body");
    const Reply reply = multipart
                            ? server.PostFile("/api/v1/experiment/analyze?control=A",
                                              kGrowthBookCase, "growthbook.csv")
                            : server.Post("/api/v1/experiment/analyze?control=A", kGrowthBookCase);
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.Header("Content-Type"), "application/json");
    const json result = reply.Json()["results"][0];
    EXPECT_NEAR(result["absolute_ci_low"].get<double>(), 0.04538, 5e-6);
    EXPECT_NEAR(result["absolute_ci_high"].get<double>(), 0.53462, 5e-6);
    EXPECT_NEAR(result["relative_p"].get<double>(), 0.06191, 5e-6);

    // As the binary prints it, naming the uploaded file (not a temporary path) as the input.
    EXPECT_EQ(reply.Json()["input"], multipart ? "growthbook.csv" : "experiment.csv");
    EXPECT_EQ(reply.body.find(std::filesystem::temp_directory_path().string()), std::string::npos);
    const std::filesystem::path file = server.scratch() / "growthbook.csv";
    std::ofstream(file) << kGrowthBookCase;
    const testing::CommandResult run = testing::RunCommand(
        "experiment analyze " + testing::ShellQuote(file.string()) + " --control A --format json");
    ASSERT_EQ(run.exit_code, 0) << run.err;
    json served = reply.Json();
    json printed = json::parse(run.out);
    served.erase("input");
    printed.erase("input");
    EXPECT_EQ(served, printed);
  }
}

TEST(ServerExperiment, ErrorsNameTheUploadedFile) {
  TestServer server;
  const std::string bad = "variant,metric,n,successes\nA,c,100,10\nB,c,lots,12\n";
  Reply reply = server.Post("/api/v1/experiment/analyze?name=my_test.csv", bad);
  EXPECT_EQ(reply.status, 400) << reply.body;
  EXPECT_EQ(reply.Header("Content-Type"), "application/json");
  std::string message = reply.Json()["error"];
  EXPECT_NE(message.find("my_test.csv"), std::string::npos) << message;
  EXPECT_NE(message.find("line 3 column n: 'lots' is not a number"), std::string::npos) << message;
  EXPECT_EQ(message.find(std::filesystem::temp_directory_path().string()), std::string::npos)
      << message;

  reply = server.PostFile("/api/v1/experiment/analyze", bad, "upload from browser.csv");
  message = reply.Json()["error"];
  EXPECT_NE(message.find("upload_from_browser.csv"), std::string::npos) << message;
  EXPECT_EQ(message.find(std::filesystem::temp_directory_path().string()), std::string::npos)
      << message;

  reply = server.Post("/api/v1/experiment/analyze?guardrails=aov", kGrowthBookCase);
  EXPECT_EQ(reply.status, 400) << reply.body;
  EXPECT_EQ(reply.Json()["parameter"], "guardrails");
  reply = server.Post("/api/v1/experiment/analyze?output=x.json", kGrowthBookCase);
  EXPECT_EQ(reply.status, 400) << reply.body;
  EXPECT_EQ(reply.Json()["parameter"], "output");
  // A file whose columns cannot be mapped is the client's fault (400), not missing data (409).
  reply = server.Post("/api/v1/experiment/analyze?name=no_arms.csv", "user,spend\n1,3\n2,4\n");
  EXPECT_EQ(reply.status, 400) << reply.body;
  message = reply.Json()["error"];
  EXPECT_NE(message.find("no_arms.csv"), std::string::npos) << message;
  EXPECT_NE(message.find("user, spend"), std::string::npos) << message;
}

// The upload is parsed where it is, in memory: no temporary file, so a server whose temporary
// folder is gone still answers (the old route wrote the body under temp_directory_path()).
TEST(ServerExperiment, UploadIsParsedInMemory) {
  TestServer server;
  const char* saved = std::getenv("TMPDIR");
  const std::string previous = saved == nullptr ? "" : saved;
  ::setenv("TMPDIR", "/dev/null/no-temp", 1);  // cannot exist, even for root
  const Reply reply = server.Post("/api/v1/experiment/analyze?control=A", kGrowthBookCase);
  if (saved == nullptr) {
    ::unsetenv("TMPDIR");
  } else {
    ::setenv("TMPDIR", previous.c_str(), 1);
  }
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.Json()["input"], "experiment.csv");
}

// Errors speak of the API's parameters, never of the CLI's flags.
TEST(ServerExperiment, ErrorsNameParametersNotFlags) {
  TestServer server;
  const std::string per_user = "variant,spend\nA,3\nB,4\nA,5\nB,6\n";
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"/api/v1/experiment/analyze?metrics=nosuch", per_user,
       "parameter 'metrics' 'nosuch': experiment.csv has no such column"},
      {"/api/v1/experiment/analyze?ratio=bad", per_user,
       "parameter 'ratio' 'bad': expected NAME=NUMERATOR/DENOMINATOR"},
      {"/api/v1/experiment/analyze?winsorize=0.99", kGrowthBookCase,
       "parameter 'winsorize': experiment.csv is a per-arm summary"},
      {"/api/v1/experiment/analyze?alpha=0", kGrowthBookCase,
       "parameter 'alpha' = 0: expected between 0 and 1"},
      {"/api/v1/experiment/analyze?weights=1,x", kGrowthBookCase,
       "parameter 'weights': 'x': expected a number"},
  };
  for (const auto& [target, body, message] : cases) {
    const Reply reply = server.Post(target, body);
    EXPECT_EQ(reply.status, 400) << target << ": " << reply.body;
    const std::string error = reply.Json()["error"];
    EXPECT_NE(error.find(message), std::string::npos) << target << ": " << error;
    EXPECT_EQ(error.find("--"), std::string::npos) << target << ": " << error;
  }
  // A GET's error speaks of parameters: 4xx, the message, and no flag.
  const auto expect_named = [&server](const std::string& target, const std::string& message) {
    const Reply reply = server.Get(target);
    EXPECT_GE(reply.status, 400) << target << ": " << reply.body;
    EXPECT_LT(reply.status, 500) << target << ": " << reply.body;
    const std::string error = reply.Json()["error"];
    EXPECT_NE(error.find(message), std::string::npos) << target << ": " << error;
    EXPECT_EQ(error.find("--"), std::string::npos) << target << ": " << error;
  };
  expect_named("/api/v1/experiment/plan?baseline=0.1",
               "give exactly one of parameter 'effect' (absolute, treatment - control) and "
               "parameter 'relative-effect'");
  expect_named("/api/v1/experiment/plan?metric=mean&baseline=3&effect=1",
               "parameter 'std-dev': required for parameter 'metric' = mean");
  expect_named("/api/v1/experiment/plan?metric=nosuch&relative-effect=0.1",
               "no data is loaded yet");
  ASSERT_EQ(server.LoadSmallDemo().status, 200);
  expect_named("/api/v1/experiment/simulate?relative=true",
               "parameter 'relative': needs parameter 'effect'");
  expect_named("/api/v1/experiment/simulate?effect=0.1",
               "parameter 'effect': needs parameter 'campaign'");
  expect_named("/api/v1/experiment/simulate?campaign=nosuch",
               "parameter 'campaign': 'nosuch': expected one of");
  expect_named("/api/v1/experiment/simulate?segment=nosuch&runs=10", "parameter 'segment'");
  expect_named("/api/v1/experiment/plan?metric=nosuch&relative-effect=0.1",
               "parameter 'metric' 'nosuch'");
}

// A gzip body is refused plainly rather than read as Windows-1252 text.
TEST(ServerExperiment, GzipBodyIsRefused) {
  TestServer server;
  const Reply reply = server.Post("/api/v1/experiment/analyze?name=test.csv.gz",
                                  std::string("\x1f\x8b\x08\x00 not really", 15));
  EXPECT_EQ(reply.status, 400) << reply.body;
  EXPECT_EQ(reply.Json()["parameter"], "file");
  EXPECT_NE(reply.body.find("gzip"), std::string::npos) << reply.body;
}

}  // namespace
}  // namespace growthlens
