#pragma once
// Where a request carries a key, read from text a client controls (fuzzed:
// fuzz/request_credentials_fuzz.cc): the Authorization header's bearer token or Basic
// credentials, a cookie of the Cookie header, the body the login page posts, and the key an SDK
// puts in the events it sends.

#include <string>
#include <string_view>

namespace growthlens::server {

/// The token of "Bearer TOKEN" (the scheme in any case, RFC 7235; spaces around the token
/// dropped), or "" for another scheme or none.
std::string BearerToken(std::string_view authorization);

/// The key of "Basic BASE64(USER:PASSWORD)", as Segment's SDKs send their write key (the user,
/// with an empty password): the user, or the password when the user is empty; "" for another
/// scheme, bad base64 or no colon.
std::string BasicAuthKey(std::string_view authorization);

/// The value of cookie `name` in a Cookie header ("a=1; name=value"), or "".
std::string CookieValue(std::string_view cookie_header, std::string_view name);

/// The key of the login page's body, {"key": "..."}; "" when the body is not a JSON object
/// with a string "key" of at most `max_length` bytes.
std::string LoginKey(std::string_view body, size_t max_length);

/// The key an SDK sent in a body of events (docs/API.md, "Sending events"): Segment's `writeKey`
/// and PostHog's `api_key` (then `token`) of the body's object or of its events (the elements of
/// a top-level array or of `batch`), else PostHog's `properties.token`. Read by a SAX pass that
/// stops at the first `writeKey` or `api_key`, and at the body's first JSON value (the first line
/// of NDJSON). "" when there is none, or the key is longer than `max_length`.
std::string BodyEventKey(std::string_view body, size_t max_length);

}  // namespace growthlens::server
