#pragma once
// The data of a command run on a ClickHouse workspace (--workspace clickhouse://...): the URL
// resolved, the kind chosen (--kind, else ChooseStoredKind) and the aggregates `plan` asks for
// computed there (app/clickhouse_aggregates.h), or a funnel's own rows
// (app/clickhouse_funnel_input.h). Shared by the analysis commands and analyze.
//
//   Result<app::PushedDownData> pushed = LoadClickHouseWorkspace("cohorts", input, plan);

#include <memory>
#include <optional>
#include <string_view>

#include "app/clickhouse_aggregates.h"
#include "app/clickhouse_churn.h"
#include "app/clickhouse_predictions.h"
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

/// The CLV's input: each customer's purchase days and day totals (app/clickhouse_clv_input.h).
Result<LoadedData> LoadClickHouseClvRows(std::string_view command, AnalysisInput& input);

/// The predictions of the workspace (app/clickhouse_predictions.h).
Result<app::ClickHousePredictions> LoadClickHousePredictions(std::string_view command,
                                                             AnalysisInput& input,
                                                             const app::PredictionInputs& inputs);

/// The churn feature tables' source of the workspace (app/clickhouse_churn.h), of `kind` when
/// given (a model's kind) unless --kind asks for one.
Result<std::shared_ptr<app::ClickHouseChurnData>> OpenClickHouseChurn(std::string_view command,
                                                                      AnalysisInput& input,
                                                                      std::optional<DataKind> kind);

}  // namespace growthlens::cli
