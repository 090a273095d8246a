#include "server/request_credentials.h"

#include <nlohmann/json.hpp>

namespace growthlens::server {

namespace {

std::string_view TrimmedSpaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::string BearerToken(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer";
  authorization = TrimmedSpaces(authorization);
  if (authorization.size() <= kScheme.size() || authorization[kScheme.size()] != ' ') return "";
  for (size_t at = 0; at < kScheme.size(); ++at)
    if ((authorization[at] | 0x20) != kScheme[at]) return "";
  return std::string(TrimmedSpaces(authorization.substr(kScheme.size() + 1)));
}

std::string CookieValue(std::string_view cookie_header, std::string_view name) {
  std::string_view rest = cookie_header;
  while (!rest.empty()) {
    const size_t semicolon = rest.find(';');
    const std::string_view item = TrimmedSpaces(rest.substr(0, semicolon));
    rest = semicolon == std::string_view::npos ? std::string_view() : rest.substr(semicolon + 1);
    if (item.size() > name.size() && item.starts_with(name) && item[name.size()] == '=')
      return std::string(item.substr(name.size() + 1));
  }
  return "";
}

std::string LoginKey(std::string_view body, size_t max_length) {
  const nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return "";
  const auto key = json.find("key");
  if (key == json.end() || !key->is_string()) return "";
  const std::string& text = key->get_ref<const std::string&>();
  return text.size() <= max_length ? std::string(TrimmedSpaces(text)) : std::string();
}

}  // namespace growthlens::server
