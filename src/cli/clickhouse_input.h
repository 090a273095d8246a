#pragma once
// The data of a command run on a ClickHouse workspace (--workspace clickhouse://...): the URL
// resolved, the kind chosen (--kind, else ChooseStoredKind) and the aggregates `plan` asks for
// computed there (app/clickhouse_aggregates.h), or a funnel's own rows
// (app/clickhouse_funnel_input.h). Shared by the analysis commands and analyze.
//
//   Result<app::PushedDownData> pushed = LoadClickHouseWorkspace("cohorts", input, plan);

#include <string_view>

#include "app/clickhouse_aggregates.h"
#include "app/param_spec.h"
#include "cli/analysis_view.h"
#include "core/status.h"

namespace growthlens::cli {

Result<app::PushedDownData> LoadClickHouseWorkspace(std::string_view command, AnalysisInput& input,
                                                    const app::PushDownPlan& plan);

/// The rows of an analysis that reads its own (app/clickhouse_row_inputs.h: paths, cohorts by
/// behaviour).
Result<app::PushedDownData> LoadClickHouseOwnRows(std::string_view command, AnalysisInput& input,
                                                  std::string_view analysis,
                                                  const app::ParamText& params);

/// The funnel's rows: each user's step events, as the funnel analysis reads them.
Result<LoadedData> LoadClickHouseFunnelRows(std::string_view command, AnalysisInput& input,
                                            const app::ParamText& params);

}  // namespace growthlens::cli
