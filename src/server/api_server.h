#pragma once
// `growthlens serve`: the dashboard's static files and the JSON API (docs/API.md) over
// cpp-httplib. Analysis routes run the CLI command of the same name on the held data, through a
// response cache that a background warm-up fills with the pages' default views after each load.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"
#include "server/data_loader.h"
#include "server/held_data.h"
#include "server/response_cache.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace growthlens::server {

struct ServerSettings {
  std::string host = "127.0.0.1";
  int port = 8501;       // 0 = any free port (tests)
  std::string web_root;  // "" = the embedded dashboard; else its files are read from here
  LoadSettings load;
  DemoSize demo;
  size_t cache_bytes = size_t{512} << 20;
  size_t max_upload_bytes = size_t{2} << 30;
  bool access_log = true;
  bool warm_up = true;
};

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

 private:
  void AddRoutes();
  void WarmUp(std::shared_ptr<const Holdings> holdings);

  ServerSettings settings_;
  DataShelf shelf_;
  ResponseCache cache_;
  std::unique_ptr<httplib::Server> http_;
  std::atomic<uint64_t> experiment_uploads_{0};  // names their temporary directories
  std::mutex warmer_mutex_;
  std::jthread warmer_;  // the latest load's warm-up
};

}  // namespace growthlens::server
