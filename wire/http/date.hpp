#pragma once
/// @file
/// The HTTP Date header format (IMF-fixdate), computed without clocks or locale.
#include <cstdint>
#include <string>

namespace wire::http {

/// IMF-fixdate of a unix time, e.g. format_http_date(0) == "Thu, 01 Jan 1970 00:00:00 GMT".
/// Pure: the server reads the clock and caches the result once per second.
std::string format_http_date(std::int64_t unix_seconds);

}  // namespace wire::http
