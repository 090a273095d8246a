#include "server/query_params.h"

#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "server/request_guard.h"

namespace growthlens::server {

QueryParams ParseQuery(std::string_view target) {
  httplib::Params parsed;
  if (const size_t query = target.find('?'); query != std::string_view::npos)
    httplib::detail::parse_query_text(std::string(target.substr(query + 1)), parsed);
  QueryParams params;
  for (const auto& [name, value] : parsed)
    if (name != kKeyParameter) params.emplace_back(name, value);
  return params;
}

std::optional<std::string> TakeParam(QueryParams& params, std::string_view name) {
  auto found = std::find_if(params.begin(), params.end(),
                            [name](const auto& param) { return param.first == name; });
  if (found == params.end()) return std::nullopt;
  std::string value = found->second;
  params.erase(found);
  return value;
}

Result<long> IntParam(QueryParams& params, std::string_view name, long fallback, long min,
                      long max) {
  const std::optional<std::string> text = TakeParam(params, name);
  if (!text) return fallback;
  char* end = nullptr;
  errno = 0;
  const long value = std::strtol(text->c_str(), &end, 10);
  if (text->empty() || *end != '\0' || errno == ERANGE || value < min || value > max)
    return Status(
        ErrorCode::kInvalidArgument,
        fmt::format("parameter '{}': '{}' is not a whole number in {}..{}", name, *text, min, max));
  return value;
}

Status RefuseLeftovers(const QueryParams& params, std::string_view route) {
  if (params.empty()) return Status::Ok();
  return Status(
      ErrorCode::kInvalidArgument,
      fmt::format("parameter '{}': not accepted by /api/v1/{}", params.front().first, route));
}

}  // namespace growthlens::server
