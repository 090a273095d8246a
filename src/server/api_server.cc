#include "server/api_server.h"

#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <variant>

#include <unistd.h>

#include "app/analysis_registry.h"
#include "app/api_meta.h"
#include "cli/date_window.h"
#include "cli/json_text.h"
#include "core/date.h"
#include "core/stopwatch.h"
#include "core/terminal_text.h"
#include "io/atomic_file.h"
#include "server/api_error.h"
#include "server/api_responses.h"
#include "server/clickhouse_serving.h"
#include "server/downloads.h"
#include "server/query_params.h"
#include "server/rounded_csv.h"
#include "server/static_files.h"
#include "server/upload_receiver.h"

namespace growthlens::server {

namespace {

constexpr std::string_view kApi = "/api/v1/";

/// Which loaded file a route analyses.
using app::DataNeed;

/// The default views the pages open with: computed after each load so that first visits are
/// served from the cache.
const std::vector<std::pair<std::string_view, QueryParams>>& WarmUpRequests() {
  static const std::vector<std::pair<std::string_view, QueryParams>> requests = {
      {"kpis", {}},
      {"insights", {}},
      {"segment", {}},
      {"segment/users", {}},
      {"rfm", {}},
      {"rfm", {{"view", "grid"}}},
      {"usage", {}},
      {"usage", {{"view", "series"}}},
      {"usage", {{"view", "correlation"}}},
      {"usage", {{"view", "engagement"}}},
      {"cohorts", {}},
      {"lifecycle", {}},
      {"revenue", {}},
      {"revenue", {{"view", "countries"}}},
      {"revenue", {{"view", "products"}}},
      {"revenue", {{"view", "seasonality"}}},
  };
  return requests;
}

/// "a usage log and an event log": what the server holds, in words.
std::string HeldWords(const Holdings& holdings) {
  const std::vector<HeldPtr> held = holdings.All();
  std::string words;
  for (size_t index = 0; index < held.size(); ++index)
    words += fmt::format("{}{} {}",
                         index == 0                 ? ""
                         : index + 1 == held.size() ? " and "
                                                    : ", ",
                         held[index]->kind() == DataKind::kEvents ? "an" : "a",
                         DatasetWords(held[index]->kind()));
  return words;
}

}  // namespace

Reply<HeldPtr> PickHeldDataset(const Holdings& holdings, DataNeed need,
                               std::optional<std::string> asked) {
  HeldPtr held;
  std::string wanted;  // in words, for the 409
  if (asked) {
    const std::optional<DataKind> kind = DataKindFromName(*asked);
    if (!kind)
      return MakeError(
          400,
          fmt::format("parameter 'dataset': '{}' is not usage (the usage log), events (the event "
                      "log) or transactions",
                      *asked),
          "dataset");
    held = holdings.Of(*kind);
    wanted = DatasetWords(*kind);
  } else if (need == DataNeed::kTransactions) {
    held = holdings.Of(DataKind::kTransactions);
    wanted = DatasetWords(DataKind::kTransactions);
  } else if (need == DataNeed::kUsage) {
    held = holdings.DefaultUsage();
    wanted = "usage log or event log";
  } else {
    held = holdings.DefaultUsage();
    if (!held) held = holdings.Of(DataKind::kTransactions);
  }
  if (held) return held;
  if (holdings.Empty())
    return MakeError(409,
                     "parameter 'dataset': no data is loaded yet; upload a usage log, an event log "
                     "or a transactions CSV on the Home page (POST /api/v1/upload) or load the "
                     "demo data (POST /api/v1/demo)",
                     "dataset");
  return MakeError(409,
                   fmt::format("parameter 'dataset': no {} is loaded (the server holds {}); "
                               "upload one on the Home page (POST /api/v1/upload)",
                               wanted, HeldWords(holdings)),
                   "dataset");
}

namespace {

/// The downloadable report, from the report template and Plotly of the dashboard's files.
Result<std::string> Report(const Holdings& holdings, const std::string& web_root) {
  const WebAsset* page = FindWebAsset(std::string("/") + std::string(kReportName));
  const WebAsset* plotly = FindWebAsset("/vendor/plotly.min.js");
  if (page == nullptr || plotly == nullptr)
    return Status(ErrorCode::kIoError, "the report template or Plotly was not built in");
  Result<std::string> template_text = ReadWebAsset(web_root, *page);
  if (!template_text.ok()) return template_text.status();
  return BuildReport(holdings, *template_text, plotly->data);
}

}  // namespace

ApiServer::ApiServer(ServerSettings settings)
    : settings_(std::move(settings)),
      cache_(settings_.cache_bytes),
      http_(std::make_unique<HttpServer>(settings_.connections)),
      guard_(std::make_unique<RequestGuard>(
          GuardSettings{settings_.host, settings_.allowed_hosts, settings_.key_on_loopback,
                        settings_.web_root},
          settings_.access)),
      work_(settings_.work) {
  AddSavedRoutes();  // before AddRoutes' catch-all GET /api/v1/(.+)
  if (!settings_.load.workspace.empty()) {
    live_ =
        std::make_unique<LiveState>(LiveSettings{.workspace = settings_.load.workspace,
                                                 .refresh_every = settings_.live_refresh,
                                                 .refresh_watched = settings_.live_refresh_watched},
                                    [this] { return RefreshLiveData(); });
    AddLiveRoutes();  // before the catch-all too
  }
  AddRoutes();
  AddUploadRoutes();
  AddEventRoutes();
}

ApiServer::~ApiServer() {
  Stop();
  std::lock_guard lock(warmer_mutex_);
  warmer_ = std::jthread();  // joins the running warm-up
}

void ApiServer::Hold(HeldPtr dataset) {
  const uint64_t generation = shelf_.Put(std::move(dataset));
  cache_.DropBefore(generation);  // answers about replaced data are never asked for again
  if (live_) live_->DataReplaced();
  if (!settings_.warm_up) return;
  // The previous warm-up sees the new generation and stops after its current view; joining it
  // here keeps one warm-up thread at a time.
  std::lock_guard lock(warmer_mutex_);
  warmer_ = std::jthread([this, holdings = shelf_.Snapshot()] { WarmUp(holdings); });
}

Result<int> ApiServer::Bind() {
  if (!IsLoopbackName(settings_.host) && (!settings_.access || !settings_.access->HasKeys()))
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("--host '{}': refusing to serve beyond this machine without an "
                              "access key to read with; create one with `growthlens workspace "
                              "keys create --role read --workspace W`, or give a shared key with "
                              "--access-key-file FILE (or GROWTHLENS_ACCESS_KEY), or listen on "
                              "127.0.0.1",
                              settings_.host));
  const int port =
      settings_.port == 0
          ? http_->bind_to_any_port(settings_.host)
          : (http_->bind_to_port(settings_.host, settings_.port) ? settings_.port : -1);
  if (port < 0)
    return Status(ErrorCode::kIoError, fmt::format("cannot listen on {}:{} (in use? try --port)",
                                                   settings_.host, settings_.port));
  return port;
}

