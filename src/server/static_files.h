#pragma once
// The dashboard's files: the embedded copies (src/server/web_assets.h), or with --web-root the
// same paths read from that folder at request time (development). Pages and scripts are
// re-validated (Cache-Control: no-cache, ETag, 304); Plotly at /vendor/plotly.min.js is cached
// for a day. Clients that accept gzip get the copy compressed at build time.

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "server/web_assets.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace growthlens::server {

/// Answers a GET or HEAD of `request.path` if it names a served asset; false otherwise (also for
/// a --web-root file that is missing or resolves outside the root).
bool ServeStaticFile(const std::string& web_root, const httplib::Request& request,
                     httplib::Response& response);

/// An asset's bytes: the embedded copy, or the file under `web_root` when one is given. Vendor
/// files (Plotly) are always the embedded copy, pinned by web/package-lock.json.
Result<std::string> ReadWebAsset(const std::string& web_root, const WebAsset& asset);

/// Sends `body` without copying it: the shared text (e.g. a cached response) stays alive until
/// the response is written.
void SendShared(httplib::Response& response, std::shared_ptr<const std::string> body,
                const std::string& content_type);

/// Removes "br" from the request's Accept-Encoding. cpp-httplib as Debian builds it compresses
/// brotli at quality 11 on every response: 7.7 s for Plotly's 4.8 MB, against 0.14 s for gzip,
/// which it then uses.
void PreferGzip(const httplib::Request& request);

/// Drops the request's Range: every answer is sent whole (RFC 9110 lets a server ignore Range).
/// cpp-httplib 0.11 does not check ranges against the body: an offset past the end sent other
/// memory, and a multi-range announced a 100 GB body.
void IgnoreRanges(const httplib::Request& request);

}  // namespace growthlens::server
