#pragma once
// A redis-server of the test's own on a free loopback port, without persistence, stopped when
// the test ends. Tests that need Redis fail (not skip) when redis-server is missing:
// scripts/install-deps.sh installs it.

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "live/redis_connection.h"

extern char** environ;

namespace growthlens::testing {

inline int FreeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0)
    port = ntohs(address.sin_port);
  ::close(fd);
  return port;
}

class RedisTestServer {
 public:
  RedisTestServer() : port_(FreeLoopbackPort()) {
    const std::string port = std::to_string(port_);
    std::vector<std::string> args = {
        "redis-server", "--port", port,          "--bind", "127.0.0.1",  "--save", "",
        "--appendonly", "no",     "--daemonize", "no",     "--loglevel", "warning"};
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    if (posix_spawnp(&pid_, "redis-server", &actions, nullptr, argv.data(), environ) != 0)
      pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    for (int attempt = 0; pid_ > 0 && attempt < 100; ++attempt) {  // up to 5 s to come up
      Result<live::RedisConnection> connection =
          live::RedisConnection::Open(address(), std::chrono::milliseconds(500));
      if (connection.ok() && connection->Command({"PING"}).ok()) {
        ready_ = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ~RedisTestServer() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  RedisTestServer(const RedisTestServer&) = delete;
  RedisTestServer& operator=(const RedisTestServer&) = delete;

  /// False when redis-server is missing or did not answer.
  bool ready() const { return ready_; }
  live::RedisAddress address() const {
    live::RedisAddress address;
    address.port = port_;
    return address;
  }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

 private:
  int port_ = 0;
  pid_t pid_ = -1;
  bool ready_ = false;
};

}  // namespace growthlens::testing
