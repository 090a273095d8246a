#pragma once
// How failures reach API clients: an HTTP status and a JSON body that names the parameter at
// fault, e.g. {"error": "--period 'year': expected one of day, week, month", "parameter":
// "period"}.

#include <string>
#include <string_view>
#include <variant>

#include "core/status.h"

namespace growthlens::server {

struct ApiError {
  int http_status = 400;
  std::string message;
  std::string parameter;  // "" = not about one parameter
  std::string detail;     // more for API clients (the CLI's wording); "" = none

  std::string Body() const;
};

/// 400 for bad arguments and unreadable input, 422 for data that cannot be analysed, 500 for
/// the server's own I/O; the parameter is the first "--name" or "parameter 'name'" in the message.
ApiError ErrorFromStatus(const Status& status);

ApiError MakeError(int http_status, std::string message, std::string parameter = "");

/// A value, or the error to answer with instead.
template <typename T>
using Reply = std::variant<T, ApiError>;

}  // namespace growthlens::server
