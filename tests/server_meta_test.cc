// The application layer's contract (src/app/): parameters checked against their specs with
// errors that name the parameter and its limit (never a CLI flag in the API), defaults filled
// before the cache key is made, GET /api/v1/meta, and docs/API.md kept in step with the specs.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <string>

#include "app/analysis_registry.h"
#include "app/api_meta.h"
#include "app/param_spec.h"
#include "command_runner.h"
#include "metrics/campaign_presets.h"
#include "server_test_support.h"

namespace growthlens {
namespace {

using nlohmann::json;
using testing::Reply;
using testing::TestServer;

std::string ErrorOf(const Result<app::ParamText>& result) {
  return result.ok() ? std::string("(accepted)") : result.status().message();
}

TEST(AppParams, BoundsNameTheParameterAndItsLimit) {
  const std::vector<app::ParamSpec> specs = {
      app::IntParam("n-init", 10, 1, 100, "KMeans initialisations"),
      app::EnumParam("view", "card", {"card", "trend"}, "what to show"),
      app::DateParam("from", "first day")};
  EXPECT_EQ(ErrorOf(app::Canonical(specs, {{"n-init", "101"}}, app::Naming::kApi, "segment")),
            "parameter 'n-init': '101': above the maximum 100; expected a whole number in 1..100");
  EXPECT_EQ(ErrorOf(app::Canonical(specs, {{"n-init", "0"}}, app::Naming::kApi, "segment")),
            "parameter 'n-init': '0': below the minimum 1; expected a whole number in 1..100");
  EXPECT_EQ(ErrorOf(app::Canonical(specs, {{"n-init", "1e3"}}, app::Naming::kCli, "segment")),
            "--n-init '1e3': expected a whole number in 1..100");
  EXPECT_EQ(ErrorOf(app::Canonical(specs, {{"n-init", "99999999999999999999"}}, app::Naming::kApi,
                                   "segment")),
            "parameter 'n-init': '99999999999999999999': expected a whole number in 1..100");
  EXPECT_EQ(ErrorOf(app::Canonical(specs, {{"view", "graph"}}, app::Naming::kCli, "kpis")),
            "--view 'graph': expected one of card, trend");
  EXPECT_EQ(ErrorOf(app::Canonical(specs, {{"from", "2024-99-01"}}, app::Naming::kApi, "kpis")),
            "parameter 'from': '2024-99-01': expected YYYY-MM-DD (a valid calendar date)");
  EXPECT_EQ(ErrorOf(app::Canonical(specs, {{"colour", "red"}}, app::Naming::kApi, "kpis")),
            "parameter 'colour': not accepted by /api/v1/kpis; expected one of n-init, view, from");
}

TEST(AppParams, CanonicalFillsDefaultsInSpecOrder) {
  const std::vector<app::ParamSpec> specs = {
      app::DateParam("from", "first day"), app::IntParam("n-init", 10, 1, 100, "inits"),
      app::EnumParam("view", "card", {"card", "trend"}, "what to show")};
  const Result<app::ParamText> given =
      app::Canonical(specs, {{"view", "card"}, {"from", "2025-01-01"}}, app::Naming::kApi, "x");
  ASSERT_TRUE(given.ok()) << given.status().message();
  const app::ParamText expected = {{"from", "2025-01-01"}, {"n-init", "10"}, {"view", "card"}};
  EXPECT_EQ(*given, expected);
  const Result<app::ParamText> none = app::Canonical(specs, {}, app::Naming::kApi, "x");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, (app::ParamText{{"n-init", "10"}, {"view", "card"}}));
}

TEST(AppParams, CliOnlyParametersAreRefusedOverHttp) {
  app::ParamSpec local = app::StringParam("users-file", "a file of ids");
  local.http = false;
  const std::vector<app::ParamSpec> specs = {local};
  EXPECT_EQ(
      ErrorOf(app::Canonical(specs, {{"users-file", "/etc/passwd"}}, app::Naming::kApi, "usage")),
      "parameter 'users-file': not accepted by /api/v1/usage; expected none");
  EXPECT_TRUE(app::Canonical(specs, {{"users-file", "ids.txt"}}, app::Naming::kCli, "usage").ok());
}

/// docs/API.md's generated section is what the specs say: run `growthlens api-docs --write
/// docs/API.md` after changing a spec.
TEST(ApiDocs, GeneratedSectionMatchesTheSpecs) {
  const std::string document =
      testing::ReadFileText(std::filesystem::path(GROWTHLENS_TEST_DIR) / ".." / "docs" / "API.md");
  const Result<std::string> regenerated = app::WithApiReference(document);
  ASSERT_TRUE(regenerated.ok()) << regenerated.status().message();
  // Not EXPECT_EQ: a drift would print the whole document twice.
  EXPECT_TRUE(*regenerated == document)
      << "docs/API.md is out of date; run growthlens api-docs --write docs/API.md";
  // The check can fail: a changed section is noticed.
  EXPECT_NE(*app::WithApiReference(document + "x"), document);
  EXPECT_FALSE(app::WithApiReference("no markers").ok());
}

TEST(ApiDocs, CommandChecksTheFile) {
  const testing::CommandResult ok =
      testing::RunCommand("api-docs --check " +
                          testing::ShellQuote(std::string(GROWTHLENS_TEST_DIR "/../docs/API.md")));
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  testing::TempDir dir;
  const std::string stale = (dir.path() / "API.md").string();
  std::ofstream(stale) << app::kApiReferenceBegin << "\nold text\n"
                       << app::kApiReferenceEnd << "\n";
  const testing::CommandResult refused =
      testing::RunCommand("api-docs --check " + testing::ShellQuote(stale));
  EXPECT_EQ(refused.exit_code, 6);
  EXPECT_NE(refused.err.find("out of date"), std::string::npos) << refused.err;
  const testing::CommandResult written =
      testing::RunCommand("api-docs --write " + testing::ShellQuote(stale));
  EXPECT_EQ(written.exit_code, 0) << written.err;
  EXPECT_NE(testing::ReadFileText(stale).find("`GET /api/v1/kpis`"), std::string::npos);
}

class ServerMeta : public testing::DemoServerSuite {};

TEST_F(ServerMeta, ListsAnalysesParametersAndEnums) {
  const Reply reply = server_->Get("/api/v1/meta");
  ASSERT_EQ(reply.status, 200) << reply.body;
  const json meta = reply.Json();
  const json& analyses = meta["analyses"];
  const auto kpis = std::find_if(analyses.begin(), analyses.end(),
                                 [](const json& analysis) { return analysis["name"] == "kpis"; });
  ASSERT_NE(kpis, analyses.end()) << reply.body;
  EXPECT_EQ((*kpis)["route"], "/api/v1/kpis");
  const json expected_params = json::parse(R"([
    {"name":"from","type":"date","default":null,"min":null,"max":null,"values":[]},
    {"name":"to","type":"date","default":null,"min":null,"max":null,"values":[]},
    {"name":"view","type":"enum","default":"card","min":null,"max":null,"values":["card","trend"]}
  ])");
  ASSERT_EQ((*kpis)["params"].size(), expected_params.size());
  for (size_t i = 0; i < expected_params.size(); ++i) {
    json param = (*kpis)["params"][i];
    EXPECT_FALSE(param["help"].get<std::string>().empty());
    param.erase("help");
    EXPECT_EQ(param, expected_params[i]);
  }
  const json& enums = meta["enums"];
  EXPECT_EQ(enums["rfm_segments"].size(), 11u);
  EXPECT_EQ(enums["rfm_segments"][0], "Champions");
  EXPECT_EQ(enums["verdicts"][1], json::parse(R"({"value":"dont_ship","label":"don't ship"})"));
  ASSERT_EQ(enums["campaigns"].size(), CampaignPresets().size());
  for (size_t i = 0; i < CampaignPresets().size(); ++i)
    EXPECT_EQ(enums["campaigns"][i]["name"], std::string(CampaignPresets()[i].name));
}

/// The persona tiers in meta are the names the persona model gives (ml::PersonaTierNames).
TEST_F(ServerMeta, PersonaTiersAreTheModelsNames) {
  const json tiers = server_->Get("/api/v1/meta").Json()["enums"]["persona_tiers"];
  for (const std::string kind : {"usage", "transactions"}) {
    const std::vector<std::string> names = tiers[kind].get<std::vector<std::string>>();
    ASSERT_EQ(names.size(), 4u);
    const json personas =
        server_->Get("/api/v1/segment?view=personas&dataset=" + kind).Json()["personas"];
    ASSERT_FALSE(personas.empty()) << kind;
    std::set<std::string> seen;
    for (const json& persona : personas) seen.insert(persona["persona"].get<std::string>());
    EXPECT_EQ(seen, std::set<std::string>(names.begin(), names.end())) << kind;
  }
}

TEST_F(ServerMeta, ApiErrorsSpeakOfParametersNotFlags) {
  // segment and users ran the CLI for the server until they moved to the registry: their errors
  // spoke of --k-min, --age, --id and --feature.
  for (const std::string target :
       {"/api/v1/kpis?from=2024-99-01", "/api/v1/kpis?view=graph",
        "/api/v1/kpis?from=2025-03-01&to=2025-02-01", "/api/v1/segment?k-min=5&k-max=3",
        "/api/v1/segment?k=1", "/api/v1/segment/users?n-init=0", "/api/v1/users?age=2",
        "/api/v1/users?id=nobody", "/api/v1/users?feature=Bogus", "/api/v1/users?segment=Bogus",
        "/api/v1/users?cohort=1999-01", "/api/v1/users/export?cohort-period=year"}) {
    const Reply reply = server_->Get(target);
    EXPECT_EQ(reply.status, 400) << target;
    const std::string error = reply.Json()["error"].get<std::string>();
    EXPECT_EQ(error.find("--"), std::string::npos) << target << ": " << error;
    EXPECT_NE(error.find("parameter '"), std::string::npos) << target << ": " << error;
  }
  EXPECT_EQ(server_->Get("/api/v1/kpis?from=2025-03-01&to=2025-02-01").Json()["parameter"], "from");
  EXPECT_EQ(server_->Get("/api/v1/segment?k-min=5&k-max=3").Json()["error"],
            "parameter 'k-min': 5 is above parameter 'k-max' (3): expected 2 <= k-min <= k-max");
  EXPECT_EQ(server_->Get("/api/v1/users?age=2").Json()["error"],
            "parameter 'age' needs parameter 'cohort': the cohort whose period it counts from");
}

/// The help texts are shared by --help, docs/API.md and meta: in the API they must read as
/// parameters, so none names a command-line flag ("--to", "--period week").
TEST_F(ServerMeta, ParameterHelpSpeaksOfParametersNotFlags) {
  const json analyses = server_->Get("/api/v1/meta").Json()["analyses"];
  ASSERT_FALSE(analyses.empty());
  size_t params = 0;
  for (const json& analysis : analyses)
    for (const json& param : analysis["params"]) {
      ++params;
      const std::string help = param["help"].get<std::string>();
      EXPECT_EQ(help.find("--"), std::string::npos)
          << analysis["name"] << " " << param["name"] << ": " << help;
    }
  EXPECT_GT(params, 0u);
}

/// usage's max-periods had no upper bound before the specs: now 0..10000 over HTTP and the CLI.
TEST_F(ServerMeta, BoundsAreEnforcedWithTheLimitNamed) {
  const Reply over = server_->Get("/api/v1/usage?view=series&max-periods=10001");
  EXPECT_EQ(over.status, 400) << over.body;
  EXPECT_EQ(over.Json()["parameter"], "max-periods");
  EXPECT_EQ(over.Json()["error"],
            "parameter 'max-periods': '10001': above the maximum 10000; expected a whole number in "
            "0..10000");
  EXPECT_EQ(server_->Get("/api/v1/usage?view=series&max-periods=10000").status, 200);
  const testing::CommandResult cli = testing::RunCommand(
      "usage " + testing::ShellQuote(server_->DemoUsagePath()) + " --max-periods 10001 --quiet");
  EXPECT_EQ(cli.exit_code, 2);
  EXPECT_NE(cli.err.find("--max-periods '10001': above the maximum 10000"), std::string::npos)
      << cli.err;
}

TEST_F(ServerMeta, EveryMigratedRouteRefusesWhatItsSpecDoesNot) {
  const json analyses = server_->Get("/api/v1/meta").Json()["analyses"];
  // 16 analyses, segment/users, users/export, funnel/export, predictions/export
  ASSERT_EQ(analyses.size(), 20u);
  for (const json& analysis : analyses) {
    const std::string route = analysis["route"];
    // experiment/analyze reads its file from a POST's body (no dataset): its parameters are
    // checked before the body.
    const bool post = analysis["method"] == "POST";
    const auto ask = [post, &route](const std::string& query) {
      return post ? server_->Post(route + "?" + query, "variant,x\nA,1\nB,2\n")
                  : server_->Get(route + "?dataset=transactions&" + query);
    };
    const Reply refused = ask("format=csv");
    EXPECT_EQ(refused.status, 400) << route;
    EXPECT_EQ(refused.Json()["parameter"], "format") << route;
    for (const json& param : analysis["params"]) {
      if (param["type"] != "enum") continue;
      const Reply bad = ask(param["name"].get<std::string>() + "=nonsense");
      EXPECT_EQ(bad.status, 400) << route;
      EXPECT_EQ(bad.Json()["parameter"], param["name"]) << route;
      EXPECT_EQ(bad.Json()["error"].get<std::string>().find("--"), std::string::npos) << bad.body;
    }
  }
}

TEST_F(ServerMeta, DefaultsAreFilledBeforeTheCacheKey) {
  ASSERT_EQ(server_->Get("/api/v1/kpis?dataset=transactions").status, 200);
  const Reply spelled = server_->Get("/api/v1/kpis?view=card&dataset=transactions");
  EXPECT_EQ(spelled.status, 200);
  EXPECT_EQ(spelled.Header("X-GrowthLens-Cache"), "hit");
}

}  // namespace
}  // namespace growthlens
