#pragma once
// Where a request carries a key, read from text a client controls (fuzzed:
// fuzz/request_credentials_fuzz.cc): the Authorization header's bearer token, a cookie of the
// Cookie header, and the body the login page posts.

#include <string>
#include <string_view>

namespace growthlens::server {

/// The token of "Bearer TOKEN" (the scheme in any case, RFC 7235; spaces around the token
/// dropped), or "" for another scheme or none.
std::string BearerToken(std::string_view authorization);

/// The value of cookie `name` in a Cookie header ("a=1; name=value"), or "".
std::string CookieValue(std::string_view cookie_header, std::string_view name);

/// The key of the login page's body, {"key": "..."}; "" when the body is not a JSON object
/// with a string "key" of at most `max_length` bytes.
std::string LoginKey(std::string_view body, size_t max_length);

}  // namespace growthlens::server