void ApiServer::Serve() {
  if (live_) live_->Start();
  http_->listen_after_bind();
}

void ApiServer::Stop() {
  if (live_) live_->Stop();  // first: open streams return, no reload starts
  if (http_->is_running()) http_->stop();
}

bool ApiServer::RefreshLiveData() {
  if (!shelf_.TryBeginLoad()) return false;
  LoadGuard guard(shelf_);
  LoadSettings load = settings_.load;
  load.quiet = true;  // every few seconds under a steady stream of events
  Result<HeldPtr> held = LoadWorkspaceKind(DataKind::kEvents, load);
  if (!held.ok()) {
    fmt::print(stderr, "growthlens serve: reloading the live events failed: {}\n",
               held.status().message());
    return true;  // tried; the next events try again
  }
  Hold(std::move(held).value());
  return true;
}

const std::string& ApiServer::csrf_token() const {
  return guard_->csrf_token();
}

Reply<Result<std::string>> ApiServer::ComputeWork(const httplib::Request& request,
                                                  const WorkFn& work) {
  const auto gone = [this, &request] { return http_->ClientGone(request); };
  WorkQueue::Ticket ticket;
  switch (work_.Enter(request.remote_addr, gone, ticket)) {
    case WorkQueue::Entry::kFull:
      return MakeError(503, fmt::format("the server is computing as many analyses as it takes "
                                        "({} at a time, {} waiting, {} per client); retry in a "
                                        "moment",
                                        work_.limits().running, work_.limits().waiting,
                                        work_.limits().per_client));
    case WorkQueue::Entry::kAbandoned:
      return MakeError(503, "the client left before its analysis started");
    case WorkQueue::Entry::kEntered:
      break;
  }
  // The analysis stops between its stages once nobody waits for it, or once it has run longer
  // than the server allows.
  std::stop_source stop;
  std::atomic<bool> overran{false};
  const auto deadline = std::chrono::steady_clock::now() + work_.limits().max_seconds;
  {
    std::jthread watcher([&gone, &stop, &overran, deadline](std::stop_token done) {
      // Woken by the stop request as soon as the work ends: a plain sleep here held every
      // answer back until the watcher's next 100 ms tick (the p99 of fast filtered queries).
      std::mutex mutex;
      std::condition_variable_any tick;
      std::unique_lock lock(mutex);
      while (!done.stop_requested()) {
        const bool late = std::chrono::steady_clock::now() >= deadline;
        if (late || gone()) {
          overran = late;
          stop.request_stop();
          return;
        }
        tick.wait_for(lock, done, std::chrono::milliseconds(100), [] { return false; });
      }
    });
    Reply<Result<std::string>> reply = work(stop.get_token());
    watcher.request_stop();
    watcher.join();
    if (!overran) return reply;
  }
  return MakeError(503, fmt::format("the analysis ran longer than the {} s this server allows one "
                                    "analysis and was stopped; ask for less work (a smaller "
                                    "range of segment counts, fewer initialisations or runs)",
                                    work_.limits().max_seconds.count()));
}

