// `growthlens clv` through the built binary: a customer, date, amount export mapped with
// --amount-col, its JSON and CSV, the holdout table with --calibration-end, and the refusals.
// Each customer's summary and holdout purchases are checked against the export's own formula;
// the fitted parameters and predictions against the library's ComputeClv on the same file.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "app/clv_model.h"
#include "command_runner.h"
#include "core/date.h"
#include "prep/ingest.h"

namespace growthlens {
namespace {

using nlohmann::json;

constexpr int kUsageError = 2;

constexpr int kCustomers = 300;

/// Customer c's k-th purchase day: one of early 2024 (months of 28 days in the numbering).
Day PurchaseDay(int c, int k) {
  const int day = 1 + (c % 20) + k * (5 + c % 9);
  return DaysFromCivil(2024, 1 + (day - 1) / 28, 1 + (day - 1) % 28);
}
int Purchases(int c) {
  return 1 + (c * 7) % 6;
}
/// The day's total: one line, and a second of 1.75 on the second purchase day.
double DayTotal(int c, int k) {
  return 10 + (c * 13 + k * 7) % 50 + 0.25 + (k == 1 ? 1.75 : 0);
}

/// 300 customers, each buying on a few days of early 2024 (two lines on some days).
std::string WriteExport(const std::filesystem::path& path) {
  std::ofstream out(path);
  out << "customer_id,order_date,amount\n";
  for (int c = 0; c < kCustomers; ++c) {
    for (int k = 0; k < Purchases(c); ++k) {
      const std::string date = FormatDate(PurchaseDay(c, k));
      out << "cust" << c << "," << date << "," << 10 + (c * 13 + k * 7) % 50 << ".25\n";
      if (k == 1) out << "cust" << c << "," << date << ",1.75\n";
    }
  }
  return path.string();
}

Day LastDayOfExport() {
  Day last = PurchaseDay(0, 0);
  for (int c = 0; c < kCustomers; ++c) last = std::max(last, PurchaseDay(c, Purchases(c) - 1));
  return last;
}

/// The library's result on the same file, mapped as the command maps it, and its customer ids
/// row by row (the result's `users` points into data freed on return).
struct LibraryResult {
  app::ClvResult clv;
  std::vector<std::string> ids;
};

LibraryResult LibraryClv(const std::string& path, std::optional<Day> calibration_end) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  IngestOptions options;
  options.read.columns.name[static_cast<size_t>(Role::kUser)] = "customer_id";
  options.read.columns.name[static_cast<size_t>(Role::kTime)] = "order_date";
  options.read.columns.name[static_cast<size_t>(Role::kAmount)] = "amount";
  Result<CleanedData> data = IngestText(text.str(), "orders.csv", options);
  EXPECT_TRUE(data.ok()) << data.status().message();
  const TransactionLog* log = data->dataset.As<TransactionLog>();
  app::ClvOptions clv;
  clv.calibration_end = calibration_end;
  Result<app::ClvResult> result = app::ComputeClv(*log, clv, app::Naming::kCli);
  EXPECT_TRUE(result.ok()) << result.status().message();
  LibraryResult library{std::move(result).value(), {}};
  for (const uint32_t user : library.clv.history.user) library.ids.emplace_back(log->users[user]);
  library.clv.users = nullptr;
  return library;
}

void ExpectClose(double actual, double expected, const std::string& what) {
  EXPECT_NEAR(actual, expected, 1e-9 * std::max(1.0, std::abs(expected))) << what;
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
  const LibraryResult result = LibraryClv(export_, std::nullopt);
  const app::ClvResult& library = result.clv;
  const double expected_parameters[] = {library.purchases.params.r, library.purchases.params.alpha,
                                        library.purchases.params.a, library.purchases.params.b,
                                        library.spend.params.p,     library.spend.params.q,
                                        library.spend.params.gamma};
  const char* names[] = {"r", "alpha", "a", "b", "p", "q", "gamma"};
  ASSERT_EQ(doc["parameters"].size(), 7u);
  for (size_t i = 0; i < 7; ++i) {
    EXPECT_EQ(doc["parameters"][i]["parameter"], names[i]);
    ExpectClose(doc["parameters"][i]["estimate"], expected_parameters[i], names[i]);
  }
  // The library's rows by customer id.
  std::map<std::string, size_t> library_row;
  for (size_t row = 0; row < result.ids.size(); ++row) library_row[result.ids[row]] = row;
  const Day last_day = LastDayOfExport();
  ASSERT_EQ(doc["customers"].size(), size_t{kCustomers});
  double total = 0, previous = 1e300;
  for (const json& customer : doc["customers"]) {
    const std::string id = customer["customer"];
    const int c = std::stoi(id.substr(4));
    const int n = Purchases(c);
    // The summary, from the export's formula: repeat purchase days, days from the first to the
    // last, days from the first to the end of the data, mean total of the repeat days.
    EXPECT_EQ(customer["frequency"], n - 1) << id;
    EXPECT_EQ(customer["recency"], PurchaseDay(c, n - 1) - PurchaseDay(c, 0)) << id;
    EXPECT_EQ(customer["T"], last_day - PurchaseDay(c, 0)) << id;
    double repeat_total = 0;
    for (int k = 1; k < n; ++k) repeat_total += DayTotal(c, k);
    ExpectClose(customer["monetary"], n > 1 ? repeat_total / (n - 1) : 0.0, id + " monetary");
    const size_t row = library_row.at(id);
    ExpectClose(customer["expected_purchases"], library.expected_purchases[row], id);
    ExpectClose(customer["p_alive"], library.p_alive[row], id + " p_alive");
    ExpectClose(customer["expected_spend"], library.expected_spend[row], id + " spend");
    ExpectClose(customer["clv"], library.clv[row], id + " clv");
    const double clv = customer["clv"];
    EXPECT_LE(clv, previous);  // highest first
    previous = clv;
    total += clv;
  }
  ExpectClose(doc["total_clv"], total, "total_clv");
  ExpectClose(doc["total_clv"], library.total_clv, "total_clv");
}

TEST_F(ClvCommand, HoldoutTableAndCsv) {
  const testing::CommandResult run =
      testing::RunCommand(Args("--calibration-end 2024-02-15 --view holdout --format csv"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(run.out.starts_with("calibration_frequency,customers,actual,predicted,")) << run.out;
  // Customers and holdout purchases per calibration frequency, from the export's formula.
  const Day calibration_end = DaysFromCivil(2024, 2, 15);
  std::vector<double> customers(8, 0), actual(8, 0);
  for (int c = 0; c < kCustomers; ++c) {
    int before = 0, after = 0;
    for (int k = 0; k < Purchases(c); ++k)
      ++(PurchaseDay(c, k) <= calibration_end ? before : after);
    ASSERT_GT(before, 0);  // every first purchase is in January
    customers[std::min(before - 1, 7)] += 1;
    actual[std::min(before - 1, 7)] += after;
  }
  const app::ClvResult library = LibraryClv(export_, calibration_end).clv;
  ASSERT_EQ(library.holdout.size(), 8u);
  std::istringstream lines(run.out);
  std::string line;
  std::getline(lines, line);  // the header
  double total_customers = 0, total_actual = 0, total_predicted = 0;
  for (size_t frequency = 0; frequency < 8; ++frequency) {
    ASSERT_TRUE(std::getline(lines, line)) << run.out;
    std::vector<std::string> cells;
    std::stringstream fields(line);
    for (std::string cell; std::getline(fields, cell, ',');) cells.push_back(cell);
    ASSERT_GE(cells.size(), 4u) << line;
    EXPECT_EQ(cells[0], frequency == 7 ? "7+" : std::to_string(frequency));
    EXPECT_EQ(std::stod(cells[1]), customers[frequency]) << line;
    EXPECT_DOUBLE_EQ(std::stod(cells[2]), actual[frequency]) << line;
    EXPECT_NEAR(std::stod(cells[3]), library.holdout[frequency].predicted,
                1e-6 * std::max(1.0, library.holdout[frequency].predicted))
        << line;
    total_customers += customers[frequency];
    total_actual += actual[frequency];
    total_predicted += library.holdout[frequency].predicted;
  }
  ASSERT_TRUE(std::getline(lines, line)) << run.out;
  EXPECT_TRUE(line.starts_with("total,300,")) << line;
  EXPECT_EQ(total_customers, kCustomers);
  std::vector<std::string> cells;
  std::stringstream fields(line);
  for (std::string cell; std::getline(fields, cell, ',');) cells.push_back(cell);
  ASSERT_GE(cells.size(), 4u) << line;
  EXPECT_DOUBLE_EQ(std::stod(cells[2]), total_actual) << line;
  EXPECT_NEAR(std::stod(cells[3]), total_predicted, 1e-6 * total_predicted) << line;
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
