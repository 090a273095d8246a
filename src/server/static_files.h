#pragma once
// The dashboard's files under the web root, and Plotly from its npm package at
// /vendor/plotly.min.js (cached by browsers for a day; pages are re-validated).

#include <memory>
#include <string>

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace growthlens::server {

/// Serves GET `request.path` from `web_root` if it names a dashboard file; false otherwise.
/// Never serves node_modules (other than Plotly's bundle), dot files or paths with "..".
bool ServeStaticFile(const std::string& web_root, const httplib::Request& request,
                     httplib::Response& response);

/// Sends `body` without copying it: the shared text (e.g. a cached response) stays alive until
/// the response is written.
void SendShared(httplib::Response& response, std::shared_ptr<const std::string> body,
                const std::string& content_type);

std::string PlotlyPath(const std::string& web_root);

/// Removes "br" from the request's Accept-Encoding. cpp-httplib as Debian builds it compresses
/// brotli at quality 11 on every response: 7.7 s for Plotly's 4.8 MB, against 0.14 s for gzip,
/// which it then uses.
void PreferGzip(const httplib::Request& request);

}  // namespace growthlens::server
