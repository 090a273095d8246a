// Funnel breakdowns (issue 20.1): by persona, the users' persona in the default persona model
// (as `users` labels them). Checked against independent computations: the groups add up to the
// whole funnel, and one persona's counts equal the funnel of a log holding only that persona's
// users' rows, read from CSV again.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <set>
#include <sstream>
#include <string>

#include "app/analysis_registry.h"
#include "app/persona_cache.h"
#include "metrics/funnel.h"
#include "metrics/user_event_order.h"
#include "ml/segmentation.h"
#include "prep/ingest.h"
#include "synth/event_generator.h"
#include "synth/output_sink.h"

namespace growthlens {
namespace {

constexpr const char* kSteps = "sign_up,create_project,invite_teammate,first_report";

std::string GeneratedEvents() {
  synth::UsageGeneratorOptions options;
  options.users = 3000;
  options.seed = 7;
  synth::StringSink sink;
  EXPECT_TRUE(synth::GenerateEventLog(options, sink).ok());
  return sink.contents();
}

Result<CleanedData> Read(const std::string& text) {
  IngestOptions options;
  options.read.columns.kind = DataKind::kEvents;
  return IngestText(text, "events.csv", options);
}

nlohmann::json RunFunnel(const CleanedData& data, const app::ParamText& given) {
  const app::AnalysisEntry* funnel = app::FindAnalysis("funnel");
  EXPECT_NE(funnel, nullptr);
  const Result<app::ParamText> params =
      app::Canonical(funnel->params, given, app::Naming::kApi, "funnel");
  EXPECT_TRUE(params.ok()) << params.status().message();
  app::RunContext context;
  const Result<std::string> out = funnel->run(data, *params, app::OutputFormat::kJson, context);
  EXPECT_TRUE(out.ok()) << out.status().message();
  return out.ok() ? nlohmann::json::parse(*out) : nlohmann::json();
}

std::vector<uint64_t> StepUsers(const nlohmann::json& funnel) {
  std::vector<uint64_t> users;
  for (const auto& step : funnel["steps"]) users.push_back(step["users"].get<uint64_t>());
  return users;
}

TEST(FunnelBreakdown, ByPersonaAddsUpAndMatchesTheFunnelOfEachPersonasUsersAlone) {
  const std::string text = GeneratedEvents();
  const Result<CleanedData> data = Read(text);
  ASSERT_TRUE(data.ok()) << data.status().message();
  const nlohmann::json funnel = RunFunnel(*data, {{"steps", kSteps}, {"by", "persona"}});
  ASSERT_EQ(funnel["by"], "persona");
  const std::vector<uint64_t> total = StepUsers(funnel);
  ASSERT_GT(total.front(), 0u);

  // The personas as the users list labels them, computed apart from the funnel.
  const Result<app::UserPersonas> personas =
      app::ComputeUserPersonas(data->dataset, std::stop_token());
  ASSERT_TRUE(personas.ok());
  ASSERT_NE(personas->model, nullptr);
  const UsageLog& log = *data->dataset.As<UsageLog>();

  std::vector<uint64_t> sum(total.size(), 0);
  std::set<std::string> seen;
  ASSERT_GE(funnel["groups"].size(), 2u);
  for (const auto& group : funnel["groups"]) {
    const std::string name = group["group"].get<std::string>();
    EXPECT_TRUE(seen.insert(name).second) << name << " twice";
    const std::vector<uint64_t> counts = StepUsers(group);
    for (size_t step = 0; step < counts.size(); ++step) sum[step] += counts[step];
    // That persona's users' rows alone, as a new CSV: its funnel is the group's.
    int32_t id = -1;
    for (const ml::Persona& persona : personas->model->personas)
      if (persona.name == name) id = static_cast<int32_t>(persona.id);
    ASSERT_GE(id, 0) << "no persona named " << name;
    std::istringstream lines(text);
    std::string line;
    std::getline(lines, line);
    std::string subset = line + "\n";
    while (std::getline(lines, line)) {
      const std::optional<uint32_t> user = log.users.Find(line.substr(0, line.find(',')));
      ASSERT_TRUE(user.has_value()) << line;
      if (personas->of_user[*user] == id) subset += line + "\n";
    }
    const Result<CleanedData> alone = Read(subset);
    ASSERT_TRUE(alone.ok()) << alone.status().message();
    EXPECT_EQ(StepUsers(RunFunnel(*alone, {{"steps", kSteps}})), counts) << name;
  }
  EXPECT_EQ(sum, total);
}

TEST(FunnelBreakdown, ByPersonaIsListedAmongTheBreakdowns) {
  const app::AnalysisEntry* funnel = app::FindAnalysis("funnel");
  ASSERT_NE(funnel, nullptr);
  const Result<app::ParamText> params = app::Canonical(
      funnel->params, {{"steps", "a"}, {"by", "persona"}}, app::Naming::kApi, "funnel");
  EXPECT_TRUE(params.ok()) << params.status().message();
}

/// The funnel over rows grouped beforehand (UserEventOrder, as a caller running several
/// analyses keeps it) is the funnel computed from the log alone, also when rows are out of time
/// order within a user.
TEST(FunnelBreakdown, AFunnelOverAKeptUserOrderEqualsOneFromTheLog) {
  std::string text = GeneratedEvents();
  // Reverse the data rows: users interleave nowhere but every user's rows run backwards.
  std::istringstream lines(text);
  std::string header;
  std::getline(lines, header);
  std::vector<std::string> rows;
  for (std::string line; std::getline(lines, line);) rows.push_back(line);
  std::string reversed = header + "\n";
  for (auto row = rows.rbegin(); row != rows.rend(); ++row) reversed += *row + "\n";
  for (const std::string& csv : {text, reversed}) {
    const Result<CleanedData> data = Read(csv);
    ASSERT_TRUE(data.ok());
    const UsageLog& log = *data->dataset.As<UsageLog>();
    FunnelSpec spec;
    for (const char* name : {"sign_up", "create_project", "invite_teammate", "first_report"})
      spec.steps.push_back({.event = static_cast<uint16_t>(*log.features.Find(name))});
    const UserEventOrder order(log);
    const FunnelUsers direct = ComputeFunnel(log, spec, 2);
    const FunnelUsers kept = ComputeFunnel(log, order.by_user(), spec, 1);
    EXPECT_EQ(direct.level, kept.level);
    EXPECT_EQ(direct.times, kept.times);
    EXPECT_GT(SummarizeFunnel(direct).steps.back().users, 0u);
  }
}

}  // namespace
}  // namespace growthlens
