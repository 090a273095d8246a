// The application layer's experiment readers (app/experiment_data.h) on text in memory, as both
// the CLI (a file it read) and the server (a request's body) call them, and the campaign ranking
// (app/campaign_simulation.h).

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "app/campaign_simulation.h"
#include "app/experiment_data.h"

namespace growthlens {
namespace {

TEST(ExperimentReaders, SummaryFromMemory) {
  const std::string text =
      "variant,metric,n,successes\ncontrol,conv,1000,100\ntreatment,conv,1000,120\n";
  Result<app::ExperimentData> data = app::ReadExperiment(text, "upload.csv", {});
  ASSERT_TRUE(data.ok()) << data.status().message();
  EXPECT_FALSE(data->per_user);
  EXPECT_EQ(data->arms, (std::vector<std::string>{"control", "treatment"}));
  EXPECT_EQ(data->users, (std::vector<int64_t>{1000, 1000}));
  ASSERT_EQ(data->metrics.size(), 1u);
  EXPECT_DOUBLE_EQ(data->metrics[0].arms[1].mean, 0.12);
}

TEST(ExperimentReaders, ErrorsNameTheFileLineAndField) {
  const std::string text = "variant,metric,n,successes\nA,c,100,10\nB,c,lots,12\n";
  Result<app::ExperimentData> data = app::ReadExperiment(text, "my_test.csv", {});
  ASSERT_FALSE(data.ok());
  EXPECT_NE(data.status().message().find("my_test.csv line 3 column n: 'lots' is not a number"),
            std::string::npos)
      << data.status().message();
}

TEST(ExperimentReaders, PerUserWithCovariateAndCapsFromMemory) {
  std::string text = "user_id,variant,revenue,pre_revenue\n";
  for (int user = 0; user < 200; ++user)
    text += std::to_string(user) + (user % 2 ? ",treatment," : ",control,") +
            std::to_string(user % 17 + (user == 7 ? 1000 : 0)) + "," + std::to_string(user % 13) +
            "\n";
  app::PerUserOptions options;
  options.covariates = {"pre_revenue"};
  options.winsorize = 0.99;
  options.threads = 2;
  Result<app::ExperimentData> data = app::ReadExperiment(text, "users.csv", options);
  ASSERT_TRUE(data.ok()) << data.status().message();
  EXPECT_TRUE(data->per_user);
  EXPECT_EQ(data->rows, 200u);
  ASSERT_EQ(data->metrics.size(), 1u);  // the id and the covariate are not metrics
  EXPECT_EQ(data->metrics[0].name, "revenue");
  ASSERT_EQ(data->caps.size(), 1u);  // the covariate is not capped
  EXPECT_EQ(data->caps[0].column, "revenue");
  EXPECT_GE(data->caps[0].capped, 1u);  // the outlier of user 7
}

TEST(ExperimentReaders, OptionsAreNamedAsTheCallerKnowsThem) {
  const std::string text = "variant,spend\nA,3\nB,4\n";
  app::PerUserOptions options;
  options.metrics = {"nosuch"};
  Result<app::ExperimentData> cli = app::ReadExperiment(text, "x.csv", options);
  ASSERT_FALSE(cli.ok());
  EXPECT_EQ(cli.status().message().rfind("--metrics 'nosuch': x.csv has no such column", 0), 0u)
      << cli.status().message();
  options.naming = app::Naming::kApi;
  Result<app::ExperimentData> api = app::ReadExperiment(text, "x.csv", options);
  ASSERT_FALSE(api.ok());
  EXPECT_EQ(
      api.status().message().rfind("parameter 'metrics' 'nosuch': x.csv has no such column", 0), 0u)
      << api.status().message();
  // Per-user options on a summary are refused, named.
  const std::string summary = "variant,metric,n,successes\nA,c,100,10\nB,c,100,12\n";
  app::PerUserOptions capped;
  capped.winsorize = 0.99;
  capped.naming = app::Naming::kApi;
  Result<app::ExperimentData> refused = app::ReadExperiment(summary, "s.csv", capped);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("parameter 'winsorize': s.csv is a per-arm summary"),
            std::string::npos)
      << refused.status().message();
}

app::SimulatedCell Cell(std::string segment, stats::CampaignAction action, double power,
                        std::optional<int64_t> needed, size_t users) {
  app::SimulatedCell cell;
  cell.segment = std::move(segment);
  cell.advice.action = action;
  cell.simulation.users = users;
  cell.simulation.goal.power_achieved = power;
  if (needed) {
    stats::SampleSizePlan plan;
    plan.n_total = *needed;
    cell.simulation.goal.needed = plan;
  }
  return cell;
}

// Testable cells first, then by power achieved, then by the users needed over the users there
// are, then in segment and campaign order.
TEST(CampaignRanking, TestableThenPowerThenNeedThenOrder) {
  using stats::CampaignAction;
  std::vector<app::SimulatedCell> cells = {
      Cell("untestable", CampaignAction::kNotTestable, 0.99, std::nullopt, 100),
      Cell("weak", CampaignAction::kBigLiftsOnly, 0.20, 4000, 1000),
      Cell("strong", CampaignAction::kRunNow, 0.90, 500, 1000),
      Cell("closer", CampaignAction::kWithinReach, 0.20, 2000, 1000),
      Cell("tie-second", CampaignAction::kWithinReach, 0.50, 2000, 1000),
      Cell("tie-first", CampaignAction::kWithinReach, 0.50, 2000, 1000),
  };
  const std::vector<std::pair<size_t, size_t>> order = {{0, 0}, {1, 0}, {2, 0},
                                                        {3, 0}, {5, 0}, {4, 0}};
  app::RankCampaignCells(cells, order);
  std::vector<std::string> ranked;
  for (const app::SimulatedCell& cell : cells) ranked.push_back(cell.segment);
  EXPECT_EQ(ranked, (std::vector<std::string>{"strong", "tie-first", "tie-second", "closer", "weak",
                                              "untestable"}));
  for (size_t idx = 0; idx < cells.size(); ++idx) EXPECT_EQ(cells[idx].rank, idx + 1);
}

}  // namespace
}  // namespace growthlens
