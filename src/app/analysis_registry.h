#pragma once
// The analyses both front ends offer: each has a name (the CLI command, the API route), the data
// it needs, its parameters' specs and one entry point that binds them to its typed parameter
// struct, runs over the loaded data and renders the typed result as JSON, CSV or a terminal
// table. The CLI (cli/analysis_command.cc) and the server (server/analysis_route.cc) are
// generated from these entries; GET /api/v1/meta and docs/API.md describe them.
//
//   const AnalysisEntry* kpis = FindAnalysis("kpis");
//   Result<ParamText> params = Canonical(kpis->params, {{"view", "trend"}}, Naming::kApi, "kpis");
//   RunContext context{.naming = Naming::kApi};
//   Result<std::string> json = kpis->run(data, *params, OutputFormat::kJson, context);

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "app/analysis_params.h"
#include "app/data_source.h"
#include "app/date_window.h"
#include "app/param_spec.h"
#include "core/status.h"
#include "prep/ingest.h"

namespace growthlens {
struct Analysis;   // metrics/analysis.h
class UsageIndex;  // metrics/usage_index.h
}  // namespace growthlens

namespace growthlens::app {

/// What an analysis reads: nothing, the loaded data (of one kind or any), the loaded data only
/// when its parameters ask for it (`experiment plan`'s metric estimated from the data), or a file
/// of its own (an experiment's per-user or summary CSV: a FILE argument, or a request's body).
enum class DataNeed { kNone, kAny, kUsage, kTransactions, kWhenAsked, kExperimentFile };

/// "none", "any", "usage", "transactions", "optional", "experiment file".
std::string_view DataNeedName(DataNeed need);

/// A file an analysis reads itself, already in memory as UTF-8 text, named as messages show it
/// (the FILE argument, an upload's name).
struct InputText {
  std::string name;
  std::string_view text;
};

/// What one run reads: the loaded data, a file of its own, or neither (DataNeed::kNone).
struct RunInput {
  RunInput() = default;
  // Implicit: a run over the loaded data is the common case.
  RunInput(const CleanedData& loaded) : data(&loaded) {}  // NOLINT(google-explicit-constructor)
  explicit RunInput(InputText text) : file(std::move(text)) {}

