// growthlens segment FILE and growthlens train FILE: KMeans personas on RFM (optionally plus
// feature-usage shares), analyses of the application layer (app/segment_analysis.h) registered
// here so that they keep their place in `growthlens --help`. `train` fits and writes the model;
// `segment` does it all in one go.

#include "app/segment_analysis.h"
#include "cli/analysis_command.h"
#include "cli/command.h"

namespace growthlens::cli {

void RegisterSegmentCommands(CLI::App& app, CommandOutcome& outcome) {
  AddAnalysisCommand(app, *app::FindAnalysis("segment"), outcome);
  static const app::AnalysisEntry train = app::TrainAnalysis();
  AddAnalysisCommand(app, train, outcome);
}

}  // namespace growthlens::cli
