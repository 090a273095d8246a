#include "server/request_guard.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <random>

namespace growthlens::server {

namespace {

constexpr std::string_view kSessionCookie = "growthlens_session";
constexpr size_t kMaxSessions = 1024;

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

/// The value of cookie `name` in the Cookie header, or "".
std::string CookieValue(const httplib::Request& request, std::string_view name) {
  const std::string cookies = request.get_header_value("Cookie");
  std::string_view rest = cookies;
  while (!rest.empty()) {
    const size_t semicolon = rest.find(';');
    std::string_view item = rest.substr(0, semicolon);
    rest = semicolon == std::string_view::npos ? std::string_view() : rest.substr(semicolon + 1);
    while (item.starts_with(' ')) item.remove_prefix(1);
    if (item.starts_with(name) && item.size() > name.size() && item[name.size()] == '=')
      return std::string(item.substr(name.size() + 1));
  }
  return "";
}

/// The ?key= value of the request's query string, or "".
std::string QueryKey(const httplib::Request& request) {
  const size_t query = request.target.find('?');
  if (query == std::string::npos) return "";
  httplib::Params params;
  httplib::detail::parse_query_text(request.target.substr(query + 1), params);
  const auto found = params.find(std::string(kKeyParameter));
  return found == params.end() ? "" : found->second;
}

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
  if (GuardVerdict key = CheckKey(request, response); key.kind != GuardVerdict::Kind::kPass)
    return key;
  if (ReadsOnly(request)) return {};
  return CheckOrigin(request);
}

GuardVerdict RequestGuard::CheckKey(const httplib::Request& request, httplib::Response& response) {
  if (!settings_.key_on_loopback && IsLoopbackName(request.remote_addr)) return {};
  if (!gate_)
    return Refuse(403, "this server only answers on its own machine (no access key configured)");
  std::optional<Access> access;
  bool from_query = false;
  const std::string authorization = request.get_header_value("Authorization");
  if (authorization.starts_with("Bearer ")) {
    access = gate_->Grants(std::string_view(authorization).substr(7));
  } else if (const std::string cookie = CookieValue(request, kSessionCookie); !cookie.empty()) {
    std::lock_guard lock(mutex_);
    if (const auto found = sessions_.find(cookie); found != sessions_.end()) access = found->second;
  }
  if (!access) {
    if (const std::string key = QueryKey(request); !key.empty()) {
      access = gate_->Grants(key);
      from_query = access.has_value();
    }
  }
  if (!access) {
    response.set_header("WWW-Authenticate", "Bearer realm=\"growthlens\"");
    return Refuse(401,
                  "this server needs an access key: send `Authorization: Bearer KEY`, or open "
                  "the dashboard once as /?key=KEY");
  }
  if (*access == Access::kRead && !ReadsOnly(request))
    return Refuse(403, "this access key may only read (GET)");
  if (from_query) {
    const std::string session = RandomToken();
    {
      std::lock_guard lock(mutex_);
      if (sessions_.size() >= kMaxSessions) sessions_.erase(sessions_.begin());
      sessions_.emplace(session, *access);
    }
    response.set_header("Set-Cookie", fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict",
                                                  kSessionCookie, session));
    // A page opened with ?key= continues without the key in its address (history, logs).
    if (ReadsOnly(request) && !request.path.starts_with("/api/"))
      return {GuardVerdict::Kind::kRedirect, 303, request.path};
  }
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
      !request.get_header_value("Authorization").starts_with("Bearer ") &&
      request.get_header_value("X-CSRF-Token") != csrf_token_)
    return Refuse(403,
                  "a form post needs the X-CSRF-Token header (GET /api/v1/status answers it "
                  "in X-CSRF-Token); to upload a CSV, send it as the body with Content-Type: "
                  "text/csv");
  return {};
}

}  // namespace growthlens::server
