#include "server/gzip_body.h"

#include <httplib.h>

namespace growthlens::server {

bool IsGzipBody(std::string_view body) {
  return body.size() >= 2 && static_cast<unsigned char>(body[0]) == 0x1f &&
         static_cast<unsigned char>(body[1]) == 0x8b;
}

Reply<std::string> GunzipBody(std::string_view body, uint64_t max_bytes,
                              const std::string& too_large) {
  std::string inflated;
  bool over = false;
  httplib::detail::gzip_decompressor decompressor;
  const bool ok =
      decompressor.is_valid() &&
      decompressor.decompress(body.data(), body.size(), [&](const char* data, size_t length) {
        if (inflated.size() + length > max_bytes) {
          over = true;
          return false;
        }
        inflated.append(data, length);
        return true;
      });
  if (over) return MakeError(413, too_large);
  if (!ok)
    return MakeError(400, "the body starts as gzip but does not inflate (damaged or cut short)");
  return inflated;
}

}  // namespace growthlens::server
