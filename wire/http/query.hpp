#pragma once
/// @file
/// Query-string decoding (application/x-www-form-urlencoded rules: '+' is a space).
#include <optional>
#include <string>
#include <string_view>

namespace wire::http {

/// Percent-decodes `s`, turning '+' into a space. nullopt on a '%' not followed by two hex digits.
std::optional<std::string> url_decode(std::string_view s);

/// Value of the first `name=value` pair in a raw query string whose decoded name equals `name`,
/// decoded. A bare `name` (no '=') yields "". nullopt if absent or if that value does not decode.
std::optional<std::string> find_query_param(std::string_view query, std::string_view name);

}  // namespace wire::http