namespace {

/// The answer of a command route, from the cache or computed.
struct Answer {
  std::shared_ptr<const CachedResponse> response;
  bool cached = false;
};

/// Runs an analysis now (the warm-up) or in the work queue (a request).
using ComputeFn = std::function<Reply<Result<std::string>>(const WorkFn&)>;

Reply<Result<std::string>> RunNow(const WorkFn& work) {
  return work(std::stop_token());
}

/// A route of the application layer (app/analysis_registry.h): the query checked against the
/// analysis's specs (names, types, bounds), defaults filled before the cache key is made, and the
/// typed result rendered as JSON, or as CSV for a download (spreadsheet-safe cells).
Reply<Answer> AnswerAnalysisRoute(const app::AnalysisEntry& entry, QueryParams params,
                                  const Holdings& holdings, ResponseCache& cache,
                                  const ComputeFn& compute) {
  const std::optional<std::string> asked = TakeParam(params, "dataset");
  Result<app::ParamText> canonical =
      app::Canonical(entry.params, params, app::Naming::kApi, entry.name);
  if (!canonical.ok()) return ErrorFromStatus(canonical.status());
  if (const Status checked = entry.check(*canonical, app::Naming::kApi); !checked.ok())
    return ErrorFromStatus(checked);
  // Analyses of no data (a plan from given numbers) say so to a request naming a dataset.
  const bool reads_data = entry.need == DataNeed::kWhenAsked ? entry.reads_data(*canonical)
                                                             : entry.need != DataNeed::kNone;
  HeldPtr held;
  std::string key = fmt::format("{}|{}|", holdings.generation, entry.name);
  if (reads_data) {
    Reply<HeldPtr> picked = PickHeldDataset(
        holdings, entry.need == DataNeed::kWhenAsked ? DataNeed::kAny : entry.need, asked);
    if (const ApiError* error = std::get_if<ApiError>(&picked)) return *error;
    held = std::get<HeldPtr>(picked);
    key += DataKindName(held->kind());
  } else if (asked) {
    return MakeError(400,
                     fmt::format("parameter 'dataset': {}{} analyses no data", kApi, entry.name),
                     "dataset");
  }
  for (const auto& [name, value] : *canonical) key += fmt::format("|{}={}", name, value);
  if (held && held->clickhouse)
    if (std::optional<ApiError> refused = RefuseOnClickHouse(entry, *canonical)) return *refused;
  if (auto hit = cache.Find(key)) return Answer{std::move(hit), true};

  Reply<Result<std::string>> computed = compute([&entry, &held, &canonical](std::stop_token stop) {
    app::RunContext context;
    context.naming = app::Naming::kApi;
    context.stop = std::move(stop);
    if (!held) return entry.run(app::RunInput(), *canonical, entry.api_format, context);
    context.source = held->source;
    if (held->clickhouse) return RunOnClickHouse(entry, *canonical, *held, context);
    context.personas = held->personas;
    context.predictions = held->predictions;
    context.analysis = held->analysis;
    context.usage_index = held->usage_index;
    return entry.run(*held->data, *canonical, entry.api_format, context);
  });
  if (const ApiError* refused = std::get_if<ApiError>(&computed)) return *refused;
  Result<std::string>& body = std::get<Result<std::string>>(computed);
  if (!body.ok())
    return held && held->clickhouse ? ClickHouseErrorOf(entry, held->kind(), body.status())
                                    : ErrorFromStatus(body.status());
  auto response = std::make_shared<const CachedResponse>(CachedResponse{
      200, std::move(body).value(),
      entry.api_format == app::OutputFormat::kCsv ? std::string("text/csv; charset=utf-8")
                                                  : std::string(kJsonContentType)});
  cache.Store(key, holdings.generation, response);
  return Answer{std::move(response), false};
}

/// The answer of GET /api/v1/<path>: an analysis (or a route variant) of the application layer;
/// null when there is no such route.
std::optional<Reply<Answer>> AnswerRoute(std::string_view path, QueryParams params,
                                         const Holdings& holdings, ResponseCache& cache,
                                         const ComputeFn& compute) {
  // An experiment file comes in a POST's body (upload_routes.cc), not with a GET.
  if (const app::AnalysisEntry* entry = app::FindApiRoute(path);
      entry != nullptr && entry->need != DataNeed::kExperimentFile)
    return AnswerAnalysisRoute(*entry, std::move(params), holdings, cache, compute);
  return std::nullopt;
}

/// The data a route reads.
DataNeed NeedOf(std::string_view path) {
  const app::AnalysisEntry* entry = app::FindApiRoute(path);
  return entry == nullptr ? DataNeed::kNone : entry->need;
}

}  // namespace