  const CleanedData* data = nullptr;
  std::optional<InputText> file;
};

enum class OutputFormat { kTable, kJson, kCsv };

class PersonaCache;
class PredictionsCache;

/// What a run may say besides its result, and how it is told to stop.
struct RunContext {
  Naming naming = Naming::kCli;
  std::string source;    // how errors name the data: the FILE argument, the held file's name
  unsigned threads = 0;  // for analyses that run on several cores: 0 = all
  std::stop_token stop;
  /// Notes for the person at a terminal (a period reaching past the data); the API drops them.
  std::vector<std::string> warnings;
  /// Progress of long work for a terminal ("4 campaign(s) on 11 segment(s)"); null: none.
  ProgressFn progress;
  /// What the result is rendered as (set by the entry's run): one user's detail is JSON only.
  OutputFormat format = OutputFormat::kJson;
  /// The CLI: the run may write the files its parameters name (segment's model and tables).
  /// The server never lets a request write files.
  bool write_files = false;
  /// The CLI: the workspace the data was read from ("" for a CSV), where segment --save-model
  /// keeps its model.
  std::string workspace;
  /// The data's persona model, computed once per held file by the server; null = compute it.
  std::shared_ptr<PersonaCache> personas;
  /// The data's churn and CLV predictions, computed once per held file by the server; null =
  /// compute them.
  std::shared_ptr<PredictionsCache> predictions;
  /// Every analysis of the whole loaded data with default options, as `growthlens analyze`
  /// computes them, when the caller holds one (the server, from the load): runs whose parameters
  /// ask for exactly one of these results answer from it instead of computing it again.
  std::shared_ptr<const Analysis> analysis;
  /// Set when `analysis` covers a date window rather than all time (a ClickHouse workspace's
  /// run over --from/--to): the analyses asked for that window answer from it.
  std::optional<HeldWindow> analysis_window;
  /// The usage log's indexes built at load (metrics/usage_index.h), when the caller holds them
  /// (the server): filtered feature-usage views read them instead of every row. Null: row scans.
  std::shared_ptr<const UsageIndex> usage_index;
};

struct AnalysisEntry {
  std::string name;     // "kpis": `growthlens kpis`, GET /api/v1/kpis
  std::string summary;  // one line, for /api/v1/meta and docs/API.md
  std::string help;     // the command's --help description
  DataNeed need = DataNeed::kAny;
  /// An analysis of one kind only (paths: events): the CLI reads a FILE or a workspace as that
  /// kind unless --kind names another.
  std::optional<DataKind> reads_kind;
  /// DataNeed::kWhenAsked: whether these (canonical) parameters ask for the loaded data.
  std::function<bool(const ParamText& params)> reads_data;
  /// What the CLI's input is, for --help: the FILE argument (kExperimentFile), or --data FILE
  /// (kWhenAsked).
  std::string input_help;
  /// The CLI lists its input options (kWhenAsked: --data, --quiet and the loading flags) before
  /// this parameter; empty: first.
  std::string cli_input_before;
  std::vector<ParamSpec> params;
  /// What the API answers with: JSON, or CSV for a download (users/export).
  OutputFormat api_format = OutputFormat::kJson;
  /// A CSV download's file name (Content-Disposition), "" for a JSON answer.
  std::string download_name;
  /// Checks what the values alone can tell (from after to), before any data is loaded.
  std::function<Status(const ParamText& params, Naming naming)> check;
  /// Binds `params` (canonical) to the typed struct, runs and renders in `format`.
  std::function<Result<std::string>(const RunInput& input, const ParamText& params,
                                    OutputFormat format, RunContext& context)>
      run;
};

/// An entry's description: name, data, one-line summary and the command's --help text.
AnalysisEntry AnalysisInfo(std::string name, DataNeed need, std::string summary, std::string help);

/// Null data handed to an analysis of the loaded data: a caller's mistake, said plainly.
Status NoDataStatus(std::string_view analysis);

/// A typed analysis: its parameter struct P with the specs bound to P's members, a run over
/// `In` (the loaded data, or a RunInput for analyses that read something else) returning R, and
/// one renderer per format.
template <typename P, typename R, typename In = CleanedData>
struct TypedAnalysis {
  std::vector<Param<P>> params;
  /// Optional: what the values alone can tell, checked before the data is loaded.
  Status (*check)(const P& params, Naming naming) = nullptr;
  Result<R> (*run)(const In& input, const P& params, RunContext& context) = nullptr;
  std::string (*json)(const R& result) = nullptr;
  std::string (*csv)(const R& result) = nullptr;
  std::string (*table)(const R& result) = nullptr;
};

/// The entry of a typed analysis: `entry` gets its specs and run from `typed`.
template <typename P, typename R, typename In>
AnalysisEntry MakeEntry(AnalysisEntry entry, TypedAnalysis<P, R, In> typed) {
  entry.params = SpecsOf<P>(typed.params);
  entry.check = [typed](const ParamText& text, Naming naming) -> Status {
    Result<P> params = BindParams<P>(typed.params, text, naming);
    if (!params.ok() || typed.check == nullptr) return params.status();
    return typed.check(*params, naming);
  };
  entry.run = [typed, name = entry.name](const RunInput& input, const ParamText& text,
                                         OutputFormat format,
                                         RunContext& context) -> Result<std::string> {
    Result<P> params = BindParams<P>(typed.params, text, context.naming);
    if (!params.ok()) return params.status();
    context.format = format;
    Result<R> result = [&]() -> Result<R> {
      if constexpr (std::is_same_v<In, CleanedData>) {
        if (input.data == nullptr) return NoDataStatus(name);
        return typed.run(*input.data, *params, context);
      } else {
        return typed.run(input, *params, context);
      }
    }();
    if (!result.ok()) return result.status();
    switch (format) {
      case OutputFormat::kJson:
        return typed.json(*result);
      case OutputFormat::kCsv:
        return typed.csv(*result);
      case OutputFormat::kTable:
        break;
    }
    return typed.table(*result);
  };
  return entry;
}

/// Every analysis, in the order of the docs.
std::span<const AnalysisEntry> Analyses();

/// The analysis named `name`, or null.
const AnalysisEntry* FindAnalysis(std::string_view name);

/// What a route of the API that answers with another analysis's run changes: `segment/users` is
/// `segment` with view=users and a sample of 3000 by default; `users/export` is `users` as CSV.
struct RouteVariant {
  std::string path;
  std::string summary;
  ParamText fixed;                 // set by the route: not accepted from a request
  ParamText defaults;              // other defaults
  std::vector<std::string> unset;  // not accepted from a request, left at their defaults
  OutputFormat format = OutputFormat::kJson;
  std::string download_name;  // CSV: the file name a browser saves
};

/// `base` answering under `variant`'s path, settings and format.
AnalysisEntry VariantOf(const AnalysisEntry& base, const RouteVariant& variant);

/// Every route of the API that runs an analysis: the analyses, then their variants, in the order
/// of the docs.
std::span<const AnalysisEntry> ApiRoutes();

/// The API route at `path` ("segment/users"), or null.
const AnalysisEntry* FindApiRoute(std::string_view path);

/// The spec of parameter `name` of `entry`, or null.
const ParamSpec* FindParam(const AnalysisEntry& entry, std::string_view name);

}  // namespace growthlens::app
