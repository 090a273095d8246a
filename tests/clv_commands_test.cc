// `growthlens clv` through the built binary: a customer, date, amount export mapped with
// --amount-col, its JSON and CSV, the holdout table with --calibration-end, and the refusals.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "command_runner.h"

namespace growthlens {
namespace {

using nlohmann::json;

constexpr int kUsageError = 2;

/// 300 customers, each buying on a few days of early 2024 (two lines on some days).
std::string WriteExport(const std::filesystem::path& path) {
  std::ofstream out(path);
  out << "customer_id,order_date,amount\n";
  for (int c = 0; c < 300; ++c) {
    const int purchases = 1 + (c * 7) % 6;
    for (int k = 0; k < purchases; ++k) {
      const int day = 1 + (c % 20) + k * (5 + c % 9);
      const int month = 1 + (day - 1) / 28, dom = 1 + (day - 1) % 28;
      const std::string date =
          "2024-0" + std::to_string(month) + "-" + (dom < 10 ? "0" : "") + std::to_string(dom);
      out << "cust" << c << "," << date << "," << 10 + (c * 13 + k * 7) % 50 << ".25\n";
      if (k == 1) out << "cust" << c << "," << date << ",1.75\n";
    }
  }
  return path.string();
}

class ClvCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("growthlens_clv_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    export_ = WriteExport(dir_ / "orders.csv");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Args(const std::string& extra) const {
    return "clv " + export_ +
           " --user-col customer_id --time-col order_date --amount-col amount --quiet " + extra;
  }

  std::filesystem::path dir_;
  std::string export_;
};

TEST_F(ClvCommand, MapsACustomerDateAmountExport) {
  const testing::CommandResult run = testing::RunCommand(Args("--format json --view customers"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json doc = json::parse(run.out);
  EXPECT_EQ(doc["total_customers"], 300);
  EXPECT_EQ(doc["time_unit"], "day");
  ASSERT_EQ(doc["parameters"].size(), 7u);
  EXPECT_EQ(doc["parameters"][0]["parameter"], "r");
  EXPECT_GT(doc["parameters"][0]["estimate"].get<double>(), 0.0);
  ASSERT_EQ(doc["customers"].size(), 300u);
  double total = 0, previous = 1e300;
  for (const json& customer : doc["customers"]) {
    const double clv = customer["clv"];
    EXPECT_LE(clv, previous);  // highest first
    previous = clv;
    total += clv;
    EXPECT_GE(customer["p_alive"].get<double>(), 0.0);
    EXPECT_LE(customer["p_alive"].get<double>(), 1.0);
  }
  EXPECT_NEAR(doc["total_clv"].get<double>(), total, 1e-9 * total);
}

TEST_F(ClvCommand, HoldoutTableAndCsv) {
  const testing::CommandResult run =
      testing::RunCommand(Args("--calibration-end 2024-02-15 --view holdout --format csv"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(run.out.starts_with("calibration_frequency,customers,actual,predicted,")) << run.out;
  EXPECT_NE(run.out.find("\n7+,"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("\ntotal,300,"), std::string::npos) << run.out;
  const testing::CommandResult table = testing::RunCommand(Args("--calibration-end 2024-02-15"));
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("Holdout 2024-02-16 to"), std::string::npos) << table.out;
}

TEST_F(ClvCommand, RefusesBadOptionsAndUsageLogs) {
  testing::CommandResult run = testing::RunCommand(Args("--calibration-end 2030-01-01"));
  EXPECT_EQ(run.exit_code, kUsageError);
  EXPECT_NE(run.err.find("--calibration-end 2030-01-01 is outside the data's days"),
            std::string::npos)
      << run.err;
  run = testing::RunCommand(Args("--time-unit month"));
  EXPECT_EQ(run.exit_code, kUsageError);
  EXPECT_NE(run.err.find("--time-unit"), std::string::npos) << run.err;
  const std::filesystem::path usage = dir_ / "usage.csv";
  std::ofstream(usage) << "user_id,signup_date,event_date,feature_name,events_count\n"
                          "u1,2024-01-01,2024-01-02,search,3\n";
  run = testing::RunCommand("clv " + usage.string() + " --quiet");
  EXPECT_EQ(run.exit_code, kUsageError);
  EXPECT_NE(run.err.find("clv needs transactions"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace growthlens
