#pragma once
// One connection to a Redis server (Debian's hiredis), opened from a redis:// address, whose
// replies are plain values and whose failures are Status values naming the server. hiredis.h
// stays in the .cc file.

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

struct redisContext;

namespace growthlens::live {

/// redis://[[user]:password@]host[:port][/db]
struct RedisAddress {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string user;
  std::string password;
  int database = 0;

  static Result<RedisAddress> Parse(std::string_view url);
  /// The address without the password, for messages.
  std::string Display() const;
};

struct RedisValue {
  enum class Type { kString, kArray, kInteger, kNil, kStatus, kError };
  Type type = Type::kNil;
  std::string text;  // string, status or error
  int64_t integer = 0;
  std::vector<RedisValue> elements;

  bool IsNil() const { return type == Type::kNil; }
};

class RedisConnection {
 public:
  /// Connects (AUTH and SELECT as the address says); `timeout` bounds the connect and every
  /// reply, so it must exceed the longest BLOCK a command asks for.
  static Result<RedisConnection> Open(const RedisAddress& address,
                                      std::chrono::milliseconds timeout);

  /// Sends one command (binary-safe arguments) and reads its reply; an error reply is an error
  /// Status with Redis's message. After an I/O error the connection is unusable (broken()).
  Result<RedisValue> Command(std::span<const std::string_view> arguments);
  Result<RedisValue> Command(std::initializer_list<std::string_view> arguments) {
    return Command(std::span<const std::string_view>(arguments.begin(), arguments.size()));
  }
  bool broken() const { return broken_; }
  const std::string& display() const { return display_; }

 private:
  struct Closer {
    void operator()(redisContext* context) const;
  };
  RedisConnection(redisContext* context, std::string display);

  std::unique_ptr<redisContext, Closer> context_;
  std::string display_;
  bool broken_ = false;
};

}  // namespace growthlens::live
