#include "server/web_assets.h"

#include <algorithm>

namespace growthlens::server {

const WebAsset* FindWebAsset(std::string_view path) {
  if (path == "/") path = "/index.html";
  const std::span<const WebAsset> assets = EmbeddedWebAssets();
  const auto found = std::lower_bound(
      assets.begin(), assets.end(), path,
      [](const WebAsset& asset, std::string_view wanted) { return asset.path < wanted; });
  return found != assets.end() && found->path == path ? &*found : nullptr;
}

}  // namespace growthlens::server
