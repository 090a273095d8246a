#include "cli/clickhouse_input.h"

#include <string>

#include "cli/ingest_options.h"
#include "warehouse/clickhouse_url.h"

namespace growthlens::cli {

Result<app::PushedDownData> LoadClickHouseWorkspace(std::string_view command, AnalysisInput& input,
                                                    const app::PushDownPlan& plan) {
  GROWTHLENS_RETURN_IF_ERROR(ResolveIngestOptions(input.flags));
  Result<warehouse::ClickHouseEndpoint> endpoint = warehouse::ParseClickHouseUrl(input.workspace);
  if (!endpoint.ok()) return endpoint.status();
  app::StoredKindChoice choice;
  choice.asked = input.flags.options.read.columns.kind;
  return app::LoadClickHouseAggregates(
      *endpoint, choice, input.quiet ? nullptr : StderrProgress(std::string(command)), plan);
}

}  // namespace growthlens::cli