void ApiServer::WarmUp(std::shared_ptr<const Holdings> holdings) {
  const Stopwatch stopwatch;
  const double cpu = ProcessCpuSeconds();
  size_t warmed = 0;
  for (const auto& [path, params] : WarmUpRequests()) {
    const Stopwatch view;
    if (shelf_.Snapshot()->generation != holdings->generation) return;  // newer data arrived
    for (const HeldPtr& held : holdings->All()) {
      const DataNeed need = NeedOf(path);
      if (need == DataNeed::kUsage && ByKind(held->kind(), false, true)) continue;
      if (need == DataNeed::kTransactions && ByKind(held->kind(), true, false)) continue;
      // The cache key names the file analysed, not how the request named it, so one
      // spelling serves requests with and without dataset=.
      QueryParams query = params;
      query.emplace_back("dataset", DataKindName(held->kind()));
      const std::optional<Reply<Answer>> answer =
          AnswerRoute(path, query, *holdings, cache_, RunNow);
      if (answer && std::holds_alternative<Answer>(*answer)) ++warmed;
    }
    // The start-up's timeline names the slow ones.
    if (!settings_.load.quiet && view.Seconds() >= 0.1)
      fmt::print(stderr, "growthlens serve: default view {} computed in {:.2f} s\n", path,
                 view.Seconds());
  }
  if (!settings_.load.quiet)
    fmt::print(stderr, "growthlens serve: {} default views computed in {:.2f} s ({:.2f} s CPU)\n",
               warmed, stopwatch.Seconds(), ProcessCpuSeconds() - cpu);
}

