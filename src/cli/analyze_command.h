#pragma once
// `growthlens analyze` over loaded data, so that `demo` prints exactly what `analyze` prints.
// The step itself is the application layer's (app/analyze_pipeline.h).

#include "app/analyze_pipeline.h"
#include "cli/command.h"
#include "prep/ingest.h"

namespace growthlens::cli {

/// AnalyzeData, then the summary or the report printed as request.format asks.
Status AnalyzeLoaded(const CleanedData& cleaned, const app::AnalyzeRequest& request,
                     CommandOutcome& outcome);

}  // namespace growthlens::cli
