// libFuzzer target: the keys a request carries (issue 19.2), from text any client controls. The
// input is a request head, "METHOD TARGET" then "Name: value" lines, then a blank line and the
// body; it is read by the helpers of server/request_credentials.h (bearer token, Basic
// credentials, session cookie, the login page's JSON body, an SDK's key in a body of events) and
// then checked whole by a RequestGuard with a shared key, as
// every request is before routing (Host, key, session, Origin, the login route's limits), with
// POST /api/v1/login answered as the server does.
//
// Build (fuzz/CMakeLists.txt, clang): an executable of this file linked to growthlens_server;
// seeds in fuzz/corpus/request_credentials_fuzz/.

#include <httplib.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "server/access_gate.h"
#include "server/request_credentials.h"
#include "server/request_guard.h"

namespace {

/// The request the input describes, from a client that needs a key.
httplib::Request RequestOf(std::string_view input) {
  httplib::Request request;
  request.remote_addr = "192.0.2.7";
  const size_t head_end = input.find("\n\n");
  const std::string_view head = input.substr(0, head_end);
  if (head_end != std::string_view::npos) request.body = std::string(input.substr(head_end + 2));
  size_t line_start = 0;
  bool first = true;
  while (line_start <= head.size()) {
    const size_t line_end = std::min(head.find('\n', line_start), head.size());
    const std::string_view line = head.substr(line_start, line_end - line_start);
    if (first) {
      const size_t space = line.find(' ');
      request.method = std::string(line.substr(0, space));
      request.target = space == std::string_view::npos ? "/" : std::string(line.substr(space + 1));
      request.path = request.target.substr(0, request.target.find('?'));
      first = false;
    } else if (const size_t colon = line.find(':'); colon != std::string_view::npos) {
      std::string_view value = line.substr(colon + 1);
      while (value.starts_with(' ')) value.remove_prefix(1);
      request.headers.emplace(std::string(line.substr(0, colon)), std::string(value));
    }
    line_start = line_end + 1;
  }
  return request;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace growthlens::server;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const httplib::Request request = RequestOf(input);

  (void)BearerToken(request.get_header_value("Authorization"));
  (void)CookieValue(request.get_header_value("Cookie"), "growthlens_session");
  (void)LoginKey(request.body, 1024);
  (void)BasicAuthKey(request.get_header_value("Authorization"));
  (void)BodyEventKey(request.body, 1024);

  // A guard per input: the failures of earlier inputs would soon answer everything 429.
  RequestGuard guard(GuardSettings{"0.0.0.0", {"dashboard.example"}, false, ""},
                     std::make_shared<SharedKeyGate>("correct-horse-battery-staple"));
  httplib::Response response;
  const GuardVerdict verdict = guard.Check(request, response);
  if (verdict.kind == GuardVerdict::Kind::kPass && request.method == "POST" &&
      request.path == "/api/v1/login") {
    httplib::Response login;
    guard.Login(request, login);
  }
  // An event path's body is judged once read, as the collector does.
  if (verdict.kind == GuardVerdict::Kind::kPass && request.method == "POST" &&
      IsEventPath(request.path)) {
    httplib::Response events;
    (void)guard.AuthorizeEvents(request, request.body, events);
  }
  return 0;
}
