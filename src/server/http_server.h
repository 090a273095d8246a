#pragma once
// cpp-httplib's Server with the connection handling a public server needs (issue 14.10). httplib
// 0.11 gives a connection a thread for as long as the client keeps sending, one byte within each
// 5 s read timeout: 8 clients trickling header lines held all of its 8 threads. Here each
// connection is served by our own loop over a DeadlineStream:
//  - the request line and headers must arrive within `header_timeout` of their first byte;
//  - a body (and a response) must keep an average of `min_rate` bytes/s after `rate_grace`;
//  - `read_timeout` is the longest silence within a request, `idle_timeout` between requests;
//  - a client address holds at most `per_client` connections (more are answered 429 at once);
//  - `threads` connections are served at a time and `queued` more wait; beyond that new
//    connections are answered 503 by the accepting thread without reading them.
// It also tells a handler whether its client is still there (ClientGone), so that a long analysis
// nobody waits for can stop.

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace growthlens::server {

struct ConnectionLimits {
  size_t threads = 32;
  size_t queued = 256;
  size_t per_client = 16;
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds read_timeout{5'000};
  std::chrono::milliseconds idle_timeout{5'000};
  std::chrono::milliseconds rate_grace{10'000};
  size_t min_rate = 16 << 10;  // bytes per second
  size_t max_requests_per_connection = 100;
};

class BoundedPool;

class HttpServer : public httplib::Server {
 public:
  explicit HttpServer(ConnectionLimits limits);

  /// The client of `request` closed its connection (or it broke) while the answer was computed.
  bool ClientGone(const httplib::Request& request) const;
  /// Closes the connection after the current response: a refusal sent before reading the body.
  void CloseAfterResponse(const httplib::Request& request);

  const ConnectionLimits& limits() const { return limits_; }

 private:
  struct Connection {
    int socket = -1;
    bool close_after_response = false;
  };

  bool process_and_close_socket(socket_t sock) override;
  bool WaitForRequest(int socket, const httplib::Stream& stream) const;

  ConnectionLimits limits_;
  std::atomic<BoundedPool*> pool_{nullptr};  // owned by httplib while it listens
  mutable std::mutex mutex_;
  std::unordered_map<std::string, size_t> per_client_;        // address -> open connections
  std::unordered_map<std::string, Connection*> connections_;  // "address|port" -> connection
};

}  // namespace growthlens::server
