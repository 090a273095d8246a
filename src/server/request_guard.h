#pragma once
// The checks every request passes before routing (issue 14.4):
//  - Host must name this server: loopback names and addresses, the address it listens on (any IP
//    address when it listens on all), or an --allowed-host name. A DNS-rebinding page (Host:
//    evil.example) is refused.
//  - Clients that need a key (non-loopback ones, or everyone with --require-access-key) present it
//    as `Authorization: Bearer KEY`, or once as ?key=KEY, which opens a session held in an
//    HttpOnly SameSite=Strict cookie; an AccessGate decides what a key grants.
//  - State-changing requests (anything but GET and HEAD) must come from this origin: a browser's
//    Origin names this Host and its Sec-Fetch-Site is same-origin (or none). Bodies a cross-site
//    HTML form can send (multipart/form-data, application/x-www-form-urlencoded, text/plain) need
//    the X-CSRF-Token header as well (GET /api/v1/status gives it), unless a bearer key is sent.
// Every response also carries the security headers of SecurityHeaders().

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/access_gate.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace growthlens::server {

struct GuardSettings {
  std::string bind_host = "127.0.0.1";
  std::vector<std::string> allowed_hosts;  // --allowed-host (case-insensitive); "*" allows any
  bool key_on_loopback = false;            // --require-access-key: loopback clients need it too
};

/// What to do with a request: go on, refuse it (status + message) or redirect it (to `text`).
struct GuardVerdict {
  enum class Kind { kPass, kRefuse, kRedirect } kind = Kind::kPass;
  int status = 200;
  std::string text;
};

class RequestGuard {
 public:
  /// `gate` null: no key is configured, and only loopback clients are served.
  RequestGuard(GuardSettings settings, std::shared_ptr<const AccessGate> gate);

  /// Checks `request`; on success may set a session cookie on `response`.
  GuardVerdict Check(const httplib::Request& request, httplib::Response& response);

  /// The token form posts must send as X-CSRF-Token (random per server run).
  const std::string& csrf_token() const { return csrf_token_; }

  bool HostAllowed(std::string_view host_header) const;

 private:
  GuardVerdict CheckKey(const httplib::Request& request, httplib::Response& response);
  GuardVerdict CheckOrigin(const httplib::Request& request) const;

  GuardSettings settings_;
  std::shared_ptr<const AccessGate> gate_;
  std::string csrf_token_;
  std::mutex mutex_;
  std::unordered_map<std::string, Access> sessions_;  // cookie value -> what its key granted
};

/// "localhost", "*.localhost", 127.0.0.0/8, ::1 (and their IPv4-mapped form).
bool IsLoopbackName(std::string_view host);

/// The headers sent with every response: a Content-Security-Policy the dashboard passes (no
/// inline or evaluated script; inline styles, which Plotly sets), nosniff, no framing, no referrer.
std::vector<std::pair<std::string, std::string>> SecurityHeaders();

/// The name of the query parameter that carries a key (never a command option).
inline constexpr std::string_view kKeyParameter = "key";

}  // namespace growthlens::server
