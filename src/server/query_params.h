#pragma once
// A request's query parameters as the API reads them (docs/API.md, Conventions): the query string
// only (never a form body), percent-decoded, in order; `key` (an access key) is never one of them.

#include <optional>
#include <string>
#include <string_view>

#include "app/param_spec.h"
#include "core/status.h"

namespace growthlens::server {

/// Name and value pairs, in the order given.
using QueryParams = app::ParamText;

/// The parameters of a request target ("/api/v1/kpis?from=2025-01-01").
QueryParams ParseQuery(std::string_view target);

/// Removes the first parameter `name` and returns its value, if any.
std::optional<std::string> TakeParam(QueryParams& params, std::string_view name);

/// Takes `name` as a whole number in [min, max] ("parameter 'users': '5' is not a whole number in
/// 10..2000000"), or `fallback` when absent.
Result<long> IntParam(QueryParams& params, std::string_view name, long fallback, long min,
                      long max);

/// An error naming the first parameter left over (not accepted by `route`).
Status RefuseLeftovers(const QueryParams& params, std::string_view route);

}  // namespace growthlens::server
