#include "cli/clickhouse_input.h"

#include <string>

#include "app/clickhouse_clv_input.h"
#include "app/clickhouse_funnel_input.h"
#include "app/clickhouse_row_inputs.h"
#include "cli/ingest_options.h"
#include "warehouse/clickhouse_url.h"

namespace growthlens::cli {

namespace {

/// The workspace's server and the kind asked for, with the ingest options resolved.
struct ClickHouseTarget {
  warehouse::ClickHouseEndpoint endpoint;
  app::StoredKindChoice choice;
};

Result<ClickHouseTarget> ResolveTarget(AnalysisInput& input) {
  GROWTHLENS_RETURN_IF_ERROR(ResolveIngestOptions(input.flags));
  Result<warehouse::ClickHouseEndpoint> endpoint = warehouse::ParseClickHouseUrl(input.workspace);
  if (!endpoint.ok()) return endpoint.status();
  ClickHouseTarget target{std::move(endpoint).value(), {}};
  target.choice.asked = input.flags.options.read.columns.kind;
  target.choice.signup_event = input.flags.options.read.columns.signup_event;
  return target;
}

}  // namespace

Result<app::PushedDownData> LoadClickHouseWorkspace(std::string_view command, AnalysisInput& input,
                                                    const app::PushDownPlan& plan) {
  Result<ClickHouseTarget> target = ResolveTarget(input);
  if (!target.ok()) return target.status();
  return app::LoadClickHouseAggregates(target->endpoint, target->choice,
                                       input.quiet ? nullptr : StderrProgress(std::string(command)),
                                       plan);
}

Result<app::PushedDownData> LoadClickHouseOwnRows(std::string_view command, AnalysisInput& input,
                                                  std::string_view analysis,
                                                  const app::ParamText& params) {
  Result<ClickHouseTarget> target = ResolveTarget(input);
  if (!target.ok()) return target.status();
  return app::LoadClickHouseOwnRows(target->endpoint, target->choice, analysis, params,
                                    input.quiet ? nullptr : StderrProgress(std::string(command)));
}

Result<LoadedData> LoadClickHouseFunnelRows(std::string_view command, AnalysisInput& input,
                                            const app::ParamText& params) {
  Result<ClickHouseTarget> target = ResolveTarget(input);
  if (!target.ok()) return target.status();
  return app::LoadClickHouseFunnelData(
      target->endpoint, target->choice, params,
      input.quiet ? nullptr : StderrProgress(std::string(command)));
}

Result<LoadedData> LoadClickHouseClvRows(std::string_view command, AnalysisInput& input) {
  Result<ClickHouseTarget> target = ResolveTarget(input);
  if (!target.ok()) return target.status();
  return app::LoadClickHouseClvData(target->endpoint, target->choice,
                                    input.quiet ? nullptr : StderrProgress(std::string(command)));
}

Result<app::ClickHousePredictions> LoadClickHousePredictions(std::string_view command,
                                                             AnalysisInput& input,
                                                             const app::PredictionInputs& inputs) {
  Result<ClickHouseTarget> target = ResolveTarget(input);
  if (!target.ok()) return target.status();
  return app::ComputeClickHousePredictions(
      target->endpoint, target->choice, inputs,
      input.quiet ? nullptr : StderrProgress(std::string(command)));
}

Result<std::shared_ptr<app::ClickHouseChurnData>> OpenClickHouseChurn(
    std::string_view command, AnalysisInput& input, std::optional<DataKind> kind) {
  Result<ClickHouseTarget> target = ResolveTarget(input);
  if (!target.ok()) return target.status();
  if (!target->choice.asked && kind) target->choice.preferred = kind;
  return app::ClickHouseChurnData::Open(
      target->endpoint, target->choice,
      input.quiet ? nullptr : StderrProgress(std::string(command)));
}

}  // namespace growthlens::cli