void ApiServer::AddRoutes() {
  HttpServer& http = *http_;
  http.set_payload_max_length(settings_.max_upload_bytes);
  // Without it a response's last small segment waits for the client's delayed ACK: +40 ms per
  // request on kept-alive connections.
  http.set_tcp_nodelay(true);
  httplib::Headers headers;
  for (auto& [name, value] : SecurityHeaders()) headers.emplace(name, value);
  headers.emplace("Accept-Ranges", "none");
  http.set_default_headers(std::move(headers));
  http.set_pre_routing_handler(
      [this](const httplib::Request& request, httplib::Response& response) {
        PreferGzip(request);
        IgnoreRanges(request);
        const GuardVerdict verdict = guard_->Check(request, response);
        if (verdict.kind == GuardVerdict::Kind::kRefuse) {
          http_->CloseAfterResponse(request);  // its body, if any, is not read
          if (request.path.starts_with("/api/")) {
            SendError(response, MakeError(verdict.status, verdict.text));
          } else {
            response.status = verdict.status;
            response.set_content(verdict.text + "\n", "text/plain; charset=utf-8");
          }
          return httplib::Server::HandlerResponse::Handled;
        }
        if (verdict.kind == GuardVerdict::Kind::kAnswered)
          return httplib::Server::HandlerResponse::Handled;
        if (verdict.kind == GuardVerdict::Kind::kRedirect) {
          response.status = verdict.status;
          response.set_header("Location", verdict.text);
          return httplib::Server::HandlerResponse::Handled;
        }
        if (request.path.starts_with("/api/") ||
            (request.method == "POST" && IsSdkEventPath(request.path)))
          return httplib::Server::HandlerResponse::Unhandled;
        if ((request.method == "GET" || request.method == "HEAD") &&
            ServeStaticFile(settings_.web_root, request, response))
          return httplib::Server::HandlerResponse::Handled;
        response.status = 404;
        response.set_content("not found\n", "text/plain");
        return httplib::Server::HandlerResponse::Handled;
      });
  // A refused body may be left unread in the connection: it must not be read as a next request.
  http.set_post_routing_handler([](const httplib::Request&, httplib::Response& response) {
    if (response.status == 413) response.set_header("Connection", "close");
  });
  http.set_error_handler([](const httplib::Request& request, httplib::Response& response) {
    if (!response.body.empty() || response.has_header("Content-Type")) return;  // already said
    if (request.path.starts_with("/api/")) {
      std::string message = fmt::format(
          "the request could not be read (HTTP {}); a POST needs a Content-Length, even 0",
          response.status);
      if (response.status == 404)
        message = fmt::format("no route {} {}; the routes are listed in docs/API.md",
                              request.method, request.path);
      if (response.status == 413)
        message =
            "the upload is larger than the server accepts (serve --max-upload-mb), or was sent "
            "as a form (application/x-www-form-urlencoded, curl's default for --data-binary); "
            "send a CSV as text/csv: curl -H 'Content-Type: text/csv' --data-binary @FILE.csv";
      SendError(response, MakeError(response.status, message));
    }
  });
  http.set_exception_handler(
      [](const httplib::Request&, httplib::Response& response, std::exception_ptr error) {
        std::string message = "internal error";
        try {
          if (error) std::rethrow_exception(error);
        } catch (const std::exception& exception) {
          message = fmt::format("internal error: {}", exception.what());
        } catch (...) {
        }
        SendError(response, MakeError(500, message));
      });
  if (settings_.access_log)
    http.set_logger([](const httplib::Request& request, const httplib::Response& response) {
      // Bodies go out through content providers: their size is the Content-Length header.
      fmt::print(stderr, "{} {} {} {}{}\n", request.method, request.path, response.status,
                 response.body.empty() ? response.get_header_value("Content-Length")
                                       : std::to_string(response.body.size()),
                 response.has_header("X-GrowthLens-Cache")
                     ? " " + response.get_header_value("X-GrowthLens-Cache")
                     : std::string());
    });

  // The login page's key (request_guard.h); the guard let only small bodies through.
  http.Post("/api/v1/login", [this](const httplib::Request& request, httplib::Response& response) {
    guard_->Login(request, response);
  });
  http.Post("/api/v1/logout", [this](const httplib::Request& request, httplib::Response& response) {
    guard_->Logout(request, response);
  });

  http.Get("/api/v1/status", [this](const httplib::Request&, httplib::Response& response) {
    // What a form post must send (request_guard.h); readable only from this origin.
    response.set_header("X-CSRF-Token", guard_->csrf_token());
    const std::shared_ptr<const Holdings> holdings = shelf_.Snapshot();
    nlohmann::ordered_json body;
    body["version"] = "0.1.0";
    body["busy"] = shelf_.Loading();
    // Uploads are added to a workspace (kept across restarts) rather than replacing the data.
    body["workspace"] = !settings_.load.workspace.empty();
    // Where the data lives: "memory", "workspace" (a file) or "clickhouse" (its URL below).
    body["store"] = !settings_.clickhouse.empty()       ? "clickhouse"
                    : !settings_.load.workspace.empty() ? "workspace"
                                                        : "memory";
    if (!settings_.clickhouse.empty()) body["clickhouse"] = ClickHouseDisplay(settings_.clickhouse);
    body["datasets"] = nlohmann::ordered_json::array();
    for (const HeldPtr& held : holdings->All()) body["datasets"].push_back(DatasetJson(*held));
    // The product-usage data requests get without `dataset=` (the pages' default choice).
    const HeldPtr usage = holdings->DefaultUsage();
    body["default_usage"] =
        usage ? nlohmann::ordered_json(DataKindName(usage->kind())) : nlohmann::ordered_json();
    SendJson(response, 200, cli::JsonText(body) + "\n");
  });

  // The API's contract: the analyses, their parameters and the enums the pages show.
  http.Get("/api/v1/meta",
           [meta = app::MetaJson()](const httplib::Request&, httplib::Response& response) {
             SendJson(response, 200, meta);
           });

  http.Post("/api/v1/demo", [this](const httplib::Request& request, httplib::Response& response) {
    QueryParams params = ParseQuery(request.target);
    DemoSize size = settings_.demo;
    Result<long> users = IntParam(params, "users", size.users, 10, 2'000'000);
    Result<long> customers = IntParam(params, "customers", size.customers, 10, 500'000);
    Result<long> seed = IntParam(params, "seed", static_cast<long>(size.seed), 0, 1L << 40);
    for (const Status& status :
         {users.status(), customers.status(), seed.status(), RefuseLeftovers(params, "demo")})
      if (!status.ok()) return SendStatusError(response, status);
    size = {static_cast<int>(*users), static_cast<int>(*customers), static_cast<uint64_t>(*seed)};
    if (!settings_.clickhouse.empty()) return SendError(response, ClickHouseRefusesData("demo"));
    if (!shelf_.TryBeginLoad())
      return SendError(response, MakeError(409, "data is being loaded; retry when it is done"));
    LoadGuard guard(shelf_);
    Result<std::vector<HeldPtr>> loaded = LoadDemo(size, settings_.load);
    if (!loaded.ok()) return SendStatusError(response, loaded.status());
    nlohmann::ordered_json body;
    body["datasets"] = nlohmann::ordered_json::array();
    for (const HeldPtr& held : *loaded) {
      Hold(held);
      body["datasets"].push_back(DatasetJson(*held));
    }
    SendJson(response, 200, cli::JsonText(body) + "\n");
  });

  http.Get("/api/v1/analysis",
           [this](const httplib::Request& request, httplib::Response& response) {
             QueryParams params = ParseQuery(request.target);
             const std::optional<std::string> asked = TakeParam(params, "dataset");
             if (const Status leftover = RefuseLeftovers(params, "analysis"); !leftover.ok())
               return SendStatusError(response, leftover);
             Reply<HeldPtr> held = PickHeldDataset(*shelf_.Snapshot(), DataNeed::kAny, asked);
             if (const ApiError* error = std::get_if<ApiError>(&held))
               return SendError(response, *error);
             if (std::get<HeldPtr>(held)->clickhouse)
               return SendError(response, ClickHouseRefusesData("analysis"));
             SendJson(response, 200, std::get<HeldPtr>(held)->analysis_json);
           });

  http.Get("/api/v1/downloads", [this](const httplib::Request&, httplib::Response& response) {
    SendJson(response, 200, cli::JsonText(DownloadsJson(ListDownloads(*shelf_.Snapshot()))) + "\n");
  });

  http.Get(R"(/api/v1/downloads/([^/]+))", [this](const httplib::Request& request,
                                                  httplib::Response& response) {
    const std::string name = request.matches[1];
    const std::shared_ptr<const Holdings> holdings = shelf_.Snapshot();
    for (const DownloadFile& file : ListDownloads(*holdings)) {
      if (file.name != name) continue;
      Result<std::string> content =
          file.path.empty() ? Report(*holdings, settings_.web_root) : ReadWholeFile(file.path);
      if (!content.ok()) return SendError(response, MakeError(500, content.status().message()));
      // Tables come rounded for spreadsheets; ?precision=full gives the file as analyze wrote it.
      const std::string precision =
          request.has_param("precision") ? request.get_param_value("precision") : "rounded";
      if (precision != "rounded" && precision != "full")
        return SendError(response,
                         MakeError(400,
                                   fmt::format("precision '{}': expected rounded (numbers to 6 "
                                               "decimals, the default) or full",
                                               TerminalSafe(precision)),
                                   "precision"));
      if (file.content_type == "text/csv" && precision == "rounded")
        *content = RoundCsvNumbers(*content);
      // The report opens in a tab ("Open report"); the tables download as files.
      response.set_header(
          "Content-Disposition",
          fmt::format("{}; filename=\"{}\"",
                      file.content_type.starts_with("text/html") ? "inline" : "attachment",
                      file.name));
      response.set_content(
          std::move(content).value(),
          file.content_type + (file.content_type.starts_with("text/") ? "; charset=utf-8" : ""));
      return;
    }
    SendError(response,
              MakeError(404, fmt::format("no download named '{}'; GET /api/v1/downloads lists them",
                                         name)));
  });

  http.Get(R"(/api/v1/(.+))", [this](const httplib::Request& request, httplib::Response& response) {
    const std::string path = request.matches[1];
    const Stopwatch stopwatch;
    std::optional<Reply<Answer>> reply =
        AnswerRoute(path, ParseQuery(request.target), *shelf_.Snapshot(), cache_,
                    [this, &request](const WorkFn& work) { return ComputeWork(request, work); });
    if (!reply)
      return SendError(response,
                       MakeError(404, fmt::format("no route GET /api/v1/{}; the routes are "
                                                  "listed in docs/API.md",
                                                  path)));
    if (const ApiError* error = std::get_if<ApiError>(&*reply)) return SendError(response, *error);
    const Answer* answer = &std::get<Answer>(*reply);
    const app::AnalysisEntry* analysis = app::FindApiRoute(path);
    response.set_header("X-GrowthLens-Cache", answer->cached ? "hit" : "miss");
    response.set_header("Server-Timing",
                        fmt::format("compute;dur={:.1f}", stopwatch.Seconds() * 1e3));
    response.status = answer->response->http_status;
    if (analysis != nullptr && !analysis->download_name.empty())
      response.set_header("Content-Disposition",
                          fmt::format("attachment; filename=\"{}\"", analysis->download_name));
    // Aliasing pointer: the cached entry stays alive while its body is written.
    SendShared(response,
               std::shared_ptr<const std::string>(answer->response, &answer->response->body),
               answer->response->content_type);
  });
}

}  // namespace growthlens::server
