// POST /api/v1/experiment/analyze: the uploaded experiment file analysed as
// `growthlens experiment analyze` does (GrowthBook's published case to its digits), with errors
// and outputs naming the uploaded file, never the server's temporary copy.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
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

}  // namespace
}  // namespace growthlens
