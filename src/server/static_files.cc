#include "server/static_files.h"

#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <utility>

#include "server/downloads.h"

namespace growthlens::server {

namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

/// Calls `each` with every comma-separated element of a header value, trimmed.
template <typename Each>
void ForEachListItem(std::string_view list, Each each) {
  while (!list.empty()) {
    const size_t comma = list.find(',');
    each(Trim(list.substr(0, comma)));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
  }
}

/// Accept-Encoding lists gzip (or "*") without q=0; an explicit gzip entry wins over "*".
bool AcceptsGzip(const httplib::Request& request) {
  std::optional<bool> gzip, any;
  ForEachListItem(request.get_header_value("Accept-Encoding"), [&](std::string_view item) {
    const size_t semicolon = item.find(';');
    const std::string_view coding = Trim(item.substr(0, semicolon));
    const std::string_view quality =
        semicolon == std::string_view::npos ? "" : Trim(item.substr(semicolon + 1));
    const bool zero =
        quality.starts_with("q=0") && quality.find_first_not_of("0.", 2) == std::string_view::npos;
    if (coding == "gzip") gzip = !zero;
    if (coding == "*") any = !zero;
  });
  return gzip.value_or(any.value_or(false));
}

/// The gzip representation's tag: "abc" -> "abc-gzip" (a representation per encoding).
std::string GzipTag(std::string_view etag) {
  return fmt::format("{}-gzip\"", etag.substr(0, etag.size() - 1));
}

/// If-None-Match names this content (either representation) or is "*".
bool NotModified(const httplib::Request& request, std::string_view etag) {
  bool match = false;
  const std::string gzip_tag = GzipTag(etag);
  ForEachListItem(request.get_header_value("If-None-Match"), [&](std::string_view tag) {
    if (tag.starts_with("W/")) tag.remove_prefix(2);  // If-None-Match compares weakly
    match = match || tag == "*" || tag == etag || tag == gzip_tag;
  });
  return match;
}

bool Inside(const std::filesystem::path& root, const std::filesystem::path& path) {
  const auto [root_end, path_at] =
      std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  return root_end == root.end() && path_at != path.end();
}

/// `bytes` from static storage (the embedded files), without a copy.
void SendStatic(httplib::Response& response, std::string_view bytes,
                std::string_view content_type) {
  response.set_content_provider(bytes.size(), std::string(content_type),
                                [bytes](size_t offset, size_t length, httplib::DataSink& sink) {
                                  if (offset > bytes.size()) return false;
                                  return sink.write(bytes.data() + offset,
                                                    std::min(length, bytes.size() - offset));
                                });
}

}  // namespace

Result<std::string> ReadWebAsset(const std::string& web_root, const WebAsset& asset) {
  if (web_root.empty() || asset.file.starts_with("node_modules/")) return std::string(asset.data);
  std::error_code error;
  const std::filesystem::path root = std::filesystem::canonical(web_root, error);
  if (error)
    return Status(ErrorCode::kIoError,
                  fmt::format("--web-root '{}': {}", web_root, error.message()));
  // Canonical, so that a symbolic link (or a renamed folder) cannot lead outside the root.
  const std::filesystem::path file = std::filesystem::canonical(root / asset.file, error);
  if (error || !Inside(root, file) || !std::filesystem::is_regular_file(file, error))
    return Status(ErrorCode::kIoError,
                  fmt::format("--web-root '{}': no file {} inside it", web_root, asset.file));
  return ReadWholeFile(file.string());
}

bool ServeStaticFile(const std::string& web_root, const httplib::Request& request,
                     httplib::Response& response) {
  const WebAsset* asset = FindWebAsset(request.path);
  if (asset == nullptr || !asset->served) return false;
  const bool from_disk = !web_root.empty() && !asset->file.starts_with("node_modules/");
  std::string content;
  std::string etag(asset->etag);
  if (from_disk) {
    Result<std::string> read = ReadWebAsset(web_root, *asset);
    if (!read.ok()) return false;
    content = std::move(read).value();
    etag = ContentTag(content);
  }
  // Pages are re-validated so that an updated dashboard shows at once; Plotly is pinned by
  // web/package-lock.json and cached.
  response.set_header("Cache-Control",
                      asset->path.starts_with("/vendor/") ? "public, max-age=86400" : "no-cache");
  const bool gzip = !from_disk && !asset->gzip.empty() && AcceptsGzip(request);
  if (!asset->gzip.empty() || from_disk) response.set_header("Vary", "Accept-Encoding");
  response.set_header("ETag", gzip ? GzipTag(etag) : etag);
  if (NotModified(request, etag)) {
    response.status = 304;
    return true;
  }
  if (from_disk) {
    response.set_content(std::move(content), std::string(asset->content_type));  // httplib gzips
  } else if (gzip) {
    response.set_header("Content-Encoding", "gzip");
    SendStatic(response, asset->gzip, asset->content_type);
  } else {
    SendStatic(response, asset->data, asset->content_type);
  }
  return true;
}

void SendShared(httplib::Response& response, std::shared_ptr<const std::string> body,
                const std::string& content_type) {
  const size_t size = body->size();
  response.set_content_provider(
      size, content_type,
      [body = std::move(body)](size_t offset, size_t length, httplib::DataSink& sink) {
        if (offset > body->size()) return false;
        return sink.write(body->data() + offset, std::min(length, body->size() - offset));
      });
}

void PreferGzip(const httplib::Request& request) {
  // The request is the server's own mutable object, handed to handlers as const.
  auto& headers = const_cast<httplib::Headers&>(request.headers);
  auto found = headers.find("Accept-Encoding");
  if (found == headers.end()) return;
  std::string kept;
  ForEachListItem(found->second, [&kept](std::string_view token) {
    if (token.starts_with("br")) return;
    if (!kept.empty()) kept += ", ";
    kept += token;
  });
  found->second = kept;
}

void IgnoreRanges(const httplib::Request& request) {
  // The request is the server's own mutable object, handed to handlers as const.
  auto& mutable_request = const_cast<httplib::Request&>(request);
  mutable_request.ranges.clear();
  mutable_request.headers.erase("Range");
}

}  // namespace growthlens::server
