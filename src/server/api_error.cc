#include "server/api_error.h"

#include <nlohmann/json.hpp>

#include <cctype>

#include "app/json_text.h"

namespace growthlens::server {

namespace {

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
}

/// "--period 'year': ..." -> "period"; "parameter 'users': ..." -> "users".
std::string ParameterIn(std::string_view message) {
  constexpr std::string_view kQuoted = "parameter '";
  if (const size_t at = message.find(kQuoted); at != std::string_view::npos) {
    const size_t begin = at + kQuoted.size();
    const size_t end = message.find('\'', begin);
    if (end != std::string_view::npos) return std::string(message.substr(begin, end - begin));
  }
  for (size_t at = message.find("--"); at != std::string_view::npos;
       at = message.find("--", at + 2)) {
    size_t end = at + 2;
    while (end < message.size() && IsNameChar(message[end])) ++end;
    if (end > at + 2 && (at == 0 || !IsNameChar(message[at - 1])))
      return std::string(message.substr(at + 2, end - at - 2));
  }
  return "";
}

}  // namespace

std::string ApiError::Body() const {
  nlohmann::ordered_json body;
  body["error"] = message;
  body["parameter"] =
      parameter.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(parameter);
  if (!detail.empty()) body["detail"] = detail;
  return app::JsonText(body) + "\n";
}

ApiError ErrorFromStatus(const Status& status) {
  int http_status = 400;
  switch (status.code()) {
    case ErrorCode::kDataError:
      http_status = 422;
      break;
    case ErrorCode::kIoError:
      http_status = 500;
      break;
    case ErrorCode::kUnavailable:
      http_status = 503;  // with Retry-After (SendError)
      break;
    default:
      break;
  }
  std::string parameter = ParameterIn(status.message());
  return ApiError{http_status, status.message(), std::move(parameter), {}};
}

ApiError MakeError(int http_status, std::string message, std::string parameter) {
  return ApiError{http_status, std::move(message), std::move(parameter), {}};
}

}  // namespace growthlens::server
