// growthlens experiment analyze on small per-user files written by the tests: the column
// defaults, every option, and every input error with its message and exit code (2 bad option,
// 4 parse error, 5 columns not found, 6 data error). The statistics are checked against numpy
// and scipy in experiment_golden_test.cc.

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "command_runner.h"

namespace growthlens {
namespace {

using json = nlohmann::json;

/// user_id, variant, converted (0/1), revenue, orders, pre_revenue, country: 40 users, the
/// treatment's revenue clearly higher and its orders the same.
std::string SmallExperiment() {
  std::string text = "user_id,variant,converted,revenue,orders,pre_revenue,country\n";
  for (int user = 0; user < 40; ++user) {
    const bool treatment = user % 2 == 1;
    const int pre = 10 + (user * 7) % 13;
    const int orders = 1 + user % 3;
    const int revenue = pre + (treatment ? 6 : 0) + (user * 5) % 4;
    text += std::to_string(1000 + user) + "," + (treatment ? "treatment" : "control") + "," +
            ((user * 3) % 5 == 0 ? "1" : "0") + "," + std::to_string(revenue) + "," +
            std::to_string(orders) + "," + std::to_string(pre) + "," +
            (user % 4 == 0 ? "FR" : "DE") + "\n";
  }
  return text;
}

class ExperimentPerUser : public ::testing::Test {
 protected:
  std::string Write(const std::string& text) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("growthlens_per_user_" + std::to_string(::getpid()) + "_" +
                       std::to_string(files_.size()) + ".csv");
    std::ofstream(path) << text;
    files_.push_back(path);
    return path.string();
  }
  void TearDown() override {
    for (const auto& path : files_) std::filesystem::remove(path);
  }
  json Json(const std::string& arguments) {
    const auto run = testing::RunCommand("experiment analyze " + arguments + " --format json");
    EXPECT_EQ(run.exit_code, 0) << arguments << "\n" << run.err;
    return run.exit_code == 0 ? json::parse(run.out) : json::object();
  }
  /// Runs and expects a failure with `code` whose message contains `message`.
  void ExpectError(const std::string& arguments, int code, const std::string& message) {
    const auto run = testing::RunCommand("experiment analyze " + arguments);
    EXPECT_EQ(run.exit_code, code) << arguments << "\n" << run.err;
    EXPECT_NE(run.err.find(message), std::string::npos)
        << arguments << "\nexpected: " << message << "\ngot: " << run.err;
  }
  std::vector<std::filesystem::path> files_;
};

std::vector<std::string> Metrics(const json& doc) {
  std::vector<std::string> names;
  for (const json& row : doc["results"]) names.push_back(row["metric"]);
  return names;
}

TEST_F(ExperimentPerUser, DefaultsFindTheVariantAndTheNumericMetrics) {
  const json doc = Json(Write(SmallExperiment()));
  EXPECT_EQ(doc["format"], "per-user");
  EXPECT_EQ(doc["control"], "control");
  EXPECT_EQ(doc["rows"], 40);
  // user_id is an id, country is text, variant is the variant.
  EXPECT_EQ(Metrics(doc),
            (std::vector<std::string>{"converted", "revenue", "orders", "pre_revenue"}));
  EXPECT_EQ(doc["results"][0]["type"], "proportion");
  EXPECT_EQ(doc["results"][1]["type"], "mean");
  EXPECT_EQ(doc["arms"][0]["variant"], "control");
  EXPECT_EQ(doc["arms"][0]["users"], 20);
}

// Issue 14.3: escaped quotes in the id and the variant of every row; the arms keep their names.
TEST_F(ExperimentPerUser, EscapedQuotesInSeveralFieldsKeepTheArmNames) {
  std::string text = "user_id,variant,revenue\n";
  for (int user = 0; user < 40; ++user)
    text += std::string(1, '"') + std::to_string(user) + "\"\"\",\"" + (user % 2 == 0 ? "A" : "B") +
            "\"\"\"," + std::to_string(user % 7) + "\n";
  const json doc = Json(Write(text));
  EXPECT_EQ(doc["control"], "A\"");
  EXPECT_EQ(doc["arms"][1]["variant"], "B\"");
  EXPECT_EQ(doc["rows"], 40);
}

TEST_F(ExperimentPerUser, VariantColumnMetricsAndControlCanBeNamed) {
  std::string text = "id;bucket;spend;clicked\n";
  for (int user = 0; user < 30; ++user)
    text += std::to_string(user) + ";" + (user % 3 == 0 ? "B" : "A") + ";" +
            std::to_string(user % 7) + ",5;" + (user % 2 == 0 ? "TRUE" : "false") + "\n";
  const std::string file = Write(text);  // semicolons and decimal commas, as European exports
  ExpectError(file, 5,
              "no column named variant, group, version or arm; name the variant column "
              "with --variant-col (columns: id, bucket, spend, clicked)");
  const json doc = Json(file + " --variant-col bucket --metrics clicked,spend --control B");
  EXPECT_EQ(doc["control"], "B");
  EXPECT_EQ(Metrics(doc), (std::vector<std::string>{"clicked", "spend"}));
  EXPECT_EQ(doc["results"][0]["type"], "proportion");  // true / false in any case
  EXPECT_EQ(doc["results"][0]["variant"], "A");
  EXPECT_NEAR(doc["results"][1]["mean_control"].get<double>(), 3.5, 1e-12);  // B: 0,3,6,2,...
}

TEST_F(ExperimentPerUser, CupedWinsorizeRatioAndSequentialAreReported) {
  const std::string file = Write(SmallExperiment());
  const json doc =
      Json(file +
           " --metrics revenue,orders --covariate revenue:pre_revenue --winsorize 0.9 "
           "--ratio revenue_per_order=revenue/orders --sequential --sequential-tuning 100");
  EXPECT_EQ(Metrics(doc), (std::vector<std::string>{"revenue", "orders", "revenue_per_order"}));
  const json& revenue = doc["results"][0];
  EXPECT_EQ(revenue["covariate"], "pre_revenue");
  EXPECT_GT(revenue["variance_reduction"].get<double>(), 0.5);  // revenue follows pre_revenue
  EXPECT_TRUE(doc["results"][1]["covariate"].is_null());
  EXPECT_EQ(doc["results"][2]["type"], "ratio");
  EXPECT_EQ(doc["cuped"][0]["metric"], "revenue");
  EXPECT_EQ(doc["sequential"]["tuning_parameter"], 100.0);
  EXPECT_EQ(doc["winsorize"]["percentile"], 0.9);
  ASSERT_EQ(doc["winsorize"]["columns"].size(), 2u);  // revenue and orders; not the covariate
  EXPECT_EQ(doc["winsorize"]["columns"][0]["column"], "revenue");
  EXPECT_GT(doc["winsorize"]["columns"][0]["capped"].get<int>(), 0);

  const auto table = testing::RunCommand("experiment analyze " + file +
                                         " --metrics revenue --covariate pre_revenue "
                                         "--winsorize 0.9 --sequential");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  for (const std::string expected :
       {"one row per user", "Arms (file order, as --weights): control 20 users, treatment 20",
        "Winsorized at the 90th percentile of all arms pooled (linear interpolation",
        "CUPED: revenue adjusted by pre-period pre_revenue (theta",
        "Sequential testing: always-valid intervals and p-values from the normal-mixture",
        "N* = 5,000", "Raw rel. lift", "Var. red.", "Verdict: "})
    EXPECT_NE(table.out.find(expected), std::string::npos) << expected << "\n" << table.out;
  const auto csv = testing::RunCommand("experiment analyze " + file + " --format csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out.rfind("metric,variant,role,type,n_control,n_treatment,", 0), 0u) << csv.out;
}

TEST_F(ExperimentPerUser, ThreadCountDoesNotChangeTheReport) {
  // ~6 MB: several read chunks and summing blocks, so the threads really split the work.
  std::string text = "user_id,variant,revenue,pre_revenue,converted\n";
  for (int user = 0; user < 200'000; ++user) {
    const int pre = (user * 7919) % 1000;
    text += std::to_string(user) + "," + (user % 3 == 0 ? "B" : "A") + "," +
            std::to_string(pre / 10) + "." + std::to_string(user % 97) + "," + std::to_string(pre) +
            ".25," + (user % 11 == 0 ? "1" : "0") + "\n";
  }
  const std::string input = Write(text);
  const auto one = testing::RunCommand("experiment analyze " + input +
                                       " --covariate revenue:pre_revenue --winsorize 0.99 "
                                       "--threads 1 --format json");
  const auto two = testing::RunCommand("experiment analyze " + input +
                                       " --covariate revenue:pre_revenue --winsorize 0.99 "
                                       "--threads 2 --format json");
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(one.out, two.out);
}

TEST_F(ExperimentPerUser, GuardrailsDirectionWeightsAlphaAndCorrection) {
  const std::string file = Write(SmallExperiment());
  const json doc = Json(file +
                        " --metrics revenue,orders --guardrails orders --margin 0.5 "
                        "--lower-is-better revenue --alpha 0.1 --correction none");
  EXPECT_EQ(doc["alpha"], 0.1);
  EXPECT_EQ(doc["correction"], "none");
  const json& revenue = doc["results"][0];
  const json& orders = doc["results"][1];
  EXPECT_EQ(revenue["role"], "goal");
  EXPECT_EQ(revenue["adjusted_p"], revenue["relative_p"]);  // no correction
  EXPECT_EQ(revenue["decision"], "don't ship");             // revenue rose, lower is better
  EXPECT_EQ(orders["role"], "guardrail");
  EXPECT_EQ(orders["decision"], "ship");  // within the 50% margin
  EXPECT_EQ(doc["verdict"]["decision"], "don't ship");
  const json skewed = Json(file + " --weights 0.9,0.1");
  EXPECT_TRUE(skewed["srm"]["mismatch"].get<bool>());
  EXPECT_EQ(skewed["verdict"]["decision"], "don't ship");
}

TEST_F(ExperimentPerUser, InputErrorsNameFileLineColumnAndWhatWasExpected) {
  const std::string good = Write(SmallExperiment());
  // Unknown variant column: exit 2 with the columns.
  ExpectError(good + " --variant-col arm_name", 2,
              "--variant-col 'arm_name': " + good +
                  " has no such column (columns: user_id, variant, converted, revenue, orders, "
                  "pre_revenue, country)");
  // Only one arm.
  ExpectError(Write("user_id,variant,revenue\n1,A,3\n2,A,4\n"), 6,
              "column 'variant' has one variant only ('A'); an experiment needs a control");
  // A non-numeric metric value: file:line:column and the text.
  const std::string bad = Write("user_id,variant,revenue\n1,A,3\n2,B,4\n3,A,lots\n4,B,5\n");
  ExpectError(bad, 4, bad + ":4:3: column 'revenue': expected a number, found 'lots'");
  const std::string empty = Write("user_id,variant,revenue\n1,A,3\n2,B,\n3,A,4\n");
  ExpectError(empty + " --metrics revenue", 4,
              empty + ":3:3: column 'revenue': expected a number, found an empty cell");
  // Negative counts: a ratio's denominator, and n in a summary file.
  const std::string negative =
      Write("user_id,variant,revenue,orders\n1,A,3,1\n2,B,4,2\n3,A,5,-1\n4,B,5,1\n");
  ExpectError(negative + " --ratio aov=revenue/orders", 4,
              negative + ":4:4: column 'orders': expected a non-negative count, found '-1'");
  ExpectError(Write("variant,metric,n,successes\nA,c,100,10\nB,c,-5,2\n"), 4,
              "line 3 column n: -5 is not a non-negative count");
  // A missing control.
  ExpectError(good + " --control holdout", 2,
              "--control: no variant named 'holdout' (variants: control, treatment)");
  // Rows that do not match the header, an empty variant, a variant column of ids.
  const std::string ragged = Write("user_id,variant,revenue\n1,A,3\n2,B\n");
  ExpectError(ragged, 4, ragged + ":3: 2 fields, the header has 3");
  const std::string no_variant = Write("user_id,variant,revenue\n1,A,3\n2,,4\n");
  ExpectError(no_variant, 4,
              no_variant + ":3:2: column 'variant': empty; every row needs a variant");
  std::string many = "user_id,variant,revenue\n";
  for (int user = 0; user < 150; ++user)
    many += std::to_string(user) + "," + std::to_string(user) + ",1\n";
  ExpectError(Write(many), 4, "column 'variant' has more than 100 distinct values");
}

TEST_F(ExperimentPerUser, BadOptionsExitTwo) {
  const std::string good = Write(SmallExperiment());
  ExpectError(good + " --metrics revenu", 2, "--metrics 'revenu': " + good + " has no such column");
  ExpectError(good + " --covariate pre", 2, "--covariate 'pre': " + good + " has no such column");
  ExpectError(good + " --metrics revenue --covariate orders:pre_revenue", 2,
              "--covariate 'orders:pre_revenue': 'orders' is not one of the metrics");
  ExpectError(good + " --metrics revenue,pre_revenue --covariate pre_revenue", 2,
              "--metrics 'pre_revenue': also named as a --covariate");
  ExpectError(good + " --ratio aov", 2, "--ratio 'aov': expected NAME=NUMERATOR/DENOMINATOR");
  // Found by libFuzzer: a name that is not UTF-8 ended the program when the JSON was written.
  ExpectError(good + " --ratio a\xff\x06=revenue/orders --format json", 2,
              "--ratio: the name before '=' is not valid UTF-8 text");
  ExpectError(good + " --ratio aov=revenue/basket", 2,
              "--ratio 'basket': " + good + " has no such column");
  ExpectError(good + " --winsorize 99", 2, "--winsorize '99': above the maximum 1");
  ExpectError(good + " --winsorize 0.5", 2, "--winsorize 0.5: expected a percentile as a fraction");
  ExpectError(good + " --weights 0.5,0.3,0.2", 2,
              "--weights: 3 given for 2 variants (control, treatment, in file order)");
  ExpectError(good + " --guardrails aov", 2, "--guardrails 'aov': no such metric");
  ExpectError(good + " --lower-is-better aov", 2, "--lower-is-better 'aov': no such metric");
  ExpectError(good + " --sequential --sequential-tuning 0", 2,
              "--sequential-tuning '0': below the minimum 1");
  ExpectError(good + " --correction bonferroni", 2, "--correction 'bonferroni'");
  const std::string summary =
      Write("variant,metric,n,sum,sum_squares\nA,r,100,50,80\nB,r,100,60,90\n");
  ExpectError(summary + " --covariate pre --winsorize 0.99", 2,
              "--covariate, --winsorize: " + summary +
                  " is a per-arm summary (header variant, metric, n); these options need one "
                  "row per user");
}

TEST_F(ExperimentPerUser, SummaryFilesTakeTheSequentialOption) {
  const json doc = Json(Write("variant,metric,n,sum,sum_squares,successes\n"
                              "A,revenue,3407,1396.87,52377.9767,\n"
                              "B,revenue,3461,2422.7,134698.29,\n") +
                        " --sequential --sequential-tuning 6868");
  const json& row = doc["results"][0];
  EXPECT_EQ(doc["format"], "summary");
  // Wider than GrowthBook's fixed-horizon interval (0.04538, 0.53462) at every N.
  EXPECT_LT(row["absolute_ci_low"].get<double>(), 0.04538);
  EXPECT_GT(row["absolute_ci_high"].get<double>(), 0.53462);
  EXPECT_NEAR(row["raw_absolute_ci_low"].get<double>(), 0.04538, 5e-6);
  // The always-valid p-value agrees with the interval: p >= alpha exactly when 0 is inside.
  EXPECT_EQ(row["absolute_p"].get<double>() < 0.05, row["absolute_ci_low"].get<double>() > 0);
}

}  // namespace
}  // namespace growthlens
