// The routes that take a file in their body: POST /api/v1/upload and /api/v1/experiment/analyze.
// The checks that need no body (parameters, another load running) answer before a byte of it is
// read; an upload of data then streams to disk, an experiment's file into memory
// (upload_receiver.h).

#include <fmt/format.h>
#include <httplib.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>

#include "app/analysis_registry.h"
#include "app/json_text.h"
#include "io/input_buffer.h"
#include "server/api_responses.h"
#include "server/api_server.h"
#include "server/clickhouse_serving.h"
#include "server/column_preview.h"
#include "server/query_params.h"
#include "server/upload_receiver.h"

namespace growthlens::server {

namespace {

Reply<std::optional<DataKind>> KindOf(QueryParams& params) {
  const std::optional<std::string> asked = TakeParam(params, "kind");
  if (!asked || *asked == "auto") return std::optional<DataKind>();
  if (const std::optional<DataKind> kind = DataKindFromName(*asked)) return kind;
  return MakeError(
      400, fmt::format("parameter 'kind': '{}' is not auto, usage, events or transactions", *asked),
      "kind");
}

/// The columns an upload names per role (`user-col=Customer`, ...): a mapping for a header that is
/// not one of the known schemas.
Reply<ColumnOverrides> MappingOf(QueryParams& params, std::optional<DataKind> kind) {
  ColumnOverrides overrides;
  overrides.kind = kind;
  const std::vector<std::string> names = MappingParameterNames();
  for (size_t role = 0; role < names.size(); ++role) {
    std::optional<std::string> column = TakeParam(params, names[role]);
    if (!column) continue;
    if (column->size() > kMaxColumnName)
      return MakeError(400,
                       fmt::format("parameter '{}': a column name of at most {} characters",
                                   names[role], kMaxColumnName),
                       names[role]);
    overrides.name[role] = std::move(*column);
  }
  return overrides;
}

/// Rows of the file shown beside the mapping form.
constexpr size_t kPreviewRows = 5;

/// A body received into the fresh directory `dir`, which goes with it (and is removed with it).
struct Upload {
  ScratchDirectory dir;
  ReceivedFile file;
};

Reply<Upload> ReceiveInto(std::filesystem::path dir, const httplib::Request& request,
                          const httplib::ContentReader& reader, const std::string& name,
                          std::string_view fallback, uint64_t max_bytes) {
  Result<ScratchDirectory> scratch = ScratchDirectory::Create(std::move(dir));
  if (!scratch.ok()) return MakeError(500, "the upload could not be stored");
  Reply<ReceivedFile> received =
      ReceiveUpload(request, reader, scratch->path(), name, fallback, max_bytes);
  if (const ApiError* error = std::get_if<ApiError>(&received)) return *error;
  return Upload{std::move(scratch).value(), std::move(std::get<ReceivedFile>(received))};
}

/// A failed load of an upload is the file's fault (400) unless a parameter was named.
ApiError UploadError(const Status& status) {
  ApiError error = ErrorFromStatus(status);
  if (error.parameter != "name" && error.parameter != "kind") error.parameter = "file";
  if (error.http_status == 500) error.http_status = 400;
  return error;
}

}  // namespace

void ApiServer::StoreUpload(const ReceivedFile& file, const ColumnOverrides& columns,
                            httplib::Response& response) {
  IngestOptions options;
  options.read.columns = columns;
  Result<WorkspaceIngest> stored =
      IngestIntoWorkspace(file.path.string(), file.name, options, settings_.load);
  if (!stored.ok())
    return SendError(
        response,
        UploadError(Status(stored.status().code(),
                           NameSources(stored.status().message(), file.path.string(), file.name))));
  // The rows are committed: a failure from here on loses nothing stored.
  Result<HeldPtr> held = LoadWorkspaceKind(stored->kind, settings_.load);
  if (!held.ok()) return SendStatusError(response, held.status());
  Hold(*held);
  nlohmann::ordered_json body = DatasetJson(**held);
  body["ingest"] = WorkspaceIngestJson(*stored);
  SendJson(response, 200, app::JsonText(body) + "\n");
}

void ApiServer::AddUploadRoutes() {
  HttpServer& http = *http_;
  // Refusals sent before the whole body was read end the connection.
  const auto refuse = [this](const httplib::Request& request, httplib::Response& response,
                             const ApiError& error) {
    http_->CloseAfterResponse(request);
    SendError(response, error);
  };

  http.Post("/api/v1/upload", [this, refuse](const httplib::Request& request,
                                             httplib::Response& response,
                                             const httplib::ContentReader& reader) {
    if (!settings_.clickhouse.empty())
      return refuse(request, response, ClickHouseRefusesData("upload"));
    QueryParams params = ParseQuery(request.target);
    Reply<std::optional<DataKind>> kind = KindOf(params);
    if (const ApiError* error = std::get_if<ApiError>(&kind))
      return refuse(request, response, *error);
    const std::string name = TakeParam(params, "name").value_or("");
    Reply<ColumnOverrides> mapping = MappingOf(params, std::get<std::optional<DataKind>>(kind));
    if (const ApiError* error = std::get_if<ApiError>(&mapping))
      return refuse(request, response, *error);
    if (const Status leftover = RefuseLeftovers(params, "upload"); !leftover.ok())
      return refuse(request, response, ErrorFromStatus(leftover));
    if (!shelf_.TryBeginLoad())
      return refuse(request, response,
                    MakeError(409, "another upload is being loaded; retry when it is done"));
    LoadGuard guard(shelf_);
    Reply<Upload> received =
        ReceiveInto(std::filesystem::path(settings_.load.data_dir) / "raw" /
                        fmt::format(".incoming-{}-{}", ::getpid(), uploads_.fetch_add(1)),
                    request, reader, name, "upload.csv", settings_.max_upload_bytes);
    if (const ApiError* error = std::get_if<ApiError>(&received))
      return refuse(request, response, *error);
    if (std::get<Upload>(received).file.bytes == 0)
      return SendError(response, MakeError(400,
                                           "parameter 'file': the upload is empty; send the CSV "
                                           "as the request body or as the multipart field 'file'",
                                           "file"));
    const ReceivedFile& file = std::get<Upload>(received).file;
    const ColumnOverrides& columns = std::get<ColumnOverrides>(mapping);
    // Columns no known schema (nor the mapping given) explains: answer with the header and the
    // first rows, for the page to ask which column is what.
    if (Result<ColumnPreview> preview = PreviewColumns(file.path.string(), kPreviewRows);
        preview.ok() && !preview->header.empty()) {
      if (Result<ColumnMapping> mapped = MapColumns(preview->header, columns); !mapped.ok())
        return SendJson(
            response, 400,
            MappingNeededJson(fmt::format("{} line 1: {}", file.name, mapped.status().message()),
                              *preview) +
                "\n");
    }
    if (!settings_.load.workspace.empty()) return StoreUpload(file, columns, response);
    Result<HeldPtr> held = LoadUpload(file.path, columns, settings_.load);
    if (!held.ok()) return SendError(response, UploadError(held.status()));
    Hold(*held);
    SendJson(response, 200, app::JsonText(DatasetJson(**held)) + "\n");
  });

  // The experiment's file is parsed in memory by the reader the CLI uses (app/experiment_data.h):
  // errors name the upload and its line or column.
  http.Post("/api/v1/experiment/analyze", [this, refuse](const httplib::Request& request,
                                                         httplib::Response& response,
                                                         const httplib::ContentReader& reader) {
    const app::AnalysisEntry& entry = *app::FindAnalysis("experiment/analyze");
    QueryParams params = ParseQuery(request.target);
    const std::string given_name = TakeParam(params, "name").value_or("");
    Result<app::ParamText> canonical =
        app::Canonical(entry.params, params, app::Naming::kApi, entry.name);
    if (!canonical.ok()) return refuse(request, response, ErrorFromStatus(canonical.status()));
    if (const Status checked = entry.check(*canonical, app::Naming::kApi); !checked.ok())
      return refuse(request, response, ErrorFromStatus(checked));
    Reply<ReceivedText> received = ReceiveUploadText(request, reader, given_name, "experiment.csv",
                                                     settings_.max_upload_bytes);
    if (const ApiError* error = std::get_if<ApiError>(&received))
      return refuse(request, response, *error);
    ReceivedText& file = std::get<ReceivedText>(received);
    if (file.text.empty())
      return SendError(response,
                       MakeError(400,
                                 "parameter 'file': send the experiment CSV (one row per user, "
                                 "or per variant and metric) as the body or the field 'file'",
                                 "file"));
    if (file.text.starts_with("\x1f\x8b"))
      return SendError(response, MakeError(400,
                                           fmt::format("parameter 'file': {} is gzip-compressed; "
                                                       "send the experiment CSV uncompressed",
                                                       file.name),
                                           "file"));
    Result<InputBuffer> text =
        InputBuffer::FromText(std::move(file.text), Encoding::kAuto, file.name);
    if (!text.ok()) return SendStatusError(response, text.status());
    Reply<Result<std::string>> computed =
        ComputeWork(request, [&entry, &canonical, &text, &file](std::stop_token stop) {
          app::RunContext context;
          context.naming = app::Naming::kApi;
          context.source = file.name;
          context.stop = std::move(stop);
          return entry.run(app::RunInput(app::InputText{file.name, text->text()}), *canonical,
                           app::OutputFormat::kJson, context);
        });
    if (const ApiError* error = std::get_if<ApiError>(&computed))
      return SendError(response, *error);
    Result<std::string>& result = std::get<Result<std::string>>(computed);
    if (!result.ok()) return SendStatusError(response, result.status());
    SendJson(response, 200, std::move(result).value());
  });
}

}  // namespace growthlens::server
