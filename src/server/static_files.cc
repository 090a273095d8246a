#include "server/static_files.h"

#include <httplib.h>

#include <array>
#include <filesystem>
#include <string_view>
#include <utility>

#include "server/downloads.h"

namespace growthlens::server {

namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kTypes = {{
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".json", "application/json"},
    {".woff2", "font/woff2"},
}};

std::string_view TypeOf(std::string_view path) {
  for (const auto& [extension, type] : kTypes)
    if (path.ends_with(extension)) return type;
  return {};
}

}  // namespace

std::string PlotlyPath(const std::string& web_root) {
  return (std::filesystem::path(web_root) / "node_modules" / "plotly.js-dist-min" / "plotly.min.js")
      .string();
}

void SendShared(httplib::Response& response, std::shared_ptr<const std::string> body,
                const std::string& content_type) {
  const size_t size = body->size();
  response.set_content_provider(
      size, content_type,
      [body = std::move(body)](size_t offset, size_t length, httplib::DataSink& sink) {
        return sink.write(body->data() + offset, std::min(length, body->size() - offset));
      });
}

void PreferGzip(const httplib::Request& request) {
  // The request is the server's own mutable object, handed to handlers as const.
  auto& headers = const_cast<httplib::Headers&>(request.headers);
  auto found = headers.find("Accept-Encoding");
  if (found == headers.end()) return;
  std::string kept;
  std::string_view rest = found->second;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    std::string_view token = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    if (token.starts_with("br")) continue;
    if (!kept.empty()) kept += ", ";
    kept += token;
  }
  found->second = kept;
}

bool ServeStaticFile(const std::string& web_root, const httplib::Request& request,
                     httplib::Response& response) {
  const std::string& path = request.path;
  std::string file;
  bool long_lived = false;
  if (path == "/" || path == "/index.html") {
    file = (std::filesystem::path(web_root) / "index.html").string();
  } else if (path == "/vendor/plotly.min.js") {
    file = PlotlyPath(web_root);
    long_lived = true;  // pinned by package-lock.json
  } else {
    if (path.find("..") != std::string::npos || path.find("/.") != std::string::npos ||
        path.starts_with("/node_modules") || path.starts_with("/api/"))
      return false;
    file = (std::filesystem::path(web_root) / path.substr(1)).string();
  }
  const std::string_view type = TypeOf(file);
  std::error_code error;
  if (type.empty() || !std::filesystem::is_regular_file(file, error)) return false;
  Result<std::string> content = ReadWholeFile(file);
  if (!content.ok()) return false;
  // Pages are re-validated so that an updated dashboard shows at once; Plotly is cached.
  response.set_header("Cache-Control", long_lived ? "public, max-age=86400" : "no-cache");
  SendShared(response, std::make_shared<const std::string>(std::move(content).value()),
             std::string(type));
  return true;
}

}  // namespace growthlens::server
