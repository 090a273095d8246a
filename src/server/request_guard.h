#pragma once
// The checks every request passes before routing (issue 14.4):
//  - Host must name this server: loopback names and addresses, the address it listens on (any IP
//    address when it listens on all), or an --allowed-host name. A DNS-rebinding page (Host:
//    evil.example) is refused.
//  - Clients that need a key (non-loopback ones, or everyone with --require-access-key) present it
//    as `Authorization: Bearer KEY`, or once as ?key=KEY or on the login page (POST
//    /api/v1/login), which opens a session held in an HttpOnly SameSite=Strict cookie (Secure
//    behind an https proxy); an AccessGate decides what a key grants, at every request, so that
//    a revoked key stops working at once, its sessions too. A page asked for without a key gets
//    the login page (401); the API answers 401 with a JSON body. A read key may only GET.
//  - Sending events (POST /api/v1/events and the SDKs' paths, IsEventPath) needs a write or an
//    ingest key from every client, this machine's too: `Authorization: Bearer KEY`, Segment's
//    Basic credentials, ?key= or ?api_key=, checked here before the body is read, or the key an
//    SDK puts in the body (writeKey, api_key, token), checked by AuthorizeEvents once the route
//    has read it. A session cookie does not count there, so that any origin may send events
//    (CORS: preflights are answered here) without opening the rest of the API to other origins.
//    An ingest key does nothing else; a read key may not send events.
//  - A client address that sent FailureLimiter's number of wrong keys is answered 429 with
//    Retry-After until its window has passed.
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
#include "server/failure_limiter.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace growthlens::server {

struct GuardSettings {
  std::string bind_host = "127.0.0.1";
  std::vector<std::string> allowed_hosts;  // --allowed-host (case-insensitive); "*" allows any
  bool key_on_loopback = false;            // --require-access-key: loopback clients need it too
  std::string web_root;                    // where the login page is read from ("" = embedded)
};

/// What to do with a request: go on, refuse it (status + message), redirect it (to `text`), or
/// nothing more: the guard has answered it (the login page).
struct GuardVerdict {
  enum class Kind { kPass, kRefuse, kRedirect, kAnswered } kind = Kind::kPass;
  int status = 200;
  std::string text;
};

class RequestGuard {
 public:
  /// `gate` null: no key is configured, and only loopback clients are served.
  RequestGuard(GuardSettings settings, std::shared_ptr<const AccessGate> gate);

  /// Checks `request`; on success may set a session cookie on `response`.
  GuardVerdict Check(const httplib::Request& request, httplib::Response& response);

  /// The key check of an event path once its body is read (Check let it through without a key
  /// in the request's head): kPass, or kRefuse (401 without a key or with a wrong one, 403 for a
  /// read key, 429).
  GuardVerdict AuthorizeEvents(const httplib::Request& request, std::string_view body,
                               httplib::Response& response);

  /// POST /api/v1/login (its body read; Check passed it): {"key": "..."} opens a session for a
  /// valid key (200 {"access": "read"|"write"} and the cookie), else 401 (counted as a failure)
  /// or 429.
  void Login(const httplib::Request& request, httplib::Response& response);
  /// POST /api/v1/logout: ends the request's session and clears its cookie.
  void Logout(const httplib::Request& request, httplib::Response& response);

  /// The token form posts must send as X-CSRF-Token (random per server run).
  const std::string& csrf_token() const { return csrf_token_; }

  bool HostAllowed(std::string_view host_header) const;

 private:
  GuardVerdict CheckKey(const httplib::Request& request, httplib::Response& response);
  GuardVerdict CheckOrigin(const httplib::Request& request) const;
  /// POST (or its CORS preflight, OPTIONS) to an event path.
  GuardVerdict CheckEventPost(const httplib::Request& request, httplib::Response& response);
  /// Whether `key` may send events.
  GuardVerdict CheckEventKey(const httplib::Request& request, const std::string& key,
                             httplib::Response& response);
  /// Whether `request` must present a key.
  bool NeedsKey(const httplib::Request& request) const;
  /// What the key of the request's session grants now; a session whose key no longer passes
  /// the gate (revoked) is ended.
  std::optional<Access> SessionAccess(const std::string& session);
  /// A new session for `key`, sent as the cookie.
  void OpenSession(const httplib::Request& request, std::string key, httplib::Response& response);
  /// 429 with Retry-After when the client sent too many wrong keys; kPass otherwise.
  GuardVerdict Throttle(const httplib::Request& request, httplib::Response& response);
  GuardVerdict LoginPage(httplib::Response& response, std::string reason) const;

  GuardSettings settings_;
  std::shared_ptr<const AccessGate> gate_;
  std::string csrf_token_;
  FailureLimiter failures_;
  std::mutex mutex_;
  // Cookie value -> the key that opened the session, checked again at every request.
  std::unordered_map<std::string, std::string> sessions_;
};

/// POST /api/v1/events and the SDKs' paths (IsSdkEventPath, server/api_server.h).
bool IsEventPath(std::string_view path);

/// The key in an event post's head: Bearer, Basic (Segment), ?key= or ?api_key= (PostHog); "".
std::string EventHeadKey(const httplib::Request& request);

/// "localhost", "*.localhost", 127.0.0.0/8, ::1 (and their IPv4-mapped form).
bool IsLoopbackName(std::string_view host);

/// The headers sent with every response: a Content-Security-Policy the dashboard passes (no
/// inline or evaluated script; inline styles, which Plotly sets), nosniff, no framing, no referrer.
std::vector<std::pair<std::string, std::string>> SecurityHeaders();

/// The name of the query parameter that carries a key (never a command option).
inline constexpr std::string_view kKeyParameter = "key";

}  // namespace growthlens::server
