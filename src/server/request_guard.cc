#include "server/request_guard.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <httplib.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <random>

#include "server/api_error.h"
#include "server/api_responses.h"
#include "server/api_server.h"
#include "server/request_credentials.h"
#include "server/static_files.h"

namespace growthlens::server {

namespace {

constexpr std::string_view kSessionCookie = "growthlens_session";
constexpr size_t kMaxSessions = 1024;
constexpr std::string_view kLoginPath = "/api/v1/login";
constexpr std::string_view kLogoutPath = "/api/v1/logout";
// The login page's body is one short JSON object; a larger one is refused before it is read.
constexpr size_t kMaxLoginBody = 4096;
constexpr size_t kMaxKeyLength = 1024;

/// What the login page needs before anyone logs in: nothing in them is private.
bool IsPublicAsset(const std::string& path) {
  return path == "/login.js" || path == "/styles.css" || path == "/favicon.svg";
}

std::string Lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

std::string RandomToken() {
  std::random_device device;
  std::string token;
  for (int word = 0; word < 8; ++word) token += fmt::format("{:08x}", device());
  return token;
}

/// "Host: [::1]:8501" -> "::1"; "localhost:8501" -> "localhost"; "example.com." -> "example.com".
std::string HostName(std::string_view host) {
  if (host.starts_with('[')) {
    const size_t close = host.find(']');
    host = close == std::string_view::npos ? std::string_view() : host.substr(1, close - 1);
  } else if (const size_t colon = host.find(':');
             colon != std::string_view::npos &&
             host.find(':', colon + 1) == std::string_view::npos) {
    host = host.substr(0, colon);
  }
  if (host.ends_with('.')) host.remove_suffix(1);
  return Lower(host);
}

bool IsIpAddress(const std::string& name) {
  std::array<unsigned char, 16> buffer{};
  return inet_pton(AF_INET, name.c_str(), buffer.data()) == 1 ||
         inet_pton(AF_INET6, name.c_str(), buffer.data()) == 1;
}

bool IsWildcard(const std::string& host) {
  return host.empty() || host == "0.0.0.0" || host == "::" || host == "*";
}

bool ReadsOnly(const httplib::Request& request) {
  return request.method == "GET" || request.method == "HEAD";
}

/// The value of the query parameter `name` in the request's target, or "".
std::string QueryValue(const httplib::Request& request, std::string_view name) {
  const size_t query = request.target.find('?');
  if (query == std::string::npos) return "";
  httplib::Params params;
  httplib::detail::parse_query_text(request.target.substr(query + 1), params);
  const auto found = params.find(std::string(name));
  return found == params.end() ? "" : found->second;
}

/// The ?key= value of the request's query string, or "".
std::string QueryKey(const httplib::Request& request) {
  return QueryValue(request, kKeyParameter);
}

constexpr std::string_view kEventKeyHelp =
    "sending events needs a write key (or an ingest key, which may only send events) from every "
    "address: create one with `growthlens workspace keys create --role write --workspace W` (or "
    "--role ingest) and send it as `Authorization: Bearer KEY`; Segment's SDKs send it as their "
    "write key, PostHog's as their api_key";

bool IsFormType(const std::string& content_type) {
  const std::string type = Lower(content_type.substr(0, content_type.find(';')));
  const std::string_view trimmed = std::string_view(type).substr(0, type.find_last_not_of(' ') + 1);
  return trimmed == "multipart/form-data" || trimmed == "application/x-www-form-urlencoded" ||
         trimmed == "text/plain";
}

GuardVerdict Refuse(int status, std::string message) {
  return {GuardVerdict::Kind::kRefuse, status, std::move(message)};
}

}  // namespace

bool IsEventPath(std::string_view path) {
  return path == "/api/v1/events" || IsSdkEventPath(path);
}

std::string EventHeadKey(const httplib::Request& request) {
  const std::string authorization = request.get_header_value("Authorization");
  if (std::string bearer = BearerToken(authorization); !bearer.empty()) return bearer;
  if (std::string basic = BasicAuthKey(authorization); !basic.empty()) return basic;
  if (std::string key = QueryKey(request); !key.empty()) return key;
  return QueryValue(request, "api_key");
}

bool IsLoopbackName(std::string_view host) {
  std::string name = Lower(host);
  if (name.starts_with("::ffff:")) name = name.substr(7);
  if (name == "localhost" || name.ends_with(".localhost") || name == "::1") return true;
  in_addr address{};
  return inet_pton(AF_INET, name.c_str(), &address) == 1 && (ntohl(address.s_addr) >> 24) == 127;
}

std::vector<std::pair<std::string, std::string>> SecurityHeaders() {
  return {
      {"Content-Security-Policy",
       "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' "
       "data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri "
       "'none'; form-action 'self'; frame-ancestors 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Cross-Origin-Resource-Policy", "same-origin"},
  };
}

RequestGuard::RequestGuard(GuardSettings settings, std::shared_ptr<const AccessGate> gate)
    : settings_(std::move(settings)), gate_(std::move(gate)), csrf_token_(RandomToken()) {
  for (std::string& host : settings_.allowed_hosts) host = HostName(host);
}

bool RequestGuard::HostAllowed(std::string_view host_header) const {
  const std::string name = HostName(host_header);
  if (name.empty()) return false;
  if (IsLoopbackName(name)) return true;
  for (const std::string& allowed : settings_.allowed_hosts)
    if (allowed == "*" || allowed == name) return true;
  // A rebinding attack needs a DNS name: an address in Host is what the user typed.
  if (IsWildcard(settings_.bind_host)) return IsIpAddress(name);
  return name == HostName(settings_.bind_host);
}

GuardVerdict RequestGuard::Check(const httplib::Request& request, httplib::Response& response) {
  if (!request.has_header("Host"))
    return Refuse(400, "the request has no Host header (HTTP/1.1 requires one)");
  if (const std::string host = request.get_header_value("Host"); !HostAllowed(host))
    return Refuse(403, fmt::format("Host '{}' is not served here; the server's operator can allow "
                                   "it with `growthlens serve --allowed-host NAME`",
                                   HostName(host)));
  if ((request.method == "POST" || request.method == "OPTIONS") && IsEventPath(request.path))
    return CheckEventPost(request, response);
  if (request.method == "POST" && (request.path == kLoginPath || request.path == kLogoutPath)) {
    // Anyone may try a key (at the pace Throttle allows), from this origin only, with a body
    // small enough to read before knowing who sends it.
    if (GuardVerdict origin = CheckOrigin(request); origin.kind != GuardVerdict::Kind::kPass)
      return origin;
    const std::string length = request.get_header_value("Content-Length");
    size_t bytes = 0;
    const auto [end, error] = std::from_chars(length.data(), length.data() + length.size(), bytes);
    if (error != std::errc() || end != length.data() + length.size() || bytes > kMaxLoginBody ||
        request.has_header("Transfer-Encoding"))
      return Refuse(413, fmt::format("the login body is one JSON object {{\"key\": \"...\"}} of at "
                                     "most {} bytes, sent with a Content-Length",
                                     kMaxLoginBody));
    return request.path == kLoginPath ? Throttle(request, response) : GuardVerdict{};
  }
  if (GuardVerdict key = CheckKey(request, response); key.kind != GuardVerdict::Kind::kPass)
    return key;
  if (ReadsOnly(request)) return {};
  return CheckOrigin(request);
}

bool RequestGuard::NeedsKey(const httplib::Request& request) const {
  if (!settings_.key_on_loopback && IsLoopbackName(request.remote_addr)) return false;
  return !(ReadsOnly(request) && IsPublicAsset(request.path));
}

GuardVerdict RequestGuard::Throttle(const httplib::Request& request, httplib::Response& response) {
  const int64_t wait = failures_.RetryAfter(request.remote_addr);
  if (wait == 0) return {};
  response.set_header("Retry-After", std::to_string(wait));
  return Refuse(429, fmt::format("too many wrong access keys from this address; try again in {} "
                                 "seconds",
                                 wait));
}

GuardVerdict RequestGuard::LoginPage(httplib::Response& response, std::string reason) const {
  const WebAsset* page = FindWebAsset("/login.html");
  if (page == nullptr) return Refuse(401, std::move(reason));
  Result<std::string> html = ReadWebAsset(settings_.web_root, *page);
  if (!html.ok()) return Refuse(401, std::move(reason));
  response.status = 401;
  response.set_header("WWW-Authenticate", "Bearer realm=\"growthlens\"");
  response.set_header("Cache-Control", "no-store");
  response.set_content(std::move(*html), "text/html; charset=utf-8");
  return {GuardVerdict::Kind::kAnswered, 401, std::move(reason)};
}

std::optional<Access> RequestGuard::SessionAccess(const std::string& session) {
  std::string key;
  {
    std::lock_guard lock(mutex_);
    const auto found = sessions_.find(session);
    if (found == sessions_.end()) return std::nullopt;
    key = found->second;
  }
  std::optional<Access> access = gate_->Grants(key);
  if (!access) {
    std::lock_guard lock(mutex_);
    sessions_.erase(session);
  }
  return access;
}

void RequestGuard::OpenSession(const httplib::Request& request, std::string key,
                               httplib::Response& response) {
  const std::string session = RandomToken();
  {
    std::lock_guard lock(mutex_);
    if (sessions_.size() >= kMaxSessions) sessions_.erase(sessions_.begin());
    sessions_.emplace(session, std::move(key));
  }
  // Behind a proxy that speaks https, the browser sends the cookie over https only.
  const bool https = Lower(request.get_header_value("X-Forwarded-Proto")) == "https";
  response.set_header("Set-Cookie", fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict{}",
                                                kSessionCookie, session, https ? "; Secure" : ""));
}

