#pragma once
// The dashboard's files (pages, scripts, styles, icon) and Plotly, embedded into the binary at
// build time: tools/embed_web_assets.cc turns web/ and web/node_modules/plotly.js-dist-min into
// a generated table, so that `growthlens serve` needs no web folder. This is also the complete
// set of files the server ever sends: with --web-root (development) the same paths are read from
// that folder at request time, and nothing else.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/stable_hash.h"

namespace growthlens::server {

struct WebAsset {
  std::string_view path;  // the URL path: "/index.html", "/pages/home.js", "/vendor/plotly.min.js"
  std::string_view file;  // below web/: "index.html", "node_modules/plotly.js-dist-min/..."
  std::string_view content_type;
  std::string_view data;
  std::string_view gzip;  // `data` gzip-compressed at build time; empty where that does not pay
  std::string_view etag;  // ContentTag(data)
  bool served = true;     // false: a template the server fills in (report.html)
};

/// Every embedded file, sorted by path (generated at build time).
std::span<const WebAsset> EmbeddedWebAssets();

/// The asset a request path names ("/" is "/index.html"), or null: only exact paths of the table
/// match, so "//etc/passwd", "/%2e%2e/x", "/x.css%00" or "/pages\\..\\x" never do.
const WebAsset* FindWebAsset(std::string_view path);

/// A strong ETag for `content`: its 64-bit FNV-1a hash in hex, quoted. The build computes it for
/// the embedded files; --web-root files get it at request time.
inline std::string ContentTag(std::string_view content) {
  const uint64_t hash = Fnv1a64(content);
  constexpr char kHex[] = "0123456789abcdef";
  std::string tag = "\"";
  for (int shift = 60; shift >= 0; shift -= 4) tag += kHex[(hash >> shift) & 15];
  return tag + "\"";
}

}  // namespace growthlens::server
