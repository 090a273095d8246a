#include "server/http_server.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "server/api_error.h"

namespace growthlens::server {

using Clock = std::chrono::steady_clock;

/// httplib's TaskQueue with a bound: `threads` workers, `queued` waiting connections; a
/// connection beyond that runs at once on the accepting thread, which sees RejectingHere() and
/// answers 503 without reading it.
class BoundedPool final : public httplib::TaskQueue {
 public:
  BoundedPool(size_t threads, size_t queued) : queued_(queued) {
    for (size_t thread = 0; thread < std::max<size_t>(threads, 1); ++thread)
      workers_.emplace_back([this] { Work(); });
  }

  void enqueue(std::function<void()> job) override {
    {
      std::unique_lock lock(mutex_);
      if (jobs_.size() < queued_) {
        jobs_.emplace_back(std::move(job), Clock::now());
        lock.unlock();
        wake_.notify_one();
        return;
      }
    }
    rejecting_ = std::this_thread::get_id();
    job();
    rejecting_ = std::thread::id();
  }

  void shutdown() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (std::thread& worker : workers_) worker.join();
  }

  bool RejectingHere() const { return rejecting_.load() == std::this_thread::get_id(); }

  /// When the connection this worker serves was accepted: its wait in the queue counts against
  /// its first request's header deadline.
  Clock::time_point AcceptedHere() const {
    std::lock_guard lock(mutex_);
    const auto found = accepted_.find(std::this_thread::get_id());
    return found == accepted_.end() ? Clock::now() : found->second;
  }

 private:
  void Work() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
        if (jobs_.empty()) return;  // stopping, and nothing left to serve
        job = std::move(jobs_.front().first);
        accepted_[std::this_thread::get_id()] = jobs_.front().second;
        jobs_.pop_front();
      }
      job();
    }
  }

  size_t queued_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::pair<std::function<void()>, Clock::time_point>> jobs_;
  std::unordered_map<std::thread::id, Clock::time_point> accepted_;  // per worker
  bool stopping_ = false;
  std::atomic<std::thread::id> rejecting_{};
  std::vector<std::thread> workers_;
};

namespace {

/// A socket stream whose reads and writes fail once the request's deadline has passed: headers
/// within header_timeout of the request's start, then bodies and responses at min_rate on
/// average after rate_grace, and never more than read_timeout of silence.
class DeadlineStream final : public httplib::Stream {
 public:
  DeadlineStream(int socket, const ConnectionLimits& limits) : socket_(socket), limits_(limits) {}

  void BeginRequest(Clock::time_point start = Clock::now()) {
    phase_ = Phase::kHeaders;
    phase_start_ = start;
    phase_bytes_ = 0;
    line_empty_ = false;
    headers_read_ = false;
  }
  bool Buffered() const { return position_ < filled_; }
  /// The current request's headers arrived whole (in time).
  bool HeadersRead() const { return headers_read_; }

  bool is_readable() const override { return Buffered() || Wait(POLLIN); }
  bool is_writable() const override { return Wait(POLLOUT); }

