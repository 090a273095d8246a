#pragma once
// Request bodies an SDK compressed itself: posthog-js sends its events gzipped with
// `?compression=gzip-js` and no Content-Encoding (which cpp-httplib would undo on its own). A body
// that starts with gzip's magic bytes is inflated here, by zlib through cpp-httplib, and refused
// as soon as it grows past the limit, so that a small body cannot expand into gigabytes.

#include <cstdint>
#include <string>
#include <string_view>

#include "server/api_error.h"

namespace growthlens::server {

/// Whether `body` starts with gzip's magic bytes (1f 8b): no JSON or NDJSON text does.
bool IsGzipBody(std::string_view body);

/// The inflated `body`: 413 with `too_large` past `max_bytes`, 400 when it is not valid gzip.
Reply<std::string> GunzipBody(std::string_view body, uint64_t max_bytes,
                              const std::string& too_large);

}  // namespace growthlens::server
