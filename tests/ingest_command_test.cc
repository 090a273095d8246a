// End-to-end tests of `growthlens ingest`: the binary's exit codes, its messages, the report in
// each --format, and the files it writes.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace growthlens {
namespace {

struct CommandRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

CommandRun RunGrowthLens(const std::string& arguments) {
  CommandRun run;
  const std::string command = std::string(GROWTHLENS_BINARY) + " " + arguments + " 2>&1";
  std::FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[4096];
  size_t read = 0;
  while ((read = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) run.output.append(buffer, read);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

class IngestCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("growthlens_ingest_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  std::filesystem::path dir_;
};

constexpr const char* kRetail =
    "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
    "536365,85123A,\"HEART, WHITE\",6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n"
    "536365,85123A,\"HEART, WHITE\",6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n"
    "C536379,D,Discount,-1,2010-12-01 09:41:00,27.5,14527,United Kingdom\n"
    "536380,22086,PAPER CHAIN,2,2010-12-01 09:45:00,2.95,,France\n"
    "536381,22086,PAPER CHAIN,3,2011-01-04 10:00:00,2.95,17850,United Kingdom\n";

TEST_F(IngestCommand, WritesCleanDataWithDerivedFieldsAndAJsonReport) {
  const std::string input = Write("orders.csv", kRetail);
  const CommandRun run =
      RunGrowthLens("ingest " + input + " --quiet --output-dir " + (dir_ / "out").string());
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("rows kept"), std::string::npos) << run.output;

  std::ifstream clean(dir_ / "out" / "orders_clean.csv");
  std::string header, first, second, extra;
  std::getline(clean, header);
  std::getline(clean, first);
  std::getline(clean, second);
  EXPECT_FALSE(std::getline(clean, extra));  // duplicate, cancelled, no customer: dropped
  EXPECT_EQ(header,
            "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country,"
            "TotalAmount,InvoiceYearMonth,CohortMonth");
  EXPECT_EQ(first,
            "536365,85123A,\"HEART, WHITE\",6,2010-12-01 08:26:00,2.55,17850,United Kingdom,"
            "15.299999999999999,2010-12,2010-12");
  EXPECT_EQ(second,
            "536381,22086,PAPER CHAIN,3,2011-01-04 10:00:00,2.95,17850,United Kingdom,"
            "8.850000000000001,2011-01,2010-12");

  std::ifstream report_file(dir_ / "out" / "orders_cleaning_report.json");
  const std::string report((std::istreambuf_iterator<char>(report_file)), {});
  EXPECT_NE(report.find("\"rows_kept\": 2"), std::string::npos) << report;
  EXPECT_NE(report.find("\"records\": 5"), std::string::npos) << report;
}

TEST_F(IngestCommand, JsonAndCsvFormatsCarryTheCounts) {
  const std::string input = Write("orders.csv", kRetail);
  const CommandRun json = RunGrowthLens("ingest " + input + " --quiet --no-write --format json");
  ASSERT_EQ(json.exit_code, 0) << json.output;
  EXPECT_NE(json.output.find("\"rule\": \"duplicate\""), std::string::npos);
  EXPECT_NE(json.output.find("\"rows_dropped\": 3"), std::string::npos) << json.output;

  const CommandRun csv = RunGrowthLens("ingest " + input + " --quiet --no-write --format csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.output;
  EXPECT_NE(csv.output.find("rule,duplicate,true,1,0.200000,3,"), std::string::npos) << csv.output;
  EXPECT_NE(csv.output.find("rule,cancelled,true,1,0.200000,4,InvoiceNo,C536379,"),
            std::string::npos)
      << csv.output;
  EXPECT_NE(csv.output.find("result,kept,true,2,"), std::string::npos) << csv.output;
}

TEST_F(IngestCommand, SkippedRuleKeepsItsRows) {
  const std::string input = Write("orders.csv", kRetail);
  const CommandRun run = RunGrowthLens(
      "ingest " + input +
      " --quiet --no-write --format csv --skip-rule missing_id --skip-rule cancelled");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("rule,missing_id,false,0,"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("result,kept,true,3,"), std::string::npos) << run.output;
}

TEST_F(IngestCommand, UnknownHeaderExitsWithSchemaErrorNamingTheFile) {
  const std::string input = Write("mystery.csv", "a,b\n1,2\n");
  const CommandRun run = RunGrowthLens("ingest " + input + " --quiet --no-write");
  EXPECT_EQ(run.exit_code, 5);
  EXPECT_NE(run.output.find("mystery.csv line 1"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("found columns: a, b"), std::string::npos) << run.output;
}

TEST_F(IngestCommand, StrictFailsOnTheFirstMalformedRowWithItsLine) {
  const std::string input = Write("usage.csv",
                                  "user_id,signup_date,event_date,feature_name,events_count\n"
                                  "u1,2024-01-01,2024-01-02,Search,3\n"
                                  "u2,2024-01-01,2024-01-02,Search,many\n");
  const CommandRun lenient = RunGrowthLens("ingest " + input + " --quiet --no-write --format csv");
  EXPECT_EQ(lenient.exit_code, 0) << lenient.output;
  EXPECT_NE(lenient.output.find("malformed,bad_number,true,1,0.500000,3,events_count,many"),
            std::string::npos)
      << lenient.output;
  const CommandRun strict = RunGrowthLens("ingest " + input + " --quiet --no-write --strict");
  EXPECT_EQ(strict.exit_code, 6);
  EXPECT_NE(strict.output.find("usage.csv line 3, column events_count"), std::string::npos)
      << strict.output;
}

TEST_F(IngestCommand, BadOptionsExitWithUsageErrors) {
  const std::string input = Write("orders.csv", kRetail);
  EXPECT_EQ(RunGrowthLens("ingest " + input + " --skip-rule nonsense").exit_code, 2);
  EXPECT_EQ(RunGrowthLens("ingest " + input + " --encoding ebcdic").exit_code, 2);
  EXPECT_EQ(
      RunGrowthLens("ingest " + input + " --min-date 2020-01-01 --max-date 2019-01-01").exit_code,
      2);
  EXPECT_NE(RunGrowthLens("ingest " + (dir_ / "missing.csv").string()).exit_code, 0);
  const CommandRun help = RunGrowthLens("ingest --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("--skip-rule"), std::string::npos);
}

}  // namespace
}  // namespace growthlens
