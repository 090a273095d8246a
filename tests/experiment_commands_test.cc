// growthlens experiment plan end to end: the worked example, power and MDE from the
// other two, and usage errors. The statistics themselves are checked against statsmodels in
// stats_golden_test.cc.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "command_runner.h"

namespace growthlens {
namespace {

using json = nlohmann::json;

json PlanJson(const std::string& arguments) {
  const auto run = testing::RunCommand("experiment plan " + arguments + " --format json");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return json::parse(run.out);
}

TEST(ExperimentPlan, TenPercentBaselinePlusOnePointNeeds14745PerArm) {
  const json plan = PlanJson("--baseline 0.10 --effect 0.01 --daily-traffic 2000");
  EXPECT_EQ(plan["n_control"], 14745);
  EXPECT_EQ(plan["n_per_treatment"], 14745);
  EXPECT_EQ(plan["n_total"], 29490);
  EXPECT_EQ(plan["duration_days"], 15);  // ceil(29,490 / 2,000)
  EXPECT_NEAR(plan["n_control_exact"].get<double>(), 14744.1, 0.01);
  // Relative effect: +10% of 10% is the same +1 point.
  EXPECT_EQ(PlanJson("--baseline 0.10 --relative-effect 0.1")["n_control"], 14745);
  // Twice as many in treatment: fewer in control, more in all.
  const json unequal = PlanJson("--baseline 0.10 --effect 0.01 --ratio 2");
  EXPECT_LT(unequal["n_control"].get<int64_t>(), 14745);
  EXPECT_GT(unequal["n_total"].get<int64_t>(), 29490);
}

TEST(ExperimentPlan, PowerAndMdeAreTheInversesOfTheSampleSize) {
  const json power = PlanJson("--baseline 0.10 --effect 0.01 --solve power --n 14745");
  EXPECT_GE(power["power"].get<double>(), 0.8);
  EXPECT_LT(power["power"].get<double>(), 0.8001);
  const json mde = PlanJson("--baseline 0.10 --solve mde --n 14745");
  EXPECT_NEAR(mde["mde_absolute"].get<double>(), 0.01, 1e-4);
  EXPECT_LE(mde["mde_absolute"].get<double>(), 0.01);
}

TEST(ExperimentPlan, BadInputExitsTwoNamingTheOption) {
  for (const auto& [arguments, message] :
       {std::pair{"--baseline 1.5 --effect 0.01", "--baseline 1.5"},
        std::pair{"--baseline 0.1", "exactly one of --effect"},
        std::pair{"--metric mean --baseline 5 --effect 1", "--std-dev"},
        std::pair{"--baseline 0.1 --effect 0.01 --solve power", "--n"},
        std::pair{"--baseline 0.1 --effect 0.01 --alternative up", "--alternative 'up'"},
        std::pair{"--baseline 0.1 --effect 0.01 --alpha 2", "--alpha 2"}}) {
    const auto run = testing::RunCommand(std::string("experiment plan ") + arguments);
    EXPECT_EQ(run.exit_code, 2) << arguments;
    EXPECT_NE(run.err.find(message), std::string::npos) << arguments << "\n" << run.err;
  }
}

}  // namespace
}  // namespace growthlens