GuardVerdict RequestGuard::CheckKey(const httplib::Request& request, httplib::Response& response) {
  if (!NeedsKey(request)) return {};
  if (!gate_)
    return Refuse(403, "this server only answers on its own machine (no access key configured)");
  const std::string bearer = BearerToken(request.get_header_value("Authorization"));
  const std::string query_key = QueryKey(request);
  if (!bearer.empty() || !query_key.empty()) {
    if (GuardVerdict throttled = Throttle(request, response);
        throttled.kind != GuardVerdict::Kind::kPass)
      return throttled;
  }
  std::optional<Access> access;
  bool wrong_key = false;
  if (!bearer.empty()) {
    access = gate_->Grants(bearer);
    wrong_key = !access;
  } else if (const std::string cookie =
                 CookieValue(request.get_header_value("Cookie"), kSessionCookie);
             !cookie.empty()) {
    access = SessionAccess(cookie);
  }
  bool from_query = false;
  if (!access && !wrong_key && !query_key.empty()) {
    access = gate_->Grants(query_key);
    wrong_key = !access;
    from_query = access.has_value();
  }
  if (wrong_key) failures_.NoteFailure(request.remote_addr);
  if (!access) {
    std::string reason =
        wrong_key ? "this access key is not valid (mistyped, or revoked): send a read or write "
                    "key as `Authorization: Bearer KEY`"
                  : "this server needs an access key: send `Authorization: Bearer KEY`, or open "
                    "the dashboard and enter it";
    if (ReadsOnly(request) && !request.path.starts_with("/api/"))
      return LoginPage(response, std::move(reason));
    response.set_header("WWW-Authenticate", "Bearer realm=\"growthlens\"");
    return Refuse(401, std::move(reason));
  }
  if (*access == Access::kIngest)
    return Refuse(403,
                  "this access key may only send events; the dashboard and the API need a read "
                  "or write key");
  if (*access == Access::kRead && !ReadsOnly(request))
    return Refuse(403,
                  "this access key may only read (GET); changing data (uploads, saved views) "
                  "needs a write key");
  if (from_query) {
    OpenSession(request, query_key, response);
    // A page opened with ?key= continues without the key in its address (history, logs).
    if (ReadsOnly(request) && !request.path.starts_with("/api/"))
      return {GuardVerdict::Kind::kRedirect, 303, request.path};
  }
  return {};
}

