#pragma once
// `growthlens serve`: the dashboard's static files and the JSON API (docs/API.md) over
// cpp-httplib. Analysis routes run the CLI command of the same name on the held data, through a
// response cache that a background warm-up fills with the pages' default views after each load.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "app/analysis_registry.h"
#include "core/status.h"
#include "live/group_writer.h"
#include "server/access_gate.h"
#include "server/api_error.h"
#include "server/data_loader.h"
#include "server/held_data.h"
#include "server/http_server.h"
#include "server/live_state.h"
#include "server/query_params.h"
#include "server/request_guard.h"
#include "server/response_cache.h"
#include "server/upload_receiver.h"
#include "server/work_queue.h"
#include "store/workspace.h"

namespace growthlens::server {

/// The held file a request analyses: `dataset=` (usage, events or transactions) if given; else,
/// by the route's need, the transactions or the product-usage data (Holdings::DefaultUsage); a
/// route reading any kind takes the product-usage data, else the transactions. 400 for another
/// `dataset` value, 409 when that file is not held.
Reply<HeldPtr> PickHeldDataset(const Holdings& holdings, app::DataNeed need,
                               std::optional<std::string> asked);

/// An analysis to run in the work queue; it stops between stages once its token asks.
using WorkFn = std::function<Result<std::string>(std::stop_token stop)>;

/// What a /api/v1/saved/KIND request names (saved_routes.cc).
struct SavedTarget {
  store::SavedKind kind = store::SavedKind::kView;
  std::string name;
  store::Workspace workspace;
};

struct ServerSettings {
  std::string host = "127.0.0.1";
  int port = 8501;       // 0 = any free port (tests)
  std::string web_root;  // "" = the embedded dashboard; else its files are read from here
  LoadSettings load;
  /// The URL of a ClickHouse workspace served (clickhouse_serving.h); then load.workspace is "".
  std::string clickhouse;
  DemoSize demo;
  size_t cache_bytes = size_t{512} << 20;
  size_t max_upload_bytes = size_t{2} << 30;
  bool access_log = true;
  bool warm_up = true;
  std::vector<std::string> allowed_hosts;    // Host names served besides loopback ones
  std::shared_ptr<const AccessGate> access;  // null: no key; only loopback clients are served
  bool key_on_loopback = false;              // loopback clients need the key too
  ConnectionLimits connections;
  WorkLimits work;
  /// With a workspace: how often at most the held event log is reloaded for live events, while
  /// no dashboard page is open and while one is.
  std::chrono::seconds live_refresh{30};
  std::chrono::seconds live_refresh_watched{1};
};

/// The paths Segment's and PostHog's SDKs post events to, served by the collector besides
/// POST /api/v1/events (event_routes.cc).
bool IsSdkEventPath(std::string_view path);

class ApiServer {
 public:
  explicit ApiServer(ServerSettings settings);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  /// Publishes a loaded dataset (replacing the one of its kind) and warms the cache for it.
  void Hold(HeldPtr dataset);
  /// Binds (port 0 = any free port) and returns the port, or an I/O error.
  Result<int> Bind();
  /// Serves until Stop(); call after Bind().
  void Serve();
  void Stop();

  DataShelf& shelf() { return shelf_; }
  const ServerSettings& settings() const { return settings_; }
  WorkQueue& work_queue() { return work_; }
  const ResponseCache& cache() const { return cache_; }
  /// What form posts must send as X-CSRF-Token.
  const std::string& csrf_token() const;

 private:
  void AddRoutes();
  void AddUploadRoutes();  // upload_routes.cc
  void AddSavedRoutes();   // saved_routes.cc
  void AddEventRoutes();   // event_routes.cc
  void AddLiveRoutes();    // live_routes.cc
  /// Counts `events` the collector refused (a body or events in it) for the ingest health.
  void CountRejected(const std::string& kind, uint64_t events = 1);
  /// Reloads the held event log from the workspace (blocks and inbox) for live events; false
  /// when another load runs.
  bool RefreshLiveData();
  /// The workspace's group writer, opened on the first batch of events; 409 without a workspace.
  Reply<live::GroupWriter*> EventWriter();
  /// The kind (and, when `named`, the ?name=) of a /api/v1/saved/KIND request, with the
  /// workspace they are kept in; 409 when the server keeps none.
  Reply<SavedTarget> OpenSavedTarget(const httplib::Request& request, bool named) const;
  /// An upload received whole, stored in the workspace, its kind reloaded from there and held.
  void StoreUpload(const ReceivedFile& file, const ColumnOverrides& columns,
                   httplib::Response& response);
  void WarmUp(std::shared_ptr<const Holdings> holdings);
  /// Runs `work` for `request` in the work queue, asking it to stop (through its stop token) if
  /// the client leaves or it runs too long.
  Reply<Result<std::string>> ComputeWork(const httplib::Request& request, const WorkFn& work);

  ServerSettings settings_;
  DataShelf shelf_;
  ResponseCache cache_;
  std::unique_ptr<HttpServer> http_;
  std::unique_ptr<RequestGuard> guard_;
  WorkQueue work_;
  std::atomic<uint64_t> uploads_{0};  // names their temporary directories
  std::mutex warmer_mutex_;
  std::jthread warmer_;  // the latest load's warm-up
  std::mutex event_writer_mutex_;
  std::unique_ptr<live::GroupWriter> event_writer_;  // commits the collector's events
  std::unique_ptr<LiveState> live_;  // with a workspace: what arrives live (live_state.h)
};

}  // namespace growthlens::server