  ssize_t read(char* ptr, size_t size) override {
    if (!Buffered()) {
      if (!Wait(POLLIN)) return -1;
      ssize_t got;
      do {
        got = ::recv(socket_, buffer_, sizeof(buffer_), 0);
      } while (got < 0 && errno == EINTR);
      if (got <= 0) return got;
      position_ = 0;
      filled_ = static_cast<size_t>(got);
    }
    const size_t count = std::min(size, filled_ - position_);
    std::memcpy(ptr, buffer_ + position_, count);
    position_ += count;
    Account(ptr, count);
    return static_cast<ssize_t>(count);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (phase_ != Phase::kResponse) {
      phase_ = Phase::kResponse;
      phase_start_ = Clock::now();
      phase_bytes_ = 0;
    }
    if (!Wait(POLLOUT)) return -1;
    ssize_t sent;
    do {
      sent = ::send(socket_, ptr, size, MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    if (sent > 0) phase_bytes_ += static_cast<size_t>(sent);
    return sent;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage address{};
    socklen_t length = sizeof(address);
    if (::getpeername(socket_, reinterpret_cast<sockaddr*>(&address), &length) == 0)
      Describe(address, ip, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage address{};
    socklen_t length = sizeof(address);
    if (::getsockname(socket_, reinterpret_cast<sockaddr*>(&address), &length) == 0)
      Describe(address, ip, port);
  }
  socket_t socket() const override { return socket_; }

  static void Describe(const sockaddr_storage& address, std::string& ip, int& port) {
    char text[INET6_ADDRSTRLEN] = {};
    if (address.ss_family == AF_INET) {
      const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
      ::inet_ntop(AF_INET, &v4.sin_addr, text, sizeof(text));
      port = ntohs(v4.sin_port);
    } else if (address.ss_family == AF_INET6) {
      const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
      ::inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof(text));
      port = ntohs(v6.sin6_port);
    }
    ip = text;
  }

 private:
  enum class Phase { kHeaders, kBody, kResponse };

  Clock::time_point Deadline() const {
    if (phase_ == Phase::kHeaders) return phase_start_ + limits_.header_timeout;
    const auto at_rate = std::chrono::milliseconds(phase_bytes_ * 1000 / limits_.min_rate);
    return phase_start_ + limits_.rate_grace + at_rate;
  }

  /// Polls for `events` until the read timeout or the deadline, whichever comes first.
  bool Wait(short events) const {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(Deadline() - Clock::now());
    const auto wait = std::min(left, limits_.read_timeout);
    if (wait.count() <= 0) return false;
    pollfd poll_fd{socket_, events, 0};
    int ready;
    do {
      ready = ::poll(&poll_fd, 1, static_cast<int>(wait.count()));
    } while (ready < 0 && errno == EINTR);
    return ready > 0;
  }

  /// Counts bytes handed to httplib; in the headers, a blank line ends them.
  void Account(const char* bytes, size_t count) {
    if (phase_ != Phase::kHeaders) {
      phase_bytes_ += count;
      return;
    }
    for (size_t at = 0; at < count; ++at) {
      if (bytes[at] == '\r') continue;
      if (bytes[at] != '\n') {
        line_empty_ = false;
        continue;
      }
      if (line_empty_) {
        headers_read_ = true;
        phase_ = Phase::kBody;
        phase_start_ = Clock::now();
        phase_bytes_ = count - at - 1;
        return;
      }
      line_empty_ = true;
    }
  }

  int socket_;
  const ConnectionLimits& limits_;
  char buffer_[16 << 10];
  size_t position_ = 0, filled_ = 0;
  Phase phase_ = Phase::kHeaders;
  Clock::time_point phase_start_ = Clock::now();
  size_t phase_bytes_ = 0;
  bool line_empty_ = false;
  bool headers_read_ = false;
};

/// Closes the socket when the connection's work is done.
class SocketCloser {
 public:
  explicit SocketCloser(int socket) : socket_(socket) {}
  ~SocketCloser() {
    ::shutdown(socket_, SHUT_RDWR);
    ::close(socket_);
  }
  SocketCloser(const SocketCloser&) = delete;
  SocketCloser& operator=(const SocketCloser&) = delete;

 private:
  int socket_;
};

/// Answers a connection without serving it: one short JSON response, then the socket closes.
void Refuse(int socket, int status, std::string_view reason, std::string_view message) {
  const std::string body = MakeError(status, std::string(message)).Body();
  const std::string response = fmt::format(
      "HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nRetry-After: "
      "1\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n{}",
      status, reason, body.size(), body);
  (void)::send(socket, response.data(), response.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  // Whatever the client already sent is dropped first, so that closing does not reset the
  // connection under the answer.
  ::shutdown(socket, SHUT_WR);
  char sink[4096];
  for (int round = 0; round < 16 && ::recv(socket, sink, sizeof(sink), MSG_DONTWAIT) > 0; ++round) {
  }
}

std::string ConnectionKey(const std::string& address, int port) {
  return fmt::format("{}|{}", address, port);
}

}  // namespace

HttpServer::HttpServer(ConnectionLimits limits) : limits_(limits) {
  new_task_queue = [this] {
    // httplib's interface: it owns the queue it is handed and deletes it when listening ends.
    auto* pool = new BoundedPool(limits_.threads, limits_.queued);
    pool_ = pool;
    return pool;
  };
}

bool HttpServer::ClientGone(const httplib::Request& request) const {
  std::lock_guard lock(mutex_);
  const auto found = connections_.find(ConnectionKey(request.remote_addr, request.remote_port));
  if (found == connections_.end()) return false;
  pollfd poll_fd{found->second->socket, POLLRDHUP, 0};
  return ::poll(&poll_fd, 1, 0) > 0 &&
         (poll_fd.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

void HttpServer::CloseAfterResponse(const httplib::Request& request) {
  std::lock_guard lock(mutex_);
  const auto found = connections_.find(ConnectionKey(request.remote_addr, request.remote_port));
  if (found != connections_.end()) found->second->close_after_response = true;
}

bool HttpServer::WaitForRequest(int socket, const httplib::Stream& stream) const {
  if (static_cast<const DeadlineStream&>(stream).Buffered()) return true;
  // In slices, so that Stop() does not wait for idle connections.
  constexpr auto kSlice = std::chrono::milliseconds(100);
  for (auto waited = std::chrono::milliseconds(0); waited < limits_.idle_timeout;
       waited += kSlice) {
    if (svr_sock_ == INVALID_SOCKET) return false;
    pollfd poll_fd{socket, POLLIN, 0};
    const int ready = ::poll(&poll_fd, 1, static_cast<int>(kSlice.count()));
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR) return false;
  }
  return false;
}

bool HttpServer::process_and_close_socket(socket_t sock) {
  const SocketCloser closer(sock);
  if (const BoundedPool* pool = pool_.load(); pool != nullptr && pool->RejectingHere()) {
    Refuse(sock, 503, "Service Unavailable",
           "the server is serving as many connections as it can; retry in a moment");
    return false;
  }
  DeadlineStream stream(sock, limits_);
  std::string address;
  int port = 0;
  stream.get_remote_ip_and_port(address, port);
  {
    std::lock_guard lock(mutex_);
    if (per_client_[address] >= limits_.per_client) {
      Refuse(sock, 429, "Too Many Requests",
             fmt::format("your address already has {} connections open here; close some and "
                         "retry",
                         limits_.per_client));
      return false;
    }
    ++per_client_[address];
  }
  Connection connection{sock};
  const std::string key = ConnectionKey(address, port);
  {
    std::lock_guard lock(mutex_);
    connections_[key] = &connection;
  }
  const Clock::time_point accepted = pool_.load() ? pool_.load()->AcceptedHere() : Clock::now();
  for (size_t left = limits_.max_requests_per_connection; left > 0; --left) {
    if (!WaitForRequest(sock, stream)) break;
    if (left == limits_.max_requests_per_connection) {
      stream.BeginRequest(accepted);
    } else {
      stream.BeginRequest();
    }
    bool closed = false;
    // A request whose headers did not arrive in time was answered 400: the connection ends, or
    // a client trickling header lines would start over with a new deadline.
    if (!process_request(stream, left == 1, closed, nullptr) || closed || !stream.HeadersRead())
      break;
    std::lock_guard lock(mutex_);
    if (connection.close_after_response) break;
  }
  std::lock_guard lock(mutex_);
  connections_.erase(key);
  if (--per_client_[address] == 0) per_client_.erase(address);
  return true;
}

}  // namespace growthlens::server