void RequestGuard::Login(const httplib::Request& request, httplib::Response& response) {
  const std::string key = LoginKey(request.body, kMaxKeyLength);
  if (key.empty())
    return SendError(response, MakeError(400,
                                         "parameter 'key': send the access key as the JSON body "
                                         "{\"key\": \"...\"}",
                                         "key"));
  const std::optional<Access> access = gate_ ? gate_->Grants(key) : std::nullopt;
  if (!access) {
    failures_.NoteFailure(request.remote_addr);
    return SendError(response, MakeError(401,
                                         "this access key is not valid (mistyped, or revoked); "
                                         "ask whoever runs this server for a key",
                                         "key"));
  }
  if (*access == Access::kIngest)
    return SendError(response, MakeError(403,
                                         "this access key may only send events; the dashboard "
                                         "needs a read or write key",
                                         "key"));
  OpenSession(request, key, response);
  nlohmann::ordered_json body;
  body["access"] = *access == Access::kWrite ? "write" : "read";
  SendJson(response, 200, body.dump() + "\n");
}

void RequestGuard::Logout(const httplib::Request& request, httplib::Response& response) {
  if (const std::string cookie = CookieValue(request.get_header_value("Cookie"), kSessionCookie);
      !cookie.empty()) {
    std::lock_guard lock(mutex_);
    sessions_.erase(cookie);
  }
  response.set_header("Set-Cookie", fmt::format("{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
                                                kSessionCookie));
  SendJson(response, 200, "{\"logged_out\":true}\n");
}

