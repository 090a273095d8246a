// libFuzzer target: the API's handling of untrusted query strings (issue 14, "HTTP parameter
// parsing"). The input is a request target ("/api/v1/segment?k=3&n-init=..."): it is split and
// percent-decoded (ParseQuery), read by the typed helpers (IntParam, RefuseLeftovers), and checked
// against the specs of the analysis its route names as the server does (app::Canonical, then the
// entry's own check of the values together). Analyses that read no data (experiment plan: it is
// arithmetic) then run on the values.
//
// Build (fuzz/CMakeLists.txt, clang): an executable of this file linked to growthlens_server,
// compiled and linked with -fsanitize=fuzzer,address,undefined; seeds in
// fuzz/corpus/http_params_fuzz/.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "app/analysis_registry.h"
#include "server/query_params.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace growthlens;
  using namespace growthlens::server;
  const std::string target(reinterpret_cast<const char*>(data), size);
  QueryParams params = ParseQuery(target);

  QueryParams demo = params;
  (void)IntParam(demo, "users", 5000, 10, 2'000'000);
  (void)IntParam(demo, "seed", 42, 0, 1L << 40);
  (void)TakeParam(demo, "dataset");
  (void)RefuseLeftovers(demo, "demo");

  // The route the target names ("/api/v1/experiment/plan?..."), else one picked by the input's
  // length.
  const std::string path = target.substr(0, target.find('?'));
  const std::span<const app::AnalysisEntry> routes = app::ApiRoutes();
  const app::AnalysisEntry* entry =
      path.starts_with("/api/v1/") ? app::FindApiRoute(path.substr(8)) : nullptr;
  if (entry == nullptr) entry = &routes[size % routes.size()];
  (void)TakeParam(params, "dataset");
  const Result<app::ParamText> canonical =
      app::Canonical(entry->params, params, app::Naming::kApi, entry->name);
  if (!canonical.ok() || !entry->check(*canonical, app::Naming::kApi).ok()) return 0;
  if (entry->need == app::DataNeed::kNone ||
      (entry->need == app::DataNeed::kWhenAsked && !entry->reads_data(*canonical))) {
    app::RunContext context;
    context.naming = app::Naming::kApi;
    (void)entry->run(app::RunInput(), *canonical, app::OutputFormat::kJson, context);
  }
  return 0;
}
