// The server answers the default views from the Analysis it computed at load (issue 17.4): a run
// given RunContext::analysis takes the result from it when its parameters ask for exactly that
// result (all time, default options) and computes otherwise. The held analysis is marked here so
// that an answer taken from it can be told from a computed one; server_parity_test checks that
// the unmarked held results are byte for byte what the CLI computes.

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <string>

#include "app/analysis_registry.h"
#include "metrics/analysis.h"
#include "prep/ingest.h"
#include "test_data.h"

namespace growthlens {
namespace {

constexpr int64_t kMark = 987654321;

CleanedData LoadText(const std::string& text, const std::string& file) {
  Result<CleanedData> data = IngestText(text, file, IngestOptions());
  EXPECT_TRUE(data.ok()) << data.status().message();
  return std::move(data).value();
}

CleanedData LoadGolden(const std::string& file) {
  std::ifstream in(testing::GoldenPath(file), std::ios::binary);
  return LoadText(std::string((std::istreambuf_iterator<char>(in)), {}), file);
}

/// The JSON of `analysis` run with `query`, given the held analysis `held` (or none).
std::string Answer(const std::string& analysis, const app::ParamText& query,
                   const CleanedData& data, std::shared_ptr<const Analysis> held) {
  const app::AnalysisEntry* entry = app::FindAnalysis(analysis);
  EXPECT_NE(entry, nullptr) << analysis;
  Result<app::ParamText> params =
      app::Canonical(entry->params, query, app::Naming::kApi, entry->name);
  EXPECT_TRUE(params.ok()) << params.status().message();
  app::RunContext context;
  context.naming = app::Naming::kApi;
  context.source = "data.csv";
  context.analysis = std::move(held);
  Result<std::string> json = entry->run(data, *params, app::OutputFormat::kJson, context);
  EXPECT_TRUE(json.ok()) << json.status().message();
  return json.ok() ? *json : "";
}

TEST(HeldAnalysis, UsageDefaultViewsComeFromTheLoadsAnalysis) {
  const CleanedData data = LoadGolden("usage_small.csv");
  auto held = std::make_shared<Analysis>(RunAnalysis(data.dataset, AnalysisOptions()));
  const std::string mark = std::to_string(kMark);
  held->kpis.active_users = kMark;
  held->features.features.at(0).events = kMark;
  held->features.features.at(0).users = kMark;
  held->rfm.frequency.at(0) = kMark;
  held->cohorts.cohort_size.at(0) = kMark;
  held->lifecycle.periods.new_users.at(0) = kMark;
  held->insights.at(0).text = mark;

  for (const auto& [analysis, query] :
       std::vector<std::pair<std::string, app::ParamText>>{{"kpis", {}},
                                                           {"usage", {}},
                                                           {"usage", {{"view", "engagement"}}},
                                                           {"rfm", {{"view", "users"}}},
                                                           {"cohorts", {{"values", "count"}}},
                                                           {"lifecycle", {}},
                                                           {"insights", {}}}) {
    EXPECT_NE(Answer(analysis, query, data, held).find(mark), std::string::npos)
        << analysis << " did not answer from the held analysis";
    EXPECT_EQ(Answer(analysis, query, data, nullptr).find(mark), std::string::npos) << analysis;
  }
  // Asking for something else computes it.
  for (const auto& [analysis, query] : std::vector<std::pair<std::string, app::ParamText>>{
           {"kpis", {{"from", "2025-01-01"}}},
           {"usage", {{"features", "Search"}}},
           {"rfm", {{"view", "users"}, {"ties", "shared"}}},
           {"cohorts", {{"values", "count"}, {"period", "week"}}},
           {"lifecycle", {{"period", "week"}}}})
    EXPECT_EQ(Answer(analysis, query, data, held).find(mark), std::string::npos) << analysis;
}

TEST(HeldAnalysis, RevenueViewsComeFromTheLoadsAnalysis) {
  const CleanedData data =
      LoadText(std::string(testing::kRetailHeader) +
                   "536365,85123A,MUG,6,2010-12-01 08:26,2.55,17850,France\n"
                   "536366,71053,LANTERN,2,2011-01-04 10:00,3.39,17850,France\n"
                   "536367,84406B,CUSHION,8,2011-02-05 11:00,2.75,13047,Spain\n",
               "retail.csv");
  auto held = std::make_shared<Analysis>(RunAnalysis(data.dataset, AnalysisOptions()));
  const std::string mark = std::to_string(kMark);
  held->months.at(0).orders = kMark;
  held->countries.at(0).orders = kMark;
  held->seasonality.weekday.at(0).orders = kMark;
  for (const std::string view : {"monthly", "countries", "seasonality"}) {
    EXPECT_NE(Answer("revenue", {{"view", view}}, data, held).find(mark), std::string::npos)
        << view;
    EXPECT_EQ(Answer("revenue", {{"view", view}, {"from", "2010-01-01"}}, data, held).find(mark),
              std::string::npos)
        << view;
  }
}

}  // namespace
}  // namespace growthlens