GuardVerdict RequestGuard::CheckEventPost(const httplib::Request& request,
                                          httplib::Response& response) {
  // Browser SDKs post from their sites' pages: any origin may, with a key (never a cookie).
  response.set_header("Access-Control-Allow-Origin", "*");
  if (request.method == "OPTIONS") {
    response.status = 204;
    response.set_header("Access-Control-Allow-Methods", "POST, OPTIONS");
    response.set_header("Access-Control-Allow-Headers",
                        "Content-Type, Authorization, Content-Encoding");
    response.set_header("Access-Control-Max-Age", "86400");
    return {GuardVerdict::Kind::kAnswered, 204, "CORS preflight"};
  }
  if (GuardVerdict throttled = Throttle(request, response);
      throttled.kind != GuardVerdict::Kind::kPass)
    return throttled;
  const std::string key = EventHeadKey(request);
  // Without a key in the head, the body may carry one, and without any key configured the route
  // answers 409 (no workspace) before reading the body: AuthorizeEvents decides after reading it.
  if (key.empty() || !gate_) return {};
  return CheckEventKey(request, key, response);
}

GuardVerdict RequestGuard::AuthorizeEvents(const httplib::Request& request, std::string_view body,
                                           httplib::Response& response) {
  std::string key = EventHeadKey(request);
  if (!key.empty() && gate_) return {};  // Check judged it before the body was read
  if (key.empty()) key = BodyEventKey(body, kMaxKeyLength);
  if (key.empty()) {
    response.set_header("WWW-Authenticate", "Bearer realm=\"growthlens\"");
    return Refuse(401, std::string(kEventKeyHelp));
  }
  return CheckEventKey(request, key, response);
}

GuardVerdict RequestGuard::CheckEventKey(const httplib::Request& request, const std::string& key,
                                         httplib::Response& response) {
  const std::optional<Access> access = gate_ ? gate_->Grants(key) : std::nullopt;
  if (!access) {
    failures_.NoteFailure(request.remote_addr);
    response.set_header("WWW-Authenticate", "Bearer realm=\"growthlens\"");
    return Refuse(
        401, fmt::format("this access key is not valid (mistyped, or revoked); {}", kEventKeyHelp));
  }
  if (*access == Access::kRead)
    return Refuse(403,
                  "this access key may only read; sending events needs a write key or an ingest "
                  "key (`growthlens workspace keys create --role ingest --workspace W`)");
  return {};
}

GuardVerdict RequestGuard::CheckOrigin(const httplib::Request& request) const {
  const std::string fetch_site = Lower(request.get_header_value("Sec-Fetch-Site"));
  if (!fetch_site.empty() && fetch_site != "same-origin" && fetch_site != "none")
    return Refuse(403, fmt::format("a {} request may not change this server's data (it must come "
                                   "from the dashboard itself)",
                                   fetch_site));
  if (request.has_header("Origin")) {
    const std::string origin = Lower(request.get_header_value("Origin"));
    const size_t scheme = origin.find("://");
    const std::string authority = scheme == std::string::npos ? "" : origin.substr(scheme + 3);
    if (authority.empty() || authority != Lower(request.get_header_value("Host")))
      return Refuse(403, fmt::format("Origin '{}' may not change this server's data (it must "
                                     "come from the dashboard itself)",
                                     request.get_header_value("Origin")));
  }
  if (IsFormType(request.get_header_value("Content-Type")) &&
      BearerToken(request.get_header_value("Authorization")).empty() &&
      request.get_header_value("X-CSRF-Token") != csrf_token_)
    return Refuse(403,
                  "a form post needs the X-CSRF-Token header (GET /api/v1/status answers it "
                  "in X-CSRF-Token); to upload a CSV, send it as the body with Content-Type: "
                  "text/csv");
  return {};
}

}  // namespace growthlens::server
