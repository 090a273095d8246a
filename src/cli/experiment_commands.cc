// growthlens experiment plan|analyze|simulate: the application layer's experiment analyses
// (app/experiment_*_analysis.h) as subcommands of one `experiment` command.

#include "app/analysis_registry.h"
#include "cli/analysis_command.h"
#include "cli/command.h"

namespace growthlens::cli {

void RegisterExperimentCommands(CLI::App& app, CommandOutcome& outcome) {
  CLI::App* experiment = app.add_subcommand(
      "experiment",
      "A/B tests: plan (sample size, power or minimum detectable effect) and analyze (lifts, "
      "intervals, corrections, guardrails, sample-ratio check, verdicts)");
  experiment->require_subcommand(1);
  for (const char* name : {"experiment/plan", "experiment/analyze", "experiment/simulate"})
    AddAnalysisCommand(*experiment, *app::FindAnalysis(name), outcome);
}

}  // namespace growthlens::cli
