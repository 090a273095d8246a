// Persona models kept in a workspace: `segment --workspace W --save-model NAME` stores the fitted
// model with the loads it was fitted on, `predict --saved-model NAME` places users without
// refitting (the same assignments as the fit), `workspace info` lists the models, and a model
// whose features do not match the data is refused with a message.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "app/saved_persona_model.h"
#include "command_runner.h"
#include "store/workspace.h"
#include "temp_workspace.h"
#include "test_data.h"

namespace growthlens {
namespace {

using testing::CommandResult;
using testing::RunCommand;

class SavedPersonaModelTest : public testing::TempWorkspaceTest {
 protected:
  void SetUp() override {
    TempWorkspaceTest::SetUp();
    usage_ = (directory_ / "usage.csv").string();
    const CommandResult made = RunCommand(
        "generate --order user --users 400 --seed 9 --features Search,Export,Reports -o " + usage_);
    ASSERT_EQ(made.exit_code, 0) << made.err;
    const CommandResult ingested =
        RunCommand("ingest " + usage_ + " --quiet --workspace " + workspace_);
    ASSERT_EQ(ingested.exit_code, 0) << ingested.err;
  }

  std::string usage_;
};

TEST_F(SavedPersonaModelTest, SavedModelPlacesUsersAsTheFitDid) {
  const std::string segment = "segment --workspace " + workspace_ +
                              " --features rfm+usage --no-write --quiet --format csv --view users";
  const CommandResult fitted = RunCommand(segment + " --save-model 'Q3 personas'");
  ASSERT_EQ(fitted.exit_code, 0) << fitted.err;
  ASSERT_GT(fitted.out.size(), 1000u);

  // Applied without refitting: every user in the persona the fit gave them.
  const CommandResult placed = RunCommand("predict --workspace " + workspace_ +
                                          " --saved-model 'Q3 personas' --quiet --format csv");
  ASSERT_EQ(placed.exit_code, 0) << placed.err;
  EXPECT_EQ(placed.out, fitted.out);
  // A FILE's users, the model read from the workspace the variable names.
  ::setenv("GROWTHLENS_WORKSPACE", workspace_.c_str(), 1);
  const CommandResult from_file =
      RunCommand("predict " + usage_ + " --saved-model 'Q3 personas' --quiet --format csv");
  ::unsetenv("GROWTHLENS_WORKSPACE");
  ASSERT_EQ(from_file.exit_code, 0) << from_file.err;
  EXPECT_EQ(from_file.out, fitted.out);

  // What it was fitted on is kept with it and listed.
  Result<store::Workspace> workspace =
      store::Workspace::Open(workspace_, store::OpenMode::kExisting);
  ASSERT_TRUE(workspace.ok()) << workspace.status().message();
  Result<std::vector<app::PersonaModelSummary>> models = app::ListPersonaModels(*workspace);
  ASSERT_TRUE(models.ok()) << models.status().message();
  ASSERT_EQ(models->size(), 1u);
  EXPECT_EQ((*models)[0].name, "Q3 personas");
  EXPECT_EQ((*models)[0].kind, "usage");
  EXPECT_EQ((*models)[0].k, 4u);
  EXPECT_EQ((*models)[0].load_ids, std::vector<int64_t>{1});
  Result<Dataset> stored = workspace->Load(DataKind::kUsage);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ((*models)[0].rows, stored->rows());
  EXPECT_EQ((*models)[0].users, stored->users().size());
  const CommandResult info = RunCommand("workspace info --workspace " + workspace_);
  ASSERT_EQ(info.exit_code, 0) << info.err;
  EXPECT_NE(info.out.find("persona model 'Q3 personas'"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("4 personas of " + std::to_string((*models)[0].users) + " users"),
            std::string::npos)
      << info.out;
  EXPECT_NE(info.out.find("(loads 1)"), std::string::npos) << info.out;
}

TEST_F(SavedPersonaModelTest, ModelWhoseFeaturesDoNotMatchIsRefused) {
  ASSERT_EQ(RunCommand("segment --workspace " + workspace_ +
                       " --features rfm+usage --no-write --quiet --save-model shares")
                .exit_code,
            0);
  // Data with a feature the model has no share for.
  const std::string other = (directory_ / "other.csv").string();
  std::ofstream(other) << testing::kUsageHeader << "x1,2025-01-01,2025-01-02,Search,3\n"
                       << "x2,2025-01-01,2025-01-03,Onboarding,2\n"
                       << "x3,2025-01-01,2025-01-04,Export,1\n";
  ::setenv("GROWTHLENS_WORKSPACE", workspace_.c_str(), 1);
  const CommandResult refused = RunCommand("predict " + other + " --saved-model shares --quiet");
  const CommandResult unknown = RunCommand("predict " + other + " --saved-model nope --quiet");
  ::unsetenv("GROWTHLENS_WORKSPACE");
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("the model's features do not match this data: it uses feature(s) "
                             "Onboarding the model was not fitted on"),
            std::string::npos)
      << refused.err;
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("has no persona model of that name (saved: 'shares'"),
            std::string::npos)
      << unknown.err;
  // Saving needs the data to come from the workspace.
  const CommandResult from_csv =
      RunCommand("segment " + usage_ + " --no-write --quiet --save-model x");
  EXPECT_EQ(from_csv.exit_code, 2);
  EXPECT_NE(from_csv.err.find("--save-model keeps the model in the workspace"), std::string::npos)
      << from_csv.err;
}

}  // namespace
}  // namespace growthlens
